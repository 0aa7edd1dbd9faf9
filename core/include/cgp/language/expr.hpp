// cgp/language/expr.hpp: the expression language: syntax tree and parser.
//
// One statement per line (or separated by ';'): `name = expression`, '#' starts a comment.
//   expression := term (('+' | '-') term)*
//   term       := unary (('*' | '/') unary)*
//   unary      := '-' unary | power                 so -x^2 is -(x^2)
//   power      := primary ('^' unary)?              right associative: a^b^c = a^(b^c)
//   primary    := number | name | function '(' expression ')' | '(' expression ')'
// Names are [A-Za-z_][A-Za-z0-9_]*. A name starting with 'x' is a variable, any other a learnable
// parameter (CGP's rule). Functions: the entries of ops.hpp marked `function` (sigmoid relu tanh
// exp log sqrt abs ...). This file knows only syntax; graph.hpp gives the statements their meaning.
#pragma once

#include <cgp/io/error.hpp>
#include <cgp/language/ops.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

// Whether a name denotes a variable (starts with 'x') rather than a parameter.
inline bool is_variable_name(std::string_view name) noexcept
{
    return !name.empty() && name.front() == 'x';
}

struct Ast {
    enum class Kind { Number, Name, Neg, Add, Sub, Mul, Div, Pow, Call };
    Kind kind = Kind::Number;
    double number = 0.0;   // Number
    std::string name;      // Name
    Op func = Op::Sigmoid; // Call: the function (an op marked `function` in ops.hpp)
    int a = -1;            // operand (Neg, Call) or left operand
    int b = -1;            // right operand
    SourcePos pos;         // where the node starts (operator position for binary nodes)
    int depth = 1;         // height of the subtree (bounded by kMaxExpressionDepth)
};

// Deepest expression tree accepted (a sum of 4096 products, one generated layer node, is about
// 4100 deep). The passes over trees are iterative; only the parser recurses, and only through
// parentheses, unary minus and exponents, which kMaxNesting bounds so that deep input is refused
// with a message rather than exhausting the stack.
inline constexpr int kMaxExpressionDepth = 10000;
inline constexpr int kMaxNesting = 500;

struct Statement {
    std::string lhs;
    SourcePos lhs_pos;
    int root = -1; // index into ParsedText::nodes
};

// A model text after parsing: the statements over one syntax-tree arena, plus the source lines,
// kept so every later error can quote the line and point at the column.
struct ParsedText {
    std::string origin;             // file name, "--expr 2", "preset multi-neuron", ...
    std::vector<std::string> lines; // line i+1 of the origin
    std::vector<Ast> nodes;
    std::vector<Statement> statements;

    // Throws SourceError at pos in this text.
    [[noreturn]] void fail(SourcePos pos, const std::string& message, const std::string& hint = {}) const;
    // The line at pos, or "" when out of range.
    const std::string& line(int number) const;
};

// Parses the statements in one line of text (already stored as line `line_number` of out.lines,
// comment included) and appends them to out. Throws SourceError on a syntax error.
void parse_line(ParsedText& out, int line_number);

// Parses a whole text of statements (no directives): every line is parsed with parse_line.
ParsedText parse_statements(std::string origin, std::string_view text);

} // namespace cgp
