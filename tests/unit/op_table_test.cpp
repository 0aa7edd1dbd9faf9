// Every entry of the table of operations (cgp/language/ops.hpp), found by iterating the table: its
// derivative against central finite differences at its domain's points (f64, through the real Tape,
// element-wise and, for activations, fused into a dense layer), and every SIMD path against the
// scalar one. A new entry is tested here without a new test. Also: the parser's functions and the
// activations are the table's, and softplus is computed stably.
#include "test_models.hpp"

#include <boost/test/unit_test.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

using namespace cgp;

namespace {

// Test points of a domain: n spread over [lo, hi], half of them negated when mirrored.
std::vector<double> domain_points(const Domain& d, std::size_t n)
{
    std::vector<double> out;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = d.lo + (d.hi - d.lo) * (static_cast<double>(i) + 0.5) / static_cast<double>(n);
        out.push_back(d.mirrored && i % 2 == 1 ? -x : x);
    }
    return out;
}

// The exponents PowInt is checked with (it reads its exponent from Node::value).
std::vector<double> values_of(Op op)
{
    if (op == Op::PowInt)
        return {-3, -2, -1, 0, 1, 2, 3, 5};
    return {0.0};
}

std::vector<Op> computed_ops()
{
    std::vector<Op> out;
    for (std::size_t i = 0; i < kOpCount; ++i)
        if (kOps[i].arity > 0)
            out.push_back(static_cast<Op>(i));
    return out;
}

// A graph written node by node: one statement per probe, each an output.
//   element-wise: op(xa_k - pa_k [, xb_k - pb_k])   (inputs hold the points, parameters are 0)
//   fused:        op(pa_k * xa_k)                   (inputs are 1, parameters hold the points)
class Probe {
public:
    Probe(Op op, double value, std::size_t count, bool fused) : fused_(fused)
    {
        g_.name = fmt::format("{}{} {}", to_string(op), op_info(op).has_value ? fmt::format(" {:g}", value) : "",
                              fused ? "fused" : "element-wise");
        const int operands = op_info(op).arity;
        for (std::size_t k = 0; k < count; ++k) {
            int args[2] = {-1, -1};
            for (int o = 0; o < operands; ++o) {
                const int x = add(leaf(Op::Input, g_.inputs.size()), "x" + name(k, o));
                g_.input_nodes.push_back(x);
                g_.inputs.push_back(g_.nodes.back().label);
                const int p = add(leaf(Op::Param, g_.params.size()), "p" + name(k, o));
                g_.params.push_back(g_.nodes.back().label);
                args[o] = fused ? add(apply(Op::Mul, p, x)) : add(apply(Op::Sub, x, p));
            }
            Node n = apply(op, args[0], args[1]);
            n.value = value;
            const int out = add(n, "xo" + std::to_string(k));
            g_.outputs.push_back(g_.nodes.back().label);
            g_.output_nodes.push_back(out);
        }
        for (Node& n : g_.nodes) {
            n.uniform = n.op != Op::Input && (n.a < 0 || g_.nodes[static_cast<std::size_t>(n.a)].uniform) &&
                        (n.b < 0 || g_.nodes[static_cast<std::size_t>(n.b)].uniform);
            n.needs_grad = n.op == Op::Param || (n.a >= 0 && g_.nodes[static_cast<std::size_t>(n.a)].needs_grad) ||
                           (n.b >= 0 && g_.nodes[static_cast<std::size_t>(n.b)].needs_grad);
        }
    }

    const Graph& graph() const { return g_; }
    bool fused() const { return fused_; }

private:
    static Node leaf(Op op, std::size_t index)
    {
        Node n;
        n.op = op;
        n.index = static_cast<int>(index);
        return n;
    }
    static Node apply(Op op, int a, int b)
    {
        Node n;
        n.op = op;
        n.a = a;
        n.b = b;
        return n;
    }
    static std::string name(std::size_t k, int operand) { return fmt::format("{}_{}", operand == 0 ? 'a' : 'b', k); }
    int add(Node n, std::string label = {})
    {
        n.label = std::move(label);
        g_.nodes.push_back(std::move(n));
        return static_cast<int>(g_.nodes.size()) - 1;
    }

    bool fused_;
    Graph g_;
};

// Puts point k of each operand into probe k: as its input (element-wise) or its parameter (fused).
template <class T>
void place_points(Tape<T>& tape, const std::vector<double>& a, const std::vector<double>& b, bool fused)
{
    const std::size_t operands = tape.input_count() / a.size();
    for (std::size_t k = 0; k < a.size(); ++k)
        for (std::size_t o = 0; o < operands; ++o) {
            const double x = o == 0 ? a[k] : b[k];
            const std::size_t i = k * operands + o;
            for (std::size_t s = 0; s < tape.batch_size(); ++s)
                tape.input(i)[s] = static_cast<T>(fused ? 1.0 : x);
            tape.params()[i] = static_cast<T>(fused ? x : 0.0);
        }
}

// Each probe's parameter gradient against the central difference of the loss, with the target one
// below the output so the gradient is exactly -+2 op'(x): |g - fd| <= 1e-6 max(|g|, |fd|) + 1e-9.
void check_derivatives(const Probe& probe, const std::vector<double>& a, const std::vector<double>& b, SimdPath path)
{
    const Graph& g = probe.graph();
    const bool fused = probe.fused();
    Tape<double> tape(g, 1, path);
    if (fused)
        BOOST_TEST(tape.stats().dense_layers == a.size(), g.name << ": every probe is a dense layer");
    place_points(tape, a, b, fused);
    tape.forward();
    for (std::size_t o = 0; o < g.output_nodes.size(); ++o)
        tape.target(o)[0] = tape.value(g.output_nodes[o], 0) - 1.0;
    tape.forward_backward();
    const std::vector<double> grads(tape.grads().begin(), tape.grads().end());
    for (std::size_t i = 0; i < grads.size(); ++i) {
        const double fd = test::central_difference(tape, i);
        BOOST_TEST(std::isfinite(grads[i]));
        BOOST_TEST(std::abs(grads[i] - fd) <= 1e-6 * std::max(std::abs(grads[i]), std::abs(fd)) + 1e-9,
                   fmt::format("{} [{}] at {}: reverse {:.12g} finite-difference {:.12g}", g.name,
                               to_string(tape.simd_path()), g.params[i], grads[i], fd));
    }
}

const std::size_t kBatchSizes[] = {1, 3, 7, 8, 9, 15, 16, 17, 31, 33, 64, 100};

// One probe over a whole batch: sample s reads the domain's points in turn (the parameters are 0,
// or 1 when fused).
template <class T>
std::vector<double> run_batch(const Probe& probe, std::size_t B, SimdPath path, double& loss)
{
    const Graph& g = probe.graph();
    const OpInfo& info = op_info(g.nodes[static_cast<std::size_t>(g.output_nodes[0])].op);
    const std::vector<double> a = domain_points(info.domain, 23), b = domain_points(info.domain_b, 19);
    Tape<T> tape(g, B, path);
    for (std::size_t i = 0; i < tape.input_count(); ++i)
        for (std::size_t s = 0; s < B; ++s)
            tape.input(i)[s] = static_cast<T>(i == 0 ? a[s % a.size()] : b[(s * 7) % b.size()]);
    for (std::size_t s = 0; s < B; ++s)
        tape.target(0)[s] = static_cast<T>(0.25 + 0.5 * std::sin(static_cast<double>(s)));
    for (T& p : tape.params())
        p = T(probe.fused() ? 1 : 0);
    loss = tape.forward_backward();
    std::vector<double> out;
    for (std::size_t s = 0; s < B; ++s)
        out.push_back(static_cast<double>(tape.value(g.output_nodes[0], s)));
    for (T v : tape.grads())
        out.push_back(static_cast<double>(v));
    return out;
}

// f64 element by element (floor 1e-3 of the largest magnitude), f32 normwise, as simd_equivalence.
template <class T>
void compare_with_scalar(const Probe& probe, double tol)
{
    const double floor = sizeof(T) == 8 ? 1e-3 : 1.0;
    for (SimdPath path : available_simd_paths()) {
        if (path == SimdPath::Scalar)
            continue;
        for (std::size_t B : kBatchSizes) {
            double ref_loss = 0, got_loss = 0;
            const auto ref = run_batch<T>(probe, B, SimdPath::Scalar, ref_loss);
            const auto got = run_batch<T>(probe, B, path, got_loss);
            const std::string where = fmt::format("{} {} batch {} {}", probe.graph().name, to_string(path), B,
                                                  sizeof(T) == 4 ? "f32" : "f64");
            BOOST_TEST(test::max_relative_error({ref_loss}, {got_loss}, floor) <= tol, where << " loss");
            BOOST_TEST(test::max_relative_error(ref, got, floor) <= tol, where << " outputs and gradients");
        }
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(op_table)

BOOST_AUTO_TEST_CASE(every_op_matches_central_finite_differences_at_its_domain_points)
{
    for (Op op : computed_ops()) {
        const OpInfo& info = op_info(op);
        const std::vector<double> a = domain_points(info.domain, 8);
        std::vector<double> b = domain_points(info.domain_b, 8);
        std::reverse(b.begin(), b.end());
        for (double value : values_of(op))
            for (SimdPath path : {SimdPath::Scalar, SimdPath::Auto}) {
                check_derivatives(Probe(op, value, a.size(), false), a, b, path);
                if (info.activation)
                    check_derivatives(Probe(op, value, a.size(), true), a, b, path);
            }
    }
}

BOOST_AUTO_TEST_CASE(every_op_on_every_simd_path_equals_scalar_in_f64_within_1e_12_and_f32_within_1e_5)
{
    for (Op op : computed_ops())
        for (double value : values_of(op))
            for (bool fused : {false, true}) {
                if (fused && !op_info(op).activation)
                    continue;
                const Probe probe(op, value, 1, fused);
                compare_with_scalar<double>(probe, 1e-12);
                compare_with_scalar<float>(probe, 1e-5);
            }
}

BOOST_AUTO_TEST_CASE(the_languages_functions_are_the_tables)
{
    std::size_t count = 0;
    for (Op op : computed_ops()) {
        if (!op_info(op).function)
            continue;
        ++count;
        const std::string name(to_string(op));
        BOOST_TEST(function_names().find(name) != std::string::npos);
        BOOST_TEST((function_op(name) == op));
        const Graph g = test::graph_of({"xo = " + name + "(ab*xa)"});
        BOOST_TEST((g.nodes[static_cast<std::size_t>(g.output_nodes[0])].op == op), name);
    }
    BOOST_TEST(count >= 8u); // sigmoid relu tanh exp log sqrt abs softplus
    BOOST_TEST(!function_op("none").has_value());
    BOOST_TEST(!function_op("powi").has_value());
}

BOOST_AUTO_TEST_CASE(every_activation_of_the_table_is_applied_to_every_node_and_recorded)
{
    BOOST_TEST(activation_names() == "none sigmoid relu tanh softplus");
    for (Op op : computed_ops()) {
        if (!op_info(op).activation)
            continue;
        const Activation act = parse_activation(to_string(op));
        BOOST_TEST((act.op() == op));
        BOOST_TEST(to_string(act) == to_string(op));
        ModelSpec spec = layered_model({2, 2, 1}, act);
        spec.node_bias = true;
        const Graph dense = build_graph(spec);
        for (const DenseLayer& d : dense.dense)
            BOOST_TEST((d.act == op));
        const Graph g = scalar_form(dense); // node by node
        for (std::size_t s = 0; s < g.variables.size(); ++s) {
            const Definition& def = g.definitions[s];
            const Node& top = g.nodes[static_cast<std::size_t>(g.variable_nodes[s])];
            BOOST_TEST((def.activation == act));
            BOOST_TEST(g.params[static_cast<std::size_t>(def.bias)] == g.variables[s] + ".bias");
            if (act.is_none()) {
                BOOST_TEST((top.op == Op::Add && top.a == def.body));
            } else {
                BOOST_TEST((top.op == op));
                BOOST_TEST((g.nodes[static_cast<std::size_t>(top.a)].a == def.body));
            }
        }
    }
    BOOST_CHECK_THROW(parse_activation("exp"), Error);
}

BOOST_AUTO_TEST_CASE(softplus_is_computed_stably_far_from_zero)
{
    const Graph g = test::graph_of({"xo = softplus(ab*xa)"});
    const double xs[] = {-800, -40, -1e-3, 0, 1e-3, 2, 40, 800};
    for (SimdPath path : available_simd_paths()) {
        Tape<double> d(g, std::size(xs), path);
        Tape<float> f(g, std::size(xs), path);
        for (std::size_t s = 0; s < std::size(xs); ++s) {
            d.input(0)[s] = xs[s];
            f.input(0)[s] = static_cast<float>(xs[s]);
            d.target(0)[s] = 0;
            f.target(0)[s] = 0;
        }
        d.params()[0] = 1;
        f.params()[0] = 1;
        d.forward_backward();
        f.forward_backward();
        for (std::size_t s = 0; s < std::size(xs); ++s) {
            const long double x = xs[s];
            const long double expected = x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x));
            const double got = d.value(g.output_nodes[0], s);
            BOOST_TEST(std::abs(got - static_cast<double>(expected)) <= 1e-15 * static_cast<double>(expected),
                       to_string(path) << " f64 softplus(" << xs[s] << ") = " << got);
            const float gotf = f.value(g.output_nodes[0], s);
            BOOST_TEST(std::isfinite(gotf));
            BOOST_TEST(std::abs(gotf - static_cast<double>(expected)) <= 1e-6 * static_cast<double>(expected) + 1e-37,
                       to_string(path) << " f32 softplus(" << xs[s] << ") = " << gotf);
        }
        BOOST_TEST(std::isfinite(d.grads()[0]));
        BOOST_TEST(std::isfinite(f.grads()[0]));
    }
}

BOOST_AUTO_TEST_SUITE_END()
