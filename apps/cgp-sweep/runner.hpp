// runner.hpp: running a sweep's grid points, each once per seed, in parallel worker threads.
//
// Runs are independent Experiments sharing only the loaded plugins (pure functions), so any number
// train at once and each gives the result it would give alone. The first failure stops the sweep;
// so does Ctrl-C (SIGINT) or SIGTERM.
#pragma once

#include "grid.hpp"

#include <cgp/training/evaluation.hpp>
#include <cgp/training/trainer.hpp>

#include <atomic>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cgp::sweep {

struct RunResult {
    std::size_t point = 0;
    std::uint64_t seed = 0;
    TrainSummary summary;
    std::optional<EvalReport> evaluation; // with --validation, --test or --split: the held-out evaluation
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

// The memory `jobs` parallel runs can need at once: the sum of the `jobs` largest estimates.
std::uint64_t parallel_memory(std::vector<std::uint64_t> estimates, unsigned jobs);
// Throws cgp::Error when that sum is more than `available` (nullopt: unknown, no check), naming the
// number of parallel runs and what to try. CGP_NO_MEMORY_CHECK=1 skips the check, as for one run.
void check_parallel_memory(const std::vector<std::uint64_t>& estimates, unsigned jobs,
                           std::optional<std::uint64_t> available);
// The estimates of every run of the plan (each point once per seed).
std::vector<std::uint64_t> run_estimates(const Plan& plan);

// Task t of a plan is point t / seeds with seed number t % seeds. Trains that run; throws cgp::Error
// naming the run when it fails. `stop` is the run's stop flag (a signal number stops it).
RunResult run_task(const Plan& plan, std::size_t task, const std::atomic<int>* stop,
                   std::span<TrainObserver* const> observers = {});
// "run 'multi-neuron adam lr=1e-2' seed 3": task t for messages.
std::string describe_task(const Plan& plan, std::size_t task);

// Which tasks a sweep runs (nullopt: all of them; the others' results stay default, for the caller
// to fill from a journal or shards), and a callback for each run that finishes (not interrupted),
// called from the worker threads.
struct SweepWork {
    std::optional<std::vector<std::size_t>> tasks;
    std::function<void(std::size_t task, const RunResult& run)> finished;
};

// Runs everything on `jobs` threads (at most one per run), with one progress display on stderr.
SweepOutcome run_sweep(const Plan& plan, unsigned jobs, bool show_progress, const SweepWork& work = {});

} // namespace cgp::sweep
