// experiment_engine.hpp: the parts of an Experiment, internal to core: the dataset assembly and the
// type-specific half (tape, sampler and trainer for f32 or f64) behind a small virtual interface.
#pragma once

#include <cgp/training/checkpoint.hpp>
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

// The run's dataset for the model: generated (from seed) or loaded from CSV, its feature columns
// bound to the model's inputs; sampler_name says how batches will be drawn from it.
Dataset assemble_data(const DataChoice& data, const Graph& g, std::uint64_t seed, std::string& sampler_name);

struct Experiment::Engine {
    virtual ~Engine() = default;
    std::unique_ptr<TransformChain> chain; // the host's transforms around the plugin's steps
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
