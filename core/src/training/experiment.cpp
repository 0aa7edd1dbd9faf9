// Experiment: a run assembled from its parts (model, data, optimizer binding, engine) and the run itself.
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/memory_estimate.hpp>

#include "experiment_engine.hpp"

#include <fmt/format.h>

namespace cgp {

Experiment::Experiment(const ModelSpec& model, const DataChoice& data, std::shared_ptr<const Plugin> plugin,
                       std::vector<double> hparams, const RunSettings& settings)
    : spec_(fit_loss(model, settings.loss)), graph_(build_graph(check_run_memory(spec_, data))), settings_(settings)
{
    if (settings_.batch_size == 0)
        throw Error("--batch-size must be at least 1");
    if (settings_.batch_size > (1u << 20))
        throw Error("--batch-size is too large (at most 1048576)");
    if (const LossInfo& l = loss_info(settings_.loss); graph_.outputs.size() < static_cast<std::size_t>(l.min_outputs))
        throw Error(fmt::format("--loss {} needs at least {} outputs, one per class (a softmax over one output is "
                                "always 1); the model has {} ({})\nhint: give the model one output per class (e.g. "
                                "--layers ... 2), or use --loss bce for two classes on one output",
                                l.name, l.min_outputs, graph_.outputs.size(), join(graph_.outputs, ", ")));
    settings_.init.scheme = resolve_init(settings_.init.scheme, spec_);
    optimizer_ = std::make_unique<PluginOptimizer>(std::move(plugin), std::move(hparams));

    const bool generated = data.source == "generated";
    RunData all = assemble_data(data, graph_, settings_.loss, Seeds::from(settings_.seed).data, sampler_name_);
    data_ = std::move(all.train);
    validation_ = std::move(all.validation);
    test_ = std::move(all.test);
    standardization_ = std::move(all.standardization);
    if (settings_.eval.epochs > 0) {
        if (generated)
            throw Error("--epochs applies to CSV data (--data FILE.csv); generated data is drawn with replacement\n"
                        "hint: use --iterations");
        settings_.iterations = settings_.eval.epochs * iterations_per_epoch();
    }
    if (settings_.dtype == Dtype::F32)
        engine_ = std::make_unique<EngineT<float>>(graph_, data_, generated, *optimizer_, settings_, validation_, test_,
                                                   link());
    else
        engine_ = std::make_unique<EngineT<double>>(graph_, data_, generated, *optimizer_, settings_, validation_,
                                                    test_, link());
}

Experiment::~Experiment() = default;

TrainSummary Experiment::run(std::span<TrainObserver* const> observers)
{
    if (settings_.checkpoint.path.empty() && !engine_->evaluation)
        return engine_->run(settings_.iterations, settings_.train, observers);
    std::vector<TrainObserver*> all;
    if (engine_->evaluation) // first, so the loss CSV and reports see this record's evaluation
        all.push_back(engine_->evaluation.get());
    all.insert(all.end(), observers.begin(), observers.end());
    if (settings_.checkpoint.path.empty())
        return engine_->run(settings_.iterations, settings_.train, all);
    CheckpointWriter writer(settings_.checkpoint, identity());
    all.push_back(&writer);
    return engine_->run(settings_.iterations, settings_.train, all);
}

const EvalReport* Experiment::evaluation() const noexcept
{
    return engine_->evaluation ? &engine_->evaluation->report() : nullptr;
}

Checkpoint Experiment::checkpoint() const
{
    return capture_checkpoint(identity(), engine_->snapshot());
}

const Graph& Experiment::graph() const noexcept
{
    return graph_;
}
const Dataset& Experiment::dataset() const noexcept
{
    return data_;
}
const PluginOptimizer& Experiment::optimizer() const noexcept
{
    return *optimizer_;
}
const TransformChain& Experiment::transforms() const noexcept
{
    return *engine_->chain;
}
const RunSettings& Experiment::settings() const noexcept
{
    return settings_;
}
SimdPath Experiment::simd_path() const noexcept
{
    return engine_->path();
}
const TapeStats& Experiment::tape_stats() const noexcept
{
    return engine_->tape_stats();
}
std::size_t Experiment::param_count() const noexcept
{
    return graph_.params.size();
}
std::vector<double> Experiment::params() const
{
    return engine_->params();
}
std::uint64_t Experiment::iterations_per_epoch() const noexcept
{
    return data_.origin == "generated" ? 0 : (data_.samples + settings_.batch_size - 1) / settings_.batch_size;
}
std::string Experiment::data_description() const
{
    return fmt::format("{}: {} samples, {}", data_.origin, data_.samples, sampler_name_);
}

} // namespace cgp
