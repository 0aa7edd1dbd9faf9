// Lexer and recursive-descent parser of optimizer files (format in cgp/optfile/optfile.hpp). Every
// syntax error is a SourceError at the offending token, with a hint.
#include <cgp/optfile/optfile.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>

namespace cgp::optfile {
namespace {

constexpr std::array<FnInfo, 10> kFns{{{"sqrt", 1},
                                       {"abs", 1},
                                       {"sign", 1},
                                       {"exp", 1},
                                       {"log", 1},
                                       {"tanh", 1},
                                       {"min", 2},
                                       {"max", 2},
                                       {"clip", 3},
                                       {"select", 3}}};

struct Token {
    enum class Kind { Name, Number, String, Op, End };
    Kind kind = Kind::End;
    std::string_view text;
    double number = 0.0;
    int column = 0; // 1-based
};

bool name_start(char c) noexcept
{
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool name_char(char c) noexcept
{
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
}
bool digit(char c) noexcept
{
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

// The code of a line: up to a '#' that is not inside a "string".
std::string_view strip_comment(std::string_view line)
{
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '"')
            quoted = !quoted;
        else if (line[i] == '#' && !quoted)
            return line.substr(0, i);
    }
    return line;
}

std::vector<Token> tokenize(const ParsedText& src, int line, std::string_view text)
{
    std::vector<Token> out;
    std::size_t i = 0;
    auto column = [&](std::size_t at) { return static_cast<int>(at) + 1; };
    while (i < text.size()) {
        const char c = text[i];
        if (c == ' ' || c == '\t' || c == '\r') {
            ++i;
        } else if (name_start(c)) {
            std::size_t j = i;
            while (j < text.size() && name_char(text[j]))
                ++j;
            out.push_back({Token::Kind::Name, text.substr(i, j - i), 0.0, column(i)});
            i = j;
        } else if (digit(c) || (c == '.' && i + 1 < text.size() && digit(text[i + 1]))) {
            std::size_t j = i;
            while (j < text.size() && digit(text[j]))
                ++j;
            if (j < text.size() && text[j] == '.') {
                ++j;
                while (j < text.size() && digit(text[j]))
                    ++j;
            }
            if (j < text.size() && (text[j] == 'e' || text[j] == 'E')) {
                std::size_t k = j + 1;
                if (k < text.size() && (text[k] == '+' || text[k] == '-'))
                    ++k;
                if (k < text.size() && digit(text[k])) {
                    j = k;
                    while (j < text.size() && digit(text[j]))
                        ++j;
                }
            }
            const std::string_view num = text.substr(i, j - i);
            double value = 0.0;
            const auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
            if (ec != std::errc() || ptr != num.data() + num.size() || !std::isfinite(value))
                src.fail({line, column(i)}, fmt::format("number '{}' is out of range", num),
                         "write a finite number such as 1e-8");
            out.push_back({Token::Kind::Number, num, value, column(i)});
            i = j;
        } else if (c == '"') {
            const std::size_t close = text.find('"', i + 1);
            if (close == std::string_view::npos)
                src.fail({line, column(i)}, "the string is never closed", "end the help text with '\"'");
            out.push_back({Token::Kind::String, text.substr(i + 1, close - i - 1), 0.0, column(i)});
            i = close + 1;
        } else if (i + 1 < text.size() && std::string_view("<>=!").find(c) != std::string_view::npos &&
                   text[i + 1] == '=') {
            out.push_back({Token::Kind::Op, text.substr(i, 2), 0.0, column(i)});
            i += 2;
        } else if (std::string_view("+-*/^()=<>,[]").find(c) != std::string_view::npos) {
            out.push_back({Token::Kind::Op, text.substr(i, 1), 0.0, column(i)});
            ++i;
        } else {
            src.fail({line, column(i)}, fmt::format("unexpected character '{}'", c),
                     "optimizer files use names, numbers, + - * / ^, comparisons, ( ) and commas");
        }
    }
    out.push_back({Token::Kind::End, {}, 0.0, column(text.size())});
    return out;
}

class LineParser {
public:
    LineParser(OptFile& file, int line, std::vector<Token> tokens) : f_(file), line_(line), tokens_(std::move(tokens))
    {
    }

    void run()
    {
        const Token first = peek();
        if (first.kind != Token::Kind::Name)
            fail(first, fmt::format("expected a declaration or 'name = expression', found '{}'", first.text),
                 "lines read: name, summary, algorithm, version, hparam, state, const, or TARGET = expression");
        const bool assignment = is(tokens_[1], "=");
        if (!assignment && first.text == "name")
            return identifier(f_.id, f_.id_pos, "name");
        if (!assignment && first.text == "algorithm")
            return identifier(f_.algorithm, f_.algorithm_pos, "algorithm");
        if (!assignment && first.text == "hparam")
            return hparam();
        if (!assignment && first.text == "state")
            return state();
        if (!assignment && first.text == "const") {
            next();
            f_.constants.push_back(assign("const"));
            return;
        }
        f_.statements.push_back(assign({}));
    }

private:
    const Token& peek() const { return tokens_[pos_]; }
    void next()
    {
        if (pos_ + 1 < tokens_.size())
            ++pos_;
    }
    static bool is(const Token& t, std::string_view op) { return t.kind == Token::Kind::Op && t.text == op; }
    [[noreturn]] void fail(const Token& at, const std::string& message, const std::string& hint = {}) const
    {
        f_.text.fail({line_, at.column}, message, hint);
    }
    std::string_view describe(const Token& t) const
    {
        return t.kind == Token::Kind::End ? std::string_view("the end of the line") : t.text;
    }
    void expect(std::string_view op, const std::string& hint)
    {
        if (!is(peek(), op))
            fail(peek(), fmt::format("expected '{}', found '{}'", op, describe(peek())), hint);
        next();
    }
    void end_of_line(const std::string& hint)
    {
        if (peek().kind != Token::Kind::End)
            fail(peek(), fmt::format("unexpected '{}' at the end of the declaration", peek().text), hint);
    }
    const Token& name_token(const std::string& what, const std::string& hint)
    {
        if (peek().kind != Token::Kind::Name)
            fail(peek(), fmt::format("expected {}, found '{}'", what, describe(peek())), hint);
        const Token& t = peek();
        next();
        return t;
    }

    // `name ID` / `algorithm ID`: the id is the rest of the line, [a-z][a-z0-9_.+-]*.
    void identifier(std::string& out, SourcePos& at, std::string_view keyword)
    {
        next();
        const Token& start = peek();
        if (!out.empty())
            fail(start, fmt::format("'{}' is given twice", keyword), "keep one such line");
        std::string_view code = f_.text.line(line_);
        code = strip_comment(code);
        if (start.kind == Token::Kind::End)
            fail(start, fmt::format("'{}' needs a value", keyword), fmt::format("write: {} adam-handout", keyword));
        std::string_view rest = code.substr(static_cast<std::size_t>(start.column - 1));
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r'))
            rest.remove_suffix(1);
        for (std::size_t i = 0; i < rest.size(); ++i) {
            const char c = rest[i];
            const bool ok = (c >= 'a' && c <= 'z') ||
                            (i > 0 && ((c >= '0' && c <= '9') || c == '_' || c == '.' || c == '+' || c == '-'));
            if (!ok)
                f_.text.fail({line_, start.column + static_cast<int>(i)},
                             fmt::format("'{}' is not a valid {} (the form is [a-z][a-z0-9_.+-]*)", rest, keyword),
                             "use lower-case letters, digits and _ . + -, starting with a letter");
        }
        out = std::string(rest);
        at = {line_, start.column};
    }

    double signed_number(SourcePos* at, const std::string& hint)
    {
        const Token start = peek();
        bool negative = false;
        if (is(start, "-")) {
            negative = true;
            next();
        }
        if (peek().kind != Token::Kind::Number)
            fail(peek(), fmt::format("expected a number, found '{}'", describe(peek())), hint);
        const double v = peek().number;
        next();
        if (at != nullptr)
            *at = {line_, start.column};
        return negative ? -v : v;
    }

    // hparam NAME = DEFAULT in [MIN, MAX] [integer] ["help"]
    void hparam()
    {
        const std::string form = "write: hparam lr = 1e-3 in [0, 1e6] \"learning rate\"";
        next();
        HparamDecl h;
        const Token& name = name_token("a hyperparameter name", form);
        h.name = std::string(name.text);
        h.pos = {line_, name.column};
        expect("=", form);
        h.default_value = signed_number(&h.default_pos, form);
        if (!(peek().kind == Token::Kind::Name && peek().text == "in"))
            fail(peek(), fmt::format("expected 'in' and the range of '{}', found '{}'", h.name, describe(peek())),
                 form);
        next();
        if (is(peek(), "("))
            h.min_exclusive = true;
        else if (!is(peek(), "["))
            fail(peek(), fmt::format("expected '[' or '(' to open the range, found '{}'", describe(peek())), form);
        next();
        h.min_value = signed_number(nullptr, form);
        expect(",", form);
        h.max_value = signed_number(nullptr, form);
        if (is(peek(), ")"))
            h.max_exclusive = true;
        else if (!is(peek(), "]"))
            fail(peek(), fmt::format("expected ']' or ')' to close the range, found '{}'", describe(peek())), form);
        next();
        if (peek().kind == Token::Kind::Name && peek().text == "integer") {
            h.integer = true;
            next();
        }
        if (peek().kind == Token::Kind::String) {
            h.help = std::string(peek().text);
            next();
        }
        end_of_line(form);
        f_.hparams.push_back(std::move(h));
    }

    // state NAME (, NAME)*
    void state()
    {
        const std::string form = "write: state m, v";
        next();
        for (;;) {
            const Token& name = name_token("a state name", form);
            f_.states.push_back({std::string(name.text), {line_, name.column}});
            if (!is(peek(), ","))
                break;
            next();
        }
        end_of_line(form);
    }

    Assignment assign(std::string_view keyword)
    {
        const std::string form = keyword.empty() ? "statements read: p = expression, or STATE = expression"
                                                 : "write: const bc1 = 1 - beta1^t";
        const Token& target = name_token(keyword.empty() ? "a target" : "a constant's name", form);
        expect("=", form);
        const int root = comparison();
        if (peek().kind != Token::Kind::End)
            fail(peek(),
                 is(peek(), ")") ? std::string("unmatched ')'")
                                 : fmt::format("expected an operator before '{}'", peek().text),
                 peek().kind == Token::Kind::Name || peek().kind == Token::Kind::Number
                     ? "write products with '*': 2*g, lr*m"
                     : "one expression per statement; remove what follows it");
        return {std::string(target.text), {line_, target.column}, root};
    }

    int add(Node n)
    {
        for (int child : n.args)
            if (child >= 0)
                n.depth = std::max(n.depth, f_.nodes[static_cast<std::size_t>(child)].depth + 1);
        if (n.depth > kMaxTreeDepth)
            f_.text.fail(n.pos, fmt::format("expression is nested too deeply (more than {} levels)", kMaxTreeDepth),
                         "split it with const declarations or several statements");
        f_.nodes.push_back(std::move(n));
        return static_cast<int>(f_.nodes.size()) - 1;
    }
    int binary(Node::Kind kind, int a, int b, int column)
    {
        Node n;
        n.kind = kind;
        n.args[0] = a;
        n.args[1] = b;
        n.pos = {line_, column};
        return add(std::move(n));
    }

    int comparison()
    {
        const int left = sum();
        static constexpr std::pair<std::string_view, Node::Kind> kCompare[] = {
            {"<", Node::Kind::Lt},  {"<=", Node::Kind::Le}, {">", Node::Kind::Gt},
            {">=", Node::Kind::Ge}, {"==", Node::Kind::Eq}, {"!=", Node::Kind::Ne}};
        for (const auto& [op, kind] : kCompare)
            if (is(peek(), op)) {
                const Token t = peek();
                next();
                const int right = sum();
                for (const auto& [op2, kind2] : kCompare)
                    if (is(peek(), op2))
                        fail(peek(), "comparisons do not chain", "write select(a < b, ...) or combine with min/max");
                return binary(kind, left, right, t.column);
            }
        return left;
    }

    int sum()
    {
        int left = product();
        while (is(peek(), "+") || is(peek(), "-")) {
            const Token op = peek();
            next();
            left = binary(op.text == "+" ? Node::Kind::Add : Node::Kind::Sub, left, product(), op.column);
        }
        return left;
    }

    int product()
    {
        int left = unary();
        while (is(peek(), "*") || is(peek(), "/")) {
            const Token op = peek();
            next();
            left = binary(op.text == "*" ? Node::Kind::Mul : Node::Kind::Div, left, unary(), op.column);
        }
        return left;
    }

    // Every recursive path passes through unary(), so this bounds the recursion.
    int unary()
    {
        if (++depth_ > kMaxNesting)
            fail(peek(), fmt::format("expression is nested too deeply (more than {} levels)", kMaxNesting),
                 "split it with const declarations or several statements");
        struct Leave {
            int& n;
            ~Leave() { --n; }
        } leave{depth_};
        if (is(peek(), "-")) {
            const Token op = peek();
            next();
            Node n;
            n.kind = Node::Kind::Neg;
            n.args[0] = unary();
            n.pos = {line_, op.column};
            return add(std::move(n));
        }
        if (is(peek(), "+"))
            fail(peek(), "unexpected '+'", "a leading '+' is not part of the language; remove it");
        const int base = primary();
        if (is(peek(), "^")) {
            const Token op = peek();
            next();
            return binary(Node::Kind::Pow, base, unary(), op.column);
        }
        return base;
    }

    int primary()
    {
        const Token t = peek();
        if (t.kind == Token::Kind::Number) {
            next();
            Node n;
            n.number = t.number;
            n.pos = {line_, t.column};
            return add(std::move(n));
        }
        if (t.kind == Token::Kind::Name) {
            next();
            const FnInfo* fn = nullptr;
            for (const FnInfo& info : kFns)
                if (info.name == t.text)
                    fn = &info;
            if (is(peek(), "(")) {
                if (fn == nullptr)
                    fail(t, fmt::format("unknown function '{}'", t.text),
                         fmt::format("functions are: {}", function_names()));
                const Token open = peek();
                next();
                Node n;
                n.kind = Node::Kind::Call;
                n.fn = static_cast<Fn>(fn - kFns.data());
                n.pos = {line_, t.column};
                for (int k = 0; k < fn->arity; ++k) {
                    if (k > 0) {
                        if (!is(peek(), ","))
                            fail(peek(),
                                 fmt::format("{}() takes {} arguments, found '{}'", fn->name, fn->arity,
                                             describe(peek())),
                                 "separate the arguments with ','");
                        next();
                    }
                    n.args[k] = comparison();
                }
                if (is(peek(), ","))
                    fail(peek(),
                         fmt::format("{}() takes {} argument{}", fn->name, fn->arity, fn->arity == 1 ? "" : "s"),
                         "remove the extra arguments");
                close(open);
                return add(std::move(n));
            }
            if (fn != nullptr)
                fail(t, fmt::format("'{}' is a function, not a name", t.text),
                     fmt::format("call it as {}(...)", t.text));
            Node n;
            n.kind = Node::Kind::Name;
            n.name = std::string(t.text);
            n.pos = {line_, t.column};
            return add(std::move(n));
        }
        if (is(t, "(")) {
            next();
            const int inner = comparison();
            close(t);
            return inner;
        }
        if (t.kind == Token::Kind::End)
            fail(t, "expected an expression at the end of the line", "complete it, e.g. p = p - lr*g");
        fail(t, fmt::format("expected an expression before '{}'", t.text),
             "an operand is missing: a number, a name, a call or a parenthesis");
    }

    void close(const Token& open)
    {
        if (!is(peek(), ")")) {
            if (peek().kind == Token::Kind::End)
                fail(open, "'(' is never closed", "add the missing ')'");
            fail(peek(), fmt::format("expected ')' before '{}'", peek().text), "close the parenthesis opened earlier");
        }
        next();
    }

    OptFile& f_;
    int line_;
    std::vector<Token> tokens_;
    std::size_t pos_ = 0;
    int depth_ = 0;
};

// `summary TEXT` and `version TEXT`: the rest of the line as it is, not tokens. Returns false for
// other lines.
bool free_text(OptFile& f, int line, std::string_view code)
{
    const std::size_t start = code.find_first_not_of(" \t");
    for (std::string_view keyword : {std::string_view("summary"), std::string_view("version")}) {
        if (code.substr(start, keyword.size()) != keyword)
            continue;
        const std::size_t after = start + keyword.size();
        if (after < code.size() && code[after] != ' ' && code[after] != '\t')
            continue; // a longer name
        const std::size_t value = code.find_first_not_of(" \t\r", after);
        if (value != std::string_view::npos && code[value] == '=')
            return false; // a statement assigning a name called summary (refused later)
        std::string& out = keyword == "summary" ? f.summary : f.version;
        const int column = static_cast<int>(value == std::string_view::npos ? code.size() : value) + 1;
        if (value == std::string_view::npos)
            f.text.fail({line, column}, fmt::format("'{}' needs a value", keyword),
                        fmt::format("write: {} <text>", keyword));
        if (!out.empty())
            f.text.fail({line, column}, fmt::format("'{}' is given twice", keyword), "keep one such line");
        std::string_view rest = code.substr(value);
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\t' || rest.back() == '\r'))
            rest.remove_suffix(1);
        out = std::string(rest);
        return true;
    }
    return false;
}

} // namespace

const FnInfo& fn_info(Fn f) noexcept
{
    return kFns[static_cast<std::size_t>(f)];
}

std::string function_names()
{
    std::string s;
    for (const FnInfo& f : kFns)
        s += fmt::format("{}{}", s.empty() ? "" : " ", f.name);
    return s;
}

bool is_optimizer_file(std::string_view spec) noexcept
{
    return spec.size() > 4 && spec.substr(spec.size() - 4) == ".opt";
}

OptFile parse_optimizer_file(std::string origin, std::string_view text)
{
    OptFile f;
    f.text.origin = std::move(origin);
    std::size_t start = 0;
    while (start <= text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        f.text.lines.emplace_back(text.substr(start, end - start));
        start = end + 1;
    }
    for (int i = 1; i <= static_cast<int>(f.text.lines.size()); ++i) {
        const std::string_view code = strip_comment(f.text.line(i));
        if (code.find_first_not_of(" \t\r") == std::string_view::npos)
            continue;
        if (free_text(f, i, code))
            continue;
        LineParser(f, i, tokenize(f.text, i, code)).run();
    }
    return f;
}

} // namespace cgp::optfile
