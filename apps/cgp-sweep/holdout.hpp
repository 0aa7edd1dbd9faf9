// holdout.hpp: the held-out measure the benchmark selects on (validation) and reports on (test).
//
// This is the one place the benchmark learns what a problem's held-out data is:
//   generated data  a fresh sample of the generator, seeded apart from the training data (a
//                   validation seed and a test seed derived from the run's seed)
//   CSV data        the problem's validation / test file when it names one (the real suite's and a
//                   problem file's `split` are written as such files, write_split); otherwise the
//                   training file itself.
// The meter measures the problem's loss (the squared error unless the problem says otherwise) over
// fixed held-out batches of the run's batch size, drawn once by the problem's own sampler
// (generated data: 4096 samples; CSV: every row, at most 8192), every eval_every steps and after the last step. It allocates only when built:
// measuring copies the parameters into its own tape and runs one forward pass.
#pragma once

#include "problems.hpp"

#include <cgp/training/experiment.hpp>
#include <cgp/training/trainer.hpp>

#include <chrono>
#include <memory>
#include <string_view>
#include <vector>

namespace cgp::sweep {

enum class Split { Validation, Test };
std::string_view to_string(Split s) noexcept;

// The held-out data set of a problem for a run with this seed (bound to the model's inputs).
Dataset heldout_data(const BenchProblem& problem, Split split, std::uint64_t run_seed,
                     const std::shared_ptr<const Plugin>& plugin);

struct HeldOutPoint {
    std::uint64_t step = 0;
    double seconds = 0.0; // training time up to this step, the measuring left out
    double loss = 0.0;
};

class HeldOutMeter : public TrainObserver {
public:
    // `run` is the experiment being trained; `heldout` outlives nothing (it is copied into batches).
    HeldOutMeter(const Experiment& run, const Dataset& heldout, std::uint64_t eval_every, std::uint64_t seed);
    ~HeldOutMeter() override;

    const std::vector<HeldOutPoint>& curve() const noexcept { return curve_; }
    // The held-out loss of the run's current parameters.
    double measure(const RunSnapshot& snapshot);

    void on_begin(const TrainStatus&) override;
    void on_iteration(const TrainStatus& status, const RunSnapshot& snapshot) override;
    void on_last_iteration(StopReason reason, const RunSnapshot& snapshot) override;

    struct Batches; // the held-out batches and the tape that measures them

private:
    std::unique_ptr<Batches> batches_;
    std::uint64_t every_;
    std::vector<HeldOutPoint> curve_;
    std::chrono::steady_clock::time_point start_;
    double measuring_seconds_ = 0.0;
    std::uint64_t last_step_ = 0;
    void record(std::uint64_t step, const RunSnapshot& snapshot);
};

} // namespace cgp::sweep
