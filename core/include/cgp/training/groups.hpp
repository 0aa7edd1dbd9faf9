// cgp/training/groups.hpp: per-tensor hyperparameters, --group PATTERN:NAME=VALUE (PyTorch's
// parameter groups, optax's masks).
//
// PATTERN picks tensors of the model (model_tensors, transforms.hpp): the kinds `bias`, `weight` and
// `scalar`, or a glob (fnmatch: * ? [..]) over tensor names that matches a name itself or the name
// without its last ".part" (so `layer2` picks layer2.weight and layer2.bias, `xw` picks xw and
// xw.bias, `*.bias` every bias, `layer[12].weight` two weight matrices). NAME is one of the plugin's
// hyperparameters, or `decay` (the host's weight decay, --decay; a group may switch decay on or off
// for its tensors, biases included). Several groups may pick one tensor: for the same NAME the last
// one given wins. A group's value replaces the hyperparameter's value on its tensors; when the
// hyperparameter is scheduled (--schedule), the group's value follows the schedule's factor (value_t
// = VALUE * scheduled_t / base), as torch.optim.lr_scheduler scales every parameter group. Checked
// before training: the pattern must pick a tensor, the name must exist, the value must be in range
// and accepted by the plugin's validate() with the others, and the plugin must read per-tensor
// values (cgp.tensor_hparams/1). Throws cgp::Error naming the --group.
#pragma once

#include <cgp/host/host_extensions.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/training/transforms.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

// One --group as written.
struct GroupSetting {
    std::string pattern, name;
    double value = 0.0;
    std::string text; // "bias:weight_decay=0"
};
// Parses PATTERN:NAME=VALUE; throws cgp::Error with a hint on a malformed spelling.
GroupSetting parse_group(std::string_view text);
// Whether a pattern picks a tensor (see above).
bool group_matches(std::string_view pattern, const ModelTensor& t);

// The groups resolved against a plugin and a model's tensors.
struct ResolvedGroups {
    // Plugin hyperparameters: the distinct override sets and, per tensor, its set or -1.
    std::vector<std::vector<HparamOverride>> sets;
    std::vector<int> set_of_tensor;
    // The host's decay per tensor when a group names `decay`; empty: --decay everywhere as before.
    std::vector<double> decay_of_tensor;
    bool empty() const noexcept { return sets.empty() && decay_of_tensor.empty(); }
};
ResolvedGroups resolve_groups(const std::vector<std::string>& groups, const Plugin& plugin,
                              std::span<const double> base, const std::vector<ModelTensor>& tensors,
                              const std::string& model_name, double decay, bool decay_biases);

} // namespace cgp
