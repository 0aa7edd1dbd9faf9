// The options of the host's transforms: --schedule, --decay*, --clip-*. Numbers are checked as they
// are parsed; the rest when the run is assembled (TransformChain), against the plugin and the model.
#include "cli.hpp"

#include <fmt/format.h>

#include <cmath>

namespace cgp::cli {
namespace {

// A value that must be > 0 (or >= 0 with zero_ok), finite.
po::typed_value<double>* positive(double* to, const char* option, bool zero_ok)
{
    return po::value(to)->value_name("X")->notifier([option, zero_ok](double v) {
        if (!std::isfinite(v) || v < 0 || (v == 0 && !zero_ok))
            throw UsageError(fmt::format("--{} {:g}: must be a finite number {} 0", option, v, zero_ok ? ">=" : ">"));
    });
}

} // namespace

po::options_description transform_options(CommonOptions& o)
{
    TransformSettings& t = o.settings.transforms;
    po::options_description d("Transforms (applied by the host around any plugin's step)");
    // clang-format off
    d.add_options()
        ("schedule", po::value(&t.schedules)->composing()->value_name("NAME=SPEC"),
         "schedule a hyperparameter (repeat for others), e.g. lr=warmup(500)+cosine(min=1e-5) or "
         "momentum=linear(0.5,0.9,2000); kinds: constant, step, multistep, exponential, cosine, polynomial, "
         "linear, onecycle, plateau, each after an optional warmup(STEPS)+ (docs/cli.md)")
        ("decay", positive(&t.decay, "decay", true),
         "weight decay W applied by the host (default 0: none); spares biases unless --decay-biases")
        ("decay-mode", po::value(&o.decay_mode)->default_value("coupled"),
         "coupled (g += W*p before the step: torch's weight_decay of SGD and Adam) or decoupled (p *= 1 - lr*W: "
         "AdamW's)")
        ("decay-biases", po::bool_switch(&t.decay_biases), "decay the per-node biases too")
        ("decay-lr", positive(&t.decay_lr, "decay-lr", false),
         "decoupled decay's rate for an optimizer without lr (p *= 1 - X*W)")
        ("clip-value", positive(&t.clip_value, "clip-value", false), "clamp every gradient to [-X, X]")
        ("clip-norm", positive(&t.clip_norm, "clip-norm", false),
         "scale the gradients so their global L2 norm is at most X (torch's clip_grad_norm_)")
        ("clip-norm-per-tensor", positive(&t.clip_norm_per_tensor, "clip-norm-per-tensor", false),
         "the same per tensor: each layer's weights and biases, or each variable's parameters")
        ("group", po::value(&t.groups)->composing()->value_name("PATTERN:NAME=VALUE"),
         "give the tensors PATTERN picks their own value of a hyperparameter (repeat for more), e.g. "
         "bias:weight_decay=0 or layer2:lr=0.1; PATTERN: bias, weight, scalar, or a glob over tensor names "
         "(layer1.weight, layer2 = layer2.*, *.bias, xw); NAME: a plugin hyperparameter or decay (the host's); "
         "a scheduled hyperparameter's group value follows the schedule's factor (docs/cli.md)");
    // clang-format on
    return d;
}

} // namespace cgp::cli
