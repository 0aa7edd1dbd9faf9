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
    if ((c.activation || c.node_bias || !c.output_activation.empty()) && c.expressions.empty() && c.layers.empty())
        throw Error("--activation, --output-activation and --bias apply to --expr and --layers models; presets and "
                    "model files set their own");
    const auto with_outputs = [&](ModelSpec spec) {
        if (c.output_activation == "softmax") {
            spec.output_activation = Activation::None;
            spec.output_link = Link::Softmax;
        } else if (!c.output_activation.empty()) {
            spec.output_activation = parse_activation(c.output_activation);
        }
        return spec;
    };
    if (!c.expressions.empty()) {
        ModelSpec spec = expr_model(c.expressions);
        spec.activation = c.activation.value_or(Activation::None);
        spec.node_bias = c.node_bias.value_or(false);
        for (const auto& o : c.outputs)
            spec.outputs.push_back({o, {}});
        return with_outputs(std::move(spec));
    }
    if (!c.layers.empty()) {
        check_run_memory(estimate_layers_memory(c.layers));
        ModelSpec spec = layered_model(c.layers, c.activation.value_or(Activation::Sigmoid));
        spec.node_bias = c.node_bias.value_or(true);
        return with_outputs(std::move(spec));
    }
    const std::string name = c.model.empty() ? "multi-neuron" : c.model;
    if (is_preset(name))
        return preset_model(name);
    std::error_code ec;
    if (!std::filesystem::exists(name, ec))
        throw Error(fmt::format("--model {}: no such preset or file; presets are: {}", name, join(preset_names())));
    return load_model_file(name);
}

ModelSpec fit_loss(ModelSpec spec, Loss loss)
{
    const LossInfo& info = loss_info(loss);
    const bool layered_default = spec.generated && !spec.output_activation && spec.output_link == Link::None;
    if (spec.output_link == Link::Softmax && info.link != Link::Softmax)
        throw Error(fmt::format("--loss {} does not fit softmax outputs\nhint: use --loss cross-entropy with "
                                "--output-activation softmax{}",
                                info.name, loss == Loss::Bce ? ", or --output-activation sigmoid for bce" : ""));
    if (info.link == Link::None)
        return spec;
    const Activation out = spec.output_activation.value_or(spec.activation);
    if (info.link == Link::Sigmoid && !layered_default && out != Activation::Sigmoid)
        throw Error(fmt::format("--loss bce reads the outputs as probabilities from a sigmoid, but the outputs of '{}' "
                                "end in {}\nhint: --output-activation sigmoid (--layers and --expr models), or "
                                "--loss mse",
                                spec.name, to_string(out)));
    if (info.link == Link::Softmax && !layered_default && spec.output_link != Link::Softmax && !out.is_none())
        throw Error(fmt::format("--loss cross-entropy applies the softmax itself, but the outputs of '{}' end in {}\n"
                                "hint: --output-activation softmax (--layers and --expr models)",
                                spec.name, to_string(out)));
    spec.output_activation = Activation::None;
    spec.output_link = info.link;
    return spec;
}

} // namespace cgp
