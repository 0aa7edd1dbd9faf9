// The scalar form of a graph with dense layers (graph.hpp): its nodes written out one by one as the
// expression route builds them, streamed to a callback so the fingerprint needs no memory for them
// and scalar_form materializes them for the consumers that read a model node by node.
#include "scalar_form.hpp"

#include <algorithm>

namespace cgp {

ScalarNodes::ScalarNodes(const Graph& g) : g_(g), top_(g.nodes.size(), -1), body_(g.nodes.size(), -1)
{
}

int ScalarNodes::put(Op op, int a, int b, int index, std::string_view label, double value)
{
    node_.op = op;
    node_.a = a;
    node_.b = b;
    node_.index = index;
    node_.value = value;
    node_.label.assign(label);
    emit_(node_);
    return next_++;
}

void ScalarNodes::run(const std::function<void(const Node&)>& emit)
{
    emit_ = emit;
    next_ = 0;
    const std::vector<Node>& nodes = g_.nodes;
    for (std::size_t n = 0; n < nodes.size(); ++n)
        if (nodes[n].op == Op::Input)
            top_[n] = put(Op::Input, -1, -1, nodes[n].index, nodes[n].label);
    const int param_base = next_;
    for (std::size_t i = 0; i < g_.params.size(); ++i)
        put(Op::Param, -1, -1, static_cast<int>(i), g_.params[i]);
    const auto mapped = [&](int n) { return n < 0 ? -1 : top_[static_cast<std::size_t>(n)]; };
    for (std::size_t n = 0; n < nodes.size(); ++n) {
        const Node& node = nodes[n];
        if (node.op == Op::Input)
            continue;
        if (node.op == Op::Param) {
            top_[n] = param_base + node.index;
            continue;
        }
        if (node.op != Op::Dense) {
            top_[n] = put(node.op, mapped(node.a), mapped(node.b), node.index, node.label, node.value);
            continue;
        }
        // act(w_r_0*x_0 + w_r_1*x_1 + ... + bias): the last node written carries the unit's name.
        const DenseLayer& d = g_.dense[static_cast<std::size_t>(node.index)];
        const std::size_t r = n - static_cast<std::size_t>(d.units_begin), K = d.K();
        const int w = param_base + static_cast<int>(d.weight_base + r * K);
        const bool bias = d.bias_base >= 0, act = d.act != Op::Identity;
        int root = -1;
        for (std::size_t j = 0; j < K; ++j) {
            const std::string_view label = j + 1 == K && !bias && !act ? std::string_view(node.label) : "";
            if (j == 0) {
                root = put(Op::Mul, w, mapped(d.inputs[0]), -1, K == 1 ? label : "");
                continue;
            }
            const int product = put(Op::Mul, w + static_cast<int>(j), mapped(d.inputs[j]), -1, "");
            root = put(Op::Add, root, product, -1, label);
        }
        body_[n] = root;
        if (bias)
            root = put(Op::Add, root, param_base + static_cast<int>(d.bias_base + static_cast<std::ptrdiff_t>(r)), -1,
                       act ? "" : std::string_view(node.label));
        if (act)
            root = put(d.act, root, -1, -1, node.label);
        top_[n] = root;
    }
}

void settle_flags(std::vector<Node>& nodes)
{
    for (Node& n : nodes) {
        if (n.a >= 0) {
            const Node& a = nodes[static_cast<std::size_t>(n.a)];
            n.uniform = a.uniform;
            n.needs_grad = a.needs_grad;
        }
        if (n.b >= 0) {
            const Node& b = nodes[static_cast<std::size_t>(n.b)];
            n.uniform = n.uniform && b.uniform;
            n.needs_grad = n.needs_grad || b.needs_grad;
        }
    }
}

std::size_t scalar_node_count(const Graph& g)
{
    std::size_t count = g.params.size();
    for (const Node& n : g.nodes)
        count += n.op != Op::Param && n.op != Op::Dense ? 1 : 0;
    for (const DenseLayer& d : g.dense)
        count += d.M * (2 * d.K() - 1 + (d.bias_base >= 0 ? 1 : 0) + (d.act != Op::Identity ? 1 : 0));
    return count;
}

bool is_dense_model(const Graph& g)
{
    if (g.dense.empty())
        return false;
    std::size_t held = 0;
    for (const DenseLayer& d : g.dense) {
        if (d.layer <= 0 || static_cast<std::size_t>(d.layer) >= g.layers.size())
            return false;
        held += d.M * d.K() + (d.bias_base >= 0 ? d.M : 0);
    }
    return held == g.params.size() &&
           std::none_of(g.nodes.begin(), g.nodes.end(), [](const Node& n) { return n.op == Op::Param; });
}

Graph scalar_form(const Graph& g)
{
    if (g.dense.empty())
        return g;
    Graph out;
    ScalarNodes writer(g);
    writer.run([&out](const Node& n) { out.nodes.push_back(n); });
    for (Node& n : out.nodes) {
        n.uniform = n.op != Op::Input;
        n.needs_grad = n.op == Op::Param;
    }
    settle_flags(out.nodes);
    out.params = g.params;
    out.inputs = g.inputs;
    out.outputs = g.outputs;
    out.variables = g.variables;
    out.activation = g.activation;
    out.node_bias = g.node_bias;
    out.layers = g.layers;
    out.name = g.name;
    const auto mapped = [&writer](int n) { return n < 0 ? -1 : writer.top(n); };
    for (int n : g.input_nodes)
        out.input_nodes.push_back(mapped(n));
    for (int n : g.output_nodes)
        out.output_nodes.push_back(mapped(n));
    for (std::size_t v = 0; v < g.variables.size(); ++v) {
        const int n = g.variable_nodes[v];
        out.variable_nodes.push_back(mapped(n));
        Definition def = g.definitions[v];
        std::vector<int> uses;
        if (n >= 0 && g.nodes[static_cast<std::size_t>(n)].op == Op::Dense) {
            def.body = writer.body(n);
            for (int in : g.dense[static_cast<std::size_t>(g.nodes[static_cast<std::size_t>(n)].index)].inputs)
                uses.push_back(mapped(in));
        } else {
            def.body = mapped(def.body);
            for (int u : g.variable_uses[v])
                uses.push_back(mapped(u));
        }
        out.definitions.push_back(def);
        out.variable_uses.push_back(std::move(uses));
    }
    return out;
}

} // namespace cgp
