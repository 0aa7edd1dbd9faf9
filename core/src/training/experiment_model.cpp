// Experiment: the model of a run, from a preset, a file, --expr statements or a --layers config; the dtype.
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/memory_estimate.hpp>

#include "experiment_engine.hpp"

#include <fmt/format.h>

namespace cgp {

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
        throw Error(
            "--activation and --bias apply to --expr and --layers models; presets and model files set their own");
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

} // namespace cgp
