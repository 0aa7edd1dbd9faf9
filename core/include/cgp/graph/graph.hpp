// cgp/graph/graph.hpp: a model's meaning: a validated DAG of operations in topological order, with its
// inputs, learnable parameters (in a documented order) and outputs. Built from a ModelSpec, and the
// input of the compiler (tape.hpp).
//
// Parameter order, which fixes initial values and every file that lists parameters: the named
// parameters in order of first appearance (statements top to bottom, each left to right), then the
// per-node biases ("xw.bias") in statement order. Layered models (a `layers` line, --layers, the
// multi-neuron preset) with biases take PyTorch's per-layer order instead: layer 1's named
// parameters (first appearance), layer 1's biases, layer 2's named parameters, layer 2's biases, ...
// (for --layers: w1_k_j row-major [out, in], then x1_k.bias, as nn.Linear's weight and bias).
#pragma once

#include <cgp/graph/param_names.hpp>
#include <cgp/language/model.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace cgp {

// Op, its names and arities: the table of operations, cgp/language/ops.hpp.

struct Node {
    Op op = Op::Const;
    int a = -1;              // first operand (node index)
    int b = -1;              // second operand (binary ops)
    int index = -1;          // Input: input number; Param: parameter number; Dense: layer number
    double value = 0.0;      // Const: the value; PowInt: the exponent
    bool uniform = true;     // depends on no input: one value for the whole batch
    bool needs_grad = false; // depends on a parameter
    std::string label;       // variable or parameter name when it has one
};

// What the builder made of one statement: the node of its expression, then the per-node bias added
// to it and the activation applied to the sum (the variable's node is the last of these).
struct Definition {
    int body = -1; // node of the statement's expression
    int bias = -1; // parameter number of the variable's bias, or -1
    Activation activation = Activation::None;
};

// A dense layer, one construct rather than a node per weight: units[r] = act(sum_j W[r][j] *
// inputs[j] + bias[r]) with W the parameters [weight_base, weight_base + M*K) row-major and the
// biases [bias_base, bias_base + M), or none. Its M units are the nodes units_begin + r (op Dense,
// index this layer's number, no operands); they come after every node of `inputs`.
struct DenseLayer {
    std::vector<int> inputs; // K column nodes
    int units_begin = 0;
    std::size_t M = 0;
    std::size_t weight_base = 0;
    std::ptrdiff_t bias_base = -1;
    Op act = Op::Identity; // an op marked `activation`, Identity for none
    int layer = 0;         // the declared layer (Graph::layers) it is part of, from 1; 0 for none
    std::size_t row0 = 0;  // its first unit's row in that declared layer
    std::size_t K() const noexcept { return inputs.size(); }
};

struct Graph {
    std::vector<Node> nodes;                     // topological order: operands come first
    ParamNames params;                           // parameter names, in parameter order
    std::vector<DenseLayer> dense;               // dense layers (their units are nodes)
    std::vector<std::string> inputs;             // input variable names, in order of first use
    std::vector<int> input_nodes;                // node of each input
    std::vector<std::string> outputs;            // output variable names
    std::vector<int> output_nodes;               // node of each output
    std::vector<std::string> variables;          // defined variables, statement order
    std::vector<int> variable_nodes;             // node of each defined variable
    std::vector<Definition> definitions;         // how each defined variable was built
    std::vector<std::vector<int>> variable_uses; // for each defined variable: variables it reads (empty
                                                 // for a dense unit: its layer's inputs)
    Activation activation = Activation::None;
    bool node_bias = false;
    std::vector<int> layers; // declared layer sizes (inputs first), or empty
    std::string name;        // the model's name (preset, file, ...)

    // A 64-bit fingerprint of the structure (operations, names, order); equal graphs, equal value.
    // A graph with dense layers has the value of its scalar form (below): the value it had when
    // its layers were written out node by node, so checkpoints keep matching.
    std::uint64_t fingerprint() const;
    // Number of learnable parameters.
    std::size_t param_count() const noexcept { return params.size(); }
};

// Which parameter order a build takes: today's (above), or the order of checkpoint formats 1-3, which
// put every bias last in layered models too (to read those checkpoints).
// The same model with every dense layer written out as scalar nodes, exactly as the expression
// `act(w_k_0*x_0 + w_k_1*x_1 + ... + bias)` builds it: one Param node per parameter after the inputs,
// then per unit its products, left-leaning sums, bias and activation. For consumers that read a
// model node by node (pictures, traces); it takes memory in the number of parameters.
Graph scalar_form(const Graph& g);
// The number of nodes of the scalar form, without writing them.
std::size_t scalar_node_count(const Graph& g);
// Whether the graph's dense layers hold every parameter and belong to declared layers (a --layers
// model): then consumers read its tensors from the layers, with no work per parameter.
bool is_dense_model(const Graph& g);

enum class ParamOrder { PerLayer, BiasesLast };

// How statements become nodes: as dense layers where the statements of a `layers` line describe
// them (each unit a sum of fresh parameters times the layer before, in its order: the multi-neuron
// preset, CGP's layered model files), or node by node as written. Both give one scalar form, so one
// fingerprint; the second is the reference tests compare the first with.
enum class StatementRoute { Dense, Nodes };

// Validates the spec and builds its graph. Throws SourceError pointing at the offending place for:
// an empty model, a variable defined twice, an assignment to a parameter name, a name used both as
// variable and parameter, a cycle (naming its variables), an undefined output, a broken layer rule.
Graph build_graph(const ModelSpec& spec, ParamOrder order = ParamOrder::PerLayer,
                  StatementRoute route = StatementRoute::Dense);

} // namespace cgp
