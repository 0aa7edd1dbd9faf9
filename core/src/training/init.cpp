// Initial parameter values: the schemes of --init, by fan-in and fan-out of the model's tensors, then
// values by name from --init-params and --set (cgp/training/init.hpp documents the order of draws).
#include <cgp/data/data.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>
#include <cgp/training/init.hpp>
#include <cgp/training/json_document.hpp>
#include <cgp/training/transforms.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>
#include <optional>
#include <sstream>
#include <tuple>

namespace cgp {
namespace {

struct SchemeName {
    InitScheme scheme;
    std::string_view name;
};
constexpr SchemeName kSchemes[] = {
    {InitScheme::Auto, "auto"},
    {InitScheme::Cgp, "cgp"},
    {InitScheme::Pytorch, "pytorch"},
    {InitScheme::XavierUniform, "xavier-uniform"},
    {InitScheme::XavierNormal, "xavier-normal"},
    {InitScheme::HeUniform, "he-uniform"},
    {InitScheme::HeNormal, "he-normal"},
    {InitScheme::Uniform, "uniform"},
    {InitScheme::Normal, "normal"},
};

constexpr std::string_view kSchemeList =
    "auto, cgp, pytorch, xavier-uniform, xavier-normal, he-uniform, he-normal, uniform:LO,HI, normal:MEAN,SD";

bool number(std::string_view t, double& v)
{
    const char* first = t.data();
    if (!t.empty() && t.front() == '+')
        ++first;
    const auto [ptr, ec] = std::from_chars(first, t.data() + t.size(), v);
    return !t.empty() && ec == std::errc() && ptr == t.data() + t.size() && std::isfinite(v);
}

// Fan-in and fan-out of each parameter's tensor, and the key that orders the draws.
struct Slot {
    double fan_in = 1, fan_out = 1;
    bool bias = false;
    std::tuple<int, int, std::size_t> key; // (variable or layer, bias, parameter index)
};

std::vector<Slot> slots(const Graph& g)
{
    const std::vector<int> owner = parameter_owners(g);
    const std::vector<int> layer = variable_layers(g);
    const std::vector<bool> bias = bias_mask(g);
    const std::size_t V = g.variables.size();
    std::vector<double> weights(V, 0.0), readers(V, 0.0);
    for (std::size_t i = 0; i < g.params.size(); ++i)
        if (owner[i] >= 0 && !bias[i])
            weights[static_cast<std::size_t>(owner[i])] += 1;
    // The variables of each node (two variables share one when one is a copy of the other), sorted
    // by node: each use is looked up in log time rather than by a scan of every variable.
    std::vector<std::pair<int, std::size_t>> by_node;
    by_node.reserve(V);
    for (std::size_t v = 0; v < V; ++v)
        by_node.emplace_back(g.variable_nodes[v], v);
    std::sort(by_node.begin(), by_node.end());
    for (std::size_t u = 0; u < V; ++u)
        for (int node : g.variable_uses[u])
            for (auto it = std::lower_bound(by_node.begin(), by_node.end(), std::make_pair(node, std::size_t{0}));
                 it != by_node.end() && it->first == node; ++it)
                readers[it->second] += 1;
    std::vector<Slot> out(g.params.size());
    for (std::size_t i = 0; i < g.params.size(); ++i) {
        Slot& s = out[i];
        s.bias = bias[i];
        const int v = owner[i];
        if (v < 0) {
            s.key = {static_cast<int>(V) + 1, 0, i};
            continue;
        }
        const std::size_t vu = static_cast<std::size_t>(v);
        const int l = layer[vu];
        if (l > 0) {
            s.fan_in = g.layers[static_cast<std::size_t>(l) - 1];
            s.fan_out = g.layers[static_cast<std::size_t>(l)];
            s.key = {l, bias[i] ? 1 : 0, i};
        } else {
            s.fan_in = std::max(1.0, weights[vu]);
            s.fan_out = std::max(1.0, readers[vu]);
            s.key = {v, bias[i] ? 1 : 0, i};
        }
    }
    return out;
}

// A --layers model's slots as runs of parameters that share one: each dense layer's weights and its
// biases, ordered by their key; the same draws as slots() gives one by one, with no work per parameter.
struct SlotRun {
    std::size_t begin = 0, end = 0;
    Slot slot;
};

std::vector<SlotRun> dense_slot_runs(const Graph& g)
{
    std::vector<SlotRun> runs;
    for (const DenseLayer& d : g.dense) {
        SlotRun w;
        w.slot.fan_in = g.layers[static_cast<std::size_t>(d.layer) - 1];
        w.slot.fan_out = g.layers[static_cast<std::size_t>(d.layer)];
        w.begin = d.weight_base;
        w.end = d.weight_base + d.M * d.K();
        w.slot.key = {d.layer, 0, w.begin};
        runs.push_back(w);
        if (d.bias_base < 0)
            continue;
        SlotRun b = w;
        b.slot.bias = true;
        b.begin = static_cast<std::size_t>(d.bias_base);
        b.end = b.begin + d.M;
        b.slot.key = {d.layer, 1, b.begin};
        runs.push_back(b);
    }
    return runs;
}

// A slot's draw with its bounds worked out once (a run of a million weights shares them): the
// same arithmetic as Rng::uniform(lo, hi) and the schemes' formulas, so the same values bit for bit.
class Draw {
public:
    Draw(const InitSettings& s, const Slot& slot)
    {
        const double in = slot.fan_in, out = slot.fan_out;
        const auto uniform = [&](double lo, double hi) {
            kind_ = Kind::Uniform;
            a_ = lo;
            b_ = hi - lo;
        };
        switch (s.scheme) {
        case InitScheme::Pytorch: {
            const double a = 1.0 / std::sqrt(in); // kaiming_uniform_(a=sqrt(5)) for weights; the bias bound
            uniform(-a, a);
            return;
        }
        case InitScheme::XavierUniform: {
            const double a = std::sqrt(6.0 / (in + out));
            slot.bias ? void(kind_ = Kind::Zero) : uniform(-a, a);
            return;
        }
        case InitScheme::XavierNormal:
            kind_ = slot.bias ? Kind::Zero : Kind::ScaledNormal;
            b_ = std::sqrt(2.0 / (in + out));
            return;
        case InitScheme::HeUniform: {
            const double a = std::sqrt(6.0 / in);
            slot.bias ? void(kind_ = Kind::Zero) : uniform(-a, a);
            return;
        }
        case InitScheme::HeNormal:
            kind_ = slot.bias ? Kind::Zero : Kind::ScaledNormal;
            b_ = std::sqrt(2.0 / in);
            return;
        case InitScheme::Uniform: uniform(s.a, s.b); return;
        case InitScheme::Normal:
            kind_ = Kind::Normal;
            a_ = s.a;
            b_ = s.b;
            return;
        case InitScheme::Auto:
        case InitScheme::Cgp: break;
        }
        kind_ = Kind::Unit;
    }

    double operator()(Rng& rng) const
    {
        switch (kind_) {
        case Kind::Unit: return rng.uniform();
        case Kind::Uniform: return a_ + b_ * rng.uniform();
        case Kind::ScaledNormal: return rng.normal() * b_;
        case Kind::Normal: return a_ + b_ * rng.normal();
        case Kind::Zero: break;
        }
        return 0.0;
    }

private:
    enum class Kind { Unit, Uniform, ScaledNormal, Normal, Zero };
    Kind kind_ = Kind::Unit;
    double a_ = 0.0, b_ = 1.0; // uniform: lo and hi - lo; normal: mean and standard deviation
};

} // namespace

void parse_init(std::string_view text, InitSettings& out)
{
    const std::size_t colon = text.find(':');
    const std::string_view name = text.substr(0, colon);
    const auto it =
        std::find_if(std::begin(kSchemes), std::end(kSchemes), [&](const SchemeName& n) { return n.name == name; });
    if (it == std::end(kSchemes))
        throw Error(fmt::format("unknown --init '{}'\nhint: use one of {}", text, kSchemeList));
    const bool given = it->scheme == InitScheme::Uniform || it->scheme == InitScheme::Normal;
    if (given != (colon != std::string_view::npos))
        throw Error(fmt::format("--init {}: {}", text,
                                given ? "give the distribution's two numbers, e.g. uniform:-0.1,0.1 or normal:0,0.01"
                                      : "this scheme takes no numbers"));
    out.scheme = it->scheme;
    if (!given)
        return;
    const std::string_view args = text.substr(colon + 1);
    const std::size_t comma = args.find(',');
    double a = 0, b = 0;
    if (comma == std::string_view::npos || !number(args.substr(0, comma), a) || !number(args.substr(comma + 1), b))
        throw Error(fmt::format("--init {}: write two numbers separated by a comma, e.g. {}:0,0.01", text, name));
    if (it->scheme == InitScheme::Uniform && !(a < b))
        throw Error(fmt::format("--init {}: uniform:LO,HI needs LO < HI", text));
    if (it->scheme == InitScheme::Normal && !(b > 0))
        throw Error(fmt::format("--init {}: normal:MEAN,SD needs SD > 0", text));
    out.a = a;
    out.b = b;
}

std::string to_string(const InitSettings& s)
{
    const auto it = std::find_if(std::begin(kSchemes), std::end(kSchemes),
                                 [&](const SchemeName& n) { return n.scheme == s.scheme; });
    std::string out(it->name);
    if (s.scheme == InitScheme::Uniform || s.scheme == InitScheme::Normal)
        out += fmt::format(":{:g},{:g}", s.a, s.b);
    return out;
}

std::pair<std::string, double> parse_set(std::string_view text)
{
    const std::size_t eq = text.find('=');
    double v = 0;
    if (eq == std::string_view::npos || eq == 0 || !number(trim_cell(text.substr(eq + 1)), v))
        throw Error(fmt::format("--set {}: write NAME=VALUE with a finite number, e.g. --set wa=0.5", text));
    return {std::string(trim_cell(text.substr(0, eq))), v};
}

InitScheme resolve_init(InitScheme scheme, const ModelSpec& model)
{
    if (scheme != InitScheme::Auto)
        return scheme;
    if (!model.generated)
        return InitScheme::Cgp;
    return model.activation == Activation::Relu ? InitScheme::HeUniform : InitScheme::XavierUniform;
}

std::vector<std::pair<std::string, double>> read_param_values(const std::string& path)
{
    const std::string text = read_input_file(path, "--init-params file", kCsvFileLimit,
                                             "--init-params takes a JSON or CSV file of parameter values");
    std::vector<std::pair<std::string, double>> out;
    const std::string_view body = trim_cell(text);
    if (!body.empty() && body.front() == '{') {
        const nlohmann::json j = parse_json_document(
            text, path, "--init-params takes a JSON object {\"name\": value, ...} or a saved model");
        const nlohmann::json& p = j.contains("parameters") ? j["parameters"] : j;
        if (!p.is_object())
            throw Error(fmt::format("--init-params {}: expected an object of name: value pairs", path));
        for (const auto& [name, value] : p.items()) {
            if (!value.is_number())
                throw Error(fmt::format("--init-params {}: the value of '{}' is not a number", path, name));
            out.emplace_back(name, value.get<double>());
        }
        return out;
    }
    std::istringstream in(text);
    std::string line;
    int number_of_line = 0;
    while (std::getline(in, line)) {
        ++number_of_line;
        const std::string_view l = trim_cell(line);
        if (l.empty())
            continue;
        const std::size_t comma = l.find(',');
        double v = 0;
        if (comma == std::string_view::npos || !number(trim_cell(l.substr(comma + 1)), v)) {
            if (number_of_line == 1 && comma != std::string_view::npos)
                continue; // a header row such as "name,value"
            throw SourceError(path, {number_of_line, 1}, line, "expected a row 'name,value' with a finite number");
        }
        out.emplace_back(std::string(trim_cell(l.substr(0, comma))), v);
    }
    return out;
}

template <class T>
void fill_initial_values(const Graph& g, const InitSettings& settings, std::uint64_t seed, std::span<T> values)
{
    if (values.size() != g.params.size())
        throw Error("internal error: initial values for a mismatched parameter array");
    InitSettings s = settings;
    if (s.scheme == InitScheme::Auto)
        s.scheme = InitScheme::Cgp;
    const bool by_name =
        s.scheme != InitScheme::Cgp && s.scheme != InitScheme::Uniform && s.scheme != InitScheme::Normal;
    Rng rng(seed);
    if (is_dense_model(g)) {
        std::vector<SlotRun> runs = dense_slot_runs(g);
        if (by_name)
            std::sort(runs.begin(), runs.end(),
                      [](const SlotRun& a, const SlotRun& b) { return a.slot.key < b.slot.key; });
        else
            std::sort(runs.begin(), runs.end(), [](const SlotRun& a, const SlotRun& b) { return a.begin < b.begin; });
        for (const SlotRun& r : runs) {
            const Draw draw(s, r.slot);
            const bool zero = s.zero_bias && r.slot.bias;
            for (std::size_t i = r.begin; i < r.end; ++i) {
                const double v = draw(rng); // drawn even when zeroed: the stream stays one
                values[i] = static_cast<T>(zero ? 0.0 : v);
            }
        }
    } else {
        const Graph scalar = g.dense.empty() ? Graph{} : scalar_form(g);
        const std::vector<Slot> slot = slots(g.dense.empty() ? g : scalar);
        std::vector<std::size_t> order(g.params.size());
        std::iota(order.begin(), order.end(), std::size_t{0});
        if (by_name)
            std::sort(order.begin(), order.end(),
                      [&](std::size_t a, std::size_t b) { return slot[a].key < slot[b].key; });
        for (std::size_t i : order)
            values[i] = static_cast<T>(Draw(s, slot[i])(rng));
        if (s.zero_bias)
            for (std::size_t i = 0; i < values.size(); ++i)
                if (slot[i].bias)
                    values[i] = T(0);
    }

    const auto index_of = [&](const std::string& name, const std::string& where) {
        const std::optional<std::size_t> at = g.params.find(name);
        if (!at)
            throw Error(fmt::format(
                "{}: the model has no parameter '{}'\nhint: its parameters are {}{}", where, name,
                fmt::join(g.params.begin(), g.params.begin() + std::min<std::ptrdiff_t>(8, std::ssize(g.params)), ", "),
                g.params.size() > 8 ? ", ..." : ""));
        return *at;
    };
    if (!s.params_file.empty()) {
        std::vector<bool> given(g.params.size(), false);
        for (const auto& [name, v] : read_param_values(s.params_file)) {
            const std::size_t i = index_of(name, "--init-params " + s.params_file);
            values[i] = static_cast<T>(v);
            given[i] = true;
        }
        for (std::size_t i = 0; i < given.size(); ++i)
            if (!given[i])
                throw Error(fmt::format("--init-params {}: gives no value for the model's parameter '{}'\nhint: the "
                                        "file must give every parameter; use --set NAME=VALUE for a few",
                                        s.params_file, g.params[i]));
    }
    for (const auto& [name, v] : s.set)
        values[index_of(name, "--set " + name)] = static_cast<T>(v);
}

template void fill_initial_values<float>(const Graph&, const InitSettings&, std::uint64_t, std::span<float>);
template void fill_initial_values<double>(const Graph&, const InitSettings&, std::uint64_t, std::span<double>);

std::vector<double> initial_values(const Graph& g, const InitSettings& settings, std::uint64_t seed)
{
    std::vector<double> values(g.params.size(), 0.0);
    fill_initial_values<double>(g, settings, seed, values);
    return values;
}

} // namespace cgp
