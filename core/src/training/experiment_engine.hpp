// experiment_engine.hpp: the type-specific half of an Experiment (tape, sampler and trainer for f32
// or f64), behind a small virtual interface. Internal to core.
#pragma once

#include <cgp/training/checkpoint.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/tape/tape.hpp>

namespace cgp {

struct Experiment::Engine {
    virtual ~Engine() = default;
    virtual TrainSummary run(std::uint64_t iterations, const TrainOptions& options,
                             std::span<TrainObserver* const> observers) = 0;
    virtual SimdPath path() const noexcept = 0;
    virtual std::vector<double> params() const = 0;
    // The run as it is now (without observers), and a checkpoint's state put back.
    virtual RunSnapshot snapshot() const = 0;
    virtual void restore(const Checkpoint& c) = 0;
};

template <class T>
struct EngineT final : Experiment::Engine {
    EngineT(const Graph& g, const Dataset& data, bool cgp_sampler, PluginOptimizer& opt, const RunSettings& s);
    TrainSummary run(std::uint64_t iterations, const TrainOptions& options,
                     std::span<TrainObserver* const> observers) override;
    SimdPath path() const noexcept override { return tape.simd_path(); }
    std::vector<double> params() const override;
    RunSnapshot snapshot() const override { return trainer.snapshot({}); }
    void restore(const Checkpoint& c) override;

    Tape<T> tape;
    std::unique_ptr<Sampler> sampler;
    Trainer<T> trainer;
};

} // namespace cgp
