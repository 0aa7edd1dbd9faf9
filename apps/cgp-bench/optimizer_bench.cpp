// Section 2 of cgp-bench: optimizer plugin steps (and optimizer files' with --optimizer-file), scalar and
// SIMD forms, against the bandwidth floor.
#include "bench.hpp"

#include <cgp/tape/aligned.hpp>
#include <cgp/data/rng.hpp>
#include <cgp/host/plugin_optimizer.hpp>

#include <fmt/format.h>

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

} // namespace

void bench_optimizers(const Settings& s, Report& r)
{
    const std::vector<std::size_t> sizes =
        s.quick ? std::vector<std::size_t>{1000, 100000} : std::vector<std::size_t>{1000, 100000, 10000000};
    auto& rows = r.json["optimizer"] = nlohmann::ordered_json::array();
    std::vector<std::filesystem::path> optimizers = s.plugins;
    optimizers.insert(optimizers.end(), s.optimizer_files.begin(), s.optimizer_files.end());
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
}

} // namespace cgp::bench
