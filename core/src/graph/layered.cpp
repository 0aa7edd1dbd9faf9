// build_layered_graph: the graph of a generated layered model (--layers), built straight from its
// layer sizes as dense layers (graph.hpp): a node per input and per unit, the parameter names as
// generated blocks, nothing per weight. Its scalar form is, node for node and name for name, the
// graph of its statements (layered_statements) built through the parser, so it has that
// fingerprint.
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
        place_params();
        build_nodes();
        choose_outputs();
        return std::move(g_);
    }

private:
    std::size_t size(std::size_t l) const { return static_cast<std::size_t>(layers_[l]); }

    void name_variables()
    {
        g_.inputs.reserve(size(0));
        for (std::size_t j = 0; j < size(0); ++j)
            g_.inputs.push_back(fmt::format("x0_{}", j));
        for (std::size_t l = 1; l < layers_.size(); ++l)
            for (std::size_t k = 0; k < size(l); ++k)
                g_.variables.push_back(fmt::format("x{}_{}", l, k));
    }

    // The parser's order (graph.hpp): each layer's weights row-major; biases after each layer
    // (per-layer order) or all at the end (BiasesLast).
    void place_params()
    {
        const bool per_layer = spec_.node_bias && order_ == ParamOrder::PerLayer;
        weight_base_.assign(layers_.size(), 0);
        bias_base_.assign(layers_.size(), -1);
        for (std::size_t l = 1; l < layers_.size(); ++l) {
            weight_base_[l] = g_.params.size();
            g_.params.add_weights(static_cast<int>(l), 0, size(l), size(l - 1));
            if (per_layer) {
                bias_base_[l] = static_cast<std::ptrdiff_t>(g_.params.size());
                g_.params.add_biases(static_cast<int>(l), 0, size(l));
            }
        }
        if (spec_.node_bias && !per_layer)
            for (std::size_t l = 1; l < layers_.size(); ++l) {
                bias_base_[l] = static_cast<std::ptrdiff_t>(g_.params.size());
                g_.params.add_biases(static_cast<int>(l), 0, size(l));
            }
    }

    bool is_declared_output(const std::string& name) const
    {
        return std::any_of(spec_.outputs.begin(), spec_.outputs.end(),
                           [&](const NamedAt& o) { return o.name == name; });
    }

    Activation activation_of(std::size_t l, std::size_t variable) const
    {
        const bool output =
            spec_.outputs.empty() ? l == layers_.size() - 1 : is_declared_output(g_.variables[variable]);
        return spec_.output_activation && output ? *spec_.output_activation : spec_.activation;
    }

    // Each declared layer is one dense layer, or several over runs of units with one activation
    // (when only some of its units are outputs with their own).
    void build_nodes()
    {
        add_input_nodes(g_);
        g_.variable_nodes.reserve(g_.variables.size());
        g_.definitions.reserve(g_.variables.size());
        g_.variable_uses.resize(g_.variables.size());
        std::vector<int> previous = g_.input_nodes;
        std::size_t s = 0; // statement (variable) number
        for (std::size_t l = 1; l < layers_.size(); ++l) {
            const int first = static_cast<int>(g_.nodes.size());
            for (std::size_t k = 0; k < size(l); ++k, ++s) {
                Definition def;
                def.bias = bias_base_[l] < 0 ? -1 : static_cast<int>(bias_base_[l] + static_cast<std::ptrdiff_t>(k));
                def.activation = activation_of(l, s);
                def.body =
                    add_dense_unit(g_, {static_cast<int>(l), k, weight_base_[l]}, previous, def, g_.variables[s]);
                g_.variable_nodes.push_back(def.body);
                g_.definitions.push_back(def);
            }
            previous.resize(size(l));
            for (std::size_t k = 0; k < size(l); ++k)
                previous[k] = first + static_cast<int>(k);
        }
    }

    void choose_outputs()
    {
        if (spec_.outputs.empty()) {
            const std::size_t first = g_.variables.size() - size(layers_.size() - 1);
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
    std::vector<std::size_t> weight_base_;  // per declared layer: its first weight's number
    std::vector<std::ptrdiff_t> bias_base_; // per declared layer: its first bias's number, or -1
};

} // namespace

Graph build_layered_graph(const ModelSpec& spec, ParamOrder order)
{
    return LayeredBuilder(spec, order).run();
}

void add_input_nodes(Graph& g)
{
    for (std::size_t i = 0; i < g.inputs.size(); ++i) {
        Node n;
        n.op = Op::Input;
        n.index = static_cast<int>(i);
        n.uniform = false;
        n.label = g.inputs[i];
        g.input_nodes.push_back(static_cast<int>(g.nodes.size()));
        g.nodes.push_back(std::move(n));
    }
}

int add_dense_unit(Graph& g, const DenseRow& at, const std::vector<int>& inputs, const Definition& def,
                   const std::string& label)
{
    if (at.row == 0 || g.dense.empty() || g.dense.back().act != def.activation.op()) {
        DenseLayer d;
        d.inputs = inputs;
        d.units_begin = static_cast<int>(g.nodes.size());
        d.weight_base = at.layer_weights + at.row * inputs.size();
        d.bias_base = def.bias;
        d.act = def.activation.op();
        d.layer = at.layer;
        d.row0 = at.row;
        g.dense.push_back(std::move(d));
    }
    ++g.dense.back().M;
    Node n;
    n.op = Op::Dense;
    n.index = static_cast<int>(g.dense.size()) - 1;
    n.uniform = false;
    n.needs_grad = true;
    n.label = label;
    g.nodes.push_back(std::move(n));
    return static_cast<int>(g.nodes.size()) - 1;
}

} // namespace cgp
