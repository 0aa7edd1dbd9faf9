// bench.hpp: the benchmark protocol: every optimizer tuned on every problem with the same budget,
// the chosen configuration repeated over seeds, all trials on every core and through the journal.
//
//   1. Tuning, on the validation split with the first seed: `budget` configurations drawn by random
//      search (search.hpp), each trained for the problem's step budget; or, with successive
//      halving (halving.hpp), the same configurations trained on a rising share of the steps, the
//      best 1/eta kept at each rung.
//   2. Selection: the configuration that reached the target in the fewest steps; when none did,
//      the lowest final validation loss (ties: the earlier trial).
//   3. Measurement, on the test split: the chosen configuration trained with `seeds` further seeds.
// Trials run in parallel (jobs threads); each is a pure function of its key, so the results are the
// same for any thread count, and finished trials are read back from the journal.
#pragma once

#include "journal.hpp"
#include "problems.hpp"
#include "search.hpp"

#include <cgp/host/plugin.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cgp::sweep {

enum class Method { Random, Halving };

struct BenchSpec {
    std::vector<BenchProblem> problems;
    std::vector<std::shared_ptr<const Plugin>> optimizers;
    std::vector<Distribution> search;
    std::size_t budget = 20; // configurations per optimizer and problem
    std::size_t seeds = 5;   // measurement seeds
    Method method = Method::Random;
    std::size_t eta = 3;    // halving: keep 1/eta at each rung
    std::uint64_t seed = 0; // the search's and the tuning runs' seed; measurement seeds follow it
};

// One problem x optimizer.
struct Cell {
    std::size_t problem = 0, optimizer = 0;
    std::vector<TrialResult> tuning; // every tuning trial, rung by rung
    std::size_t configurations = 0;  // configurations drawn (the budget)
    std::uint64_t tuning_steps = 0;  // steps spent tuning
    std::size_t chosen = 0;          // index into tuning
    std::vector<TrialResult> finals; // the chosen configuration on each measurement seed (test split)
};

struct BenchOutcome {
    std::vector<Cell> cells; // problem-major
    double wall_seconds = 0.0;
    std::size_t trials_run = 0, trials_reused = 0;
    unsigned jobs = 1;
    int signal = 0; // SIGINT/SIGTERM when interrupted
};

// The ranking of selection (true when a is the better trial).
bool better_trial(const TrialResult& a, const TrialResult& b);

// Runs (or reads from the journal) every trial. With journal_only, a trial missing from the
// journal is an error (cgp-sweep report on an unfinished benchmark).
BenchOutcome run_bench(const BenchSpec& spec, const Journal& journal, unsigned jobs, bool show_progress,
                       bool journal_only = false);

} // namespace cgp::sweep
