// Section 2 of cgp-bench: optimizer plugin steps (and optimizer files' with --optimizer-file), scalar and
// SIMD forms, against the bandwidth floor; then each optimizer file's SIMD step against the compiled
// plugin it implements, timed one after the other.
#include "bench.hpp"

#include <cgp/tape/aligned.hpp>
#include <cgp/data/rng.hpp>
#include <cgp/host/plugin_optimizer.hpp>

#include <cgp/io/error.hpp>
#include <cgp/optfile/optfile.hpp>

#include <fmt/format.h>

#include <sstream>

namespace cgp::bench {
namespace {

template <class T>
struct Buffers {
    AlignedArray<T> p, g;
    std::vector<AlignedArray<T>> state;
    std::vector<T*> ptrs;
    Buffers(std::size_t n, std::size_t states) : p(n), g(n)
    {
        Rng rng(3);
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = static_cast<T>(rng.uniform(-1, 1));
            g[i] = static_cast<T>(rng.uniform(-1e-3, 1e-3));
        }
        for (std::size_t k = 0; k < states; ++k)
            state.emplace_back(n);
        for (auto& a : state)
            ptrs.push_back(a.data());
    }
};

// --optimizer-file "FILE [PLUGIN [NAME=VALUE ...]]": the file, and the plugin (with those values)
// it is compared with; without PLUGIN, the plugin whose id is the file's claimed algorithm, if any.
struct FileSpec {
    std::filesystem::path file;
    std::string versus;
    std::vector<std::pair<std::string, double>> values;
};

FileSpec parse_file_spec(const std::string& text)
{
    std::istringstream in(text);
    FileSpec spec;
    std::string word;
    in >> word;
    spec.file = word;
    in >> spec.versus;
    while (in >> word) {
        const std::size_t eq = word.find('=');
        std::size_t used = 0;
        double value = 0.0;
        try {
            value = eq == std::string::npos ? 0.0 : std::stod(word.substr(eq + 1), &used);
        } catch (const std::exception&) {
            used = 0;
        }
        if (eq == std::string::npos || eq == 0 || used == 0 || eq + 1 + used != word.size())
            throw Error(fmt::format("--optimizer-file '{}': '{}' is not NAME=VALUE\nhint: write --optimizer-file "
                                    "\"FILE PLUGIN NAME=VALUE ...\", e.g. \"amsgrad.opt adam amsgrad=1\"",
                                    text, word));
        spec.values.emplace_back(word.substr(0, eq), value);
    }
    return spec;
}

// One SIMD step of opt over n float parameters, timed.
Timing time_step(PluginOptimizer& opt, std::size_t n, const HarnessOptions& harness)
{
    Buffers<float> b(n, opt.state_count());
    std::uint64_t t = 0;
    return measure(
        [&] {
            opt.step(++t, b.p.span(), std::span<const float>(b.g.data(), n), std::span<float* const>(b.ptrs), false);
        },
        harness);
}

// Each file's step beside its plugin's, at each size, with their ratio.
void compare_files(const Settings& s, Report& r, const std::vector<FileSpec>& specs,
                   const std::vector<std::shared_ptr<const Plugin>>& plugins, const std::vector<std::size_t>& sizes)
{
    auto& rows = r.json["optimizer_files"] = nlohmann::ordered_json::array();
    bool header = false;
    for (const FileSpec& spec : specs) {
        const auto file = Plugin::load(spec.file);
        const std::string versus = spec.versus.empty() ? file->algorithm() : spec.versus;
        std::shared_ptr<const Plugin> plugin;
        for (const auto& p : plugins)
            if (!versus.empty() && p->id() == versus && !optfile::is_optimizer_file(p->path().string()))
                plugin = p;
        if (plugin == nullptr) {
            if (!spec.versus.empty())
                throw Error(fmt::format("--optimizer-file '{}': no plugin '{}'\nhint: name a plugin of the plugin "
                                        "folders, e.g. adam",
                                        spec.file.string(), spec.versus));
            continue;
        }
        std::vector<double> values = plugin->defaults();
        std::string label = plugin->id();
        for (const auto& [name, value] : spec.values) {
            const int i = plugin->find_hparam(name);
            if (i < 0)
                throw Error(fmt::format("--optimizer-file '{}': plugin '{}' has no hyperparameter '{}'\nhint: "
                                        "cgp-run --optimizer {} --help lists its hyperparameters",
                                        spec.file.string(), plugin->id(), name, plugin->id()));
            values[static_cast<std::size_t>(i)] = value;
            label += fmt::format(" {}={:g}", name, value);
        }
        PluginOptimizer file_opt(file, file->defaults()), plugin_opt(plugin, values);
        for (std::size_t n : sizes) {
            if (!selected(s, fmt::format("optimizer {} {}", file->id(), n)))
                continue;
            const Timing f = time_step(file_opt, n, s.harness);
            const Timing p = time_step(plugin_opt, n, s.harness);
            if (r.print_text) {
                if (!header)
                    fmt::print("\nOptimizer files against the compiled plugins (f32, {}, median per step, timed one "
                               "after the other)\n{:<16} {:>9} {:>10}  {:<24} {:>10} {:>7}\n",
                               file->simd_path(), "file", "N", "time", "plugin", "time", "ratio");
                header = true;
                fmt::print("{:<16} {:>9} {:>10}  {:<24} {:>10} {:>6.2f}x\n", file->id(), n, format_seconds(f.median),
                           label, format_seconds(p.median), f.median / p.median);
            }
            rows.push_back({{"file", file->id()},
                            {"plugin", label},
                            {"n", n},
                            {"file_seconds", f.median},
                            {"plugin_seconds", p.median},
                            {"ratio", f.median / p.median}});
        }
    }
}

} // namespace

void bench_optimizers(const Settings& s, Report& r)
{
    const std::vector<std::size_t> sizes =
        s.quick ? std::vector<std::size_t>{1000, 100000} : std::vector<std::size_t>{1000, 100000, 10000000};
    auto& rows = r.json["optimizer"] = nlohmann::ordered_json::array();
    std::vector<std::filesystem::path> optimizers = s.plugins;
    std::vector<FileSpec> specs;
    for (const std::string& text : s.optimizer_files) {
        specs.push_back(parse_file_spec(text));
        optimizers.push_back(specs.back().file);
    }
    std::vector<std::shared_ptr<const Plugin>> plugins;
    bool any = false;
    for (const auto& path : optimizers) {
        plugins.push_back(Plugin::load(path));
        for (std::size_t n : sizes)
            any = any || selected(s, fmt::format("optimizer {} {}", plugins.back()->id(), n));
    }
    if (!any)
        return;
    const double triad = triad_bandwidth(s);
    r.json["machine"]["triad_gb_per_s"] = triad / 1e9;
    if (r.print_text) {
        fmt::print("One-thread triad bandwidth: {:.1f} GB/s\n", triad / 1e9);
        fmt::print("\nOptimizer steps (f32, median per step). floor = bytes moved / triad bandwidth ({:.1f} GB/s)\n",
                   triad / 1e9);
        fmt::print("{:<10} {:>9} {:<8} {:>10} {:>9} {:>9} {:>8} {:>9}\n", "plugin", "N", "form", "time", "ns/param",
                   "GB/s", "of triad", "x floor");
    }
    for (const auto& plugin : plugins) {
        if (needs_closure(*plugin)) { // its steps evaluate a loss, and these figures have none
            if (r.print_text)
                fmt::print("{:<10} (not measured: it evaluates the loss inside its steps, cgp.needs_closure/1; its "
                           "training figures measure it)\n",
                           plugin->id());
            continue;
        }
        PluginOptimizer opt(plugin, plugin->defaults());
        const std::size_t states = opt.state_count();
        // Every array read or written: params read and written, grads read, each state read and written.
        const double bytes_per_param = static_cast<double>((3 + 2 * states) * sizeof(float));
        for (std::size_t n : sizes) {
            const std::string base = fmt::format("optimizer {} {}", plugin->id(), n);
            if (!selected(s, base))
                continue;
            Buffers<float> b(n, states);
            for (bool scalar : {true, false}) {
                std::uint64_t t = 0;
                const Timing time = measure(
                    [&] {
                        opt.step(++t, b.p.span(), std::span<const float>(b.g.data(), n),
                                 std::span<float* const>(b.ptrs), scalar);
                    },
                    s.harness);
                const double bytes = bytes_per_param * static_cast<double>(n);
                const double gbs = bytes / time.median / 1e9;
                const double floor = bytes / triad;
                const std::string form = scalar ? "scalar" : plugin->simd_path();
                if (r.print_text)
                    fmt::print("{:<10} {:>9} {:<8} {:>10} {:>9.3f} {:>9.1f} {:>7.0f}% {:>9.2f}\n", plugin->id(), n,
                               form, format_seconds(time.median), time.median / static_cast<double>(n) * 1e9, gbs,
                               100.0 * gbs * 1e9 / triad, time.median / floor);
                rows.push_back({{"plugin", plugin->id()},
                                {"n", n},
                                {"form", form},
                                {"seconds", time.median},
                                {"ns_per_param", time.median / static_cast<double>(n) * 1e9},
                                {"bytes_per_step", bytes},
                                {"gb_per_s", gbs},
                                {"fraction_of_triad", gbs * 1e9 / triad},
                                {"times_floor", time.median / floor}});
            }
        }
    }
    compare_files(s, r, specs, plugins, sizes);
}

} // namespace cgp::bench
