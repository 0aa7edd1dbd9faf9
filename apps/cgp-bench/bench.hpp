// bench.hpp: the pieces of cgp-bench: settings, the report (text tables on stdout plus a JSON
// document), and one function per section.
#pragma once

#include "harness.hpp"

#include <cgp/data/rng.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/tape/simd.hpp>
#include <cgp/tape/tape.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

namespace cgp::bench {

struct Settings {
    HarnessOptions harness;
    bool quick = false;
    std::string filter; // run only cases whose name contains this
    std::vector<std::filesystem::path> plugins;
    std::vector<std::string> optimizer_files; // --optimizer-file "FILE [PLUGIN [NAME=VALUE ...]]"
    std::vector<SimdPath> paths;              // graph kernel paths to compare (scalar first)
};

// Whether a case named `name` is selected by --filter.
bool selected(const Settings& s, const std::string& name);

struct Report {
    nlohmann::ordered_json json = nlohmann::ordered_json::object();
    bool print_text = true;
};

// One thread, STREAM-style triad a = b + s*c on arrays far larger than the caches; bytes per
// second counting 3 arrays x 8 bytes per element (no write-allocate traffic, as STREAM counts).
double triad_bandwidth(const Settings& s);

void bench_graph(const Settings& s, Report& r);
// Part of the graph section: building layered and expression models (graph, tape, initial values).
void bench_build(const Settings& s, Report& r);
// The triad bandwidth is measured first, when (and only when) a case of the section is selected.
void bench_optimizers(const Settings& s, Report& r);
void bench_training(const Settings& s, Report& r);
// One run on several threads: fork-join cost, dense layers split by rows, training on 1 and 2 threads.
void bench_threads(const Settings& s, Report& r);
// CGP's sampler alone, drawing multi-neuron's batch of 8: the sampling part of a training iteration.
void bench_sampling(const Settings& s, Report& r);
// Training on CSV data without held-out data, and with a split evaluated at the end or every N.
void bench_evaluation(const Settings& s, Report& r);

std::string format_seconds(double seconds);

// Inputs uniform in [0, 1), targets 0 or 1, parameters uniform in [-0.1, 0.1]: a tape ready to time.
template <class T>
void fill_for_timing(Tape<T>& tape)
{
    const std::size_t batch = tape.batch_size();
    Rng rng(1);
    for (std::size_t k = 0; k < tape.input_count(); ++k)
        for (std::size_t b = 0; b < batch; ++b)
            tape.input(k)[b] = static_cast<T>(rng.uniform());
    for (std::size_t o = 0; o < tape.output_count(); ++o)
        for (std::size_t b = 0; b < batch; ++b)
            tape.target(o)[b] = static_cast<T>(rng.coin());
    for (T& p : tape.params())
        p = static_cast<T>(rng.uniform(-0.1, 0.1));
}

} // namespace cgp::bench
