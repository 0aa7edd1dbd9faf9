// cgp-landscape: the dataset loss, the line and the slice against a direct scalar f64 evaluation of
// the model; filter normalisation; the projection on a case with a known answer; the recorded path;
// reading and checking traces; and the figure's geometry.
#include "../sweep/svg_geometry.hpp"

#include "landscape.hpp"
#include "landscape_figure.hpp"
#include "run_input.hpp"

#include <cgp/data/rng.hpp>
#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/error.hpp>
#include <cgp/report/plot.hpp>
#include <cgp/report/trace.hpp>
#include <cgp/training/experiment.hpp>

#include <boost/test/unit_test.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <fstream>

using namespace cgp;
using namespace cgp::landscape;
namespace fs = std::filesystem;

namespace {

bool has(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

// The loss by evaluating every node of the graph for every sample in plain f64, one sample at a
// time: a reference independent of the tape's compilation, fusion and SIMD kernels.
double scalar_loss(const Graph& model, const Dataset& d, const std::vector<double>& params)
{
    const Graph g = scalar_form(model); // dense layers written out node by node
    std::vector<double> v(g.nodes.size());
    double sum = 0.0;
    for (std::size_t s = 0; s < d.samples; ++s) {
        for (std::size_t n = 0; n < g.nodes.size(); ++n) {
            const Node& node = g.nodes[n];
            const double a = node.a >= 0 ? v[static_cast<std::size_t>(node.a)] : 0.0;
            const double b = node.b >= 0 ? v[static_cast<std::size_t>(node.b)] : 0.0;
            double r = 0.0;
            switch (node.op) {
            case Op::Input: r = d.x[s * d.features() + static_cast<std::size_t>(node.index)]; break;
            case Op::Param: r = params[static_cast<std::size_t>(node.index)]; break;
            case Op::Const: r = node.value; break;
            case Op::Add: r = a + b; break;
            case Op::Sub: r = a - b; break;
            case Op::Mul: r = a * b; break;
            case Op::Div: r = a / b; break;
            case Op::Pow: r = std::pow(a, b); break;
            case Op::PowInt: r = std::pow(a, node.value); break;
            case Op::Neg: r = -a; break;
            case Op::Sigmoid: r = 1.0 / (1.0 + std::exp(-a)); break;
            case Op::Relu: r = a > 0 ? a : 0.0; break;
            case Op::Tanh: r = std::tanh(a); break;
            case Op::Exp: r = std::exp(a); break;
            case Op::Log: r = std::log(a); break;
            case Op::Sqrt: r = std::sqrt(a); break;
            case Op::Abs: r = std::abs(a); break;
            case Op::Softplus: r = std::log1p(std::exp(a)); break;
            case Op::Identity: r = a; break;
            case Op::Dense: BOOST_FAIL("a dense unit in the scalar form"); break;
            }
            v[n] = r;
        }
        for (std::size_t o = 0; o < g.outputs.size(); ++o) {
            const double e = v[static_cast<std::size_t>(g.output_nodes[o])] - d.y[s * d.labels() + o];
            sum += e * e;
        }
    }
    return sum / static_cast<double>(d.samples);
}

std::shared_ptr<const Plugin> adam()
{
    return Plugin::load(resolve_plugin("adam", {fs::path(CGP_PLUGIN_DIR)}));
}

RunSettings short_run(std::uint64_t iterations = 300)
{
    RunSettings s;
    s.iterations = iterations;
    s.batch_size = 8;
    s.seed = 5;
    s.train.log_every = 50;
    return s;
}

ModelSpec layered()
{
    ModelChoice c;
    c.layers = {4, 6, 3, 1};
    return make_model(c);
}

void check_close(double got, double want, const std::string& where)
{
    BOOST_TEST(std::abs(got - want) <= 1e-12 * std::max(1.0, std::abs(want)),
               where << ": " << got << " against the scalar reference " << want);
}

double norm(const std::vector<double>& v, const ParamTensor& t)
{
    double s = 0.0;
    for (const ParamRange& r : t.ranges)
        for (std::size_t i = r.begin; i < r.end; ++i)
            s += v[i] * v[i];
    return std::sqrt(s);
}

// Checks that fn throws cgp::Error with a message containing part.
template <class Fn>
void refused(Fn fn, const std::string& part)
{
    try {
        fn();
    } catch (const Error& e) {
        BOOST_TEST(has(e.what(), part), e.what());
        return;
    }
    BOOST_ERROR("accepted; expected an error containing " << part);
}

} // namespace

BOOST_AUTO_TEST_SUITE(landscape_values)

BOOST_AUTO_TEST_CASE(dataset_loss_line_and_slice_equal_a_scalar_f64_evaluation_of_the_model)
{
    for (const ModelSpec& spec : {make_model(ModelChoice{}), layered()}) {
        DataChoice data;
        data.dataset_size = 1000; // chunks of 300: four tapes, the last one short
        Experiment ex(spec, data, adam(), adam()->defaults(), short_run());
        const std::vector<double> initial = ex.params();
        ex.run({});
        const std::vector<double> final_params = ex.params();
        const Dataset samples = run_samples(ex);
        BOOST_TEST(samples.samples == 1000u); // 125 batches of 8
        DatasetLoss loss(ex.graph(), samples, 300);
        BOOST_TEST(loss.samples() == 1000u);
        check_close(loss(final_params), scalar_loss(ex.graph(), samples, final_params), spec.name + " final");
        check_close(DatasetLoss(ex.graph(), ex.dataset(), 4096)(final_params),
                    scalar_loss(ex.graph(), ex.dataset(), final_params), spec.name + " final, raw dataset");

        const Line line = line_losses(loss, initial, final_params, -0.5, 1.5, 9);
        BOOST_TEST(line.alpha.front() == -0.5);
        BOOST_TEST(line.alpha.back() == 1.5);
        for (std::size_t k = 0; k < line.alpha.size(); ++k) {
            std::vector<double> p(initial.size());
            for (std::size_t i = 0; i < p.size(); ++i)
                p[i] = (1 - line.alpha[k]) * initial[i] + line.alpha[k] * final_params[i];
            check_close(line.loss[k], scalar_loss(ex.graph(), samples, p),
                        spec.name + " line at alpha " + std::to_string(line.alpha[k]));
        }

        const auto d = filter_normalised_directions(ex.graph(), final_params, 7);
        const Slice slice = slice_losses(loss, final_params, d, {-1.0, 1.0, -0.5, 0.5}, 5);
        BOOST_TEST(slice.a[4] == 1.0);
        BOOST_TEST(slice.b[0] == -0.5);
        for (std::size_t ib = 0; ib < 5; ++ib)
            for (std::size_t ia = 0; ia < 5; ++ia) {
                std::vector<double> p(final_params.size());
                for (std::size_t i = 0; i < p.size(); ++i)
                    p[i] = final_params[i] + slice.a[ia] * d[0][i] + slice.b[ib] * d[1][i];
                check_close(slice.loss[ib * 5 + ia], scalar_loss(ex.graph(), samples, p),
                            spec.name + " slice point " + std::to_string(ia) + "," + std::to_string(ib));
            }
        // The centre of the slice is the final point.
        check_close(slice.loss[2 * 5 + 2], loss(final_params), spec.name + " slice centre");
    }
}

BOOST_AUTO_TEST_CASE(directions_have_the_norm_of_each_parameter_tensor)
{
    const ModelSpec spec = layered();
    const Graph g = build_graph(spec);
    std::vector<double> center(g.params.size());
    Rng rng(3);
    for (double& v : center)
        v = rng.uniform(-2, 2);
    const auto d = filter_normalised_directions(g, center, 11);
    const std::vector<ParamTensor> tensors = parameter_tensors(g);
    BOOST_TEST(tensors.size() == 6u); // three layers' weights and biases
    for (const ParamTensor& t : tensors)
        for (const std::vector<double>& dir : d)
            BOOST_TEST(std::abs(norm(dir, t) - norm(center, t)) <= 1e-12 * norm(center, t), t.name);
    // A different seed, different directions; the same seed, the same.
    BOOST_TEST(filter_normalised_directions(g, center, 11)[0] == d[0]);
    BOOST_TEST(filter_normalised_directions(g, center, 12)[0] != d[0]);
    // A tensor that is zero in the centre gets no direction.
    std::vector<double> partly = center;
    for (const ParamRange& r : tensors[1].ranges)
        for (std::size_t i = r.begin; i < r.end; ++i)
            partly[i] = 0.0;
    BOOST_TEST(norm(filter_normalised_directions(g, partly, 11)[0], tensors[1]) == 0.0);
}

BOOST_AUTO_TEST_CASE(degenerate_directions_are_refused_with_a_hint)
{
    const Graph g = build_graph(layered());
    refused([&] { filter_normalised_directions(g, std::vector<double>(g.params.size(), 0.0), 1); },
            "directions are zero");
    const Graph one = build_graph(expr_model({"xy = w*x1"}));
    refused([&] { filter_normalised_directions(one, std::vector<double>{0.7}, 1); }, "parallel");
}

BOOST_AUTO_TEST_CASE(projection_recovers_the_coordinates_and_the_distance_of_a_known_point)
{
    const std::size_t n = 9;
    Rng rng(21);
    std::vector<double> c(n), e(n);
    std::array<std::vector<double>, 2> d{std::vector<double>(n), std::vector<double>(n)};
    for (std::size_t i = 0; i < n; ++i) {
        c[i] = rng.uniform(-1, 1);
        d[0][i] = rng.uniform(-1, 1);
        d[1][i] = d[0][i] * 0.4 + rng.uniform(-1, 1); // not orthogonal to d1
        e[i] = rng.uniform(-1, 1);
    }
    // e made orthogonal to the plane (Gram-Schmidt against an orthonormal basis of d1, d2), length 0.5.
    std::vector<double> q1 = d[0], q2 = d[1];
    const auto dotv = [](const std::vector<double>& x, const std::vector<double>& y) {
        double s = 0;
        for (std::size_t i = 0; i < x.size(); ++i)
            s += x[i] * y[i];
        return s;
    };
    const double n1 = std::sqrt(dotv(q1, q1));
    for (double& v : q1)
        v /= n1;
    const double p12 = dotv(q2, q1);
    for (std::size_t i = 0; i < n; ++i)
        q2[i] -= p12 * q1[i];
    const double n2 = std::sqrt(dotv(q2, q2));
    for (double& v : q2)
        v /= n2;
    const double e1 = dotv(e, q1), e2 = dotv(e, q2);
    for (std::size_t i = 0; i < n; ++i)
        e[i] -= e1 * q1[i] + e2 * q2[i];
    const double en = std::sqrt(dotv(e, e));
    std::vector<double> point(n);
    for (std::size_t i = 0; i < n; ++i)
        point[i] = c[i] + 0.3 * d[0][i] - 1.7 * d[1][i] + 0.5 * e[i] / en;
    const Projected p = project(point, c, d);
    BOOST_TEST(std::abs(p.a - 0.3) < 1e-12);
    BOOST_TEST(std::abs(p.b + 1.7) < 1e-12);
    BOOST_TEST(std::abs(p.off_plane - 0.5) < 1e-12);
    const Projected centre = project(c, c, d);
    BOOST_TEST(centre.a == 0.0);
    BOOST_TEST(centre.b == 0.0);
    BOOST_TEST(centre.off_plane == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(landscape_runs)

BOOST_AUTO_TEST_CASE(the_recorded_path_starts_at_the_initial_and_ends_at_the_final_parameters)
{
    Experiment ex(make_model(ModelChoice{}), DataChoice{}, adam(), adam()->defaults(), short_run(95));
    const std::vector<double> initial = ex.params();
    PathRecorder recorder(initial, 95, 10);
    std::vector<TrainObserver*> observers{&recorder};
    const TrainSummary summary = ex.run(observers);
    recorder.finish(ex.params(), summary.iterations);
    BOOST_TEST(recorder.size() == 11u); // 0, 10, ..., 90, then 95
    BOOST_TEST(recorder.iteration(0) == 0u);
    BOOST_TEST(recorder.iteration(9) == 90u);
    BOOST_TEST(recorder.iteration(10) == 95u);
    const auto first = recorder.point(0), last = recorder.point(10);
    BOOST_TEST(std::vector<double>(first.begin(), first.end()) == initial);
    BOOST_TEST(std::vector<double>(last.begin(), last.end()) == ex.params());
    // A run of the same options to iteration 50 passes through the recorded point at 50.
    Experiment half(make_model(ModelChoice{}), DataChoice{}, adam(), adam()->defaults(), short_run(50));
    half.run({});
    const auto mid = recorder.point(5);
    const std::vector<double> h = half.params();
    BOOST_TEST(std::vector<double>(mid.begin(), mid.end()) == h);
}

BOOST_AUTO_TEST_CASE(traces_are_read_and_checked_against_the_model_and_the_settings)
{
    test::TempFolder tmp;
    const ModelSpec spec = make_model(ModelChoice{});
    Experiment ex(spec, DataChoice{}, adam(), adam()->defaults(), short_run(40));
    const std::vector<double> initial = ex.params();
    const TrainSummary summary = ex.run({});
    write_trace(tmp.path / "t", spec, ex, initial, summary);

    // The samples the landscape is measured on begin with the batches the run trained on, as the
    // trace regenerates them (batches.f64: per sample the inputs, then the targets).
    const Dataset samples = run_samples(ex);
    std::ifstream batches(tmp.path / "t" / "batches.f64", std::ios::binary);
    const std::size_t columns = samples.features() + samples.labels();
    std::vector<double> rows(40 * 8 * columns);
    batches.read(reinterpret_cast<char*>(rows.data()), static_cast<std::streamsize>(rows.size() * sizeof(double)));
    BOOST_TEST(batches.gcount() == static_cast<std::streamsize>(rows.size() * sizeof(double)));
    for (std::size_t r = 0; r < 40 * 8; ++r) {
        for (std::size_t k = 0; k < samples.features(); ++k)
            BOOST_TEST(rows[r * columns + k] == samples.x[r * samples.features() + k]);
        BOOST_TEST(rows[r * columns + samples.features()] == samples.y[r]);
    }

    const TraceParams t = read_trace(tmp.path / "t", ex.graph(), ex.settings(), ex.optimizer());
    BOOST_TEST(t.initial == initial);
    BOOST_TEST(t.final == ex.params());
    BOOST_CHECK_NO_THROW(check_reproduced(tmp.path / "t", t.final, ex.params(), ex.graph(), "final"));
    std::vector<double> moved = ex.params();
    moved[3] += 1e-3;
    refused([&] { check_reproduced(tmp.path / "t", t.final, moved, ex.graph(), "final"); }, ex.graph().params[3]);

    Experiment other(layered(), DataChoice{}, adam(), adam()->defaults(), short_run(40));
    refused([&] { read_trace(tmp.path / "t", other.graph(), other.settings(), other.optimizer()); },
            "a trace of another model");
    RunSettings seed = short_run(40);
    seed.seed = 6;
    refused([&] { read_trace(tmp.path / "t", ex.graph(), seed, ex.optimizer()); }, "--seed 5 (this run: 6)");

    nlohmann::json j = nlohmann::json::parse(std::ifstream(tmp.path / "t" / "trace.json"));
    j.erase("final_params");
    std::ofstream(tmp.path / "no-params.json") << j.dump();
    refused([&] { read_trace(tmp.path / "no-params.json", ex.graph(), ex.settings(), ex.optimizer()); },
            "the trace has no parameters: \"final_params\" is missing");
    std::ofstream(tmp.path / "bad.json") << "{\"format\": ";
    refused([&] { read_trace(tmp.path / "bad.json", ex.graph(), ex.settings(), ex.optimizer()); }, "not valid JSON");
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(landscape_figures)

BOOST_AUTO_TEST_CASE(figure_texts_lie_inside_the_canvas_and_its_axes_are_labelled)
{
    test::TempFolder tmp;
    Experiment ex(make_model(ModelChoice{}), DataChoice{}, adam(), adam()->defaults(), short_run());
    const std::vector<double> initial = ex.params();
    ex.run({});
    const std::vector<double> final_params = ex.params();
    DatasetLoss loss(ex.graph(), ex.dataset());
    const auto d = filter_normalised_directions(ex.graph(), final_params, 1);
    PlanePath path;
    for (const auto& p : {initial, final_params}) {
        path.iteration.push_back(path.iteration.size() * 300);
        path.points.push_back(project(p, final_params, d));
        path.loss.push_back(loss(p));
    }
    const Line line = line_losses(loss, initial, final_params, -0.25, 1.25, 31);
    const Slice slice = slice_losses(loss, final_params, d, {-2, 2, -2, 2}, 21);
    const std::string script = landscape_script(slice, path, line, "multi-neuron \"quoted\" `touch pwned`", "l.png");
    BOOST_TEST(has(script, "\"multi-neuron \\\"quoted\\\" \\140touch pwned\\140\""));
    BOOST_TEST(has(slice_csv(slice), "a,b,loss\n-2,-2,"));
    BOOST_TEST(has(line_csv(line), "alpha,loss\n-0.25,"));
    BOOST_TEST(has(path_csv(path), "iteration,a,b,off_plane,loss\n0,"));
    if (!test::have_gnuplot()) {
        BOOST_TEST_MESSAGE("skipped: gnuplot missing");
        return;
    }
    write_figure(script, {tmp.path / "l.gp", {tmp.path / "l.svg"}});
    BOOST_TEST(!fs::exists(tmp.path / "pwned"));
    const test::Svg svg = test::read_svg((tmp.path / "l.svg").string());
    BOOST_TEST(svg.texts.size() > 20u);
    for (const std::string& t : test::texts_outside(svg))
        BOOST_ERROR("outside the canvas: " << t);
    for (const char* label : {"direction 1", "direction 2", "alpha", "loss", "path (projected)", "initial", "final"})
        BOOST_TEST(test::has_text(svg, label), "no text " << label);
    for (const std::string& t : test::repeated_tick_labels(svg))
        BOOST_ERROR("repeated tick label: " << t);
}

BOOST_AUTO_TEST_SUITE_END()
