// Section 3 of cgp-bench: whole training iterations (sample, forward, backward, optimizer step), and
// the same on CSV data with and without held-out evaluation, side by side.
#include "bench.hpp"

#include <cgp/training/experiment.hpp>

#include <fmt/format.h>

#include <cgp/data/data.hpp>
#include <cgp/io/atomic_file.hpp>
#include <cgp/tape/aligned.hpp>

#include <algorithm>
#include <filesystem>
#include <unistd.h>

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
    std::vector<std::shared_ptr<const Plugin>> plugins;
    for (const auto& path : s.plugins)
        plugins.push_back(Plugin::load(path));
    for (const Case& c : cases) {
        for (const auto& plugin : plugins) {
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
    bench_sampling(s, r);
    bench_evaluation(s, r);
}

void bench_sampling(const Settings& s, Report& r)
{
    const std::string name = "training sampling multi-neuron batch 8";
    if (!selected(s, name))
        return;
    // The batch a multi-neuron run at batch 8 draws: CGP's sampler over its 5000 generated samples.
    Rng rng(1);
    const Dataset data = generate_cgp_data(5000, 4, rng);
    const auto sampler = make_cgp_sampler(data, 2, 8);
    AlignedArray<float> columns(5 * 8);
    std::vector<float*> in, out{columns.data() + 4 * 8};
    for (std::size_t k = 0; k < 4; ++k)
        in.push_back(columns.data() + k * 8);
    const Timing t = measure(
        [&] {
            sampler->next(8, std::span<float* const>(in), std::span<float* const>(out));
            keep(columns[0]);
        },
        s.harness);
    if (r.print_text)
        fmt::print("\nSampling alone (CGP's sampler, 4 features, batch 8, f32): {} per batch\n",
                   format_seconds(t.median));
    r.json["training_sampling"] = {{"batch", 8}, {"features", 4}, {"seconds_per_batch", t.median}};
}

namespace {

// A CSV classification problem written for the benchmark: 3 Gaussian classes in 8 dimensions.
std::filesystem::path write_classes_csv(std::size_t rows)
{
    const auto path = std::filesystem::temp_directory_path() / fmt::format("cgp-bench-classes-{}.csv", ::getpid());
    std::string text;
    for (int k = 0; k < 8; ++k)
        text += fmt::format("f{},", k);
    text += "class\n";
    Rng rng(1);
    for (std::size_t i = 0; i < rows; ++i) {
        const std::size_t c = i % 3;
        for (int k = 0; k < 8; ++k)
            text += fmt::format("{:.6g},", rng.normal() + (static_cast<std::size_t>(k) % 3 == c ? 1.5 : 0.0));
        text += fmt::format("{}\n", c);
    }
    AtomicFile file(path);
    file.write(text);
    file.commit();
    return path;
}

} // namespace

void bench_evaluation(const Settings& s, Report& r)
{
    const std::uint64_t iterations = s.quick ? 2000 : 20000;
    struct Case {
        const char* name;
        bool held_out;
        std::uint64_t every;
    };
    const Case cases[] = {{"no held-out data", false, 0},
                          {"split, evaluated at the end", true, 0},
                          {"split, evaluated every 100", true, 100},
                          {"split, evaluated every 1000", true, 1000}};
    auto& rows = r.json["training_evaluation"] = nlohmann::ordered_json::array();
    std::vector<std::shared_ptr<const Plugin>> plugins;
    bool any = false;
    for (const auto& path : s.plugins) {
        plugins.push_back(Plugin::load(path));
        for (const Case& c : cases)
            any = any || selected(s, fmt::format("training evaluation {} {}", c.name, plugins.back()->id()));
    }
    if (!any)
        return;
    const std::filesystem::path csv = write_classes_csv(3000);
    if (r.print_text) {
        fmt::print("\nTraining with held-out evaluation (8-32-3 relu, cross-entropy, 3000 CSV rows split 0.8,0.1,0.1 "
                   "or all for training, batch 32, f32; median of {} runs)\n",
                   s.harness.samples);
        fmt::print("{:<30} {:<10} {:>12} {:>14}\n", "evaluation", "plugin", "per iter", "iterations/s");
    }
    for (const auto& plugin : plugins) {
        for (const Case& c : cases) {
            const std::string name = fmt::format("training evaluation {} {}", c.name, plugin->id());
            if (!selected(s, name))
                continue;
            ModelChoice model;
            model.layers = {8, 32, 3};
            model.activation = Activation::Relu;
            DataChoice data;
            data.source = csv.string();
            data.labels = {"class"};
            data.standardize = true;
            if (c.held_out)
                data.split = {0.8, 0.1, 0.1};
            RunSettings settings;
            settings.iterations = iterations;
            settings.batch_size = 32;
            settings.train.log_every = 100;
            settings.loss = Loss::CrossEntropy;
            settings.init.scheme = InitScheme::Auto;
            settings.eval.every = c.every;
            std::vector<double> per_iteration;
            for (int k = 0; k < s.harness.samples; ++k) {
                Experiment ex(make_model(model), data, plugin, plugin->defaults(), settings);
                const TrainSummary sum = ex.run({});
                per_iteration.push_back(sum.seconds / static_cast<double>(sum.iterations));
            }
            std::sort(per_iteration.begin(), per_iteration.end());
            const double median = per_iteration[per_iteration.size() / 2];
            if (r.print_text)
                fmt::print("{:<30} {:<10} {:>12} {:>14.0f}\n", c.name, plugin->id(), format_seconds(median),
                           1.0 / median);
            rows.push_back({{"evaluation", c.name},
                            {"plugin", plugin->id()},
                            {"seconds_per_iteration", median},
                            {"iterations_per_second", 1.0 / median}});
        }
    }
    std::filesystem::remove(csv);
}

} // namespace cgp::bench
