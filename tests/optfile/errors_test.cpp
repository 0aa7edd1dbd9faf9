// Optimizer files: every bad input gets one message at its file:line:column, with the source line,
// a caret under the column and a hint.
#include <cgp/host/plugin.hpp>
#include <cgp/io/error.hpp>
#include <cgp/optfile/program.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>

using namespace cgp;

namespace {

const std::string kHead = "name test\nhparam lr = 0.1 in [0, 1]\nstate m\n";

// The SourceError text compiling `text` (named bad.opt) gives; fails the test when it compiles.
std::string error_of(const std::string& text)
{
    try {
        optfile::compile(optfile::parse_optimizer_file("bad.opt", text));
    } catch (const SourceError& e) {
        return e.what();
    }
    BOOST_FAIL("no error for:\n" + text);
    return {};
}

// The error is at line:column, says `message`, quotes the line, puts the caret under the column and
// gives a hint containing `hint`.
void check(const std::string& text, int line, int column, const std::string& message, const std::string& hint)
{
    const std::string e = error_of(text);
    BOOST_TEST_INFO("message:\n" << e);
    BOOST_TEST(e.find("bad.opt:" + std::to_string(line) + ":" + std::to_string(column) + ": error: ") == 0u);
    BOOST_TEST(e.find(message) != std::string::npos);
    BOOST_TEST(e.find("hint: ") != std::string::npos);
    BOOST_TEST(e.find(hint) != std::string::npos);
    // The caret line: spaces up to the column, then '^'.
    BOOST_TEST(e.find("\n  " + std::string(static_cast<std::size_t>(column - 1), ' ') + "^") != std::string::npos);
}

} // namespace

BOOST_AUTO_TEST_SUITE(optfile_errors)

BOOST_AUTO_TEST_CASE(a_syntax_error_points_at_its_token)
{
    check(kHead + "m = g\np = p - lr*\n", 5, 12, "expected an expression at the end of the line", "p = p - lr*g");
    check(kHead + "m = g\np = p - lr g\n", 5, 12, "expected an operator before 'g'", "write products with '*'");
    check(kHead + "m = g\np = p @ g\n", 5, 7, "unexpected character '@'", "optimizer files use");
    check(kHead + "m = g\np = (p - g\n", 5, 5, "'(' is never closed", "add the missing ')'");
    check(kHead + "m = min(g)\np = p\n", 4, 10, "min() takes 2 arguments, found ')'", "separate the arguments");
    check(kHead + "m = g < p < g\np = p\n", 4, 11, "comparisons do not chain", "select");
    check("name test\nhparam lr = 0.1\np = p\n", 2, 16, "expected 'in' and the range of 'lr'", "hparam lr = 1e-3 in");
    check("name test\nhparam lr = 0.1 in [0, 1\np = p\n", 2, 25, "expected ']' or ')' to close the range", "hparam lr");
}

BOOST_AUTO_TEST_CASE(an_unknown_name_or_function_is_named_with_the_known_ones)
{
    check(kHead + "m = g\np = p - rate*g\n", 5, 9, "unknown name 'rate'", "the names here are: p g t lr m");
    check(kHead + "m = g\np = p - lr*foo(g)\n", 5, 12, "unknown function 'foo'", "functions are: sqrt abs sign");
    check(kHead + "m = g\np = p - sqrt\n", 5, 9, "'sqrt' is a function, not a name", "call it as sqrt(...)");
}

BOOST_AUTO_TEST_CASE(an_update_may_assign_only_p_and_declared_states)
{
    check(kHead + "m = g\nw = g\np = p\n", 5, 1, "'w' is not p or a declared state", "state w");
    check(kHead + "m = g\ng = 0\np = p\n", 5, 1, "cannot assign to g", "assign p or a state");
    check(kHead + "m = g\nlr = 0\np = p\n", 5, 1, "cannot assign to hyperparameter 'lr'", "const");
    check(kHead + "const c = lr\nm = g\nc = 1\np = p\n", 6, 1, "cannot assign to per-step constant 'c'", "state");
    check(kHead + "m = g\nt = 1\np = p\n", 5, 1, "cannot assign to t", "assign p or a state");
}

BOOST_AUTO_TEST_CASE(a_state_never_updated_and_an_update_without_p_are_refused)
{
    check("name test\nhparam lr = 0.1 in [0, 1]\nstate m, v\nm = g\np = p - lr*m\n", 3, 10,
          "state 'v' is never updated", "v = ...");
    check(kHead + "m = g\n", 4, 1, "the update never assigns p", "p = p - lr*g");
}

BOOST_AUTO_TEST_CASE(a_default_outside_its_range_is_refused_at_the_default)
{
    check("name test\nhparam beta = 1 in [0, 1)\np = p\n", 2, 15, "the default 1 of 'beta' is outside its range [0, 1)",
          "change the default or widen the range");
    check("name test\nhparam n = 1.5 in [0, 4] integer\np = p\n", 2, 12, "not a whole number", "integer");
    check("name test\nhparam lr = 0.1 in [1, 0]\np = p\n", 2, 8, "the range of 'lr' is empty", "smaller bound first");
}

BOOST_AUTO_TEST_CASE(a_name_declared_twice_is_refused_at_the_second_declaration)
{
    check("name test\nhparam lr = 0.1 in [0, 1]\nhparam lr = 0.2 in [0, 1]\np = p\n", 3, 8, "'lr' is declared twice",
          "first declared at line 2");
    check("name test\nhparam lr = 0.1 in [0, 1]\nstate m, lr\nm = g\np = p\n", 3, 10, "'lr' is declared twice",
          "first declared at line 2");
    check("name test\nstate m, m\nm = g\np = p\n", 2, 10, "'m' is declared twice", "keep one declaration");
    check("name test\nname other\np = p\n", 2, 6, "'name' is given twice", "keep one such line");
    check("name test\nsummary one\nsummary two\np = p\n", 3, 9, "'summary' is given twice", "keep one such line");
    check("name test\nstate g\np = p\n", 2, 7, "'g' is predeclared", "choose another name");
    check("name test\nstate sqrt\np = p\n", 2, 7, "'sqrt' is a function", "choose another name");
    check("name test\nstate const\np = p\n", 2, 7, "'const' is a keyword", "choose another name");
}

BOOST_AUTO_TEST_CASE(a_per_step_constant_depending_on_p_g_or_a_state_is_refused)
{
    check(kHead + "const c = 1 - lr*g\nm = g\np = p - c\n", 4, 18,
          "per-step constant 'c' depends on 'g', which changes with every element", "hyperparameters, t, numbers");
    check(kHead + "const c = m\nm = g\np = p - c\n", 4, 11, "per-step constant 'c' depends on 'm'", "");
}

BOOST_AUTO_TEST_CASE(ids_and_hyperparameter_names_must_be_well_formed)
{
    check("name Adam\np = p\n", 1, 6, "'Adam' is not a valid name", "lower-case letters");
    check("name test\nalgorithm Adam\np = p\n", 2, 11, "'Adam' is not a valid algorithm", "lower-case letters");
    check("name test\nhparam Lr = 0.1 in [0, 1]\np = p\n", 2, 8, "'Lr' is not of the form", "become options");
}

BOOST_AUTO_TEST_CASE(a_file_without_a_name_line_needs_a_file_name_that_is_an_id)
{
    try {
        optfile::compile(optfile::parse_optimizer_file("dir/9lives.opt", "p = p\n"));
        BOOST_FAIL("compiled without a name");
    } catch (const SourceError& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("dir/9lives.opt:1:1: error: the file has no 'name' line and its file name is not a valid "
                             "id") == 0u);
        BOOST_TEST(what.find("hint: add a line: name my-optimizer") != std::string::npos);
    }
}

BOOST_AUTO_TEST_CASE(a_bad_file_given_to_the_host_names_its_path_line_and_column)
{
    const auto dir = std::filesystem::temp_directory_path() / "cgp-optfile-errors";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const auto path = dir / "broken.opt";
    std::ofstream(path) << kHead << "m = g\np = p - lr*q\n";
    try {
        Plugin::load(path);
        BOOST_FAIL("loaded a broken optimizer file");
    } catch (const Error& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find(path.string() + ":5:12: error: unknown name 'q'") == 0u);
    }
    try {
        Plugin::load(dir / "missing.opt");
        BOOST_FAIL("loaded a missing optimizer file");
    } catch (const Error& e) {
        BOOST_TEST(std::string(e.what()).find("missing.opt") != std::string::npos);
    }
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_file_without_a_name_line_takes_its_file_name)
{
    const optfile::CompiledFile f =
        optfile::compile(optfile::parse_optimizer_file("dir/my-sgd.opt", "p = p - 0.1*g\n"));
    BOOST_TEST(f.id == "my-sgd");
}

BOOST_AUTO_TEST_SUITE_END()
