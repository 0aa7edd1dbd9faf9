// trial.hpp: one benchmark trial: a problem trained by one optimizer with one set of
// hyperparameters for a number of steps and one seed, measured on a held-out split.
//
// A trial is a pure function of its key (problem, optimizer, stage, index, steps, seed): any
// machine, thread or order computes the same losses, so a journal of finished trials can be shared
// and a benchmark resumed. Only the seconds differ between machines.
#pragma once

#include "holdout.hpp"
#include "problems.hpp"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace cgp::sweep {

struct TrialKey {
    std::string problem, optimizer;
    std::string stage;     // "tune" (random search), "rung0", "rung1", ... (halving), "final"
    std::size_t index = 0; // trial number within the optimizer's budget, or the seed's number
    std::uint64_t steps = 0, seed = 0;
    Split split = Split::Validation;
    // "one-neuron~adam~tune~3~2000~0": the journal's file name (without .json).
    std::string id() const;
};

struct TrialResult {
    TrialKey key;
    std::vector<std::pair<std::string, std::string>> values; // searched hyperparameters as drawn
    std::vector<double> hparams;                             // every hyperparameter, plugin order
    std::vector<HeldOutPoint> curve;
    double final_loss = 0.0; // held-out loss after the last step (inf when the run diverged)
    double best_loss = 0.0;
    std::optional<std::uint64_t> steps_to_target; // first measured step at or below the target
    std::optional<double> seconds_to_target;
    double seconds = 0.0; // training time, the measuring left out
    std::string stop;     // "completed", "non-finite"
    bool interrupted = false;
};

// Runs the trial; throws cgp::Error naming it when the run cannot be built.
TrialResult run_trial(const BenchProblem& problem, const std::shared_ptr<const Plugin>& plugin, const TrialKey& key,
                      const std::vector<double>& hparams, const std::atomic<int>* stop);

} // namespace cgp::sweep
