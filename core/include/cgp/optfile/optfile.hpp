// cgp/optfile/optfile.hpp: optimizer files (.opt), an update written as equations: the parsed form.
//
//   # adam-handout.opt
//   name    adam-handout                       the optimizer's id ([a-z][a-z0-9_.+-]*)
//   summary Adam with eps inside the square root  (optional: one line for listings)
//   algorithm adam                             (optional: the reference algorithm it implements)
//   hparam  lr    = 1e-3  in [0, 1e6]  "learning rate"   (default, range, optional "integer", help)
//   state   m, v                               state arrays, zero at the start
//   const   bc1 = 1 - beta1^t                  a per-step constant (hyperparameters, t, numbers)
//   m = beta1*m + (1 - beta1)*g                the update: statements run in order, each assigning
//   p = p - lr/bc1 * m / sqrt(v + eps)         p or a state, later statements seeing earlier ones
//
// Expressions: numbers, names, + - * / ^, unary -, comparisons < <= > >= == != (1 or 0), and the
// functions sqrt abs sign exp log tanh (one argument), min max (two), clip(x, lo, hi) and
// select(c, a, b) (a where c is not 0). The grammar extends the model language's (cgp/language/expr.hpp)
// with comparisons and calls of several arguments. This file knows syntax and declarations;
// cgp/optfile/program.hpp gives them meaning.
#pragma once

#include <cgp/language/expr.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cgp::optfile {

enum class Fn : std::uint8_t { Sqrt, Abs, Sign, Exp, Log, Tanh, Min, Max, Clip, Select };

struct FnInfo {
    std::string_view name;
    int arity;
};
const FnInfo& fn_info(Fn f) noexcept;
// All function names, "sqrt abs ...", for hints.
std::string function_names();

struct Node {
    enum class Kind : std::uint8_t { Number, Name, Neg, Add, Sub, Mul, Div, Pow, Lt, Le, Gt, Ge, Eq, Ne, Call };
    Kind kind = Kind::Number;
    double number = 0.0;
    std::string name;           // Name
    Fn fn = Fn::Sqrt;           // Call
    int args[3] = {-1, -1, -1}; // operands (Neg: args[0]; binary: args[0], args[1]; Call: fn's arity)
    SourcePos pos;
    int depth = 1; // height of the subtree (at most kMaxTreeDepth)
};

// Deepest expression accepted; the passes over a tree recurse, so this bounds their stack.
inline constexpr int kMaxTreeDepth = 2000;

struct HparamDecl {
    std::string name;
    SourcePos pos;
    double default_value = 0.0;
    SourcePos default_pos;
    double min_value = 0.0, max_value = 0.0;
    bool min_exclusive = false, max_exclusive = false, integer = false;
    std::string help;
};

struct NameDecl {
    std::string name;
    SourcePos pos;
};

// `const NAME = expr` and `TARGET = expr`.
struct Assignment {
    std::string name;
    SourcePos pos;
    int root = -1;
};

struct OptFile {
    ParsedText text; // origin and lines, for every later error's caret (its nodes/statements unused)
    std::string id, summary, algorithm, version;
    SourcePos id_pos, algorithm_pos;
    std::vector<HparamDecl> hparams;
    std::vector<NameDecl> states;
    std::vector<Assignment> constants;  // in order
    std::vector<Assignment> statements; // the update, in order
    std::vector<Node> nodes;
};

// Parses an optimizer file's text. Throws SourceError (file:line:column, caret, hint) on a syntax
// error; meaning (names, targets, ranges) is checked by compile() in program.hpp.
OptFile parse_optimizer_file(std::string origin, std::string_view text);

// Whether a --optimizer value names an optimizer file (ends in ".opt").
bool is_optimizer_file(std::string_view spec) noexcept;

} // namespace cgp::optfile
