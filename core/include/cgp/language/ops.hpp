// cgp/language/ops.hpp: the one table of operations. Each entry says how the language writes an
// operation, how a picture draws it, whether it may be every node's activation, and where it is
// smooth (the points at which tests check its derivative). The parser's function names, the graph's
// Op, the kernels' per-op dispatch (tape/kernels/formulas.hpp holds each op's forward and derivative
// side by side) and the drawing's labels are all derived from it.
//
// Adding a unary function: one CGP_OPS entry here (at the end: an op's number enters
// Graph::fingerprint, so existing numbers never change) and its formula in formulas.hpp.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cgp {

// Which operand of a drawn operator binds one level tighter (a - (b - c), a^(b^c), (a^b)^n).
enum class Tighter : std::uint8_t { Neither, Left, Right };

// Test points: [lo, hi], and [-hi, -lo] too when mirrored (for ops with a kink or a pole at 0).
struct Domain {
    double lo = -2.0, hi = 2.0;
    bool mirrored = false;
};

struct OpInfo {
    std::string_view name;        // the op's name (traces, to_string); the function's name when `function`
    int arity = 0;                // 0: a leaf of the graph, 1: unary, 2: binary
    bool function = false;        // written name(expression) in the language
    bool activation = false;      // may be applied to every defined variable (--activation, model files),
                                  // and is fused into dense layers; its derivative is written from its output
    std::string_view symbol = {}; // an operator's drawing: infix for binary ops, prefix or postfix for unary
    int precedence = 5;           // binding strength of the symbol; 5 for calls and leaves
    Tighter tighter = Tighter::Neither;
    bool has_value = false; // Node::value matters: a constant's value, a whole exponent
    Domain domain = {};     // test points of the first operand
    Domain domain_b = {};   // and of the second (binary ops)
};

// X(Id, OpInfo fields...). The order is the numbering of Op: append new entries at the end.
#define CGP_OPS(X)                                                                                                     \
    X(Input, .name = "input")                                                                                          \
    X(Param, .name = "param")                                                                                          \
    X(Const, .name = "const", .has_value = true)                                                                       \
    X(Add, .name = "add", .arity = 2, .symbol = " + ", .precedence = 1)                                                \
    X(Sub, .name = "sub", .arity = 2, .symbol = " - ", .precedence = 1, .tighter = Tighter::Right)                     \
    X(Mul, .name = "mul", .arity = 2, .symbol = "*", .precedence = 2)                                                  \
    X(Div, .name = "div", .arity = 2, .symbol = "/", .precedence = 2, .tighter = Tighter::Right,                       \
      .domain_b = {0.5, 2.0, true})                                                                                    \
    X(Pow, .name = "pow", .arity = 2, .symbol = "^", .precedence = 4, .tighter = Tighter::Left, .domain = {0.2, 3.0})  \
    /* a ^ n for a whole number n (Node::value), kept exact for negative a */                                          \
    X(PowInt, .name = "powi", .arity = 1, .symbol = "^", .precedence = 4, .tighter = Tighter::Left, .has_value = true, \
      .domain = {0.3, 2.0, true})                                                                                      \
    X(Neg, .name = "neg", .arity = 1, .symbol = "-", .precedence = 3)                                                  \
    X(Sigmoid, .name = "sigmoid", .arity = 1, .function = true, .activation = true, .domain = {-4.0, 4.0})             \
    X(Relu, .name = "relu", .arity = 1, .function = true, .activation = true, .domain = {0.1, 3.0, true})              \
    X(Tanh, .name = "tanh", .arity = 1, .function = true, .activation = true, .domain = {-3.0, 3.0})                   \
    X(Exp, .name = "exp", .arity = 1, .function = true, .domain = {-3.0, 3.0})                                         \
    X(Log, .name = "log", .arity = 1, .function = true, .domain = {0.1, 4.0})                                          \
    X(Sqrt, .name = "sqrt", .arity = 1, .function = true, .domain = {0.1, 4.0})                                        \
    X(Abs, .name = "abs", .arity = 1, .function = true, .domain = {0.1, 3.0, true})                                    \
    /* the absent activation (--activation none); never a node of a graph */                                           \
    X(Identity, .name = "none", .arity = 1, .activation = true)                                                        \
    X(Softplus, .name = "softplus", .arity = 1, .function = true, .activation = true, .domain = {-8.0, 8.0})           \
    /* one output unit of a dense layer (Graph::dense[Node::index], row Node::a): a leaf of the node list */           \
    X(Dense, .name = "dense")

enum class Op : std::uint8_t {
#define CGP_OP_ENUMERATOR(id, ...) id,
    CGP_OPS(CGP_OP_ENUMERATOR)
#undef CGP_OP_ENUMERATOR
};

inline constexpr std::array kOps{
#define CGP_OP_INFO(id, ...) OpInfo{__VA_ARGS__},
    CGP_OPS(CGP_OP_INFO)
#undef CGP_OP_INFO
};
inline constexpr std::size_t kOpCount = kOps.size();

constexpr const OpInfo& op_info(Op op) noexcept
{
    return kOps[static_cast<std::size_t>(op)];
}
constexpr std::string_view to_string(Op op) noexcept
{
    return op_info(op).name;
}
constexpr bool is_binary(Op op) noexcept
{
    return op_info(op).arity == 2;
}
constexpr bool is_unary(Op op) noexcept // includes PowInt and Neg
{
    return op_info(op).arity == 1;
}

// ---- losses ----------------------------------------------------------------------------------
//
// The second table: the training losses, each as the per-sample sum over outputs, averaged over the
// batch. A loss with a link computes from the model's raw outputs (logits) and applies the link
// itself, stably: the graph's output activation is left out, and predictions apply the link.
//   mse            sum_o (y_o - t_o)^2                           (CGP's; no factor 1/2)
//   bce            sum_o softplus(y_o) - t_o * y_o              BCEWithLogitsLoss, link sigmoid
//   cross-entropy  logsumexp_o(y) - sum_o t_o * y_o (t one-hot) CrossEntropyLoss, link softmax
//   huber          sum_o h(y_o - t_o), h(e) = e^2/2 for |e| <= 1, else |e| - 1/2   (HuberLoss, delta 1)
// Each loss's value and gradient sit in tape/kernels/formulas.hpp (LossFormula). Append new entries.
enum class Link : std::uint8_t { None, Sigmoid, Softmax };

struct LossInfo {
    std::string_view name;
    Link link = Link::None;
    int min_outputs = 1;
    bool classification = false; // its targets are classes (one-hot columns, or 0/1 for one output)
};

#define CGP_LOSSES(X)                                                                                                  \
    X(Mse, .name = "mse")                                                                                              \
    X(Bce, .name = "bce", .link = Link::Sigmoid, .classification = true)                                               \
    X(CrossEntropy, .name = "cross-entropy", .link = Link::Softmax, .min_outputs = 2, .classification = true)          \
    X(Huber, .name = "huber")

enum class Loss : std::uint8_t {
#define CGP_LOSS_ENUMERATOR(id, ...) id,
    CGP_LOSSES(CGP_LOSS_ENUMERATOR)
#undef CGP_LOSS_ENUMERATOR
};

inline constexpr std::array kLosses{
#define CGP_LOSS_INFO(id, ...) LossInfo{__VA_ARGS__},
    CGP_LOSSES(CGP_LOSS_INFO)
#undef CGP_LOSS_INFO
};
inline constexpr std::size_t kLossCount = kLosses.size();

constexpr const LossInfo& loss_info(Loss l) noexcept
{
    return kLosses[static_cast<std::size_t>(l)];
}
constexpr std::string_view to_string(Loss l) noexcept
{
    return loss_info(l).name;
}
// The loss named `name`; throws cgp::Error listing them.
Loss parse_loss(std::string_view name);
// "mse, bce, cross-entropy, huber"
std::string loss_names();

// The function the language spells `name`, if any.
std::optional<Op> function_op(std::string_view name) noexcept;
// The functions' names, separated by spaces: "sigmoid relu tanh exp log sqrt abs ..."
std::string function_names();
// The activation named `name` ("none" is Op::Identity), if any.
std::optional<Op> activation_op(std::string_view name) noexcept;
// The activations' names, separated by `sep`, "none" first.
std::string activation_names(std::string_view sep = " ");

} // namespace cgp
