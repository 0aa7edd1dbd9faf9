// Figure scripts and rendering: inline data, heat map cells, missing gnuplot, failed renders.
#include <cgp/io/error.hpp>
#include <cgp/report/plot.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdlib>
#include <set>
#include <string>
#include <tuple>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

bool has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

std::string read(const fs::path& p)
{
    std::ifstream in(p);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

struct TempFolder {
    fs::path path;
    TempFolder()
    {
        std::string pattern = (fs::temp_directory_path() / "cgp-plot-test-XXXXXX").string();
        path = ::mkdtemp(pattern.data());
    }
    ~TempFolder() { fs::remove_all(path); }
};

// Sets PATH for the lifetime of the object.
struct PathSetting {
    std::string saved;
    explicit PathSetting(const char* value) : saved(std::getenv("PATH") ? std::getenv("PATH") : "")
    {
        ::setenv("PATH", value, 1);
    }
    ~PathSetting() { ::setenv("PATH", saved.c_str(), 1); }
};

} // namespace

BOOST_AUTO_TEST_SUITE(figures)

BOOST_AUTO_TEST_CASE(twenty_curves_get_twenty_distinct_styles_and_the_first_round_stays_solid)
{
    std::set<std::tuple<std::string, int, int>> styles;
    for (std::size_t i = 0; i < 20; ++i) {
        const LineStyle st = line_style(i);
        BOOST_TEST(st.colour == line_colour(i));
        styles.insert({st.colour, st.dash, st.point});
    }
    BOOST_TEST(styles.size() == 20u);
    for (std::size_t i = 0; i < 50; ++i)
        for (std::size_t j = 0; j < i; ++j) {
            const LineStyle a = line_style(i), b = line_style(j);
            BOOST_TEST((a.colour != b.colour || a.dash != b.dash || a.point != b.point), i << " and " << j);
        }
    BOOST_TEST(line_style(0).dash == 1);
    BOOST_TEST(line_style(9).point == 7);
    // The script gives each of 20 curves its own line type; the eleventh on is dashed and, in a
    // figure of points, marked with another point type.
    LineFigure f;
    f.points = true;
    for (int c = 0; c < 20; ++c)
        f.curves.push_back({"o" + std::to_string(c), {1, 2}, {0.5, 1.0}, {}});
    const std::string script = gnuplot_script(f, "x.png");
    BOOST_TEST(has(script, "set linetype 1 linecolor rgb \"#0072b2\" linewidth 2\n"), script);
    BOOST_TEST(has(script, "set linetype 11 linecolor rgb \"#0072b2\" linewidth 2 dashtype 2\n"), script);
    BOOST_TEST(has(script, "set linetype cycle 20\n"), script);
    BOOST_TEST(has(script, "$curve10 using 1:2 with linespoints pointtype 5 pointsize 1 linetype 11 title \"o10\""),
               script);
    BOOST_TEST(has(script, "$curve19 using 1:2 with linespoints pointtype 5 pointsize 1 linetype 20 title \"o19\""),
               script);
    // Up to ten curves the script is as before: ten solid line types, cycling.
    f.curves.resize(3);
    const std::string few = gnuplot_script(f, "x.png");
    BOOST_TEST(has(few, "set linetype cycle 10\n"));
    BOOST_TEST(!has(few, "dashtype"));
    BOOST_TEST(has(few, "$curve2 using 1:2 with linespoints pointtype 7 pointsize 1 linetype 3 title"));
}

BOOST_AUTO_TEST_CASE(a_line_figure_may_fix_its_y_range_and_mark_its_points)
{
    LineFigure f;
    f.curves.push_back({"sgd", {1, 2}, {0.5, 1.0}, {}});
    const std::string plain = gnuplot_script(f, "x.png");
    BOOST_TEST(!has(plain, "set yrange"));
    BOOST_TEST(has(plain, "using 1:2 with lines linetype 1"));
    f.y_min = -0.02;
    f.y_max = 1.02;
    f.points = true;
    const std::string fixed = gnuplot_script(f, "x.png");
    BOOST_TEST(has(fixed, "set yrange [-0.02:1.02]\n"), fixed);
    BOOST_TEST(has(fixed, "using 1:2 with linespoints pointtype 7 pointsize 1 linetype 1"), fixed);
    f.y_max = NAN; // one bound alone is no range
    BOOST_TEST(!has(gnuplot_script(f, "x.png"), "set yrange"));
}

BOOST_AUTO_TEST_CASE(line_figure_script_holds_its_data_titles_and_default_image)
{
    LineFigure f;
    f.title = "one-neuron, lr = 1e-2";
    f.curves.push_back({"sgd", {100, 200}, {0.3, 0.25}, {}});
    f.curves.push_back({"adam \"fast\"", {100, 200}, {0.28, 0.2}, {0.01, 0.02}});
    const std::string s = gnuplot_script(f, "loss.png");
    BOOST_TEST(has(s, "if (!exists(\"out\")) out = \"loss.png\""));
    BOOST_TEST(has(s, "$curve0 << EOD\n100 0.3 0.3 0.3\n200 0.25 0.25 0.25\nEOD"));
    BOOST_TEST(has(s, "$curve1 << EOD\n100 0.28 0.27 0.29"));
    BOOST_TEST(has(s, "title \"adam \\\"fast\\\"\""));
    BOOST_TEST(has(s, "filledcurves")); // the band of the curve with a spread
    BOOST_TEST(has(s, "set title \"one-neuron, lr = 1e-2\""));
}

BOOST_AUTO_TEST_CASE(heatmap_script_has_one_labelled_cell_per_grid_value)
{
    HeatmapFigure h;
    h.title = "adam";
    h.xlabel = "beta1";
    h.ylabel = "beta2";
    h.xvalues = {"0.7", "0.9"};
    h.yvalues = {"0.9", "0.99"};
    h.values = {0.1, 0.2, 0.3, std::nan("")};
    const std::string s = gnuplot_script(h, "map.png");
    BOOST_TEST(has(s, "0 0 0.1 \"0.1\"\n1 0 0.2 \"0.2\"\n0 1 0.3 \"0.3\"\n1 1 NaN \"n/a\"\n"));
    BOOST_TEST(has(s, "set xtics (\"0.7\" 0, \"0.9\" 1)"));
    BOOST_TEST(has(s, "with image"));
}

BOOST_AUTO_TEST_CASE(without_gnuplot_the_script_is_written_and_the_render_command_returned)
{
    TempFolder tmp;
    LineFigure f;
    f.curves.push_back({"sgd", {1}, {1}, {}});
    std::vector<std::string> commands;
    {
        const PathSetting no_programs("/nonexistent");
        commands = write_figure(gnuplot_script(f, "x.png"), {tmp.path / "x.gp", {tmp.path / "x.png"}});
    }
    BOOST_TEST(fs::exists(tmp.path / "x.gp"));
    BOOST_TEST(!fs::exists(tmp.path / "x.png"));
    BOOST_REQUIRE(commands.size() == 1u);
    BOOST_TEST(has(commands[0], "gnuplot -e"));
    BOOST_TEST(has(commands[0], "x.png"));
}

BOOST_AUTO_TEST_CASE(failed_render_keeps_the_previous_image_and_quotes_the_error)
{
    TempFolder tmp;
    const fs::path image = tmp.path / "old.png";
    std::ofstream(image) << "previous image";
    BOOST_CHECK_EXCEPTION(run_to_file({"sh", "-c", "echo partial; echo broken >&2; exit 3"}, image), Error,
                          [](const Error& e) { return has(e.what(), "exit status 3") && has(e.what(), "broken"); });
    BOOST_TEST(read(image) == "previous image");
    BOOST_CHECK_THROW(run_to_file({"cgp-no-such-program"}, image), Error);
    BOOST_TEST(read(image) == "previous image");
}

BOOST_AUTO_TEST_CASE(program_output_becomes_the_file)
{
    TempFolder tmp;
    run_to_file({"sh", "-c", "printf hello"}, tmp.path / "out.txt");
    BOOST_TEST(read(tmp.path / "out.txt") == "hello");
}

BOOST_AUTO_TEST_SUITE_END()
