// The direct builder of generated layered models' graphs (build_graph's path for layered_model).
#pragma once

#include <cgp/graph/graph.hpp>

namespace cgp {

// The graph of a generated layered model (spec.generated, no statements), as dense layers: its
// scalar form is identical, node for node and name for name, to building
// layered_statements(spec.layers) through the parser.
Graph build_layered_graph(const ModelSpec& spec, ParamOrder order);

} // namespace cgp
