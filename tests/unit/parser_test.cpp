// The expression language: precedence, lexical forms, and every syntax error's message and position.
#include <cgp/io/error.hpp>
#include <cgp/language/expr.hpp>
#include <cgp/language/model.hpp>

#include <boost/test/unit_test.hpp>

#include <string>

using namespace cgp;

namespace {

// Renders a parsed expression back as fully parenthesized text.
std::string show(const ParsedText& t, int n)
{
    const Ast& a = t.nodes[static_cast<std::size_t>(n)];
    switch (a.kind) {
    case Ast::Kind::Number: {
        std::string s = std::to_string(a.number);
        s.erase(s.find_last_not_of('0') + 1);
        if (s.back() == '.')
            s.pop_back();
        return s;
    }
    case Ast::Kind::Name: return a.name;
    case Ast::Kind::Neg: return "(-" + show(t, a.a) + ")";
    case Ast::Kind::Call: return std::string(to_string(a.func)) + "(" + show(t, a.a) + ")";
    case Ast::Kind::Add: return "(" + show(t, a.a) + "+" + show(t, a.b) + ")";
    case Ast::Kind::Sub: return "(" + show(t, a.a) + "-" + show(t, a.b) + ")";
    case Ast::Kind::Mul: return "(" + show(t, a.a) + "*" + show(t, a.b) + ")";
    case Ast::Kind::Div: return "(" + show(t, a.a) + "/" + show(t, a.b) + ")";
    case Ast::Kind::Pow: return "(" + show(t, a.a) + "^" + show(t, a.b) + ")";
    }
    return "?";
}

std::string parse_one(const std::string& text)
{
    const ParsedText t = parse_statements("test", text);
    BOOST_REQUIRE_EQUAL(t.statements.size(), 1u);
    return t.statements[0].lhs + "=" + show(t, t.statements[0].root);
}

// Parses text expecting a SourceError; returns it.
SourceError parse_error(const std::string& text)
{
    try {
        parse_statements("model.cgp", text);
    } catch (const SourceError& e) {
        return e;
    }
    BOOST_FAIL("no error for: " + text);
    throw;
}

} // namespace

BOOST_AUTO_TEST_SUITE(parser)

BOOST_AUTO_TEST_CASE(cgp_syntax_parses_unchanged)
{
    BOOST_TEST(parse_one("xw=ab*xa+bc*xb+cd*xc+ac*xd") == "xw=((((ab*xa)+(bc*xb))+(cd*xc))+(ac*xd))");
}

BOOST_AUTO_TEST_CASE(unary_minus_binds_looser_than_power_unlike_cgp_text_substitution)
{
    BOOST_TEST(parse_one("xy = -xa^2") == "xy=(-(xa^2))");
    BOOST_TEST(parse_one("xy = (-xa)^2") == "xy=((-xa)^2)");
}

BOOST_AUTO_TEST_CASE(power_is_right_associative_and_takes_a_signed_exponent)
{
    BOOST_TEST(parse_one("xy=xa^2^3") == "xy=(xa^(2^3))");
    BOOST_TEST(parse_one("xy=xa^-1") == "xy=(xa^(-1))");
}

BOOST_AUTO_TEST_CASE(usual_precedence_of_sums_products_and_parentheses)
{
    BOOST_TEST(parse_one("xy = xa - xb - xc") == "xy=((xa-xb)-xc)");
    BOOST_TEST(parse_one("xy = xa / xb * xc") == "xy=((xa/xb)*xc)");
    BOOST_TEST(parse_one("xy = (xa + xb) * xc") == "xy=((xa+xb)*xc)");
}

BOOST_AUTO_TEST_CASE(numbers_names_with_digits_functions_and_comments)
{
    BOOST_TEST(parse_one("x1 = w12*x0 + 1e-3 + .5 + 2.5E+1  # a comment") == "x1=((((w12*x0)+0.001)+0.5)+25)");
    BOOST_TEST(parse_one("xo=sigmoid(relu(tanh(exp(log(sqrt(abs(xa)))))))") ==
               "xo=sigmoid(relu(tanh(exp(log(sqrt(abs(xa)))))))");
}

BOOST_AUTO_TEST_CASE(several_statements_per_line_with_semicolons_and_blank_lines)
{
    const ParsedText t = parse_statements("m", "xa1 = xb; xc = xd\n\n  # only a comment\nxe=xf");
    BOOST_TEST(t.statements.size() == 3u);
    BOOST_TEST(t.statements[2].lhs_pos.line == 4);
}

BOOST_AUTO_TEST_CASE(syntax_error_points_at_line_and_column_with_a_caret)
{
    const SourceError e = parse_error("xw = ab*xa\nxz = ab*xa +* bc");
    BOOST_TEST(e.pos().line == 2);
    BOOST_TEST(e.pos().column == 13);
    BOOST_TEST(e.message() == "expected an expression before '*'");
    BOOST_TEST(std::string(e.what()) ==
               "model.cgp:2:13: error: expected an expression before '*'\n  xz = ab*xa +* bc\n              ^");
}

BOOST_AUTO_TEST_CASE(unknown_function_is_named_with_the_list_of_functions)
{
    const SourceError e = parse_error("xw = sigmod(ab*xa)");
    BOOST_TEST(e.message() == "unknown function 'sigmod'");
    BOOST_TEST(e.pos().column == 6);
    BOOST_TEST(std::string(e.what()).find("hint: functions are: sigmoid relu tanh exp log sqrt abs") !=
               std::string::npos);
}

BOOST_AUTO_TEST_CASE(missing_equals_missing_operand_and_unbalanced_parentheses)
{
    BOOST_TEST(parse_error("xw ab*xa").message() == "expected '=' after 'xw', found 'ab'");
    BOOST_TEST(parse_error("xw = ").message() == "expected an expression at the end of the statement");
    const SourceError open = parse_error("xw = (ab*xa");
    BOOST_TEST(open.message() == "'(' is never closed");
    BOOST_TEST(open.pos().column == 6);
    BOOST_TEST(parse_error("xw = ab*xa)").message() == "unmatched ')'");
    BOOST_TEST(parse_error("xw = 2xa").message() == "expected an operator before 'xa'");
}

BOOST_AUTO_TEST_CASE(function_name_without_call_and_stray_characters)
{
    BOOST_TEST(parse_error("xw = exp*xa").message() == "'exp' is a function, not a name");
    const SourceError e = parse_error("xw = ab $ xa");
    BOOST_TEST(e.message() == "unexpected character '$'");
    BOOST_TEST(e.pos().column == 9);
}

BOOST_AUTO_TEST_CASE(absurdly_deep_nesting_is_refused_not_a_stack_overflow)
{
    BOOST_TEST(parse_one("xw = " + std::string(400, '(') + "xa" + std::string(400, ')')) == "xw=xa");
    const std::string deep = "xw = " + std::string(200000, '(') + "xa" + std::string(200000, ')');
    BOOST_TEST(parse_error(deep).message().find("nested too deeply") != std::string::npos);
    const std::string minus = "xw = " + std::string(200000, '-') + "xa";
    BOOST_TEST(parse_error(minus).message().find("nested too deeply") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(model_file_directives_and_their_errors)
{
    const ModelSpec m = parse_model_text("net.cgp", "activation sigmoid\nbias per-node\nlayers 4 2 1\noutput xo\n"
                                                    "xw=ap*xp+aq*xq+ar*xr+as*xs\nxz=bp*xp+bq*xq+br*xr+bs*xs\n"
                                                    "xo=cp*xw+cq*xz\n");
    BOOST_TEST((m.activation == Activation::Sigmoid));
    BOOST_TEST(m.node_bias);
    BOOST_TEST((m.layers == std::vector<int>{4, 2, 1}));
    BOOST_TEST(m.outputs.size() == 1u);
    BOOST_TEST(m.text.statements.size() == 3u);
    try {
        parse_model_text("net.cgp", "activation sigmod\n");
        BOOST_FAIL("accepted a bad activation");
    } catch (const SourceError& e) {
        BOOST_TEST(std::string(e.what()).rfind("net.cgp:1:12: error: unknown activation 'sigmod'", 0) == 0);
    }
    try {
        parse_model_text("net.cgp", "xw=ab*xa\nlayer 4 1\n");
        BOOST_FAIL("accepted an unknown directive");
    } catch (const SourceError& e) {
        BOOST_TEST(e.message() == "unknown directive 'layer'");
        BOOST_TEST(e.pos().line == 2);
    }
}

BOOST_AUTO_TEST_SUITE_END()
