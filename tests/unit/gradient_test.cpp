// Reverse-mode gradients against central finite differences (f64), for every operation and
// function, the presets, layered models, fused layers with shared or permuted weights, and random
// DAGs; and the one-neuron gradient against its closed form.
#include "test_models.hpp"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <random>

using namespace cgp;
using cgp::test::graph_of;

namespace {

// Checks every parameter's gradient: |g - fd| <= 1e-6 * max(|g|, |fd|) + 1e-9, where fd is the
// central difference with step 1e-5 (truncation and rounding both far below the tolerance).
void check_against_finite_differences(const Graph& g, std::size_t batch, std::uint64_t seed, SimdPath path,
                                      double lo = 0.5, double hi = 1.5)
{
    Tape<double> tape(g, batch, path);
    test::fill_random(tape, seed, lo, hi);
    tape.forward_backward();
    const std::vector<double> grads(tape.grads().begin(), tape.grads().end());
    BOOST_REQUIRE(!grads.empty());
    for (std::size_t i = 0; i < grads.size(); ++i) {
        const double fd = test::central_difference(tape, i);
        const double err = std::abs(grads[i] - fd);
        BOOST_TEST(err <= 1e-6 * std::max(std::abs(grads[i]), std::abs(fd)) + 1e-9,
                   fmt::format("{} [{}]: d/d{} reverse {:.12g} finite-difference {:.12g}", g.name,
                               to_string(tape.simd_path()), g.params[i], grads[i], fd));
    }
}

void check_both_paths(const Graph& g, std::size_t batch, std::uint64_t seed, double lo = 0.5, double hi = 1.5)
{
    check_against_finite_differences(g, batch, seed, SimdPath::Scalar, lo, hi);
    check_against_finite_differences(g, batch, seed, SimdPath::Auto, lo, hi);
}

// A random DAG: each new variable applies a random operation to earlier variables and parameters.
std::vector<std::string> random_dag(std::uint64_t seed, int inputs, int statements)
{
    std::mt19937_64 rng(seed);
    std::vector<std::string> vars;
    for (int i = 0; i < inputs; ++i)
        vars.push_back(fmt::format("xi{}", i));
    auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
    auto param = [&] { return fmt::format("p{}", rng() % 12); };
    const char* forms[] = {"{p}*{a} + {q}*{b}",   "{a}*{b} + {p}",           "sigmoid({p}*{a} - {q})",
                           "tanh({a} - {p}*{b})", "{a}/(1 + {p}*{p}) + {b}", "exp(-{p}*{a})*{b}",
                           "({a} - {b})^2 + {p}", "sqrt({a}*{a} + {p})",     "log(1 + {a}*{a}) * {q}",
                           "-{a} + {p}*{b}^3"};
    std::vector<std::string> out;
    for (int s = 0; s < statements; ++s) {
        const std::string form = forms[rng() % std::size(forms)];
        const std::string a = pick(vars), b = pick(vars), p = param(), q = param();
        const std::string name = fmt::format("xv{}", s);
        out.push_back(
            name + " = " +
            fmt::format(fmt::runtime(form), fmt::arg("a", a), fmt::arg("b", b), fmt::arg("p", p), fmt::arg("q", q)));
        vars.push_back(name);
    }
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(gradients)

BOOST_AUTO_TEST_CASE(every_operation_and_function_matches_finite_differences)
{
    const std::vector<std::string> cases = {
        "xo = ab + xa",        "xo = xa - ab",          "xo = ab - xa*bc",       "xo = ab * xa",
        "xo = xa / ab",        "xo = ab / xa",          "xo = xa ^ ab",          "xo = ab ^ xa",
        "xo = (ab*xa) ^ 3",    "xo = (ab*xa - 1) ^ 2",  "xo = (ab*xa) ^ -2",     "xo = -(ab*xa)",
        "xo = sigmoid(ab*xa)", "xo = relu(ab*xa - bc)", "xo = tanh(ab*xa)",      "xo = exp(ab*xa)",
        "xo = log(ab*xa)",     "xo = sqrt(ab*xa)",      "xo = abs(ab*xa - 0.3)", "xo = ab*xa*xa + bc*xa",
        "xo = xa*xb*ab",       "xo = 2*ab*xa + 0.5",    "xo = (xa + ab)^2 - xb", "xo = ab^3 * xa",
    };
    for (const auto& c : cases) {
        BOOST_TEST_CONTEXT(c)
        {
            check_both_paths(graph_of({c}), 7, 1);
        }
    }
}

BOOST_AUTO_TEST_CASE(parameter_only_expressions_and_constant_outputs_get_gradients)
{
    // Uniform (batch-independent) parts run as a scalar program; an output without inputs is broadcast.
    check_both_paths(graph_of({"xo = sigmoid(ab*bc)*xa + exp(cd) - ab^2"}), 5, 2);
    check_both_paths(graph_of({"xo = ab*bc + tanh(cd)"}), 5, 3);
    check_both_paths(graph_of({"xw = ab*xa + bc", "xo = xw*xw + cd*xw", "xz = sqrt(ab*ab + 1)"}), 9, 4);
}

BOOST_AUTO_TEST_CASE(presets_match_finite_differences)
{
    check_both_paths(build_graph(preset_model("one-neuron")), 8, 5);
    check_both_paths(build_graph(preset_model("multi-neuron")), 8, 6);
    check_both_paths(build_graph(preset_model("multi-neuron")), 33, 7);
}

BOOST_AUTO_TEST_CASE(layered_models_match_finite_differences)
{
    check_both_paths(build_graph(layered_model({5, 7, 3})), 17, 8);
    check_both_paths(build_graph(layered_model({4, 6, 6, 1}, Activation::Tanh)), 9, 9);
    check_both_paths(build_graph(layered_model({3, 5, 2}, Activation::Relu)), 16, 10, 0.5, 1.5);
}

BOOST_AUTO_TEST_CASE(dense_layers_of_a_layered_model_match_finite_differences_and_their_scalar_form)
{
    // An output activation on two declared outputs, one in each layer: each layer is two dense
    // layers (a run of tanh units, a sigmoid unit), in both parameter orders.
    ModelSpec spec = layered_model({3, 4, 2}, Activation::Tanh);
    spec.output_activation = Activation::Sigmoid;
    spec.outputs = {{"x2_1", {}}, {"x1_3", {}}};
    for (const ParamOrder order : {ParamOrder::PerLayer, ParamOrder::BiasesLast}) {
        const Graph g = build_graph(spec, order);
        BOOST_TEST_REQUIRE(g.dense.size() == 4u);
        check_both_paths(g, 9, 21);
        // The dense lowering computes what the scalar nodes compute (the element-wise route).
        const Graph scalar = scalar_form(g);
        Tape<double> dense(g, 9), nodes(scalar, 9);
        test::fill_random(dense, 22);
        test::fill_random(nodes, 22);
        BOOST_TEST(dense.forward_backward() == nodes.forward_backward(), boost::test_tools::tolerance(1e-12));
        for (std::size_t i = 0; i < g.params.size(); ++i)
            BOOST_TEST(dense.grads()[i] == nodes.grads()[i], boost::test_tools::tolerance(1e-12));
    }
    check_both_paths(build_graph(layered_model({17, 16, 1}, Activation::Relu)), 5, 23, 0.0, 0.5);
}

BOOST_AUTO_TEST_CASE(wide_layers_match_finite_differences)
{
    // 16 or more inputs per layer: the weight gradient goes through the transposed-input product,
    // written in place (16 and 32 are whole 64-byte lines of doubles) or through a scratch (20, 17).
    check_both_paths(build_graph(layered_model({16, 32, 1})), 13, 15, 0.0, 0.5);
    check_both_paths(build_graph(layered_model({20, 17, 3}, Activation::Tanh)), 9, 16, 0.0, 0.3);
    // And shared weights in a wide layer: the gathered path.
    std::string a = "xo = sigmoid(w0*xi0", b = "xp = sigmoid(w0*xi1";
    for (int i = 1; i < 20; ++i) {
        a += " + w" + std::to_string(i) + "*xi" + std::to_string(i);
        b += " + v" + std::to_string(i) + "*xi" + std::to_string((i + 1) % 20);
    }
    check_both_paths(graph_of({a + ")", b + ")"}), 11, 17, 0.0, 0.3);
}

BOOST_AUTO_TEST_CASE(fused_layers_with_permuted_or_shared_weights_match_finite_differences)
{
    // Same inputs in another order, and a weight shared across rows: the gather path.
    const Graph g = graph_of({"xw = ab*xa + bc*xb + cd*xc", "xz = bd*xc + ab*xb + ad*xa", "xo = ca*xw + cb*xz"},
                             Activation::Sigmoid, true);
    Tape<double> probe(g, 4);
    BOOST_TEST(probe.stats().gathered_layers >= 1u);
    check_both_paths(g, 13, 11);
    // Hidden variables that feed a layer and also an element-wise expression.
    check_both_paths(graph_of({"xw = ab*xa + bc*xb", "xz = ac*xa + bd*xb", "xo = cc*xw + cd*xz + xw*xz"}), 6, 12);
}

BOOST_AUTO_TEST_CASE(several_outputs_sum_their_squared_errors)
{
    check_both_paths(graph_of({"xo = ab*xa + bc*xb", "xp = sigmoid(cd*xa)", "xq = xo*xp"}), 10, 13);
}

BOOST_AUTO_TEST_CASE(random_dags_match_finite_differences)
{
    for (std::uint64_t seed = 1; seed <= 12; ++seed) {
        const auto statements = random_dag(seed, 3, 8);
        BOOST_TEST_CONTEXT("random DAG seed " << seed)
        {
            check_both_paths(graph_of(statements), 11, seed);
        }
    }
}

BOOST_AUTO_TEST_CASE(one_neuron_gradient_equals_its_closed_form)
{
    // L = (1/B) sum (y - s)^2 with s = sigmoid(sum_p w_p x_p + b), e = y - s:
    // dL/dw_p = -2/B sum e s (1-s) x_p, dL/db = -2/B sum e s (1-s).
    const Graph g = build_graph(preset_model("one-neuron"));
    const std::size_t B = 8;
    Tape<double> tape(g, B, SimdPath::Auto);
    test::fill_random(tape, 14);
    tape.forward_backward();
    std::vector<double> expected(5, 0.0);
    for (std::size_t b = 0; b < B; ++b) {
        double z = tape.params()[4];
        for (std::size_t p = 0; p < 4; ++p)
            z += tape.params()[p] * tape.input(p)[b];
        const double s = 1.0 / (1.0 + std::exp(-z));
        const double e = tape.target(0)[b] - s;
        for (std::size_t p = 0; p < 4; ++p)
            expected[p] += -2.0 / B * e * s * (1 - s) * tape.input(p)[b];
        expected[4] += -2.0 / B * e * s * (1 - s);
    }
    for (std::size_t p = 0; p < 5; ++p)
        BOOST_TEST(tape.grads()[p] == expected[p], boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(cgp_neuron_layers_compile_to_dense_instructions)
{
    Tape<float> multi(build_graph(preset_model("multi-neuron")), 8);
    BOOST_TEST(multi.stats().dense_layers == 2u);
    BOOST_TEST(multi.stats().dense_weights == 10u);
    BOOST_TEST(multi.stats().elementwise == 0u);
    Tape<float> wide(build_graph(layered_model({64, 256, 256, 1})), 256);
    BOOST_TEST(wide.stats().dense_layers == 3u);
    BOOST_TEST(wide.stats().dense_weights == 64u * 256 + 256u * 256 + 256u);
    BOOST_TEST(wide.stats().gathered_layers == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
