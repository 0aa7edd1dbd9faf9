// Experiment: what identifies a run in its checkpoints, and the checks before resuming one.
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>

#include "experiment_engine.hpp"

#include <fmt/format.h>

#include <cstring>
#include <unordered_map>

namespace cgp {

Checkpoint Experiment::identity() const
{
    Checkpoint c;
    c.model_name = graph_.name;
    c.model_fingerprint = graph_.fingerprint();
    c.data_fingerprint = fingerprint(data_);
    c.dtype = std::string(to_string(settings_.dtype));
    c.plugin_id = optimizer_->plugin().id();
    c.plugin_version = optimizer_->plugin().version();
    for (std::size_t i = 0; i < optimizer_->plugin().hparams().size(); ++i)
        c.hparams.emplace_back(optimizer_->plugin().hparams()[i].name, optimizer_->hparams()[i]);
    c.batch_size = settings_.batch_size;
    c.log_every = settings_.train.log_every;
    c.seed = settings_.seed;
    c.loss = std::string(loss_info(settings_.loss).name);
    return c;
}

namespace {

// Checkpoint formats 1-3 hold a layered model's parameters (and state arrays) with every bias last;
// when the checkpoint is of this model in that order, its values are put in today's order.
bool reorder_legacy_params(const ModelSpec& spec, const Graph& now, Checkpoint& c)
{
    if (c.format >= 4 || now.layers.empty() || !now.node_bias || c.model_fingerprint == now.fingerprint())
        return false;
    const Graph old = build_graph(spec, ParamOrder::BiasesLast);
    if (old.fingerprint() != c.model_fingerprint || old.params.size() != now.params.size() ||
        c.param_count != now.params.size())
        return false;
    std::unordered_map<std::string, std::size_t> position;
    for (std::size_t i = 0; i < now.params.size(); ++i)
        position[now.params[i]] = i;
    const std::size_t size = c.dtype == "f32" ? 4 : 8;
    const auto reorder = [&](std::vector<std::uint8_t>& bytes) {
        std::vector<std::uint8_t> out(bytes.size());
        for (std::size_t i = 0; i < old.params.size(); ++i)
            std::memcpy(out.data() + position.at(old.params[i]) * size, bytes.data() + i * size, size);
        bytes.swap(out);
    };
    reorder(c.params);
    for (std::vector<std::uint8_t>& s : c.state)
        reorder(s);
    c.model_fingerprint = now.fingerprint();
    return true;
}

} // namespace

std::vector<std::string> Experiment::resume(const Checkpoint& original, const std::string& origin)
{
    const auto refuse = [&origin](const std::string& what, const std::string& hint) {
        throw Error(fmt::format("cannot resume from '{}': {}\nhint: {}", origin, what, hint));
    };
    Checkpoint c = original;
    const bool reordered = reorder_legacy_params(spec_, graph_, c);
    if (c.model_fingerprint != graph_.fingerprint())
        refuse(fmt::format("it was written for model '{}', this run trains a different model ('{}')", c.model_name,
                           graph_.name),
               "resume with the same --model, --expr or --layers as the run that wrote it");
    const Plugin& p = optimizer_->plugin();
    if (c.plugin_id != p.id() || c.plugin_version != p.version())
        refuse(fmt::format("it was written with optimizer {} {}, this run uses {} {}", c.plugin_id, c.plugin_version,
                           p.id(), p.version()),
               "resume with the same --optimizer (and plugin version)");
    if (c.dtype != to_string(settings_.dtype))
        refuse(fmt::format("it holds {} values, this run uses --dtype {}", c.dtype, to_string(settings_.dtype)),
               fmt::format("resume with --dtype {}", c.dtype));
    if (c.data_fingerprint != fingerprint(data_))
        refuse("it was trained on different data",
               "resume with the same --data, --seed and --dataset-size (or the same CSV file and --label)");
    if (c.batch_size != settings_.batch_size)
        refuse(fmt::format("it used --batch-size {}, this run {}", c.batch_size, settings_.batch_size),
               fmt::format("resume with --batch-size {}", c.batch_size));
    if (c.log_every != settings_.train.log_every)
        refuse(fmt::format("it used --log-every {}, this run {}", c.log_every, settings_.train.log_every),
               fmt::format("resume with --log-every {}", c.log_every));
    const std::string loss(loss_info(settings_.loss).name);
    if (!c.loss.empty() && c.loss != loss)
        refuse(fmt::format("it was trained with --loss {}, this run uses --loss {}", c.loss, loss),
               fmt::format("resume with --loss {}", c.loss));
    if (c.param_count != graph_.params.size())
        refuse("its parameter count differs from the model's", "resume with the model that wrote it");
    std::vector<std::string> notes;
    if (reordered)
        notes.push_back(fmt::format("the checkpoint (format {}) lists the parameters with every bias last; they are "
                                    "read into today's per-layer order",
                                    c.format));
    for (std::size_t i = 0; i < c.hparams.size() && i < optimizer_->hparams().size(); ++i)
        if (c.hparams[i].second != optimizer_->hparams()[i])
            notes.push_back(fmt::format("{} changed from {:g} to {:g}", c.hparams[i].first, c.hparams[i].second,
                                        optimizer_->hparams()[i]));
    for (std::string& note : transform_changes(c.transforms, engine_->chain->record()))
        notes.push_back(std::move(note));
    engine_->restore(c);
    if (engine_->evaluation) {
        TrainObserver* const evaluation[] = {engine_->evaluation.get()};
        for (std::string& note : restore_observers(c, evaluation))
            notes.push_back(std::move(note));
    }
    return notes;
}

} // namespace cgp
