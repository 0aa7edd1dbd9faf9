// runner.hpp: running a sweep's grid points, each once per seed, in parallel worker threads.
//
// Runs are independent Experiments sharing only the loaded plugins (pure functions), so any number
// train at once and each gives the result it would give alone. The first failure stops the sweep;
// so does Ctrl-C (SIGINT) or SIGTERM.
#pragma once

#include "grid.hpp"

#include <cgp/training/trainer.hpp>

#include <vector>

namespace cgp::sweep {

struct RunResult {
    std::size_t point = 0;
    std::uint64_t seed = 0;
    TrainSummary summary;
};

struct SweepOutcome {
    std::vector<RunResult> runs; // point-major: the runs of point p are [p * seeds, (p + 1) * seeds)
    double wall_seconds = 0.0;   // from the first run's start to the last run's end
    unsigned jobs = 1;
    int signal = 0; // SIGINT/SIGTERM when interrupted, else 0
};

// Builds one run of every distinct model, data and batch shape without training, so a bad model,
// data file or setting is reported before the sweep starts. Throws cgp::Error naming the point.
void preflight(const Plan& plan);

// Runs everything on `jobs` threads (at most one per run), with one progress display on stderr.
SweepOutcome run_sweep(const Plan& plan, unsigned jobs, bool show_progress);

} // namespace cgp::sweep
