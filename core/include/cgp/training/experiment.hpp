// cgp/training/experiment.hpp: one training run, set up from plain settings: the model, the data, the
// optimizer plugin with its hyperparameters, and the loop's options. cgp-run, cgp-sweep and
// cgp-bench all build their runs through it, so they agree on every default and every error.
#pragma once

#include <cgp/training/checkpoint.hpp>
#include <cgp/training/checkpoint_writer.hpp>
#include <cgp/training/init.hpp>
#include <cgp/data/data.hpp>
#include <cgp/graph/graph.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/training/trainer.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/tape/tape.hpp>
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
    std::string output_activation;        // for --expr and --layers: an activation or "softmax"; empty: default
};
// Throws cgp::Error on contradictory choices, SourceError on bad statements or files.
ModelSpec make_model(const ModelChoice& choice);
// The model's outputs fitted to the loss: a loss with a link (bce: sigmoid, cross-entropy: softmax)
// computes from the logits, so the outputs' activation is left out and recorded as the link. A
// layered model without --output-activation takes the loss's link. Throws cgp::Error for a loss
// that does not fit the outputs (bce on a softmax or on outputs that do not end in a sigmoid,
// cross-entropy on outputs with an activation, softmax with a loss other than cross-entropy).
ModelSpec fit_loss(ModelSpec spec, Loss loss);

struct DataChoice {
    std::string source = "generated"; // "generated" or a CSV path
    std::vector<std::string> labels;  // CSV label columns
    // CSV columns the model reads, in input order; empty: the columns the inputs name, else every
    // column besides the labels. Other columns are skipped unread.
    std::vector<std::string> features;
    bool standardize = false;
    std::size_t dataset_size = 5000; // generated data
    bool dataset_size_given = false;
    // Held-out data (CSV only): files with the training file's columns, or a split of the one file
    // (fractions train, validation, test summing to 1; stratified by class for a class column;
    // drawn with the run's seed). Standardisation statistics come from the training rows only.
    std::string validation, test;
    std::vector<double> split; // empty, or three fractions
};

// The held-out evaluation of a run (cgp/training/evaluation.hpp computes it).
struct EvalSettings {
    std::uint64_t every = 0;    // iterations between evaluations; 0: only at the end when held-out data exists
    std::uint64_t epochs = 0;   // --epochs: sets the iterations to epochs * ceil(train samples / batch size)
    std::uint64_t patience = 0; // stop after this many evaluations without a better validation point
};
struct EvalReport;

struct RunSettings {
    std::uint64_t iterations = 20000;
    std::size_t batch_size = 8;
    std::uint64_t seed = 0;
    Dtype dtype = Dtype::F32;
    SimdPath simd = SimdPath::Auto;
    // Threads for this run's wide dense layers and optimizer steps (cgp-run --threads); results do
    // not depend on it. 1 here, so runs side by side (cgp-sweep --jobs) do not oversubscribe.
    unsigned threads = 1;
    TrainOptions train;            // the loop's behaviour: log_every, on_nonfinite, ...
    CheckpointSettings checkpoint; // a CheckpointWriter joins the observers when a path is set
    TransformSettings transforms;  // schedules, weight decay, clipping (transforms.hpp)
    InitSettings init;             // initial parameter values (init.hpp)
    Loss loss = Loss::Mse;         // the training loss (the table of losses, ops.hpp)
    EvalSettings eval;
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
    const Dataset& dataset() const noexcept;                           // the training data
    const Dataset& validation() const noexcept { return validation_; } // empty (0 samples) when none
    const Dataset& test() const noexcept { return test_; }
    // The standardisation applied to every split (empty when --standardize is off).
    const Standardization& standardization() const noexcept { return standardization_; }
    // The held-out evaluation (after run()), or null when the run has no held-out data.
    const EvalReport* evaluation() const noexcept;
    const PluginOptimizer& optimizer() const noexcept;
    const TransformChain& transforms() const noexcept; // bound and checked before training
    const RunSettings& settings() const noexcept;
    SimdPath simd_path() const noexcept;          // the graph kernels' resolved path
    const TapeStats& tape_stats() const noexcept; // with the threads the dense layers run on
    std::size_t param_count() const noexcept;
    std::string data_description() const; // "generated: 5000 samples, CGP sampler"
    // CSV data: iterations per epoch, ceil(training rows / batch size); 0 for generated data (drawn
    // with replacement, no epochs).
    std::uint64_t iterations_per_epoch() const noexcept;

    // Parameters as double, in parameter order (for reports, traces and checkpoints).
    std::vector<double> params() const;

    struct Engine;
    Engine& engine() noexcept { return *engine_; }

    // The model as trained (its outputs fitted to the loss: fit_loss) and what predictions apply.
    const ModelSpec& model() const noexcept { return spec_; }
    Link link() const noexcept { return spec_.output_link; }

private:
    ModelSpec spec_;
    Graph graph_;
    Dataset data_, validation_, test_;
    Standardization standardization_;
    std::string sampler_name_;
    RunSettings settings_;
    std::unique_ptr<PluginOptimizer> optimizer_;
    std::unique_ptr<Engine> engine_;
};

} // namespace cgp
