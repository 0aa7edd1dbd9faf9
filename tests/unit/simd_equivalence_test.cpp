// Every SIMD path this CPU can run gives the scalar path's values, loss and gradients, for batch
// sizes around every vector width: f64 within 1e-12 and f32 within 1e-5 (normwise relative).
#include "test_models.hpp"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

using namespace cgp;
using cgp::test::graph_of;

namespace {

const std::size_t kBatchSizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100};

template <class T>
struct Outcome {
    double loss;
    std::vector<double> outputs; // every output's value for every sample
    std::vector<double> grads;
};

// A model with the parameter range that keeps its activations out of saturation (a saturated tanh
// or sigmoid has a derivative that f32 rounds to exactly zero, which says nothing about the kernels).
struct Case {
    Graph g;
    double plo, phi;
};

template <class T>
Outcome<T> evaluate(const Case& c, std::size_t B, SimdPath path, std::uint64_t seed)
{
    const Graph& g = c.g;
    Tape<T> tape(g, B, path);
    test::fill_random(tape, seed, 0.5, 1.5, c.plo, c.phi);
    Outcome<T> r;
    r.loss = tape.forward_backward();
    for (int node : g.output_nodes)
        for (std::size_t b = 0; b < B; ++b)
            r.outputs.push_back(static_cast<double>(tape.value(node, b)));
    r.grads = test::as_doubles<T>(tape.grads());
    return r;
}

// f64 is judged element by element (relative, with a floor of 1e-3 of the largest magnitude); f32
// normwise (largest difference over largest magnitude): f32 sums that cancel lose relative accuracy
// in small elements whatever the kernel, so an element-wise bound would test rounding, not kernels.
template <class T>
void compare_paths(const Case& c, double tol)
{
    const Graph& g = c.g;
    const double floor = sizeof(T) == 8 ? 1e-3 : 1.0;
    for (SimdPath path : available_simd_paths()) {
        if (path == SimdPath::Scalar)
            continue;
        for (std::size_t B : kBatchSizes) {
            const Outcome<T> ref = evaluate<T>(c, B, SimdPath::Scalar, B);
            const Outcome<T> got = evaluate<T>(c, B, path, B);
            const std::string where =
                fmt::format("{} {} batch {} {}", g.name, to_string(path), B, sizeof(T) == 4 ? "f32" : "f64");
            BOOST_TEST(test::max_relative_error({ref.loss}, {got.loss}, floor) <= tol, where << " loss");
            BOOST_TEST(test::max_relative_error(ref.outputs, got.outputs, floor) <= tol, where << " outputs");
            const double err = test::max_relative_error(ref.grads, got.grads, floor);
            BOOST_TEST(err <= tol, where << " gradients: " << err);
        }
    }
}

std::vector<Case> models()
{
    std::vector<Case> out;
    out.push_back({build_graph(preset_model("one-neuron")), -1.0, 1.0});
    out.push_back({build_graph(preset_model("multi-neuron")), -1.0, 1.0});
    out.push_back({build_graph(layered_model({9, 21, 5})), -0.5, 0.5});
    out.push_back({build_graph(layered_model({6, 11, 3}, Activation::Tanh)), -0.5, 0.5});
    out.push_back({build_graph(layered_model({24, 40, 2})), -0.3, 0.3});
    Graph dag = graph_of({"xw = ab*xa + bc*xb + cd", "xz = sqrt(xa*xa + ab) * tanh(xb - bc)",
                          "xy = exp(-xw) + log(1 + xz*xz) + abs(xa - 1)", "xo = relu(xy - cd*xw) + xz^3 / (1 + xw^2)",
                          "xp = sigmoid(xo) * xa ^ bc - ab^2"});
    dag.name = "elementwise DAG";
    out.push_back({std::move(dag), 0.2, 1.2});
    return out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(simd_equivalence)

BOOST_AUTO_TEST_CASE(this_machine_offers_a_simd_path)
{
    BOOST_TEST(available_simd_paths().size() >= 2u);
    BOOST_TEST_MESSAGE("paths: " << [] {
        std::string s;
        for (SimdPath p : available_simd_paths())
            s += std::string(to_string(p)) + " ";
        return s;
    }());
}

BOOST_AUTO_TEST_CASE(every_simd_path_equals_scalar_in_f64_within_1e_12)
{
    for (const Case& c : models())
        compare_paths<double>(c, 1e-12);
}

BOOST_AUTO_TEST_CASE(every_simd_path_equals_scalar_in_f32_within_1e_5)
{
    for (const Case& c : models())
        compare_paths<float>(c, 1e-5);
}

BOOST_AUTO_TEST_CASE(f32_agrees_with_f64)
{
    for (const Case& c : models()) {
        const Outcome<double> d = evaluate<double>(c, 37, SimdPath::Auto, 3);
        const Outcome<float> f = evaluate<float>(c, 37, SimdPath::Auto, 3);
        const double err = test::max_relative_error(d.grads, f.grads, 1.0);
        BOOST_TEST(err <= 1e-5, c.g.name << ": " << err);
    }
}

// Refusing a path the CPU lacks is tested on every machine by unit.simd_refusal (CGP_ISA_DISABLE).
BOOST_AUTO_TEST_CASE(an_unknown_path_is_refused_and_auto_resolves_to_the_widest_available)
{
    BOOST_CHECK_THROW(parse_simd_path("avx1024"), Error);
    BOOST_TEST((resolve_simd_path(SimdPath::Auto) == available_simd_paths().back()));
}

BOOST_AUTO_TEST_CASE(auto_takes_the_widest_path_except_avx2_for_batches_of_at_most_eight_floats)
{
    const Graph g = build_graph(preset_model("multi-neuron"));
    const SimdPath best = available_simd_paths().back();
    const bool small_rule = best == SimdPath::Avx512 && simd_path_available(SimdPath::Avx2);
    BOOST_TEST((Tape<float>(g, 8).simd_path() == (small_rule ? SimdPath::Avx2 : best)));
    BOOST_TEST((Tape<float>(g, 9).simd_path() == best));
    BOOST_TEST((Tape<double>(g, 8).simd_path() == best));
    BOOST_TEST((Tape<float>(g, 8, best).simd_path() == best)); // an explicit --simd is obeyed
}

BOOST_AUTO_TEST_SUITE_END()
