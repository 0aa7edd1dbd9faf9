// The model's parameters as tensors (per-tensor clipping, plugins' cgp.tensors/1) and which of them
// are biases (weight decay).
#include <cgp/sdk/abi.h>
#include <cgp/training/transforms.hpp>

#include <fmt/format.h>

#include <algorithm>

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

// A --layers model's tensors, from its dense layers: per declared layer its weights and its biases,
// in order of their first parameter (as the scan over parameters below finds them).
std::vector<ParamTensor> dense_model_tensors(const Graph& g)
{
    std::vector<ParamTensor> tensors;
    std::vector<int> tensor_of_key(2 * g.layers.size() + 2, -1); // 2 * layer + bias
    const auto put = [&](int l, bool bias, std::size_t begin, std::size_t count) {
        int& t = tensor_of_key[static_cast<std::size_t>(2 * l + (bias ? 1 : 0))];
        if (t < 0) {
            t = static_cast<int>(tensors.size());
            tensors.push_back({fmt::format("layer {} {}", l, bias ? "bias" : "weights"), {}});
            tensors.back().layer = l;
        }
        std::vector<ParamRange>& r = tensors[static_cast<std::size_t>(t)].ranges;
        if (!r.empty() && r.back().end == begin)
            r.back().end += count;
        else
            r.push_back({begin, begin + count});
    };
    for (const DenseLayer& d : g.dense) {
        put(d.layer, false, d.weight_base, d.M * d.K());
        if (d.bias_base >= 0)
            put(d.layer, true, static_cast<std::size_t>(d.bias_base), d.M);
    }
    std::sort(tensors.begin(), tensors.end(), [](const ParamTensor& a, const ParamTensor& b) {
        return a.ranges.front().begin < b.ranges.front().begin;
    });
    return tensors;
}

} // namespace

std::vector<int> parameter_owners(const Graph& g)
{
    if (!g.dense.empty()) {
        if (!is_dense_model(g))
            return parameter_owners(scalar_form(g));
        std::vector<int> owner(g.params.size(), -1);
        for (std::size_t v = 0; v < g.variable_nodes.size(); ++v) {
            const Node& n = g.nodes[static_cast<std::size_t>(g.variable_nodes[v])];
            const DenseLayer& d = g.dense[static_cast<std::size_t>(n.index)];
            const std::size_t r = static_cast<std::size_t>(g.variable_nodes[v] - d.units_begin);
            std::fill_n(owner.begin() + static_cast<std::ptrdiff_t>(d.weight_base + r * d.K()), d.K(),
                        static_cast<int>(v));
            if (d.bias_base >= 0)
                owner[static_cast<std::size_t>(d.bias_base) + r] = static_cast<int>(v);
        }
        return owner;
    }
    std::vector<int> owner(g.params.size(), -1);
    std::vector<int> variable_of(g.nodes.size(), -1);
    for (std::size_t v = 0; v < g.variable_nodes.size(); ++v)
        if (g.variable_nodes[v] >= 0)
            variable_of[static_cast<std::size_t>(g.variable_nodes[v])] = static_cast<int>(v);
    // seen_by[n] == v: node n was visited for variable v (one array for all: every run builds this,
    // and a layered model has thousands of variables over millions of nodes).
    std::vector<int> seen_by(g.nodes.size(), -1);
    std::vector<int> stack;
    for (std::size_t v = 0; v < g.variables.size(); ++v) {
        stack.assign(1, g.variable_nodes[v]);
        while (!stack.empty()) {
            const int n = stack.back();
            stack.pop_back();
            if (n < 0 || seen_by[static_cast<std::size_t>(n)] == static_cast<int>(v))
                continue;
            seen_by[static_cast<std::size_t>(n)] = static_cast<int>(v);
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
    if (is_dense_model(g)) {
        for (const DenseLayer& d : g.dense)
            if (d.bias_base >= 0)
                std::fill_n(mask.begin() + d.bias_base, d.M, true);
        return mask;
    }
    for (std::size_t i = 0; i < g.params.size(); ++i)
        mask[i] = is_bias(g.params[i]);
    return mask;
}

std::vector<ParamTensor> parameter_tensors(const Graph& g)
{
    if (is_dense_model(g))
        return dense_model_tensors(g);
    if (!g.dense.empty())
        return parameter_tensors(scalar_form(g));
    const std::vector<int> owner = parameter_owners(g);
    const std::vector<bool> bias = bias_mask(g);
    std::vector<int> bias_of(g.params.size(), -1); // the variable whose bias a parameter is
    for (std::size_t k = 0; k < g.definitions.size(); ++k)
        if (const int b = g.definitions[k].bias; b >= 0)
            bias_of[static_cast<std::size_t>(b)] = static_cast<int>(k);
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
        if (bias[i] && bias_of[i] >= 0)
            v = bias_of[i];
        if (v < 0) {
            add(loose.ranges, i);
            continue;
        }
        const int l = layer[static_cast<std::size_t>(v)];
        if (l > 0) {
            ParamTensor& t =
                tensor(2 * l + (bias[i] ? 1 : 0), fmt::format("layer {} {}", l, bias[i] ? "bias" : "weights"));
            t.layer = l;
            add(t.ranges, i);
        } else {
            ParamTensor& t = tensor(v, g.variables[static_cast<std::size_t>(v)]);
            t.variable = v;
            add(t.ranges, i);
        }
    }
    if (!loose.ranges.empty())
        tensors.push_back(std::move(loose));
    return tensors;
}

std::vector<ModelTensor> model_tensors(const Graph& g)
{
    // A --layers model's tensors are all weights or all biases (dense_model_tensors): no mask to read.
    const bool dense = is_dense_model(g);
    const std::vector<bool> mask = dense ? std::vector<bool>{} : bias_mask(g);
    std::vector<ModelTensor> out;
    for (const ParamTensor& t : parameter_tensors(g))
        for (const ParamRange& r : t.ranges)
            for (std::size_t begin = r.begin; begin < r.end;) {
                const auto bias = [&](std::size_t i) { return dense ? t.name.ends_with(" bias") : bool(mask[i]); };
                std::size_t end = dense ? r.end : begin + 1; // a run of weights or of biases
                while (end < r.end && bias(end) == bias(begin))
                    ++end;
                ModelTensor m;
                m.offset = begin;
                m.count = end - begin;
                m.kind = bias(begin) ? CGP_TENSOR_BIAS : CGP_TENSOR_WEIGHT;
                m.shape = {m.count};
                if (t.layer > 0) {
                    m.name = fmt::format("layer{}.{}", t.layer, bias(begin) ? "bias" : "weight");
                    const auto rows = static_cast<std::size_t>(g.layers[static_cast<std::size_t>(t.layer)]);
                    const auto cols = static_cast<std::size_t>(g.layers[static_cast<std::size_t>(t.layer) - 1]);
                    if (!bias(begin) && rows * cols == m.count)
                        m.shape = {rows, cols};
                } else if (t.variable >= 0) {
                    m.name = g.variables[static_cast<std::size_t>(t.variable)] + (bias(begin) ? ".bias" : "");
                } else {
                    m.name = t.name;
                }
                if (m.kind == CGP_TENSOR_WEIGHT && m.count == 1 && t.layer == 0) {
                    m.kind = CGP_TENSOR_SCALAR;
                    m.shape.clear();
                }
                out.push_back(std::move(m));
                begin = end;
            }
    std::sort(out.begin(), out.end(), [](const ModelTensor& a, const ModelTensor& b) { return a.offset < b.offset; });
    return out;
}

} // namespace cgp
