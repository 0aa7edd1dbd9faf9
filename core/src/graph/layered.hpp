// The direct builder of generated layered models' graphs (build_graph's path for layered_model).
#pragma once

#include <cgp/graph/graph.hpp>

namespace cgp {

// The graph of a generated layered model (spec.generated, no statements), as dense layers: its
// scalar form is identical, node for node and name for name, to building
// layered_statements(spec.layers) through the parser.
Graph build_layered_graph(const ModelSpec& spec, ParamOrder order);

// Where a dense unit sits: its declared layer (from 1), its row there, and the layer's first weight.
struct DenseRow {
    int layer = 0;
    std::size_t row = 0;
    std::size_t layer_weights = 0;
};

// Appends a node per name of g.inputs (op Input, in order) and lists them in g.input_nodes.
void add_input_nodes(Graph& g);
// Appends a unit as a Dense node reading `inputs` (its weights row-major from at.layer_weights, its
// bias def.bias): into the last dense layer when it is that layer's next row with the same
// activation, else into a new one. Returns the node.
int add_dense_unit(Graph& g, const DenseRow& at, const std::vector<int>& inputs, const Definition& def,
                   const std::string& label);

} // namespace cgp
