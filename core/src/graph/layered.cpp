// build_layered_graph: the graph of a generated layered model (--layers), built straight from its
// layer sizes: the same nodes, names, parameter order and fingerprint as building its statements
// (layered_statements) through the parser, without writing, parsing or looking names up.
#include "layered.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace cgp {
namespace {

class LayeredBuilder {
public:
    LayeredBuilder(const ModelSpec& spec, ParamOrder order) : spec_(spec), layers_(spec.layers), order_(order) {}

    Graph run()
    {
        g_.name = spec_.name;
        g_.activation = spec_.activation;
        g_.node_bias = spec_.node_bias;
        g_.layers = layers_;
        name_variables();
        name_params();
        build_nodes();
        choose_outputs();
        return std::move(g_);
    }

private:
    std::size_t weight_count() const
    {
        std::size_t n = 0;
        for (std::size_t l = 1; l < layers_.size(); ++l)
            n += static_cast<std::size_t>(layers_[l]) * static_cast<std::size_t>(layers_[l - 1]);
        return n;
    }

    void name_variables()
    {
        const auto n0 = static_cast<std::size_t>(layers_[0]);
        g_.inputs.reserve(n0);
        for (std::size_t j = 0; j < n0; ++j)
            g_.inputs.push_back(fmt::format("x0_{}", j));
        for (std::size_t l = 1; l < layers_.size(); ++l)
            for (int k = 0; k < layers_[l]; ++k)
                g_.variables.push_back(fmt::format("x{}_{}", l, k));
    }

    // The parser's order (graph.hpp): parameters by first appearance, each layer's weights
    // row-major; biases after each layer (per-layer order) or all at the end (BiasesLast).
    void name_params()
    {
        const bool per_layer = spec_.node_bias && order_ == ParamOrder::PerLayer;
        g_.params.reserve(weight_count() + (spec_.node_bias ? g_.variables.size() : 0));
        std::size_t variable = 0;
        for (std::size_t l = 1; l < layers_.size(); ++l) {
            for (int k = 0; k < layers_[l]; ++k)
                for (int j = 0; j < layers_[l - 1]; ++j)
                    g_.params.push_back(fmt::format("w{}_{}_{}", l, k, j));
            if (per_layer)
                for (int k = 0; k < layers_[l]; ++k)
                    bias_param_.push_back(add_bias(variable++));
        }
        if (spec_.node_bias && !per_layer)
            for (; variable < g_.variables.size(); ++variable)
                bias_param_.push_back(add_bias(variable));
    }

    int add_bias(std::size_t variable)
    {
        g_.params.push_back(g_.variables[variable] + ".bias");
        return static_cast<int>(g_.params.size()) - 1;
    }

    int add_node(Op op, int a, int b)
    {
        Node n;
        n.op = op;
        n.a = a;
        n.b = b;
        const Node& na = g_.nodes[static_cast<std::size_t>(a)];
        n.uniform = na.uniform;
        n.needs_grad = na.needs_grad;
        if (b >= 0) {
            const Node& nb = g_.nodes[static_cast<std::size_t>(b)];
            n.uniform = n.uniform && nb.uniform;
            n.needs_grad = n.needs_grad || nb.needs_grad;
        }
        g_.nodes.push_back(std::move(n));
        return static_cast<int>(g_.nodes.size()) - 1;
    }

    bool is_declared_output(const std::string& name) const
    {
        return std::any_of(spec_.outputs.begin(), spec_.outputs.end(),
                           [&](const NamedAt& o) { return o.name == name; });
    }

    // Statement by statement, as the parser lowers `wl_k_0*x_0+wl_k_1*x_1+...`: the products and
    // the left-leaning sums interleaved, then the bias, then the activation.
    void build_nodes()
    {
        std::size_t count = static_cast<std::size_t>(layers_[0]) + g_.params.size();
        for (std::size_t l = 1; l < layers_.size(); ++l)
            count += static_cast<std::size_t>(layers_[l]) * (2 * static_cast<std::size_t>(layers_[l - 1]) + 1);
        g_.nodes.reserve(count);
        for (std::size_t i = 0; i < g_.inputs.size(); ++i) {
            Node n;
            n.op = Op::Input;
            n.index = static_cast<int>(i);
            n.uniform = false;
            n.label = g_.inputs[i];
            g_.nodes.push_back(std::move(n));
            g_.input_nodes.push_back(static_cast<int>(i));
        }
        const int first_param = static_cast<int>(g_.nodes.size());
        for (std::size_t i = 0; i < g_.params.size(); ++i) {
            Node n;
            n.op = Op::Param;
            n.index = static_cast<int>(i);
            n.needs_grad = true;
            n.label = g_.params[i];
            g_.nodes.push_back(std::move(n));
        }
        g_.variable_nodes.reserve(g_.variables.size());
        g_.definitions.reserve(g_.variables.size());
        g_.variable_uses.reserve(g_.variables.size());
        std::vector<int> previous = g_.input_nodes, current;
        std::size_t s = 0;
        int weight = 0; // parameter number of the next weight
        const std::size_t last = layers_.size() - 1;
        for (std::size_t l = 1; l < layers_.size(); ++l) {
            current.clear();
            // With biases per layer, this layer's weights are followed by its biases.
            for (int k = 0; k < layers_[l]; ++k, ++s) {
                int root = -1;
                for (std::size_t j = 0; j < previous.size(); ++j) {
                    const int product = add_node(Op::Mul, first_param + weight++, previous[j]);
                    root = j == 0 ? product : add_node(Op::Add, root, product);
                }
                Definition def;
                def.body = root;
                if (spec_.node_bias) {
                    def.bias = bias_param_[s];
                    root = add_node(Op::Add, root, first_param + def.bias);
                }
                const bool output = spec_.outputs.empty() ? l == last : is_declared_output(g_.variables[s]);
                def.activation = spec_.output_activation && output ? *spec_.output_activation : spec_.activation;
                if (!def.activation.is_none())
                    root = add_node(def.activation.op(), root, -1);
                Node& top = g_.nodes[static_cast<std::size_t>(root)];
                if (top.label.empty())
                    top.label = g_.variables[s];
                g_.definitions.push_back(def);
                g_.variable_nodes.push_back(root);
                g_.variable_uses.push_back(previous);
                current.push_back(root);
            }
            if (spec_.node_bias && order_ == ParamOrder::PerLayer)
                weight += layers_[l];
            std::swap(previous, current);
        }
    }

    void choose_outputs()
    {
        if (spec_.outputs.empty()) {
            const std::size_t first = g_.variables.size() - static_cast<std::size_t>(layers_.back());
            for (std::size_t v = first; v < g_.variables.size(); ++v) {
                g_.outputs.push_back(g_.variables[v]);
                g_.output_nodes.push_back(g_.variable_nodes[v]);
            }
            return;
        }
        for (const NamedAt& o : spec_.outputs) {
            const auto it = std::find(g_.variables.begin(), g_.variables.end(), o.name);
            if (it == g_.variables.end())
                throw SourceError(
                    spec_.name, o.pos, "", fmt::format("output '{}' is not defined by any statement", o.name),
                    fmt::format("defined variables: x1_0 to x{}_{}", layers_.size() - 1, layers_.back() - 1));
            if (std::find(g_.outputs.begin(), g_.outputs.end(), o.name) != g_.outputs.end())
                throw SourceError(spec_.name, o.pos, "", fmt::format("output '{}' is listed twice", o.name), "");
            g_.outputs.push_back(o.name);
            g_.output_nodes.push_back(g_.variable_nodes[static_cast<std::size_t>(it - g_.variables.begin())]);
        }
    }

    const ModelSpec& spec_;
    const std::vector<int>& layers_;
    const ParamOrder order_;
    Graph g_;
    std::vector<int> bias_param_; // statement -> parameter number of its bias
};

} // namespace

Graph build_layered_graph(const ModelSpec& spec, ParamOrder order)
{
    return LayeredBuilder(spec, order).run();
}

} // namespace cgp
