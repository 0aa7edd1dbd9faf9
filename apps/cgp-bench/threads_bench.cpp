// Section 4 of cgp-bench: one run on several threads. The fork-join of a two-thread team, one dense
// layer split by rows against one thread by its work per pass (what sets kMinThreadedWork), and
// whole training iterations on one and two threads side by side.
#include "bench.hpp"

#include <cgp/graph/graph.hpp>
#include <cgp/data/rng.hpp>
#include <cgp/tape/tape.hpp>
#include <cgp/tape/threads.hpp>
#include <cgp/training/experiment.hpp>

#include <fmt/format.h>

#include <algorithm>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace cgp::bench {
namespace {

// Forward + backward of one batch with every dense layer split across `threads` (min_work 0).
Timing time_split(const Graph& g, std::size_t batch, unsigned threads, const Settings& s)
{
    Tape<float> tape(g, batch);
    tape.set_threads(threads, 0);
    fill_for_timing(tape);
    return measure([&] { keep(tape.forward_backward()); }, s.harness);
}

void fork_join(const Settings& s, Report& r)
{
#if defined(_OPENMP)
    const std::string name = "threads fork-join 2";
    if (!selected(s, name))
        return;
    int sink = 0;
    const Timing t = measure(
        [&] {
#pragma omp parallel num_threads(2)
            {
                if (omp_get_thread_num() == 0)
                    keep(sink);
            }
        },
        s.harness);
    r.json["threads"]["fork_join_seconds"] = t.median;
    if (r.print_text)
        fmt::print("Fork-join of a two-thread team (OpenMP, empty region): {}\n", format_seconds(t.median));
#else
    (void)s;
    (void)r;
#endif
}

void layers(const Settings& s, Report& r)
{
    const std::vector<int> widths = s.quick ? std::vector<int>{16, 64} : std::vector<int>{16, 32, 64, 128, 256};
    const std::vector<std::size_t> batches =
        s.quick ? std::vector<std::size_t>{8, 64} : std::vector<std::size_t>{8, 64, 256};
    auto& rows = r.json["threads"]["layers"] = nlohmann::ordered_json::array();
    bool header = false;
    for (int w : widths) {
        const Graph g = build_graph(layered_model({w, w}));
        for (std::size_t batch : batches) {
            const std::string name = fmt::format("threads layer {0}x{0} batch {1}", w, batch);
            if (!selected(s, name))
                continue;
            const std::size_t work =
                static_cast<std::size_t>(w) * static_cast<std::size_t>(w) * padded_count<float>(batch);
            const Timing one = time_split(g, batch, 1, s), two = time_split(g, batch, 2, s);
            if (r.print_text) {
                if (!header)
                    fmt::print("\nOne dense layer split by rows (f32, forward + backward; work = outputs x inputs x "
                               "padded batch; split from {} here)\n{:<10} {:>5} {:>9} {:>12} {:>12} {:>8}\n",
                               kMinThreadedWork, "layer", "batch", "work", "1 thread", "2 threads", "speed-up");
                header = true;
                fmt::print("{:<10} {:>5} {:>9} {:>12} {:>12} {:>7.2f}x\n", fmt::format("{0}x{0}", w), batch, work,
                           format_seconds(one.median), format_seconds(two.median), one.median / two.median);
            }
            rows.push_back(
                {{"layer", w}, {"batch", batch}, {"work", work}, {"seconds_1", one.median}, {"seconds_2", two.median}});
        }
    }
}

void training(const Settings& s, Report& r)
{
    const auto adam = std::find_if(s.plugins.begin(), s.plugins.end(),
                                   [](const std::filesystem::path& p) { return p.stem() == "adam"; });
    if (adam == s.plugins.end())
        return;
    const auto plugin = Plugin::load(*adam);
    struct Case {
        std::string name;
        ModelChoice model;
        std::size_t batch;
    };
    ModelChoice multi, wide, wider;
    multi.model = "multi-neuron";
    wide.layers = {64, 256, 256, 1};
    wider.layers = {1024, 1024, 1024, 1};
    std::vector<Case> cases = {{"multi-neuron", multi, 8}};
    for (std::size_t b : s.quick ? std::vector<std::size_t>{8, 256} : std::vector<std::size_t>{8, 64, 256, 1024, 4096})
        cases.push_back({"64-256-256-1", wide, b});
    if (!s.quick)
        for (std::size_t b : {8u, 256u})
            cases.push_back({"1024-1024-1024-1", wider, b});
    auto& rows = r.json["threads"]["training"] = nlohmann::ordered_json::array();
    bool header = false;
    for (const Case& c : cases) {
        const std::string name = fmt::format("threads training {} batch {} adam", c.name, c.batch);
        if (!selected(s, name))
            continue;
        const ModelSpec spec = make_model(c.model);
        double seconds[2] = {0, 0};
        std::size_t split = 0;
        for (unsigned threads : {1u, 2u}) {
            RunSettings settings;
            settings.batch_size = c.batch;
            settings.threads = threads;
            settings.iterations = std::max<std::uint64_t>(s.quick ? 5 : 20, (s.quick ? 2000 : 20000) / c.batch);
            settings.train.log_every = 1000;
            std::vector<double> per_iteration;
            for (int k = 0; k < std::min(s.harness.samples, 3); ++k) {
                Experiment ex(spec, DataChoice{}, plugin, plugin->defaults(), settings);
                split = std::max(split, ex.tape_stats().threaded_layers);
                const TrainSummary sum = ex.run({});
                per_iteration.push_back(sum.seconds / static_cast<double>(sum.iterations));
            }
            std::sort(per_iteration.begin(), per_iteration.end());
            seconds[threads - 1] = per_iteration[per_iteration.size() / 2];
        }
        if (r.print_text) {
            if (!header)
                fmt::print("\nTraining iterations on 1 and 2 threads (f32, adam, generated data; median)\n"
                           "{:<18} {:>5} {:>12} {:>12} {:>8} {:>13}\n",
                           "model", "batch", "1 thread", "2 threads", "speed-up", "split layers");
            header = true;
            fmt::print("{:<18} {:>5} {:>12} {:>12} {:>7.2f}x {:>13}\n", c.name, c.batch, format_seconds(seconds[0]),
                       format_seconds(seconds[1]), seconds[0] / seconds[1], split);
        }
        rows.push_back({{"model", c.name},
                        {"batch", c.batch},
                        {"seconds_1", seconds[0]},
                        {"seconds_2", seconds[1]},
                        {"split_layers", split}});
    }
}

} // namespace

void bench_threads(const Settings& s, Report& r)
{
    if (!threads_supported()) {
        if (r.print_text)
            fmt::print("\nThreads: this build has no OpenMP; every run is single-threaded\n");
        return;
    }
    if (r.print_text)
        fmt::print("\nThreads for one run (this process may use {})\n", default_threads());
    fork_join(s, r);
    layers(s, r);
    training(s, r);
}

} // namespace cgp::bench
