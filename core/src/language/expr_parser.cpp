// Lexer and recursive-descent parser of the expression language (grammar in cgp/expr.hpp).
#include <cgp/language/expr.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <utility>

namespace cgp {
namespace {

struct Token {
    enum class Kind { Name, Number, Op, End };
    Kind kind = Kind::End;
    std::string_view text;
    double number = 0.0;
    int column = 0; // 1-based
};

bool is_name_start(char c) noexcept
{
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool is_name_char(char c) noexcept
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}

// Splits one statement's text into tokens. `offset` is the column of text[0] minus 1.
class Lexer {
public:
    Lexer(const ParsedText& src, int line, std::string_view text, int offset)
        : src_(src), line_(line), text_(text), offset_(offset)
    {
    }

    std::vector<Token> run()
    {
        std::vector<Token> out;
        std::size_t i = 0;
        while (i < text_.size()) {
            const char c = text_[i];
            const int column = offset_ + static_cast<int>(i) + 1;
            if (c == ' ' || c == '\t' || c == '\r') {
                ++i;
            } else if (is_name_start(c)) {
                std::size_t j = i;
                while (j < text_.size() && is_name_char(text_[j]))
                    ++j;
                out.push_back({Token::Kind::Name, text_.substr(i, j - i), 0.0, column});
                i = j;
            } else if (std::isdigit(static_cast<unsigned char>(c)) != 0 ||
                       (c == '.' && i + 1 < text_.size() &&
                        std::isdigit(static_cast<unsigned char>(text_[i + 1])) != 0)) {
                out.push_back(number(i, column));
            } else if (std::string_view("+-*/^()=").find(c) != std::string_view::npos) {
                out.push_back({Token::Kind::Op, text_.substr(i, 1), 0.0, column});
                ++i;
            } else {
                src_.fail({line_, column}, fmt::format("unexpected character '{}'", c),
                          "expressions use names, numbers, + - * / ^ and parentheses");
            }
        }
        out.push_back({Token::Kind::End, {}, 0.0, offset_ + static_cast<int>(text_.size()) + 1});
        return out;
    }

private:
    Token number(std::size_t& i, int column)
    {
        std::size_t j = i;
        auto digits = [&] {
            while (j < text_.size() && std::isdigit(static_cast<unsigned char>(text_[j])) != 0)
                ++j;
        };
        digits();
        if (j < text_.size() && text_[j] == '.') {
            ++j;
            digits();
        }
        if (j < text_.size() && (text_[j] == 'e' || text_[j] == 'E')) {
            std::size_t k = j + 1;
            if (k < text_.size() && (text_[k] == '+' || text_[k] == '-'))
                ++k;
            if (k < text_.size() && std::isdigit(static_cast<unsigned char>(text_[k])) != 0) {
                j = k;
                digits();
            }
        }
        const std::string_view text = text_.substr(i, j - i);
        double value = 0.0;
        const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
        if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value))
            src_.fail({line_, column}, fmt::format("number '{}' is out of range", text));
        i = j;
        return {Token::Kind::Number, text, value, column};
    }

    const ParsedText& src_;
    int line_;
    std::string_view text_;
    int offset_;
};

class Parser {
public:
    Parser(ParsedText& out, int line, std::vector<Token> tokens) : out_(out), line_(line), tokens_(std::move(tokens)) {}

    void statement()
    {
        const Token& lhs = peek();
        if (lhs.kind != Token::Kind::Name) {
            fail(lhs,
                 lhs.kind == Token::Kind::End ? "expected a statement 'name = expression'"
                                              : fmt::format("expected a variable name, found '{}'", lhs.text),
                 "each statement reads: xname = expression");
        }
        next();
        const Token& eq = peek();
        if (!is_op(eq, '='))
            fail(eq,
                 eq.kind == Token::Kind::End ? fmt::format("expected '=' after '{}'", lhs.text)
                                             : fmt::format("expected '=' after '{}', found '{}'", lhs.text, eq.text),
                 "each statement reads: xname = expression");
        next();
        const int root = expression();
        const Token& end = peek();
        if (end.kind != Token::Kind::End)
            fail(end,
                 is_op(end, ')') ? std::string("unmatched ')'")
                                 : fmt::format("expected an operator before '{}'", end.text),
                 end.kind == Token::Kind::Name || end.kind == Token::Kind::Number
                     ? "write products with '*': 2*xa, ab*xa"
                     : "");
        out_.statements.push_back({std::string(lhs.text), {line_, lhs.column}, root});
    }

private:
    const Token& peek() const { return tokens_[pos_]; }
    void next()
    {
        if (pos_ + 1 < tokens_.size())
            ++pos_;
    }
    static bool is_op(const Token& t, char c) { return t.kind == Token::Kind::Op && t.text[0] == c; }

    [[noreturn]] void fail(const Token& at, const std::string& message, const std::string& hint = {}) const
    {
        out_.fail({line_, at.column}, message, hint);
    }

    int add(Ast node)
    {
        for (int child : {node.a, node.b})
            if (child >= 0)
                node.depth = std::max(node.depth, out_.nodes[static_cast<std::size_t>(child)].depth + 1);
        if (node.depth > kMaxExpressionDepth)
            out_.fail(node.pos,
                      fmt::format("expression is nested too deeply (more than {} levels)", kMaxExpressionDepth),
                      "split it into several statements");
        out_.nodes.push_back(std::move(node));
        return static_cast<int>(out_.nodes.size()) - 1;
    }
    int binary(Ast::Kind kind, int a, int b, int column)
    {
        Ast n;
        n.kind = kind;
        n.a = a;
        n.b = b;
        n.pos = {line_, column};
        return add(std::move(n));
    }

    int expression()
    {
        int left = term();
        while (is_op(peek(), '+') || is_op(peek(), '-')) {
            const Token op = peek();
            next();
            left = binary(op.text[0] == '+' ? Ast::Kind::Add : Ast::Kind::Sub, left, term(), op.column);
        }
        return left;
    }

    int term()
    {
        int left = unary();
        while (is_op(peek(), '*') || is_op(peek(), '/')) {
            const Token op = peek();
            next();
            left = binary(op.text[0] == '*' ? Ast::Kind::Mul : Ast::Kind::Div, left, unary(), op.column);
        }
        return left;
    }

    // Every recursive path of the grammar passes through unary(), so this bounds the recursion.
    int unary()
    {
        if (++open_calls_ > kMaxNesting)
            fail(peek(), fmt::format("expression is nested too deeply (more than {} levels)", kMaxNesting),
                 "split it into several statements");
        struct Leave {
            int& n;
            ~Leave() { --n; }
        } leave{open_calls_};
        if (is_op(peek(), '-')) {
            const Token op = peek();
            next();
            Ast n;
            n.kind = Ast::Kind::Neg;
            n.a = unary();
            n.pos = {line_, op.column};
            return add(std::move(n));
        }
        if (is_op(peek(), '+'))
            fail(peek(), "unexpected '+'", "a leading '+' is not part of the language; remove it");
        return power();
    }

    int power()
    {
        const int base = primary();
        if (is_op(peek(), '^')) {
            const Token op = peek();
            next();
            return binary(Ast::Kind::Pow, base, unary(), op.column);
        }
        return base;
    }

    int primary()
    {
        const Token t = peek();
        switch (t.kind) {
        case Token::Kind::Number: {
            next();
            Ast n;
            n.kind = Ast::Kind::Number;
            n.number = t.number;
            n.pos = {line_, t.column};
            return add(std::move(n));
        }
        case Token::Kind::Name: {
            next();
            const auto func = function_op(t.text);
            if (is_op(peek(), '(')) {
                if (!func)
                    fail(t, fmt::format("unknown function '{}'", t.text),
                         fmt::format("functions are: {}", function_names()));
                const Token open = peek();
                next();
                Ast n;
                n.kind = Ast::Kind::Call;
                n.func = *func;
                n.a = expression();
                n.pos = {line_, t.column};
                close(open);
                return add(std::move(n));
            }
            if (func)
                fail(t, fmt::format("'{}' is a function, not a name", t.text),
                     fmt::format("call it as {}(...), or rename the parameter", t.text));
            Ast n;
            n.kind = Ast::Kind::Name;
            n.name = std::string(t.text);
            n.pos = {line_, t.column};
            return add(std::move(n));
        }
        case Token::Kind::Op:
            if (is_op(t, '(')) {
                next();
                const int inner = expression();
                close(t);
                return inner;
            }
            fail(t, fmt::format("expected an expression before '{}'", t.text));
        case Token::Kind::End: break;
        }
        fail(t, "expected an expression at the end of the statement");
    }

    void close(const Token& open)
    {
        if (!is_op(peek(), ')')) {
            const Token& t = peek();
            if (t.kind == Token::Kind::End)
                fail(open, "'(' is never closed", "add the missing ')'");
            fail(t, fmt::format("expected ')' before '{}'", t.text));
        }
        next();
    }

    ParsedText& out_;
    int line_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
    int open_calls_ = 0; // unary() calls in progress
};

} // namespace

const std::string& ParsedText::line(int number) const
{
    static const std::string empty;
    if (number < 1 || number > static_cast<int>(lines.size()))
        return empty;
    return lines[static_cast<std::size_t>(number - 1)];
}

void ParsedText::fail(SourcePos pos, const std::string& message, const std::string& hint) const
{
    throw SourceError(origin, pos, line(pos.line), message, hint);
}

void parse_line(ParsedText& out, int line_number)
{
    const std::string& text = out.line(line_number);
    std::string_view code(text);
    if (const auto hash = code.find('#'); hash != std::string_view::npos)
        code = code.substr(0, hash);
    // Statements separated by ';'.
    std::size_t start = 0;
    while (start <= code.size()) {
        std::size_t end = code.find(';', start);
        if (end == std::string_view::npos)
            end = code.size();
        const std::string_view piece = code.substr(start, end - start);
        if (piece.find_first_not_of(" \t\r") != std::string_view::npos) {
            Lexer lexer(out, line_number, piece, static_cast<int>(start));
            Parser parser(out, line_number, lexer.run());
            parser.statement();
        }
        start = end + 1;
    }
}

ParsedText parse_statements(std::string origin, std::string_view text)
{
    ParsedText out;
    out.origin = std::move(origin);
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        out.lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    for (int i = 1; i <= static_cast<int>(out.lines.size()); ++i)
        parse_line(out, i);
    return out;
}

} // namespace cgp
