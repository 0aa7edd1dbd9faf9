// Experiment: builds a run from settings (model, data binding, tape, sampler, optimizer, trainer).
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/memory_estimate.hpp>

#include "experiment_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace cgp {
namespace {

std::string join(const std::vector<std::string>& v, std::string_view sep = " ")
{
    std::string out;
    for (const auto& s : v)
        out += (out.empty() ? "" : std::string(sep)) + s;
    return out;
}

// Reorders (or checks) the dataset's feature columns to match the model's inputs: by name when
// every input names a column, else by position when the counts agree.
Dataset bind_inputs(Dataset data, const Graph& g)
{
    const auto& inputs = g.inputs;
    const bool by_name = std::all_of(inputs.begin(), inputs.end(), [&](const std::string& in) {
        return std::find(data.feature_names.begin(), data.feature_names.end(), in) != data.feature_names.end();
    });
    if (by_name && data.origin != "generated") {
        const std::size_t f = data.features();
        std::vector<std::size_t> from;
        for (const auto& in : inputs)
            from.push_back(static_cast<std::size_t>(
                std::find(data.feature_names.begin(), data.feature_names.end(), in) - data.feature_names.begin()));
        std::vector<double> x(data.samples * inputs.size());
        for (std::size_t s = 0; s < data.samples; ++s)
            for (std::size_t k = 0; k < inputs.size(); ++k)
                x[s * inputs.size() + k] = data.x[s * f + from[k]];
        data.x = std::move(x);
        data.feature_names = inputs;
        return data;
    }
    if (data.features() != inputs.size())
        throw Error(fmt::format("the model has {} inputs ({}) but {} has {} feature columns ({})\nhint: name the CSV "
                                "columns after the inputs, or give the file one feature column per input",
                                inputs.size(), join(inputs), data.origin, data.features(), join(data.feature_names, ", ")));
    return data;
}

} // namespace

std::string_view to_string(Dtype d) noexcept
{
    return d == Dtype::F32 ? "f32" : "f64";
}

Dtype parse_dtype(std::string_view text)
{
    if (text == "f32" || text == "float")
        return Dtype::F32;
    if (text == "f64" || text == "double")
        return Dtype::F64;
    throw Error(fmt::format("unknown --dtype '{}'; use f32 or f64", text));
}

ModelSpec make_model(const ModelChoice& c)
{
    const int given = (!c.model.empty()) + (!c.expressions.empty()) + (!c.layers.empty());
    if (given > 1)
        throw Error("choose one model: --model, --expr or --layers (they cannot be combined)");
    if (!c.outputs.empty() && c.expressions.empty())
        throw Error("--output applies to --expr models; a model file declares its outputs with 'output'");
    if ((c.activation || c.node_bias) && c.expressions.empty() && c.layers.empty())
        throw Error("--activation and --bias apply to --expr and --layers models; presets and model files set their own");
    if (!c.expressions.empty()) {
        ModelSpec spec = expr_model(c.expressions);
        spec.activation = c.activation.value_or(Activation::None);
        spec.node_bias = c.node_bias.value_or(false);
        for (const auto& o : c.outputs)
            spec.outputs.push_back({o, {}});
        return spec;
    }
    if (!c.layers.empty()) {
        check_run_memory(estimate_layers_memory(c.layers));
        ModelSpec spec = layered_model(c.layers, c.activation.value_or(Activation::Sigmoid));
        spec.node_bias = c.node_bias.value_or(true);
        return spec;
    }
    const std::string name = c.model.empty() ? "multi-neuron" : c.model;
    if (is_preset(name))
        return preset_model(name);
    std::error_code ec;
    if (!std::filesystem::exists(name, ec))
        throw Error(fmt::format("--model {}: no such preset or file; presets are: {}", name, join(preset_names())));
    return load_model_file(name);
}

template <class T>
EngineT<T>::EngineT(const Graph& g, const Dataset& data, bool cgp_sampler, PluginOptimizer& opt,
                    const RunSettings& s)
    : tape(g, s.batch_size, s.simd),
      sampler(cgp_sampler ? make_cgp_sampler(data, Seeds::from(s.seed).sample, s.batch_size)
                          : make_epoch_sampler(data, Seeds::from(s.seed).sample)),
      trainer(tape, *sampler, opt)
{
    Rng init(Seeds::from(s.seed).init);
    init_uniform(tape.params(), init);
}

template <class T>
TrainSummary EngineT<T>::run(const TrainOptions& options, std::span<TrainObserver* const> observers)
{
    return trainer.run(options, observers);
}

template <class T>
std::vector<double> EngineT<T>::params() const
{
    std::vector<double> out;
    for (T p : tape.params())
        out.push_back(static_cast<double>(p));
    return out;
}

namespace {

template <class T>
std::vector<std::uint8_t> raw_bytes(std::span<const T> v)
{
    const auto* p = reinterpret_cast<const std::uint8_t*>(v.data());
    return std::vector<std::uint8_t>(p, p + v.size() * sizeof(T));
}

template <class T>
void copy_raw(const std::vector<std::uint8_t>& from, std::span<T> to)
{
    if (from.size() != to.size() * sizeof(T))
        throw Error("internal error: checkpoint array size mismatch");
    if (!from.empty())
        std::memcpy(to.data(), from.data(), from.size());
}

} // namespace

template <class T>
void EngineT<T>::capture(Checkpoint& c) const
{
    const TrainState<T>& st = trainer.state();
    c.param_count = tape.params().size();
    c.params = raw_bytes<T>(tape.params());
    c.state.clear();
    for (const auto& a : st.optimizer_state)
        c.state.push_back(raw_bytes<T>(a.span()));
    c.iteration = st.iteration;
    c.step = st.step;
    c.skipped = st.skipped;
    c.window_sum = st.window_sum;
    c.window_count = st.window_count;
    c.window_finite = st.window_finite;
    c.records = st.records;
    c.sampler_state = sampler->save_state();
}

template <class T>
void EngineT<T>::restore(const Checkpoint& c)
{
    TrainState<T>& st = trainer.state();
    if (c.state.size() != st.optimizer_state.size())
        throw Error(fmt::format("the checkpoint holds {} optimizer state arrays; the optimizer with these "
                                "hyperparameters uses {}",
                                c.state.size(), st.optimizer_state.size()));
    sampler->restore_state(c.sampler_state);
    copy_raw<T>(c.params, tape.params());
    for (std::size_t k = 0; k < c.state.size(); ++k)
        copy_raw<T>(c.state[k], st.optimizer_state[k].span());
    st.iteration = c.iteration;
    st.step = c.step;
    st.skipped = c.skipped;
    st.window_sum = c.window_sum;
    st.window_count = c.window_count;
    st.window_finite = c.window_finite;
    st.records = c.records;
}

template struct EngineT<float>;
template struct EngineT<double>;

Experiment::Experiment(const ModelSpec& model, const DataChoice& data, std::shared_ptr<const Plugin> plugin,
                       std::vector<double> hparams, const RunSettings& settings)
    : graph_(build_graph(check_run_memory(model, data))), settings_(settings)
{
    if (settings_.batch_size == 0)
        throw Error("--batch-size must be at least 1");
    if (settings_.batch_size > (1u << 20))
        throw Error("--batch-size is too large (at most 1048576)");
    settings_.train.iterations = settings_.iterations;
    optimizer_ = std::make_unique<PluginOptimizer>(std::move(plugin), std::move(hparams));

    const bool generated = data.source == "generated";
    if (generated) {
        if (!data.labels.empty() || data.standardize)
            throw Error("--label and --standardize apply to CSV data (--data FILE.csv)");
        if (graph_.outputs.size() != 1)
            throw Error(fmt::format("generated data has one label (the class) but the model has {} outputs ({})\n"
                                    "hint: use --data FILE.csv --label COLUMN for each output",
                                    graph_.outputs.size(), join(graph_.outputs)));
        Rng rng(Seeds::from(settings_.seed).data);
        data_ = generate_cgp_data(data.dataset_size, graph_.inputs.size(), rng);
        sampler_name_ = "CGP sampler: coin-toss classes, batch divided by its max";
    } else {
        if (data.dataset_size_given)
            throw Error("--dataset-size applies to generated data, not to a CSV file");
        CsvOptions csv;
        csv.label_columns = data.labels;
        csv.standardize = data.standardize;
        if (csv.label_columns.empty())
            throw Error(fmt::format("--data {}: name the label column(s) with --label", data.source));
        data_ = bind_inputs(load_csv(data.source, csv), graph_);
        if (data_.labels() != graph_.outputs.size())
            throw Error(fmt::format("the model has {} outputs ({}) but {} label column(s) were given ({})",
                                    graph_.outputs.size(), join(graph_.outputs), data_.labels(),
                                    join(data_.label_names, ", ")));
        sampler_name_ = "shuffled epochs";
    }
    if (settings_.dtype == Dtype::F32)
        engine_ = std::make_unique<EngineT<float>>(graph_, data_, generated, *optimizer_, settings_);
    else
        engine_ = std::make_unique<EngineT<double>>(graph_, data_, generated, *optimizer_, settings_);
}

Experiment::~Experiment() = default;

TrainSummary Experiment::run(std::span<TrainObserver* const> observers)
{
    TrainOptions options = settings_.train;
    if (!settings_.checkpoint_path.empty()) {
        options.checkpoint_every = settings_.checkpoint_every;
        options.checkpoint = [this] { write_checkpoint(settings_.checkpoint_path, checkpoint()); };
    }
    return engine_->run(options, observers);
}

Checkpoint Experiment::checkpoint() const
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
    engine_->capture(c);
    return c;
}

std::vector<std::string> Experiment::resume(const Checkpoint& c, const std::string& origin)
{
    const auto refuse = [&origin](const std::string& what, const std::string& hint) {
        throw Error(fmt::format("cannot resume from '{}': {}\nhint: {}", origin, what, hint));
    };
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
    if (c.param_count != graph_.params.size())
        refuse("its parameter count differs from the model's", "resume with the model that wrote it");
    std::vector<std::string> notes;
    for (std::size_t i = 0; i < c.hparams.size() && i < optimizer_->hparams().size(); ++i)
        if (c.hparams[i].second != optimizer_->hparams()[i])
            notes.push_back(fmt::format("{} changed from {:g} to {:g}", c.hparams[i].first, c.hparams[i].second,
                                        optimizer_->hparams()[i]));
    engine_->restore(c);
    return notes;
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
