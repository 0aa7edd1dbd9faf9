// cgp/language/model.hpp: a model as the user describes it: statements plus the options around them
// (activation and bias per node, CGP layer rules, outputs). Presets, generated layered models,
// model files (docs/model-files.md) and --expr all produce a ModelSpec; graph.hpp gives it meaning.
#pragma once

#include <cgp/language/expr.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

// The activation applied to every defined variable: an op that ops.hpp marks `activation`, or none
// (Op::Identity). A thin type over the op, so every op the table marks is one without more code.
class Activation {
public:
    static const Activation None, Sigmoid, Relu, Tanh; // names for code; parse_activation knows them all

    constexpr Activation() noexcept = default;
    // `op` is an op marked `activation` in ops.hpp.
    constexpr explicit Activation(Op op) noexcept : op_(op) {}
    constexpr Op op() const noexcept { return op_; }
    constexpr bool is_none() const noexcept { return op_ == Op::Identity; }
    friend constexpr bool operator==(Activation, Activation) noexcept = default;

private:
    Op op_ = Op::Identity;
};
inline constexpr Activation Activation::None{Op::Identity};
inline constexpr Activation Activation::Sigmoid{Op::Sigmoid};
inline constexpr Activation Activation::Relu{Op::Relu};
inline constexpr Activation Activation::Tanh{Op::Tanh};

// "none", "sigmoid", ...: the op's name.
std::string_view to_string(Activation a) noexcept;
// Parses an activation's name ("none" or an op marked `activation`); throws cgp::Error listing them.
Activation parse_activation(std::string_view text);

struct NamedAt {
    std::string name;
    SourcePos pos;
};

struct ModelSpec {
    std::string name;                            // "multi-neuron", a file path, "--expr", "layers 4 2 1"
    ParsedText text;                             // the statements
    Activation activation = Activation::None;    // applied to every defined variable (neural models)
    bool node_bias = false;                      // one learnable bias per defined variable, added before the activation
    std::optional<Activation> output_activation; // the outputs' activation, when it differs from `activation`
    Link output_link = Link::None; // what predictions apply to the outputs (a loss with a link computes from logits)
    bool generated = false;        // a generated layered model (--layers): its outputs follow the loss by default
    std::vector<NamedAt> outputs;  // declared outputs; empty: the variables no statement uses
    std::vector<int> layers;       // CGP layer rule: nodes per layer, inputs first; empty: any DAG
    SourcePos layers_pos;          // where `layers` was declared (for errors)
};

// Built-in models: "one-neuron" and "multi-neuron" (CGP's examples).
std::vector<std::string> preset_names();
bool is_preset(std::string_view name) noexcept;
ModelSpec preset_model(std::string_view name);

// A fully connected network from a layers config such as {4, 2, 1} or {64, 256, 256, 1}: inputs
// x0_0 .. x0_{n0-1}, node k of layer l is xl_k = act(sum_j wl_k_j * x(l-1)_j + bias), written as
// expressions that follow CGP's layer rules. Every layer size must be at least 1, at least 2 layers.
ModelSpec layered_model(const std::vector<int>& layers, Activation activation = Activation::Sigmoid);

// A model file (format in docs/model-files.md). Throws cgp::Error when unreadable, SourceError
// with the position for anything wrong inside.
ModelSpec load_model_file(const std::filesystem::path& path);
ModelSpec parse_model_text(std::string origin, std::string_view text);

// Statements given one per --expr option; origin "--expr N" for the N-th.
ModelSpec expr_model(const std::vector<std::string>& expressions);

} // namespace cgp
