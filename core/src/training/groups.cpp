// --group PATTERN:NAME=VALUE: parsing, matching tensors, and checking the values against the plugin.
#include <cgp/host/extension.hpp>
#include <cgp/io/error.hpp>
#include <cgp/training/groups.hpp>

#include <fmt/format.h>

#include <fnmatch.h>

#include <algorithm>
#include <charconv>
#include <cmath>

namespace cgp {
namespace {

constexpr const char* kHint = "hint: --group PATTERN:NAME=VALUE, e.g. --group bias:weight_decay=0 or --group "
                              "layer2:lr=0.1; PATTERN is bias, weight, scalar or a glob over tensor names";

std::string tensor_names(const std::vector<ModelTensor>& tensors)
{
    std::string out;
    for (const ModelTensor& t : tensors)
        out += (out.empty() ? "" : " ") + t.name;
    return out;
}

} // namespace

GroupSetting parse_group(std::string_view text)
{
    const std::size_t colon = text.rfind(':');
    const std::size_t eq = text.rfind('=');
    if (colon == std::string_view::npos || eq == std::string_view::npos || eq < colon || colon == 0 ||
        eq == colon + 1 || eq + 1 == text.size())
        throw Error(fmt::format("--group {}: not of the form PATTERN:NAME=VALUE\n{}", text, kHint));
    GroupSetting g;
    g.text = std::string(text);
    g.pattern = std::string(text.substr(0, colon));
    g.name = std::string(text.substr(colon + 1, eq - colon - 1));
    const std::string_view value = text.substr(eq + 1);
    const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), g.value);
    if (ec != std::errc() || end != value.data() + value.size() || !std::isfinite(g.value))
        throw Error(fmt::format("--group {}: '{}' is not a finite number\n{}", text, value, kHint));
    return g;
}

bool group_matches(std::string_view pattern, const ModelTensor& t)
{
    if (pattern == "bias")
        return t.kind == CGP_TENSOR_BIAS;
    if (pattern == "weight")
        return t.kind == CGP_TENSOR_WEIGHT;
    if (pattern == "scalar")
        return t.kind == CGP_TENSOR_SCALAR;
    const std::string p(pattern);
    if (fnmatch(p.c_str(), t.name.c_str(), 0) == 0)
        return true;
    const std::size_t dot = t.name.rfind('.');
    return dot != std::string::npos && fnmatch(p.c_str(), t.name.substr(0, dot).c_str(), 0) == 0;
}

ResolvedGroups resolve_groups(const std::vector<std::string>& groups, const Plugin& plugin,
                              std::span<const double> base, const std::vector<ModelTensor>& tensors,
                              const std::string& model_name, double decay, bool decay_biases)
{
    ResolvedGroups out;
    if (groups.empty())
        return out;
    // Per tensor, the plugin values it takes (index -> value) and its decay.
    std::vector<std::vector<HparamOverride>> own(tensors.size());
    std::vector<double> decay_of(tensors.size());
    for (std::size_t k = 0; k < tensors.size(); ++k)
        decay_of[k] = decay > 0 && (decay_biases || tensors[k].kind != CGP_TENSOR_BIAS) ? decay : 0.0;
    bool decay_grouped = false;
    for (const std::string& text : groups) {
        const GroupSetting g = parse_group(text);
        const int index = g.name == "decay" ? -1 : plugin.find_hparam(g.name);
        if (g.name != "decay" && index < 0) {
            std::string names;
            for (const HyperParam& h : plugin.hparams())
                names += " " + h.name;
            throw Error(fmt::format("--group {}: optimizer '{}' has no hyperparameter '{}'\nhint: its hyperparameters "
                                    "are:{}; `decay` names the host's weight decay",
                                    text, plugin.id(), g.name, names.empty() ? " (none)" : names));
        }
        if (index < 0 && (g.value < 0))
            throw Error(fmt::format("--group {}: weight decay must be a finite number >= 0", text));
        if (index >= 0 && find_extension<cgp_tensor_hparams_ext>(plugin, CGP_EXT_TENSOR_HPARAMS, 1) == nullptr)
            throw Error(fmt::format("--group {}: optimizer '{}' ({}) does not read per-tensor hyperparameters (it "
                                    "offers no cgp.tensor_hparams/1; ABI {}.{})\nhint: rebuild it against this cgp's "
                                    "SDK, or group only the host's decay",
                                    text, plugin.id(), plugin.path().string(), plugin.abi_major(), plugin.abi_minor()));
        bool matched = false;
        for (std::size_t k = 0; k < tensors.size(); ++k) {
            if (!group_matches(g.pattern, tensors[k]))
                continue;
            matched = true;
            if (index < 0) {
                decay_of[k] = g.value;
                decay_grouped = true;
                continue;
            }
            auto& list = own[k];
            const auto same = std::find_if(list.begin(), list.end(), [&](const HparamOverride& o) {
                return o.index == static_cast<std::size_t>(index);
            });
            if (same != list.end())
                same->value = g.value;
            else
                list.push_back({static_cast<std::size_t>(index), g.value});
        }
        if (!matched)
            throw Error(fmt::format("--group {}: the pattern '{}' matches no tensor of model '{}' (its tensors: "
                                    "{})\n{}",
                                    text, g.pattern, model_name, tensor_names(tensors), kHint));
    }
    // The distinct sets, each checked with the plugin as a whole hyperparameter vector.
    out.set_of_tensor.assign(tensors.size(), -1);
    const std::size_t states = plugin.state_count(base);
    for (std::size_t k = 0; k < tensors.size(); ++k) {
        if (own[k].empty())
            continue;
        std::sort(own[k].begin(), own[k].end(),
                  [](const HparamOverride& a, const HparamOverride& b) { return a.index < b.index; });
        const auto equal = [&](const std::vector<HparamOverride>& s) {
            return s.size() == own[k].size() && std::equal(s.begin(), s.end(), own[k].begin(), [](auto& a, auto& b) {
                       return a.index == b.index && a.value == b.value;
                   });
        };
        const auto found = std::find_if(out.sets.begin(), out.sets.end(), equal);
        if (found != out.sets.end()) {
            out.set_of_tensor[k] = static_cast<int>(found - out.sets.begin());
            continue;
        }
        std::vector<double> values(base.begin(), base.end());
        std::string what;
        for (const HparamOverride& o : own[k]) {
            values[o.index] = o.value;
            what += fmt::format("{}{}={:g}", what.empty() ? "" : ", ", plugin.hparams()[o.index].name, o.value);
        }
        try {
            plugin.validate(values);
        } catch (const Error& e) {
            throw Error(fmt::format("--group: tensor '{}' would take {}, which is refused: {}", tensors[k].name, what,
                                    e.what()));
        }
        if (plugin.state_count(values) != states)
            throw Error(
                fmt::format("--group: tensor '{}' would take {}, with which optimizer '{}' needs {} state arrays "
                            "instead of {}; a group may not change what the optimizer keeps",
                            tensors[k].name, what, plugin.id(), plugin.state_count(values), states));
        out.set_of_tensor[k] = static_cast<int>(out.sets.size());
        out.sets.push_back(own[k]);
    }
    if (out.sets.empty())
        out.set_of_tensor.clear();
    if (decay_grouped)
        out.decay_of_tensor = decay_of;
    return out;
}

} // namespace cgp
