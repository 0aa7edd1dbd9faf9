// Section 3 of cgp-bench: whole training iterations (sample, forward, backward, optimizer step).
#include "bench.hpp"

#include <cgp/training/experiment.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace cgp::bench {

void bench_training(const Settings& s, Report& r)
{
    struct Case {
        std::string name;
        ModelChoice model;
        std::size_t batch;
        std::uint64_t iterations;
    };
    ModelChoice multi, one, wide;
    multi.model = "multi-neuron";
    one.model = "one-neuron";
    wide.layers = {64, 256, 256, 1};
    std::vector<Case> cases = {{"one-neuron", one, 8, 50000},
                               {"one-neuron", one, 32, 50000},
                               {"multi-neuron", multi, 8, 50000},
                               {"multi-neuron", multi, 32, 50000},
                               {"64-256-256-1", wide, 256, 300}};
    if (s.quick)
        for (Case& c : cases)
            c.iterations = std::max<std::uint64_t>(c.iterations / 10, 20);
    auto& rows = r.json["training"] = nlohmann::ordered_json::array();
    if (r.print_text) {
        fmt::print("\nTraining iterations (f32, best SIMD path, generated data; median of {} runs)\n",
                   s.harness.samples);
        fmt::print("{:<14} {:>5} {:<10} {:>12} {:>14}\n", "model", "batch", "plugin", "per iter", "iterations/s");
    }
    for (const Case& c : cases) {
        for (const auto& path : s.plugins) {
            const auto plugin = Plugin::load(path);
            const std::string name = fmt::format("training {} batch {} {}", c.name, c.batch, plugin->id());
            if (!selected(s, name))
                continue;
            RunSettings settings;
            settings.iterations = c.iterations;
            settings.batch_size = c.batch;
            settings.train.log_every = 1000;
            std::vector<double> per_iteration;
            for (int k = 0; k < s.harness.samples; ++k) {
                Experiment ex(make_model(c.model), DataChoice{}, plugin, plugin->defaults(), settings);
                const TrainSummary sum = ex.run({});
                per_iteration.push_back(sum.seconds / static_cast<double>(sum.iterations));
            }
            std::sort(per_iteration.begin(), per_iteration.end());
            const double median = per_iteration[per_iteration.size() / 2];
            if (r.print_text)
                fmt::print("{:<14} {:>5} {:<10} {:>12} {:>14.0f}\n", c.name, c.batch, plugin->id(),
                           format_seconds(median), 1.0 / median);
            rows.push_back({{"model", c.name},
                            {"batch", c.batch},
                            {"plugin", plugin->id()},
                            {"seconds_per_iteration", median},
                            {"iterations_per_second", 1.0 / median}});
        }
    }
}

} // namespace cgp::bench
