// experiment_engine.hpp: the parts of an Experiment, internal to core: the dataset assembly and the
// type-specific half (tape, sampler and trainer for f32 or f64) behind a small virtual interface.
#pragma once

#include <cgp/training/checkpoint.hpp>
#include <cgp/training/evaluation.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/tape/tape.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace cgp {

// Words joined by sep, for messages ("a b c").
inline std::string join(const std::vector<std::string>& v, std::string_view sep = " ")
{
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : std::string(sep)) + s;
    return out;
}

// The run's datasets for the model: generated (from seed) or loaded from CSV, their feature columns
// bound to the model's inputs, split and standardised; sampler_name says how batches will be drawn.
struct RunData {
    Dataset train, validation, test;
    Standardization standardization;
};
RunData assemble_data(const DataChoice& data, const Graph& g, Loss loss, std::uint64_t seed, std::string& sampler_name);

struct Experiment::Engine {
    virtual ~Engine() = default;
    std::unique_ptr<TransformChain> chain;  // the host's transforms around the plugin's steps
    std::unique_ptr<Evaluation> evaluation; // held-out evaluation, when the run has held-out data
    virtual TrainSummary run(std::uint64_t iterations, const TrainOptions& options,
                             std::span<TrainObserver* const> observers) = 0;
    virtual SimdPath path() const noexcept = 0;
    virtual const TapeStats& tape_stats() const noexcept = 0;
    virtual std::vector<double> params() const = 0;
    // The run as it is now (without observers), and a checkpoint's state put back.
    virtual RunSnapshot snapshot() const = 0;
    virtual void restore(const Checkpoint& c) = 0;
};

template <class T>
struct EngineT final : Experiment::Engine {
    EngineT(const Graph& g, const Dataset& data, bool cgp_sampler, PluginOptimizer& opt, const RunSettings& s,
            const Dataset& validation, const Dataset& test, Link link);
    TrainSummary run(std::uint64_t iterations, const TrainOptions& options,
                     std::span<TrainObserver* const> observers) override;
    SimdPath path() const noexcept override { return tape.simd_path(); }
    const TapeStats& tape_stats() const noexcept override { return tape.stats(); }
    std::vector<double> params() const override;
    RunSnapshot snapshot() const override { return trainer.snapshot({}); }
    void restore(const Checkpoint& c) override;

    Tape<T> tape;
    std::unique_ptr<Sampler> sampler;
    Trainer<T> trainer;
};

} // namespace cgp
