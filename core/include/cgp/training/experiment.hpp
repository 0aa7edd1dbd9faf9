// cgp/training/experiment.hpp: one training run, set up from plain settings: the model, the data, the
// optimizer plugin with its hyperparameters, and the loop's options. cgp-run, cgp-sweep and
// cgp-bench all build their runs through it, so they agree on every default and every error.
#pragma once

#include <cgp/training/checkpoint.hpp>
#include <cgp/training/checkpoint_writer.hpp>
#include <cgp/data/data.hpp>
#include <cgp/graph/graph.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/training/trainer.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/training/transforms.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace cgp {

enum class Dtype { F32, F64 };
std::string_view to_string(Dtype d) noexcept;
Dtype parse_dtype(std::string_view text); // "f32" | "f64"

// Which model: exactly one of a preset or file (model), statements (expressions), or a layers
// config; nothing means the multi-neuron preset.
struct ModelChoice {
    std::string model;                    // preset name or model file path
    std::vector<std::string> expressions; // --expr statements
    std::vector<int> layers;              // --layers sizes
    std::optional<Activation> activation; // for --expr (default none) and --layers (default sigmoid)
    std::optional<bool> node_bias;        // for --expr (default no) and --layers (default yes)
    std::vector<std::string> outputs;     // for --expr
};
// Throws cgp::Error on contradictory choices, SourceError on bad statements or files.
ModelSpec make_model(const ModelChoice& choice);

struct DataChoice {
    std::string source = "generated"; // "generated" or a CSV path
    std::vector<std::string> labels;  // CSV label columns
    bool standardize = false;
    std::size_t dataset_size = 5000; // generated data
    bool dataset_size_given = false;
};

struct RunSettings {
    std::uint64_t iterations = 20000;
    std::size_t batch_size = 8;
    std::uint64_t seed = 0;
    Dtype dtype = Dtype::F32;
    SimdPath simd = SimdPath::Auto;
    TrainOptions train;            // the loop's behaviour: log_every, on_nonfinite, ...
    CheckpointSettings checkpoint; // a CheckpointWriter joins the observers when a path is set
    TransformSettings transforms;  // schedules, weight decay, clipping (transforms.hpp)
};

// The random streams of a run, all derived from --seed: initial weights, data generation, sampling.
struct Seeds {
    std::uint64_t init, data, sample;
    std::uint64_t optimizer; // the plugin's per-run seed (cgp.step_context/1)
    static Seeds from(std::uint64_t seed) noexcept
    {
        return {seed, seed + 0x9E3779B97F4A7C15ull, seed + 0x3C6EF372FE94F82Aull, seed + 0xDAA66D2C7DDF743Full};
    }
};

// A run, fully allocated: graph, dataset, tape, sampler, optimizer and trainer.
class Experiment {
public:
    Experiment(const ModelSpec& model, const DataChoice& data, std::shared_ptr<const Plugin> plugin,
               std::vector<double> hparams, const RunSettings& settings);
    ~Experiment();
    Experiment(const Experiment&) = delete; // the engine points into graph_ and data_
    Experiment& operator=(const Experiment&) = delete;

    TrainSummary run(std::span<TrainObserver* const> observers);

    // What identifies the run (model, data, optimizer, settings): a Checkpoint's fields up to seed.
    Checkpoint identity() const;
    // The complete state of the run now, with its identity.
    Checkpoint checkpoint() const;
    // Continues from a checkpoint; refuses (cgp::Error, naming `origin`) one written for another
    // model, data, optimizer, dtype, batch size or --log-every. Returns notes on hyperparameters that
    // differ from the checkpoint's (allowed: a hand-made schedule).
    std::vector<std::string> resume(const Checkpoint& c, const std::string& origin);

    const Graph& graph() const noexcept;
    const Dataset& dataset() const noexcept;
    const PluginOptimizer& optimizer() const noexcept;
    const TransformChain& transforms() const noexcept; // bound and checked before training
    const RunSettings& settings() const noexcept;
    SimdPath simd_path() const noexcept; // the graph kernels' resolved path
    std::size_t param_count() const noexcept;
    std::string data_description() const; // "generated: 5000 samples, CGP sampler"

    // Parameters as double, in parameter order (for reports, traces and checkpoints).
    std::vector<double> params() const;

    struct Engine;
    Engine& engine() noexcept { return *engine_; }

private:
    ModelSpec model_; // to read checkpoints of an older parameter order
    Graph graph_;
    Dataset data_;
    std::string sampler_name_;
    RunSettings settings_;
    std::unique_ptr<PluginOptimizer> optimizer_;
    std::unique_ptr<Engine> engine_;
};

} // namespace cgp
