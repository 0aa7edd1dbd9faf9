// cgp/report/draw.hpp: a model's graph as a picture: Graphviz DOT, rendered with `dot` when asked.
//
// The picture shows what CGP's network drawings show: the variables as nodes, left to right in
// layers (inputs first; the declared layers, or else each variable one layer after the deepest
// variable it reads), an edge from every variable a statement reads to the variable it defines, and
// the outputs marked. An edge is labelled with what multiplies its source: for xw = ab*xa + bc*xb
// the edge xa -> xw reads "ab". A term that is not a coefficient times one variable (sigmoid(ab*xa),
// xa*xb, ...) labels its edges with its own text, or with the parameters it involves when the text
// is long. Per-node biases, parameter-only terms and the activation are shown inside the node.
#pragma once

#include <cgp/graph/graph.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace cgp {

struct GraphEdge {
    std::string from, to; // variable names
    std::string label;
};

// Every edge of the picture, in statement order.
std::vector<GraphEdge> graph_edges(const Graph& graph);

// The DOT text of the picture.
std::string graph_to_dot(const Graph& graph);

// Writes the picture to file: DOT for .dot or .gv; for .png or .svg, the DOT beside it (same name,
// extension .dot) and the image rendered by Graphviz's dot. Returns the command that renders the
// image when dot is not on PATH (empty otherwise). Throws cgp::Error for any other extension.
std::string write_graph_picture(const Graph& graph, const std::filesystem::path& file);

// The files write_graph_picture writes, for checking them before any work starts.
std::vector<std::filesystem::path> graph_picture_files(const std::filesystem::path& file);

} // namespace cgp
