// cgp-path: surfaces' gradients against central finite differences, paths against a direct
// host-driven loop of the same plugin (bitwise), bad optimizer specifications and surfaces, the
// figure's geometry from its SVG.
#include "../sweep/svg_geometry.hpp"

#include "figure.hpp"
#include "path.hpp"
#include "surface.hpp"

#include <cgp/data/rng.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/error.hpp>
#include <cgp/report/plot.hpp>
#include <cgp/tape/aligned.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <unistd.h>

using namespace cgp;
using namespace cgp::path;
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> search()
{
    return {fs::path(CGP_PLUGIN_DIR)};
}

bool has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

// Central differences with step h, in long double for a reference independent of the code under test.
std::array<double, 2> finite_difference(const Surface& s, std::array<double, 2> p, double h)
{
    std::array<double, 2> g{}, unused{};
    for (int i = 0; i < 2; ++i) {
        std::array<double, 2> a = p, b = p;
        a[i] += h;
        b[i] -= h;
        g[i] =
            static_cast<double>((static_cast<long double>(s.evaluate(a, unused)) - s.evaluate(b, unused)) / (2.0L * h));
    }
    return g;
}

void check_gradients(const Surface& s)
{
    const double w = s.box[1] - s.box[0], hgt = s.box[3] - s.box[2];
    for (int k = 0; k < 25; ++k) {
        // Points spread over the box (a fixed low-discrepancy pattern, no randomness).
        const std::array<double, 2> p{s.box[0] + w * std::fmod(0.1 + 0.618034 * k, 1.0),
                                      s.box[2] + hgt * std::fmod(0.3 + 0.414214 * k, 1.0)};
        std::array<double, 2> g{};
        s.evaluate(p, g);
        const std::array<double, 2> fd = finite_difference(s, p, 1e-6 * std::max(1.0, std::abs(p[0]) + std::abs(p[1])));
        const double scale = std::max({1.0, std::abs(fd[0]), std::abs(fd[1])});
        for (int i = 0; i < 2; ++i)
            BOOST_TEST(std::abs(g[i] - fd[i]) <= 1e-5 * scale, s.name << " d/d" << s.axes[i] << " at (" << p[0] << ", "
                                                                      << p[1] << "): " << g[i] << " against " << fd[i]);
    }
}

// Checks that parse throws cgp::Error with a message containing part.
template <class Parse>
void refused(Parse parse, const std::string& text, const std::string& part)
{
    try {
        parse(text);
    } catch (const Error& e) {
        BOOST_TEST(has(e.what(), part), text << ": " << e.what());
        return;
    }
    BOOST_ERROR(text << " was accepted");
}

} // namespace

BOOST_AUTO_TEST_SUITE(path_surfaces)

BOOST_AUTO_TEST_CASE(built_in_gradients_match_finite_differences)
{
    std::string names = surface_names();
    std::size_t count = 0;
    for (std::size_t at = 0; at < names.size();) {
        const std::size_t end = std::min(names.find(' ', at), names.size());
        check_gradients(make_surface(names.substr(at, end - at)));
        ++count;
        at = end + 1;
    }
    BOOST_TEST(count == 8u);
}

BOOST_AUTO_TEST_CASE(built_in_values_match_their_closed_forms)
{
    std::array<double, 2> g{};
    BOOST_TEST(make_surface("rosenbrock").evaluate({1, 1}, g) == 0.0);
    BOOST_TEST(make_surface("beale").evaluate({3, 0.5}, g) == 0.0);
    BOOST_TEST(make_surface("booth").evaluate({1, 3}, g) == 0.0);
    BOOST_TEST(make_surface("himmelblau").evaluate({3, 2}, g) == 0.0);
    BOOST_TEST(make_surface("saddle").evaluate({2, 3}, g) == -5.0);
    BOOST_TEST(make_surface("monkey-saddle").evaluate({2, 1}, g) == 2.0);
    BOOST_TEST(std::abs(make_surface("rastrigin").evaluate({0, 0}, g)) < 1e-12);
    BOOST_TEST(make_surface("quadratic").evaluate({2, 1}, g) == 1.2);
}

BOOST_AUTO_TEST_CASE(expression_surface_gradients_are_exact_through_the_tape)
{
    const Surface rb = make_surface("f = (1-a)^2 + 100*(b-a^2)^2");
    BOOST_TEST(rb.axes[0] == "a");
    BOOST_TEST(rb.axes[1] == "b");
    check_gradients(rb);
    // Against the built-in Rosenbrock: same values, same gradients to rounding.
    const Surface builtin = make_surface("rosenbrock");
    for (const std::array<double, 2> p : {std::array<double, 2>{-1.5, 2.5}, {0.3, -0.7}, {1.9, 2.9}}) {
        std::array<double, 2> g{}, h{};
        const double v = rb.evaluate(p, g), w = builtin.evaluate(p, h);
        BOOST_TEST(std::abs(v - w) <= 1e-12 * std::max(1.0, std::abs(w)));
        for (int i = 0; i < 2; ++i)
            BOOST_TEST(std::abs(g[i] - h[i]) <= 1e-12 * std::max(1.0, std::abs(h[i])));
    }
    check_gradients(make_surface("f = exp(-a*a - b*b) + a*b + sqrt(a*a + 1) * tanh(b)"));
}

BOOST_AUTO_TEST_CASE(unknown_surfaces_and_wrong_expressions_are_refused_with_one_clear_message)
{
    const auto fails_with = [](const std::string& text, const std::string& part) {
        refused([](const std::string& t) { make_surface(t); }, text, part);
    };
    fails_with("rosenbrok", "--surface rosenbrok: no such surface; the built-in surfaces are: quadratic saddle");
    fails_with("f = a*a", "has 1 parameter (a); a surface needs exactly two");
    fails_with("f = a*b*c", "has 3 parameters (a, b, c)");
    fails_with("f = a*x1 + b", "uses the input variable 'x1'");
    fails_with("f = (a + ", "");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(path_runs)

BOOST_AUTO_TEST_CASE(paths_equal_a_direct_host_loop_of_the_same_plugin_bitwise)
{
    const Surface s = make_surface("rosenbrock");
    const std::vector<OptimizerSpec> specs{parse_optimizer("sgdplus momentum=0.8 lr=1e-4", search()),
                                           parse_optimizer("adam lr=0.01,beta2=0.99", search())};
    const Noise noise{0.3, 7};
    const std::vector<Path> paths = run_paths(s, specs, {-1.5, 2.5}, 400, noise);
    BOOST_REQUIRE(paths.size() == 2u);
    for (std::size_t k = 0; k < specs.size(); ++k) {
        // The loop a user would write against the host: the plugin's own step on a 2-element array.
        PluginOptimizer opt(specs[k].plugin, specs[k].hparams);
        AlignedArray<double> p(2), g(2);
        std::vector<AlignedArray<double>> state;
        std::vector<double*> ptrs;
        for (std::size_t i = 0; i < opt.state_count(); ++i)
            state.emplace_back(2);
        for (auto& a : state)
            ptrs.push_back(a.data());
        p[0] = -1.5;
        p[1] = 2.5;
        Rng rng(7);
        BOOST_REQUIRE(paths[k].points.size() == 401u);
        BOOST_TEST(paths[k].stop == "completed");
        for (std::size_t t = 1; t <= 400; ++t) {
            std::array<double, 2> grad{};
            s.evaluate({p[0], p[1]}, grad);
            for (int i = 0; i < 2; ++i)
                g[static_cast<std::size_t>(i)] = grad[static_cast<std::size_t>(i)] + 0.3 * rng.normal();
            opt.step(t, std::span<double>(p.data(), 2), std::span<const double>(g.data(), 2),
                     std::span<double* const>(ptrs), false);
            const PathPoint& q = paths[k].points[t];
            BOOST_REQUIRE(std::memcmp(&q.x, &p[0], sizeof(double)) == 0);
            BOOST_REQUIRE(std::memcmp(&q.y, &p[1], sizeof(double)) == 0);
        }
    }
}

BOOST_AUTO_TEST_CASE(plain_sgd_on_the_quadratic_follows_its_closed_form)
{
    // p_t = (1 - lr * h)^t p_0 per axis, h = 1/10 and 2: the host step is exactly SGD's.
    const std::vector<Path> paths =
        run_paths(make_surface("quadratic"), {parse_optimizer("sgd lr=0.05", search())}, {-9, 2.5}, 50, {});
    const PathPoint& last = paths[0].points.back();
    BOOST_TEST(std::abs(last.x - (-9 * std::pow(1 - 0.005, 50))) < 1e-12);
    BOOST_TEST(std::abs(last.y - 2.5 * std::pow(1 - 0.1, 50)) < 1e-12);
}

BOOST_AUTO_TEST_CASE(a_scheduled_learning_rate_follows_its_closed_form)
{
    // step(10, 0.5): lr at step t is 0.05 * 0.5^floor((t - 1) / 10); p_t = prod (1 - lr_t * h) p_0.
    const OptimizerSpec spec = parse_optimizer("sgd lr=0.05 schedule=lr=step(10,gamma=0.5)", search());
    BOOST_TEST(spec.transforms.schedules == std::vector<std::string>{"lr=step(10,gamma=0.5)"});
    const std::vector<Path> paths = run_paths(make_surface("quadratic"), {spec}, {-9, 2.5}, 35, {});
    double x = -9, y = 2.5;
    for (int t = 1; t <= 35; ++t) {
        const double lr = 0.05 * std::pow(0.5, (t - 1) / 10);
        x *= 1 - lr / 10;
        y *= 1 - lr * 2;
    }
    BOOST_TEST(std::abs(paths[0].points.back().x - x) < 1e-12);
    BOOST_TEST(std::abs(paths[0].points.back().y - y) < 1e-12);
}

BOOST_AUTO_TEST_CASE(weight_decay_and_clipping_act_on_the_path_as_in_training)
{
    // Coupled decay W: g += W p, so p_t = (1 - lr (h + W))^t p_0.
    std::vector<Path> paths =
        run_paths(make_surface("quadratic"), {parse_optimizer("sgd lr=0.05 decay=0.5", search())}, {-9, 2.5}, 20, {});
    BOOST_TEST(std::abs(paths[0].points.back().x - (-9 * std::pow(1 - 0.05 * (0.1 + 0.5), 20))) < 1e-12);
    BOOST_TEST(std::abs(paths[0].points.back().y - 2.5 * std::pow(1 - 0.05 * (2 + 0.5), 20)) < 1e-12);
    // Decoupled decay: p *= 1 - lr W before the step, then p -= lr h p.
    paths = run_paths(make_surface("quadratic"),
                      {parse_optimizer("sgd lr=0.05 decay=0.5 decay-mode=decoupled", search())}, {-9, 2.5}, 1, {});
    BOOST_TEST(std::abs(paths[0].points.back().x - (-9 * (1 - 0.025) - 0.05 * (-0.9))) < 1e-12);
    // Clipping by value: the first gradient of the quadratic at (-9, 2.5) is (-0.9, 5), clamped to (-0.9, 1).
    paths =
        run_paths(make_surface("quadratic"), {parse_optimizer("sgd lr=0.1 clip-value=1", search())}, {-9, 2.5}, 1, {});
    BOOST_TEST(std::abs(paths[0].points[1].x - (-9 + 0.09)) < 1e-12);
    BOOST_TEST(std::abs(paths[0].points[1].y - (2.5 - 0.1)) < 1e-12);
    // Clipping by norm: the gradient scaled to norm 1 (torch's clip_grad_norm_, eps 1e-6).
    paths =
        run_paths(make_surface("quadratic"), {parse_optimizer("sgd lr=0.1, clip-norm=1", search())}, {-9, 2.5}, 1, {});
    const double n = std::hypot(0.9, 5.0), f = 1.0 / (n + 1e-6);
    BOOST_TEST(std::abs(paths[0].points[1].y - (2.5 - 0.1 * 5 * f)) < 1e-12);
    // The legend names the transforms that differ.
    const auto settings = optimizer_settings(parse_optimizer("sgd clip-norm=1 decay=0.01", search()));
    BOOST_TEST((settings.back() == std::pair<std::string, std::string>{"clip-norm", "1"}));
}

BOOST_AUTO_TEST_CASE(bad_transforms_are_refused_naming_the_optimizer)
{
    const auto parse = [](const std::string& text) { return parse_optimizer(text, search()); };
    refused(parse, "sgd clip-norm=0", "--optimizer sgd clip-norm=0: clip-norm=0: must be a finite number > 0");
    refused(parse, "sgd decay=-1", "decay=-1: must be a finite number >= 0");
    refused(parse, "sgd decay-mode=sideways", "--optimizer sgd decay-mode=sideways:");
    refused(parse, "sgd clip=1", "and the transforms:");
    try {
        run_paths(make_surface("quadratic"), {parse("sgd schedule=beta1=cosine")}, {-9, 2.5}, 10, {});
        BOOST_ERROR("a schedule of a hyperparameter sgd lacks was accepted");
    } catch (const Error& e) {
        BOOST_TEST(has(e.what(), "--optimizer sgd schedule=beta1=cosine:"), e.what());
    }
}

BOOST_AUTO_TEST_CASE(a_path_that_runs_off_the_surface_stops_and_says_so)
{
    const std::vector<Path> paths =
        run_paths(make_surface("saddle"), {parse_optimizer("sgd lr=0.1", search())}, {0.5, 0.5}, 1000, {});
    BOOST_TEST(paths[0].stop == "left the surface");
    BOOST_TEST(paths[0].points.size() < 100u);
}

BOOST_AUTO_TEST_CASE(optimizer_specifications_are_checked_against_the_plugins_schema)
{
    const OptimizerSpec s = parse_optimizer("sgdplus momentum=0.5, lr=0.02", search());
    BOOST_TEST(s.plugin->id() == "sgdplus");
    BOOST_TEST(s.hparams[static_cast<std::size_t>(s.plugin->find_hparam("momentum"))] == 0.5);
    BOOST_TEST(s.hparams[static_cast<std::size_t>(s.plugin->find_hparam("lr"))] == 0.02);
    const auto fails_with = [](const std::string& text, const std::string& part) {
        refused([](const std::string& t) { parse_optimizer(t, search()); }, text, part);
    };
    fails_with("sgdplus momentum=1.5", "momentum");
    fails_with("sgdplus momentum=1.5", "out of range");
    fails_with("sgdplus mommentum=0.5", "'mommentum' is not a hyperparameter of sgdplus");
    fails_with("sgdplus mommentum=0.5", "momentum (default 0.9");
    fails_with("sgdplus momentum", "'momentum' is not KEY=VALUE");
    fails_with("sgdplus momentum=fast", "momentum: 'fast' is not a finite number");
    fails_with("nosuchoptimizer", "--optimizer nosuchoptimizer");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(path_figures)

BOOST_AUTO_TEST_CASE(contour_levels_are_log_spaced_when_the_range_asks_for_it)
{
    bool log_spaced = false;
    const std::vector<double> levels = contour_levels(0, 2500, 5, log_spaced);
    BOOST_TEST(log_spaced);
    BOOST_REQUIRE(levels.size() == 5u);
    BOOST_TEST(std::abs(levels[0] - 0.25) < 1e-12);
    BOOST_TEST(std::abs(levels[1] - 2.5) < 1e-9);
    BOOST_TEST(std::abs(levels[4] - 2500) < 1e-9);
    const std::vector<double> linear = contour_levels(-4, 4, 4, log_spaced);
    BOOST_TEST(!log_spaced);
    BOOST_TEST(linear[0] == -3.0);
    BOOST_TEST(linear[3] == 3.0);
}

BOOST_AUTO_TEST_CASE(figure_texts_lie_inside_the_canvas_and_its_axes_are_labelled)
{
    test::TempFolder tmp;
    const Surface s = make_surface("saddle");
    std::vector<Path> paths =
        run_paths(s, {parse_optimizer("sgd lr=0.01", search()), parse_optimizer("sgdplus lr=0.01", search())}, s.start,
                  s.steps, {});
    paths[0].label = "sgd \"plain\" `touch pwned`";
    paths[1].label = "sgdplus momentum=0.9";
    const std::string script = path_script(s, paths, "saddle: f = x^2 - y^2", "p.png");
    BOOST_TEST(has(script, "title \"sgd \\\"plain\\\" \\140touch pwned\\140\""));
    BOOST_TEST(has(paths_csv(paths), "\"sgd \"\"plain\"\" `touch pwned`\",0,1.8,0.001,"));
    if (!test::have_gnuplot()) {
        BOOST_TEST_MESSAGE("skipped: gnuplot missing");
        return;
    }
    write_figure(script, {tmp.path / "p.gp", {tmp.path / "p.svg"}});
    BOOST_TEST(!fs::exists(tmp.path / "pwned"));
    const test::Svg svg = test::read_svg((tmp.path / "p.svg").string());
    BOOST_TEST(svg.texts.size() > 20u);
    for (const std::string& t : test::texts_outside(svg))
        BOOST_ERROR("outside the canvas: " << t);
    for (const char* label : {"x", "y", "step", "loss", "sgdplus momentum=0.9"})
        BOOST_TEST(test::has_text(svg, label), "no text " << label);
    for (const std::string& t : test::repeated_tick_labels(svg))
        BOOST_ERROR("repeated tick label: " << t);
}

BOOST_AUTO_TEST_SUITE_END()
