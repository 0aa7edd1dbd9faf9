// The sweep grid: parsing --grid options, classifying keys, expanding and validating points.
#include "grid.hpp"

#include <cgp/io/error.hpp>
#include <cgp/training/groups.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>

namespace cgp::sweep {
namespace {

std::string trim(std::string s)
{
    const auto first = s.find_first_not_of(" \t");
    const auto last = s.find_last_not_of(" \t");
    return first == std::string::npos ? std::string() : s.substr(first, last - first + 1);
}

// "batch_size" and "batch-size" are the same key.
std::string dashed(std::string key)
{
    std::replace(key.begin(), key.end(), '_', '-');
    return key;
}

bool parse_number(const std::string& text, double& out)
{
    const char* first = text.data();
    const char* last = text.data() + text.size();
    if (first != last && *first == '+')
        ++first;
    const auto [p, ec] = std::from_chars(first, last, out);
    return ec == std::errc() && p == last && std::isfinite(out);
}

// Keys whose values are words, not numbers.
bool textual(const std::string& key)
{
    return key == "dtype" || key == "schedule" || key == "decay-mode" || key == "group";
}

void check_setting_value(const std::string& key, const AxisValue& v)
{
    if (key == "schedule") {
        parse_schedule(v.text, "--grid schedule"); // the spelling; names and ranges per point
        return;
    }
    if (key == "decay-mode") {
        parse_decay_mode(v.text);
        return;
    }
    if (key == "group") {
        parse_group(v.text); // the spelling; patterns, names and values per point
        return;
    }
    if (key == "decay" || key.starts_with("clip-")) {
        if (v.number < 0 || (v.number == 0 && key != "decay"))
            throw cli::UsageError(
                fmt::format("--grid {}: '{}' must be {} 0", key, v.text, key == "decay" ? ">=" : ">"));
        return;
    }
    if (key == "dtype") {
        if (v.text != "f32" && v.text != "f64")
            throw cli::UsageError(fmt::format("--grid dtype: '{}' is not a dtype; use f32 and/or f64", v.text));
        return;
    }
    const double n = v.number;
    const double least = key == "seed" ? 0.0 : key == "dataset-size" ? 2.0 : 1.0;
    if (n != std::floor(n) || n < least || n > 1e15)
        throw cli::UsageError(
            fmt::format("--grid {}: '{}' is not a whole number of at least {:g}", key, v.text, least));
}

std::string hparam_keys(const Plugin& p)
{
    std::string out;
    for (const HyperParam& h : p.hparams())
        out += (out.empty() ? "" : " ") + h.option_name();
    return out.empty() ? "(none)" : out;
}

// A schedule axis value replaces the --schedule of the same hyperparameter (or joins them).
void apply_schedule(TransformSettings& t, const std::string& text)
{
    const std::string name = parse_schedule(text).hparam;
    std::erase_if(t.schedules, [&](const std::string& s) { return parse_schedule(s).hparam == name; });
    t.schedules.push_back(text);
}

// A group axis value replaces the --group of the same pattern and name (or joins them).
void apply_group(TransformSettings& t, const std::string& text)
{
    const GroupSetting g = parse_group(text);
    std::erase_if(t.groups, [&](const std::string& s) {
        const GroupSetting other = parse_group(s);
        return other.pattern == g.pattern && other.name == g.name;
    });
    t.groups.push_back(text);
}

// Sets one axis value on a point: a hyperparameter, a run setting or a data setting.
void apply_value(const Axis& axis, const AxisValue& v, const Plugin& plugin, Point& p)
{
    const auto whole = static_cast<std::uint64_t>(v.number);
    if (axis.kind == AxisKind::HyperParam) {
        for (std::size_t i = 0; i < plugin.hparams().size(); ++i)
            if (plugin.hparams()[i].option_name() == axis.key)
                p.hparams[i] = v.number;
    } else if (axis.key == "batch-size") {
        p.settings.batch_size = static_cast<std::size_t>(whole);
    } else if (axis.key == "iterations") {
        p.settings.iterations = whole;
    } else if (axis.key == "seed") {
        p.settings.seed = whole;
    } else if (axis.key == "log-every") {
        p.settings.train.log_every = whole;
    } else if (axis.key == "dtype") {
        p.settings.dtype = parse_dtype(v.text);
    } else if (axis.key == "schedule") {
        apply_schedule(p.settings.transforms, v.text);
    } else if (axis.key == "group") {
        apply_group(p.settings.transforms, v.text);
    } else if (axis.key == "decay") {
        p.settings.transforms.decay = v.number;
    } else if (axis.key == "decay-mode") {
        p.settings.transforms.decay_mode = parse_decay_mode(v.text);
    } else if (axis.key == "clip-norm") {
        p.settings.transforms.clip_norm = v.number;
    } else if (axis.key == "clip-value") {
        p.settings.transforms.clip_value = v.number;
    } else if (axis.key == "dataset-size") {
        p.data.dataset_size = static_cast<std::size_t>(whole);
        p.data.dataset_size_given = true;
    }
}

} // namespace

const std::vector<std::string>& setting_keys()
{
    static const std::vector<std::string> keys{"batch-size", "iterations", "seed",       "dataset-size",
                                               "log-every",  "dtype",      "schedule",   "decay",
                                               "decay-mode", "clip-norm",  "clip-value", "group"};
    return keys;
}

GridOption parse_grid_option(const std::string& text)
{
    const auto eq = text.find('=');
    if (eq == std::string::npos)
        throw cli::UsageError(fmt::format("--grid {}: write KEY=VALUE,VALUE,... (e.g. --grid lr=1e-2,1e-3)", text));
    GridOption g;
    g.key = dashed(trim(text.substr(0, eq)));
    if (g.key.empty())
        throw cli::UsageError(fmt::format("--grid {}: the key before '=' is missing", text));
    std::string rest = text.substr(eq + 1);
    std::size_t start = 0;
    while (start <= rest.size()) {
        // A comma inside parentheses belongs to the value: --grid schedule=linear(0.5,0.9,100),constant
        std::size_t comma = start;
        for (int depth = 0; comma < rest.size() && (rest[comma] != ',' || depth > 0); ++comma)
            depth += rest[comma] == '(' ? 1 : rest[comma] == ')' ? -1 : 0;
        const std::string v = trim(rest.substr(start, comma - start));
        if (v.empty())
            throw cli::UsageError(fmt::format("--grid {}: an empty value; separate values with single commas", text));
        if (std::find(g.values.begin(), g.values.end(), v) != g.values.end())
            throw cli::UsageError(fmt::format("--grid {}: value '{}' is given twice", text, v));
        g.values.push_back(v);
        start = comma + 1;
    }
    return g;
}

bool applies(const Axis& axis, const Plugin& plugin)
{
    if (axis.key == "schedule") // to the optimizers with every scheduled hyperparameter
        return std::all_of(axis.values.begin(), axis.values.end(),
                           [&](const AxisValue& v) { return plugin.find_hparam(parse_schedule(v.text).hparam) >= 0; });
    if (axis.kind == AxisKind::Setting)
        return true;
    for (const HyperParam& h : plugin.hparams())
        if (h.option_name() == axis.key)
            return true;
    return false;
}

std::vector<Axis> make_axes(const std::vector<GridOption>& options,
                            const std::vector<std::shared_ptr<const Plugin>>& optimizers)
{
    std::vector<Axis> axes;
    for (const GridOption& g : options) {
        for (const Axis& a : axes)
            if (a.key == g.key)
                throw cli::UsageError(fmt::format("--grid {}: the key is given twice; list all its values in one "
                                                  "--grid option",
                                                  g.key));
        Axis axis;
        axis.key = g.key;
        const auto& settings = setting_keys();
        if (std::find(settings.begin(), settings.end(), g.key) != settings.end()) {
            axis.kind = AxisKind::Setting;
        } else {
            axis.kind = AxisKind::HyperParam;
            const bool known =
                std::any_of(optimizers.begin(), optimizers.end(), [&](const auto& p) { return applies(axis, *p); });
            if (!known) {
                std::string have;
                for (const auto& p : optimizers)
                    have += fmt::format("\n  {}: {}", p->id(), hparam_keys(*p));
                std::string setting_list;
                for (const auto& k : settings)
                    setting_list += (setting_list.empty() ? "" : " ") + k;
                throw cli::UsageError(fmt::format("--grid {}: '{}' is neither a run setting ({}) nor a "
                                                  "hyperparameter of the chosen optimizers, which have:{}",
                                                  g.key, g.key, setting_list, have));
            }
        }
        for (const std::string& text : g.values) {
            AxisValue v{text, 0.0};
            if (!textual(axis.key) && !parse_number(text, v.number))
                throw cli::UsageError(fmt::format("--grid {}: '{}' is not a finite number", g.key, text));
            if (axis.kind == AxisKind::Setting)
                check_setting_value(axis.key, v);
            axis.values.push_back(std::move(v));
        }
        axes.push_back(std::move(axis));
    }
    return axes;
}

std::string file_safe(const std::string& name)
{
    std::string out;
    for (char c : name)
        out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '=' || c == '+' ? c : '_';
    return out;
}

std::string value_text(const Plan& plan, const Point& point, std::size_t axis)
{
    const int i = point.value_index[axis];
    return i < 0 ? std::string("-") : plan.axes[axis].values[static_cast<std::size_t>(i)].text;
}

std::string describe(const Plan& plan, const Point& point)
{
    std::string out = fmt::format("{} {}", plan.models[point.model].name, plan.optimizers[point.optimizer]->id());
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
        if (point.value_index[a] >= 0)
            out += fmt::format(" {}={}", plan.axes[a].key, value_text(plan, point, a));
    return out;
}

std::vector<Point> expand(const Plan& plan, const RunSettings& base, const DataChoice& base_data)
{
    std::vector<Point> points;
    for (std::size_t m = 0; m < plan.models.size(); ++m) {
        std::optional<Graph> graph; // for checking the points' transforms, built when one has any
        for (std::size_t o = 0; o < plan.optimizers.size(); ++o) {
            const Plugin& plugin = *plan.optimizers[o];
            std::vector<std::size_t> used; // the axes that apply to this optimizer
            std::size_t count = 1;
            for (std::size_t a = 0; a < plan.axes.size(); ++a)
                if (applies(plan.axes[a], plugin)) {
                    used.push_back(a);
                    count *= plan.axes[a].values.size();
                }
            for (std::size_t k = 0; k < count; ++k) {
                Point p;
                p.model = m;
                p.optimizer = o;
                p.value_index.assign(plan.axes.size(), -1);
                // Mixed radix, the last axis varying fastest.
                std::size_t rest = k;
                for (std::size_t u = used.size(); u-- > 0;) {
                    const std::size_t n = plan.axes[used[u]].values.size();
                    p.value_index[used[u]] = static_cast<int>(rest % n);
                    rest /= n;
                }
                p.settings = base;
                p.data = base_data;
                p.hparams = plugin.defaults();
                for (const std::size_t a : used)
                    apply_value(plan.axes[a], plan.axes[a].values[static_cast<std::size_t>(p.value_index[a])], plugin,
                                p);
                try {
                    plugin.validate(p.hparams);
                    if (!p.settings.transforms.empty()) { // names, ranges over the planned steps, values
                        if (!graph)
                            graph = build_graph(plan.models[m].spec);
                        TransformChain(p.settings.transforms, plugin, p.hparams, *graph, p.settings.iterations);
                    }
                } catch (const Error& e) {
                    throw Error(fmt::format("grid point '{}': {}", describe(plan, p), e.what()));
                }
                points.push_back(std::move(p));
            }
        }
    }
    return points;
}

} // namespace cgp::sweep
