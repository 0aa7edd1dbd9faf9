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

namespace cgp::path {
namespace {

std::vector<std::string> words(const std::string& text)
{
    std::vector<std::string> out;
    std::string cur;
    for (char c : text + " ") {
        if (c == ' ' || c == '\t' || c == ',') {
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
    } catch (const Error& e) {
        throw Error(fmt::format("--optimizer {}: {}", text, e.what()));
    }
    spec.hparams = spec.plugin->defaults();
    const Plugin& p = *spec.plugin;
    for (std::size_t i = 1; i < w.size(); ++i) {
        const std::size_t eq = w[i].find('=');
        if (eq == std::string::npos || eq == 0)
            throw Error(fmt::format("--optimizer {}: '{}' is not KEY=VALUE\nhint: {}'s hyperparameters are:{}", text,
                                    w[i], p.id(), hparam_list(p)));
        const std::string key = w[i].substr(0, eq), value = w[i].substr(eq + 1);
        int index = -1;
        for (std::size_t h = 0; h < p.hparams().size(); ++h)
            if (p.hparams()[h].option_name() == key || p.hparams()[h].name == key)
                index = static_cast<int>(h);
        if (index < 0)
            throw Error(fmt::format("--optimizer {}: '{}' is not a hyperparameter of {} ({})\nhint: its "
                                    "hyperparameters are:{}",
                                    text, key, p.id(), p.path().string(), hparam_list(p)));
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
    std::vector<Path> paths;
    for (const OptimizerSpec& o : optimizers) {
        PluginOptimizer optimizer(o.plugin, o.hparams);
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
            optimizer.step(t, std::span<double>(params.data(), 2), std::span<const double>(grads.data(), 2),
                           std::span<double* const>(state_ptrs), false);
            p = {params.data()[0], params.data()[1]};
            loss = surface.evaluate(p, g);
            path.points.push_back({p[0], p[1], loss});
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
