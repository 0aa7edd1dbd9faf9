// Optimizer specifications and running each optimizer's path through the host (cgp::PluginOptimizer).
#include "path.hpp"

#include <cgp/data/rng.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/error.hpp>
#include <cgp/tape/aligned.hpp>

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <optional>

namespace cgp::path {
namespace {

// Words separated by spaces, or by commas outside parentheses (a schedule's "linear(0.5,0.9,2000)").
std::vector<std::string> words(const std::string& text)
{
    std::vector<std::string> out;
    std::string cur;
    int depth = 0;
    for (char c : text + " ") {
        depth += c == '(' ? 1 : c == ')' ? -1 : 0;
        if (c == ' ' || c == '\t' || (c == ',' && depth <= 0)) {
            if (!cur.empty())
                out.push_back(cur);
            cur.clear();
        } else {
            cur += c;
        }
    }
    return out;
}

std::string hparam_list(const Plugin& plugin)
{
    std::string list;
    for (const HyperParam& h : plugin.hparams())
        list += fmt::format("\n  {} (default {:g}, {})", h.option_name(), h.default_value, h.range_text());
    return list.empty() ? " none" : list;
}

constexpr const char* kTransformList =
    "\n  schedule=NAME=SPEC, e.g. schedule=lr=cosine(min=1e-4) (repeatable)\n  decay=W, decay-mode=coupled|decoupled, "
    "decay-lr=X\n  clip-value=X, clip-norm=X, clip-norm-per-tensor=X";

// A transform spelt KEY=VALUE into s; false when KEY names none. Numbers are checked as cgp-run's
// options check them (cli_transforms.cpp).
bool transform_word(const std::string& key, const std::string& value, TransformSettings& s, const std::string& text)
{
    if (key == "schedule") {
        s.schedules.push_back(value);
        return true;
    }
    if (key == "decay-mode") {
        s.decay_mode = parse_decay_mode(value);
        return true;
    }
    struct Number {
        const char* key;
        double* to;
        bool zero_ok;
    };
    for (const Number& n : {Number{"decay", &s.decay, true}, Number{"decay-lr", &s.decay_lr, false},
                            Number{"clip-value", &s.clip_value, false}, Number{"clip-norm", &s.clip_norm, false},
                            Number{"clip-norm-per-tensor", &s.clip_norm_per_tensor, false}}) {
        if (key != n.key)
            continue;
        double v = 0.0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v) || v < 0 ||
            (v == 0 && !n.zero_ok))
            throw Error(fmt::format("--optimizer {}: {}={}: must be a finite number {} 0", text, key, value,
                                    n.zero_ok ? ">=" : ">"));
        *n.to = v;
        return true;
    }
    return false;
}

} // namespace

OptimizerSpec parse_optimizer(const std::string& text, const std::vector<std::filesystem::path>& search)
{
    const std::vector<std::string> w = words(text);
    if (w.empty())
        throw Error("--optimizer: empty\nhint: e.g. --optimizer sgd or --optimizer \"sgdplus momentum=0.9\"");
    OptimizerSpec spec;
    spec.text = text;
    try {
        spec.plugin = Plugin::load(resolve_plugin(w[0], search));
        refuse_closure_plugin(*spec.plugin, "cgp-path",
                              "its paths step the gradient of a surface, one evaluation per step");
    } catch (const Error& e) {
        throw Error(fmt::format("--optimizer {}: {}", text, e.what()));
    }
    spec.hparams = spec.plugin->defaults();
    const Plugin& p = *spec.plugin;
    for (std::size_t i = 1; i < w.size(); ++i) {
        const std::size_t eq = w[i].find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(fmt::format("--optimizer {}: '{}' is not KEY=VALUE\nhint: {}'s hyperparameters are:{}\nand "
                                    "the transforms:{}",
                                    text, w[i], p.id(), hparam_list(p), kTransformList));
        const std::string key = w[i].substr(0, eq), value = w[i].substr(eq + 1);
        try {
            if (transform_word(key, value, spec.transforms, text))
                continue;
        } catch (const Error& e) {
            const std::string what = e.what();
            throw Error(what.starts_with("--optimizer") ? what : fmt::format("--optimizer {}: {}", text, what));
        }
        int index = -1;
        for (std::size_t h = 0; h < p.hparams().size(); ++h)
            if (p.hparams()[h].option_name() == key || p.hparams()[h].name == key)
                index = static_cast<int>(h);
        if (index < 0)
            throw Error(fmt::format("--optimizer {}: '{}' is not a hyperparameter of {} ({})\nhint: its "
                                    "hyperparameters are:{}\nand the transforms:{}",
                                    text, key, p.id(), p.path().string(), hparam_list(p), kTransformList));
        double v = 0.0;
        const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(v))
            throw Error(fmt::format("--optimizer {}: {}: '{}' is not a finite number", text, key, value));
        spec.hparams[static_cast<std::size_t>(index)] = v;
    }
    try {
        p.validate(spec.hparams);
    } catch (const Error& e) {
        throw Error(fmt::format("--optimizer {}: {}", text, e.what()));
    }
    return spec;
}

std::vector<std::pair<std::string, std::string>> optimizer_settings(const OptimizerSpec& spec)
{
    std::vector<std::pair<std::string, std::string>> s{{"optimizer", spec.plugin->id()}};
    for (std::size_t h = 0; h < spec.hparams.size(); ++h)
        s.emplace_back(spec.plugin->hparams()[h].option_name(), fmt::format("{:g}", spec.hparams[h]));
    const TransformSettings& t = spec.transforms;
    for (const std::string& schedule : t.schedules)
        s.emplace_back("schedule", schedule);
    if (t.decay > 0)
        s.emplace_back("decay", fmt::format("{:g} {}", t.decay, to_string(t.decay_mode)));
    for (const auto& [name, v] :
         {std::pair{"decay-lr", t.decay_lr}, std::pair{"clip-value", t.clip_value}, std::pair{"clip-norm", t.clip_norm},
          std::pair{"clip-norm-per-tensor", t.clip_norm_per_tensor}})
        if (v > 0)
            s.emplace_back(name, fmt::format("{:g}", v));
    return s;
}

std::vector<Path> run_paths(const Surface& surface, const std::vector<OptimizerSpec>& optimizers,
                            std::array<double, 2> start, std::size_t steps, const Noise& noise)
{
    const double width = surface.box[1] - surface.box[0], height = surface.box[3] - surface.box[2];
    const auto far = [&](double x, double y) {
        return x < surface.box[0] - width / 2 || x > surface.box[1] + width / 2 || y < surface.box[2] - height / 2 ||
               y > surface.box[3] + height / 2;
    };
    Graph graph; // the host's view of the surface: two parameters, one tensor, no biases
    graph.params = {surface.axes[0], surface.axes[1]};
    std::vector<Path> paths;
    for (const OptimizerSpec& o : optimizers) {
        PluginOptimizer optimizer(o.plugin, o.hparams);
        std::optional<TransformChain> chain;
        try {
            chain.emplace(o.transforms, *o.plugin, o.hparams, graph, steps, steps + 1);
        } catch (const Error& e) {
            throw Error(fmt::format("--optimizer {}: {}", o.text, e.what()));
        }
        if (!chain->empty())
            optimizer.read_hparams_from(chain->hparams().data());
        // The host's arrays, as a training run holds them: aligned parameters, gradients, state.
        AlignedArray<double> params(2), grads(2);
        std::vector<AlignedArray<double>> state;
        std::vector<double*> state_ptrs;
        for (std::size_t s = 0; s < optimizer.state_count(); ++s)
            state.emplace_back(2);
        for (auto& s : state)
            state_ptrs.push_back(s.data());
        Rng rng(noise.seed);
        Path path;
        path.stop = "completed";
        std::array<double, 2> p = start, g{};
        params.data()[0] = p[0];
        params.data()[1] = p[1];
        optimizer.initialize_state(std::span<const double>(params.data(), 2), state); // as a training run starts
        double loss = surface.evaluate(p, g);
        path.points.push_back({p[0], p[1], loss});
        for (std::size_t t = 1; t <= steps; ++t) {
            if (!std::isfinite(loss) || !std::isfinite(g[0]) || !std::isfinite(g[1])) {
                path.stop = "non-finite loss or gradient";
                break;
            }
            params.data()[0] = p[0];
            params.data()[1] = p[1];
            grads.data()[0] = g[0];
            grads.data()[1] = g[1];
            if (noise.scale > 0)
                for (int i = 0; i < 2; ++i)
                    grads.data()[i] += noise.scale * rng.normal();
            if (!chain->empty())
                chain->before_step(t, std::span<double>(params.data(), 2), std::span<double>(grads.data(), 2));
            optimizer.step(t, std::span<double>(params.data(), 2), std::span<const double>(grads.data(), 2),
                           std::span<double* const>(state_ptrs), false);
            p = {params.data()[0], params.data()[1]};
            loss = surface.evaluate(p, g);
            path.points.push_back({p[0], p[1], loss});
            if (!chain->empty())
                chain->on_record(loss, true, t);
            if (far(p[0], p[1])) {
                path.stop = "left the surface";
                break;
            }
        }
        paths.push_back(std::move(path));
    }
    return paths;
}

} // namespace cgp::path
