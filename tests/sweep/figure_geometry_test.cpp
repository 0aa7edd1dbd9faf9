// Figure geometry, from the SVG gnuplot writes: every text inside the canvas, the axes labelled,
// tick labels distinct and exact; and the figure options (log y, smoothing, legends) in the scripts.
#include "svg_geometry.hpp"

#include <cgp/io/error.hpp>
#include <cgp/report/plot.hpp>

#include <boost/test/unit_test.hpp>
#include <fmt/format.h>

#include <algorithm>

#include <cmath>
#include <unistd.h>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

// Renders a script to SVG and reads it back; false (with the skip message) without gnuplot.
bool render(const std::string& script, const fs::path& svg)
{
    if (!test::have_gnuplot()) {
        BOOST_TEST_MESSAGE("skipped: gnuplot missing");
        return false;
    }
    write_figure(script, {fs::path(svg).replace_extension(".gp"), {svg}});
    return true;
}

std::string joined(const std::vector<std::string>& v)
{
    std::string s;
    for (const auto& x : v)
        s += (s.empty() ? "" : " | ") + x;
    return s;
}

HeatmapFigure seeded_heat_map()
{
    HeatmapFigure h;
    h.title = "adam on multi-neuron: final loss, batch-size = 32 (mean of 5 seeds)";
    h.xlabel = "beta1";
    h.ylabel = "beta2";
    h.xvalues = {"0.7", "0.9", "0.99"};
    h.yvalues = {"0.9", "0.999"};
    h.values = {0.2001, 0.2003, 0.2002, 0.2010, 0.1999, 0.35};
    h.spread = {0.004, 0.004, 0.005, 0.004, 0.003, 0.01};
    h.value_label = "final loss (per-sample squared error)";
    return h;
}

} // namespace

BOOST_AUTO_TEST_SUITE(figure_geometry)

BOOST_AUTO_TEST_CASE(heat_map_texts_and_colour_bar_label_lie_inside_the_canvas)
{
    test::TempFolder tmp;
    HeatmapFigure small; // one seed, 2 x 2: the smallest canvas
    small.title = "adam on one-neuron: final loss";
    small.xlabel = "beta1";
    small.ylabel = "beta2";
    small.xvalues = {"0.8", "0.9"};
    small.yvalues = {"0.9", "0.99"};
    small.values = {0.24751, 0.24783, 0.24812, 0.24795}; // close values: long colour-bar tick labels
    small.value_label = "final loss (per-sample squared error)";
    for (const HeatmapFigure& h : {seeded_heat_map(), small}) {
        const fs::path svg = tmp.path / "map.svg";
        if (!render(gnuplot_script(h, "map.png"), svg))
            return;
        const test::Svg s = test::read_svg(svg.string());
        BOOST_TEST(s.width > 0);
        BOOST_TEST(s.texts.size() > 8u);
        BOOST_TEST(test::texts_outside(s).empty(), "outside the canvas: " << joined(test::texts_outside(s)));
        BOOST_TEST(test::has_text(s, "beta1"));
        BOOST_TEST(test::has_text(s, "beta2"));
        BOOST_TEST(test::has_text(s, "final loss (per-sample squared error)"), "no colour-bar label");
        BOOST_TEST(test::repeated_tick_labels(s).empty(), "repeated: " << joined(test::repeated_tick_labels(s)));
    }
}

BOOST_AUTO_TEST_CASE(heat_map_with_seeds_shows_the_spread_and_marks_differences_within_it)
{
    const std::string s = gnuplot_script(seeded_heat_map(), "map.png");
    // The lowest cell (0.1999) is unmarked; 0.2001 is within 0.004 of it, 0.35 is not.
    BOOST_TEST(s.find("\"0.1999 ± 0.003\"") != std::string::npos);
    BOOST_TEST(s.find("\"0.2001 ± 0.004 *\"") != std::string::npos);
    BOOST_TEST(s.find("\"0.35 ± 0.01\"") != std::string::npos);
    // The values span 0.15 > twice the widest spread, so the colour scale is the data's own.
    BOOST_TEST(s.find("set cbrange") == std::string::npos);
    HeatmapFigure flat = seeded_heat_map();
    flat.values[5] = 0.2004;
    // Values within 0.0011 of each other, spreads of 0.004 to 0.01: the scale spans +-0.01 around the middle.
    const std::string f = gnuplot_script(flat, "map.png");
    BOOST_TEST(f.find("set cbrange [0.19045:0.21045]") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(short_run_x_ticks_are_distinct_and_exact)
{
    test::TempFolder tmp;
    LineFigure f;
    f.title = "one-neuron, sgd";
    Curve c{"loss", {}, {}, {}};
    for (int i = 1; i <= 21; ++i) {
        c.x.push_back(1900 + 10 * i);
        c.y.push_back(1.0 / i);
    }
    f.curves.push_back(c);
    const fs::path svg = tmp.path / "short.svg";
    if (!render(gnuplot_script(f, "short.png"), svg))
        return;
    const test::Svg s = test::read_svg(svg.string());
    const std::vector<std::string> ticks = test::bottom_row(s, s.height * 0.8);
    BOOST_TEST(ticks.size() >= 3u);
    for (const std::string& t : ticks)
        BOOST_TEST(t.find('k') == std::string::npos, "rounded tick label " << t);
    BOOST_TEST((std::find(ticks.begin(), ticks.end(), "2000") != ticks.end()), "ticks: " << joined(ticks));
    BOOST_TEST(test::repeated_tick_labels(s).empty(), "repeated: " << joined(test::repeated_tick_labels(s)));
    BOOST_TEST(test::texts_outside(s).empty(), "outside the canvas: " << joined(test::texts_outside(s)));
    BOOST_TEST(test::has_text(s, "iteration"));
    BOOST_TEST(test::has_text(s, "loss"));
}

BOOST_AUTO_TEST_CASE(long_legends_and_subtitles_stay_inside_the_canvas)
{
    test::TempFolder tmp;
    LineFigure f;
    f.title = "multi-neuron, lr = 1e-3 (mean of 5 seeds, band: 1 sd)";
    f.subtitle = "batch-size 8, lr 0.001, dataset-size 5000, iterations 20000, log-every 100, dtype f32, seed 0";
    for (int k = 0; k < 3; ++k) {
        Curve c{fmt::format("adam beta1=0.9 beta2=0.99{} eps=1e-08 eps-inside-sqrt=0", k), {}, {}, {}};
        for (int i = 1; i <= 50; ++i) {
            c.x.push_back(100.0 * i);
            c.y.push_back(std::pow(10.0, -3.0 * i / 50) * (k + 1));
        }
        f.curves.push_back(c);
    }
    BOOST_TEST(choose_log_y(f, LogY::Auto).find("log-scale") != std::string::npos);
    BOOST_TEST(f.log_y);
    const fs::path svg = tmp.path / "long.svg";
    if (!render(gnuplot_script(f, "long.png"), svg))
        return;
    const test::Svg s = test::read_svg(svg.string());
    BOOST_TEST(test::texts_outside(s).empty(), "outside the canvas: " << joined(test::texts_outside(s)));
    BOOST_TEST(test::repeated_tick_labels(s).empty(), "repeated: " << joined(test::repeated_tick_labels(s)));
    BOOST_TEST(test::has_text(s, "0.001")); // log-scale ticks written exactly
}

BOOST_AUTO_TEST_CASE(log_y_is_chosen_above_two_decades_and_can_be_refused)
{
    LineFigure f;
    f.curves.push_back({"a", {1, 2, 3}, {10, 1, 0.2}, {}});
    BOOST_TEST(choose_log_y(f, LogY::Auto).empty()); // 1.7 decades: linear
    BOOST_TEST(!f.log_y);
    f.curves.push_back({"b", {1, 2, 3}, {0.05, 0.01, 0.08}, {}});
    BOOST_TEST(std::abs(decades_spanned(f) - 3.0) < 1e-12);
    BOOST_TEST(choose_log_y(f, LogY::Auto).find("3.0 decades") != std::string::npos);
    BOOST_TEST(f.log_y);
    BOOST_TEST(choose_log_y(f, LogY::Off).empty());
    BOOST_TEST(!f.log_y);
    BOOST_TEST(choose_log_y(f, LogY::On).empty());
    BOOST_TEST(f.log_y);
    BOOST_TEST(gnuplot_script(f, "x.png").find("set logscale y") != std::string::npos);
    BOOST_TEST((parse_log_y("", "--log-y") == LogY::On));
    BOOST_TEST((parse_log_y("off", "--log-y") == LogY::Off));
    BOOST_CHECK_EXCEPTION(parse_log_y("sometimes", "--log-y"), Error, [](const Error& e) {
        return std::string(e.what()).find("--log-y sometimes: expected on, off or auto") != std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(smoothing_is_an_exponential_moving_average_drawn_over_the_faint_raw_curve)
{
    const std::vector<double> s = exponential_moving_average({1, 0, 0, NAN, 4}, 0.5);
    BOOST_TEST(s[0] == 1.0);
    BOOST_TEST(s[1] == 0.5);
    BOOST_TEST(s[2] == 0.25);
    BOOST_TEST(std::isnan(s[3]));
    BOOST_TEST(s[4] == 2.125);
    LineFigure f;
    f.smooth = 0.5;
    f.curves.push_back({"sgd", {1, 2}, {1, 0}, {}});
    const std::string script = gnuplot_script(f, "x.png");
    BOOST_TEST(script.find("1 1 1 1 1\n2 0 0 0 0.5\n") != std::string::npos);
    BOOST_TEST(script.find("using 1:2 with lines linetype 1 linewidth 1 linecolor rgb \"#B00072b2\" notitle") !=
               std::string::npos);
    BOOST_TEST(script.find("using 1:5 with lines linetype 1 title \"sgd\"") != std::string::npos);
    BOOST_CHECK_THROW(check_smooth(1.0, "--smooth"), Error);
    BOOST_CHECK_THROW(check_smooth(-0.1, "--smooth"), Error);
    BOOST_CHECK_NO_THROW(check_smooth(0.9, "--smooth"));
}

BOOST_AUTO_TEST_CASE(legends_name_every_setting_that_differs_and_the_title_the_shared_ones)
{
    const Legends l = legends({{{"optimizer", "sgd"}, {"lr", "0.01"}, {"batch-size", "8"}},
                               {{"optimizer", "sgdplus"}, {"lr", "0.01"}, {"momentum", "0.9"}, {"batch-size", "8"}},
                               {{"optimizer", "sgdplus"}, {"lr", "0.01"}, {"momentum", "0.5"}, {"batch-size", "32"}}});
    BOOST_REQUIRE(l.curves.size() == 3u);
    BOOST_TEST(l.curves[0] == "sgd batch-size=8");
    BOOST_TEST(l.curves[1] == "sgdplus momentum=0.9 batch-size=8");
    BOOST_TEST(l.curves[2] == "sgdplus momentum=0.5 batch-size=32");
    BOOST_TEST(l.shared == "lr 0.01");
}

BOOST_AUTO_TEST_CASE(figures_render_in_parallel_and_every_failure_is_reported)
{
    test::TempFolder tmp;
    LineFigure f;
    f.curves.push_back({"sgd", {1, 2}, {1, 0.5}, {}});
    std::vector<FigureJob> jobs;
    for (int i = 0; i < 4; ++i)
        jobs.push_back({gnuplot_script(f, "x.png"), {tmp.path / fmt::format("f{}.gp", i), {}}});
    // Two scripts whose folder does not exist: both named in the one error, the others written.
    jobs.push_back({"x", {tmp.path / "missing" / "a.gp", {}}});
    jobs.push_back({"x", {tmp.path / "missing" / "b.gp", {}}});
    BOOST_CHECK_EXCEPTION(write_figures(jobs, 3), Error, [](const Error& e) {
        const std::string m = e.what();
        return m.find("2 of 6 figures failed") != std::string::npos && m.find("a.gp") != std::string::npos &&
               m.find("b.gp") != std::string::npos;
    });
    for (int i = 0; i < 4; ++i)
        BOOST_TEST(fs::exists(tmp.path / fmt::format("f{}.gp", i)));
}

BOOST_AUTO_TEST_SUITE_END()
