// Experiment: a run assembled from its parts (model, data, optimizer binding, engine) and the run itself.
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/memory_estimate.hpp>

#include "experiment_engine.hpp"

#include <fmt/format.h>

namespace cgp {

Experiment::Experiment(const ModelSpec& model, const DataChoice& data, std::shared_ptr<const Plugin> plugin,
                       std::vector<double> hparams, const RunSettings& settings)
    : model_(model), graph_(build_graph(check_run_memory(model_, data))), settings_(settings)
{
    if (settings_.batch_size == 0)
        throw Error("--batch-size must be at least 1");
    if (settings_.batch_size > (1u << 20))
        throw Error("--batch-size is too large (at most 1048576)");
    optimizer_ = std::make_unique<PluginOptimizer>(std::move(plugin), std::move(hparams));

    const bool generated = data.source == "generated";
    data_ = assemble_data(data, graph_, Seeds::from(settings_.seed).data, sampler_name_);
    if (settings_.dtype == Dtype::F32)
        engine_ = std::make_unique<EngineT<float>>(graph_, data_, generated, *optimizer_, settings_);
    else
        engine_ = std::make_unique<EngineT<double>>(graph_, data_, generated, *optimizer_, settings_);
}

Experiment::~Experiment() = default;

TrainSummary Experiment::run(std::span<TrainObserver* const> observers)
{
    if (settings_.checkpoint.path.empty())
        return engine_->run(settings_.iterations, settings_.train, observers);
    CheckpointWriter writer(settings_.checkpoint, identity());
    std::vector<TrainObserver*> all(observers.begin(), observers.end());
    all.push_back(&writer);
    return engine_->run(settings_.iterations, settings_.train, all);
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
std::size_t Experiment::param_count() const noexcept
{
    return graph_.params.size();
}
std::vector<double> Experiment::params() const
{
    return engine_->params();
}
std::string Experiment::data_description() const
{
    return fmt::format("{}: {} samples, {}", data_.origin, data_.samples, sampler_name_);
}

} // namespace cgp
