// The model's parameters as tensors (per-tensor clipping) and which of them are biases (weight decay).
#include <cgp/training/transforms.hpp>

#include <fmt/format.h>

#include <string_view>

namespace cgp {
namespace {

bool is_bias(std::string_view name)
{
    constexpr std::string_view suffix = ".bias"; // the graph's per-node biases; user names have no '.'
    return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}

void add(std::vector<ParamRange>& ranges, std::size_t i)
{
    if (!ranges.empty() && ranges.back().end == i)
        ++ranges.back().end;
    else
        ranges.push_back({i, i + 1});
}

} // namespace

std::vector<int> parameter_owners(const Graph& g)
{
    std::vector<int> owner(g.params.size(), -1);
    std::vector<int> variable_of(g.nodes.size(), -1);
    for (std::size_t v = 0; v < g.variable_nodes.size(); ++v)
        if (g.variable_nodes[v] >= 0)
            variable_of[static_cast<std::size_t>(g.variable_nodes[v])] = static_cast<int>(v);
    for (std::size_t v = 0; v < g.variables.size(); ++v) {
        std::vector<int> stack{g.variable_nodes[v]};
        std::vector<bool> seen(g.nodes.size(), false);
        while (!stack.empty()) {
            const int n = stack.back();
            stack.pop_back();
            if (n < 0 || seen[static_cast<std::size_t>(n)])
                continue;
            seen[static_cast<std::size_t>(n)] = true;
            const Node& node = g.nodes[static_cast<std::size_t>(n)];
            const int var = variable_of[static_cast<std::size_t>(n)];
            if (var >= 0 && var != static_cast<int>(v))
                continue; // another variable's value: its parameters are its own
            if (node.op == Op::Param) {
                int& o = owner[static_cast<std::size_t>(node.index)];
                if (o < 0 || o > static_cast<int>(v))
                    o = static_cast<int>(v);
                continue;
            }
            stack.push_back(node.a);
            stack.push_back(node.b);
        }
    }
    return owner;
}

std::vector<int> variable_layers(const Graph& g)
{
    std::vector<int> layer(g.variables.size(), -1); // statements come layer by layer
    if (!g.layers.empty()) {
        std::size_t v = 0;
        for (std::size_t l = 1; l < g.layers.size(); ++l)
            for (int k = 0; k < g.layers[l] && v < layer.size(); ++k)
                layer[v++] = static_cast<int>(l);
    }
    return layer;
}

std::vector<bool> bias_mask(const Graph& g)
{
    std::vector<bool> mask(g.params.size());
    for (std::size_t i = 0; i < g.params.size(); ++i)
        mask[i] = is_bias(g.params[i]);
    return mask;
}

std::vector<ParamTensor> parameter_tensors(const Graph& g)
{
    const std::vector<int> owner = parameter_owners(g);
    const std::vector<bool> bias = bias_mask(g);
    const std::vector<int> layer = variable_layers(g);
    std::vector<ParamTensor> tensors;
    std::vector<int> tensor_of_key; // key: layered: 2 * layer + bias; else variable
    const auto tensor = [&](int key, std::string name) -> ParamTensor& {
        if (static_cast<std::size_t>(key) >= tensor_of_key.size())
            tensor_of_key.resize(static_cast<std::size_t>(key) + 1, -1);
        int& t = tensor_of_key[static_cast<std::size_t>(key)];
        if (t < 0) {
            t = static_cast<int>(tensors.size());
            tensors.push_back({std::move(name), {}});
        }
        return tensors[static_cast<std::size_t>(t)];
    };
    ParamTensor loose{"other", {}};
    for (std::size_t i = 0; i < g.params.size(); ++i) {
        int v = owner[i];
        if (bias[i]) {
            const std::string var = g.params[i].substr(0, g.params[i].size() - 5);
            for (std::size_t k = 0; k < g.variables.size(); ++k)
                if (g.variables[k] == var)
                    v = static_cast<int>(k);
        }
        if (v < 0) {
            add(loose.ranges, i);
            continue;
        }
        const int l = layer[static_cast<std::size_t>(v)];
        if (l > 0)
            add(tensor(2 * l + (bias[i] ? 1 : 0), fmt::format("layer {} {}", l, bias[i] ? "bias" : "weights")).ranges,
                i);
        else
            add(tensor(v, g.variables[static_cast<std::size_t>(v)]).ranges, i);
    }
    if (!loose.ranges.empty())
        tensors.push_back(std::move(loose));
    return tensors;
}

} // namespace cgp
