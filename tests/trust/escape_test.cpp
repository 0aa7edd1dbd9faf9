// Each escaping function of cgp/io/escape.hpp against hostile texts, and against the real reader of
// its format where one is installed (gnuplot, dot, bash, nlohmann's JSON parser).
#include <cgp/io/escape.hpp>

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace cgp;

namespace {

// Newlines, quotes of every kind, backslashes, control characters, command syntax of each format,
// and bytes that are not UTF-8 (a lone continuation byte, a truncated sequence, an overlong form).
const std::string kHostile =
    std::string("a\n2\n8\tsystem \"touch x\"\n# '\"`touch y`\\\r\t\x01\x1b[31m@x $HOME ,=cmd|") +
    "\x80 \xC3 \xC0\xAF \xED\xA0\x80 é" + std::string(1, '\0') + "\\";

bool has_raw_control(const std::string& s)
{
    for (unsigned char c : s)
        if (c < 0x20 || c == 0x7F)
            return true;
    return false;
}

bool valid(const std::string& s)
{
    return valid_utf8(s) == s;
}

// Runs a shell command and returns its standard output.
std::string output_of(const std::string& command)
{
    std::unique_ptr<FILE, int (*)(FILE*)> p(::popen(command.c_str(), "r"), &::pclose);
    BOOST_REQUIRE(p != nullptr);
    std::string out;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), p.get())) > 0)
        out.append(buffer.data(), n);
    return out;
}

fs::path scratch(const std::string& name)
{
    const fs::path dir = fs::temp_directory_path() / fmt::format("cgp-escape-test-{}", ::getpid());
    fs::create_directories(dir);
    return dir / name;
}

void write(const fs::path& p, const std::string& text)
{
    std::ofstream(p, std::ios::binary) << text;
}

} // namespace

BOOST_AUTO_TEST_SUITE(escaping)

BOOST_AUTO_TEST_CASE(valid_utf8_replaces_each_invalid_byte_and_keeps_valid_characters)
{
    BOOST_TEST(valid_utf8("é ok") == "é ok");
    BOOST_TEST(valid_utf8("a\x80z") == "a\xEF\xBF\xBDz");
    BOOST_TEST(valid_utf8("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                 // overlong '/'
    BOOST_TEST(valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"); // a surrogate
    BOOST_TEST(valid_utf8("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");
    BOOST_TEST(valid_utf8("\xF0\x9F\x98") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

BOOST_AUTO_TEST_CASE(a_gnuplot_string_is_one_line_and_gnuplot_reads_back_every_byte_without_running_anything)
{
    const std::string literal = gnuplot_string(kHostile);
    BOOST_TEST(!has_raw_control(literal.substr(0, literal.size())));
    BOOST_TEST(literal.find('`') == std::string::npos);
    BOOST_TEST(literal.find('@') == std::string::npos);
    BOOST_TEST(literal.front() == '"');
    BOOST_TEST(literal.back() == '"');
    BOOST_TEST(gnuplot_string("say \"hi\"\\") == "\"say \\\"hi\\\"\\\\\"");
    BOOST_TEST(gnuplot_string("a\nb") == "\"a\\012b\"");
    // gnuplot's octal escapes take every octal digit that follows: a digit after one is escaped too.
    BOOST_TEST(gnuplot_string("a\n2") == "\"a\\012\\062\"");
    BOOST_TEST(gnuplot_string("a\n8") == "\"a\\0128\"");

    // gnuplot itself: the string as a comment, a title and a printed value. Bytes before the NUL
    // come back exactly (gnuplot strings end at a NUL), and the backquoted command does not run.
    const fs::path marker = scratch("y");
    const fs::path script = scratch("hostile.gp");
    const std::string before_nul = kHostile.substr(0, kHostile.find('\0'));
    write(script,
          fmt::format("# {}\nset print \"-\"\nset title {}\nprint {}\n", literal, literal, gnuplot_string(before_nul)));
    const std::string printed =
        output_of(fmt::format("cd {} && gnuplot {} 2>&1", marker.parent_path().string(), script.string()));
    BOOST_TEST(printed == before_nul + "\n");
    BOOST_TEST(!fs::exists(marker));
    BOOST_TEST(!fs::exists(scratch("x")));
}

BOOST_AUTO_TEST_CASE(a_dot_string_is_one_line_of_valid_utf8_that_dot_accepts_as_one_label)
{
    const std::string literal = dot_string(kHostile);
    BOOST_TEST(!has_raw_control(literal));
    BOOST_TEST(valid(literal));
    BOOST_TEST(dot_string("a\"b\\c\nd") == "\"a\\\"b\\\\c\\nd\"");
    BOOST_TEST(dot_string("\x01\x80") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");
    // dot reads the graph: one node, whose label is the whole text.
    const fs::path graph = scratch("hostile.dot");
    write(graph, fmt::format("// {}\ndigraph g {{\n  n [label={}]\n}}\n", literal, literal));
    const std::string canon = output_of(fmt::format("dot -Tcanon {} 2>&1", graph.string()));
    BOOST_TEST(canon.find("digraph g {") != std::string::npos, canon);
    BOOST_TEST(canon.find("Error") == std::string::npos, canon);
    BOOST_TEST(canon.find("Warning") == std::string::npos, canon);
    BOOST_TEST(canon.find("touch x") != std::string::npos, canon); // inside the label, as text
}

BOOST_AUTO_TEST_CASE(a_csv_field_is_quoted_when_needed_and_never_starts_a_formula)
{
    BOOST_TEST(csv_field("adam") == "adam");
    BOOST_TEST(csv_field("0.001") == "0.001");
    BOOST_TEST(csv_field("a,b") == "\"a,b\"");
    BOOST_TEST(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
    BOOST_TEST(csv_field("two\nlines") == "\"two\nlines\"");
    BOOST_TEST(csv_field(" edge") == "\" edge\"");
    BOOST_TEST(csv_field("=cmd|' /C calc'!A0") == "'=cmd|' /C calc'!A0");
    BOOST_TEST(csv_field("@SUM(A1)") == "'@SUM(A1)");
    BOOST_TEST(csv_field("a\x01\x80z") == "a\xEF\xBF\xBD\xEF\xBF\xBDz");
    const std::string field = csv_field(kHostile);
    BOOST_TEST(valid(field));
    BOOST_TEST(field.front() == '"');
    // Unquoted, the field holds no separator; quoted, every quote inside is doubled.
    const std::string inside = field.substr(1, field.size() - 2);
    for (std::size_t i = 0; i < inside.size(); ++i)
        if (inside[i] == '"')
            BOOST_TEST((i + 1 < inside.size() && inside[++i] == '"'));
}

BOOST_AUTO_TEST_CASE(json_text_escapes_control_characters_and_replaces_invalid_utf8_instead_of_throwing)
{
    const nlohmann::json j = {{"model", kHostile}};
    BOOST_CHECK_THROW((void)j.dump(), nlohmann::json::type_error);
    const std::string text = json_text(j, 2);
    BOOST_TEST(valid(text));
    const auto back = nlohmann::json::parse(text);
    BOOST_TEST(back["model"].get<std::string>() == valid_utf8(kHostile));
    const std::string line = json_text(nlohmann::ordered_json{{"a", "x\ny"}}, -1);
    BOOST_TEST(line == "{\"a\":\"x\\ny\"}");
}

BOOST_AUTO_TEST_CASE(a_shell_word_comes_back_exactly_from_bash_and_shows_no_control_character)
{
    BOOST_TEST(shell_quote("plain/file-1.csv") == "plain/file-1.csv");
    BOOST_TEST(shell_quote("it's") == "'it'\\''s'");
    BOOST_TEST(shell_quote("") == "''");
    BOOST_TEST(shell_quote("a\nb") == "$'a\\x0ab'");
    const std::string before_nul = kHostile.substr(0, kHostile.find('\0'));
    const std::string quoted = shell_quote(before_nul);
    BOOST_TEST(!has_raw_control(quoted));
    const fs::path script = scratch("word.sh");
    write(script, "printf %s " + quoted + "\n");
    BOOST_TEST(output_of("cd " + script.parent_path().string() + " && bash " + script.string()) == before_nul);
    BOOST_TEST(!fs::exists(scratch("x")));
    BOOST_TEST(!fs::exists(scratch("y")));
    for (const std::string word : {"x'y", "$(touch x)", "`touch y`", "a b\\c"}) {
        write(script, "printf %s " + shell_quote(word) + "\n");
        BOOST_TEST(output_of("cd " + script.parent_path().string() + " && sh " + script.string()) == word);
    }
    BOOST_TEST(!fs::exists(scratch("x")));
}

BOOST_AUTO_TEST_SUITE_END()
