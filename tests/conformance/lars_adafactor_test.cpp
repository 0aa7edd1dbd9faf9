// lars and adafactor (cgp.tensors/1) against the host's f64 references applied tensor by tensor over a
// layout of weights, biases, a scalar, one-row and one-column matrices and a stack of matrices; LARS's
// trust ratio and bias rule in closed form; Adafactor's factored layout in the state array and its
// exact resume from the host's arrays.
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/tape/aligned.hpp>

#include "reference_tensor_optimizers.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <vector>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;

// 50 elements: w [3, 4], b [3], a scalar, x [5], a row [1, 4], a column [4, 1], a stack [2, 2, 3],
// and a second bias [6].
std::vector<HostTensor> layout()
{
    return {{"w", 0, 12, CGP_TENSOR_WEIGHT, {3, 4}},
            {"b", 12, 3, CGP_TENSOR_BIAS, {3}},
            {"s", 15, 1, CGP_TENSOR_SCALAR, {}},
            {"x", 16, 5, CGP_TENSOR_WEIGHT, {5}},
            {"row", 21, 4, CGP_TENSOR_WEIGHT, {1, 4}},
            {"col", 25, 4, CGP_TENSOR_WEIGHT, {4, 1}},
            {"stack", 29, 12, CGP_TENSOR_WEIGHT, {2, 2, 3}},
            {"b2", 41, 9, CGP_TENSOR_BIAS, {9}}};
}
constexpr std::size_t kCount = 50;

double start(std::size_t i)
{
    return 0.1 * static_cast<double>(i % 11) - 0.45;
}

// A deterministic gradient of step t for element i, changing sign and scale across tensors.
double gradient(std::uint64_t t, std::size_t i)
{
    return std::sin(0.37 * static_cast<double>(t) + 1.3 * static_cast<double>(i)) *
           (1.0 + 0.5 * static_cast<double>(i % 7));
}

struct Run {
    std::vector<double> params;
    std::vector<std::vector<double>> state;
};

// The plugin from `from` (parameters and state; empty: the start and zeros), steps first..last.
Run run_plugin(const char* name, const std::vector<double>& hp, const std::vector<HostTensor>& tensors,
               std::uint64_t first, std::uint64_t last, const Run& from = {})
{
    const auto plugin = Plugin::load(kPlugins / (std::string(name) + ".so"));
    PluginOptimizer opt(plugin, hp);
    opt.host_extensions().set_tensors(tensors);
    AlignedArray<double> p(kCount), g(kCount);
    std::vector<AlignedArray<double>> state;
    std::vector<double*> ptrs;
    const std::size_t states = opt.state_count();
    for (std::size_t k = 0; k < states; ++k)
        state.emplace_back(kCount);
    for (std::size_t k = 0; k < states; ++k) {
        ptrs.push_back(state[k].data());
        for (std::size_t i = 0; i < kCount && !from.state.empty(); ++i)
            ptrs[k][i] = from.state[k][i];
    }
    for (std::size_t i = 0; i < kCount; ++i)
        p.data()[i] = from.params.empty() ? start(i) : from.params[i];
    for (std::uint64_t t = first; t <= last; ++t) {
        for (std::size_t i = 0; i < kCount; ++i)
            g.data()[i] = gradient(t, i);
        opt.step(t, p.span(), std::span<const double>(g.span()), std::span<double* const>(ptrs), false);
    }
    Run r;
    r.params.assign(p.data(), p.data() + kCount);
    for (std::size_t k = 0; k < states; ++k)
        r.state.emplace_back(ptrs[k], ptrs[k] + kCount);
    return r;
}

double relative_difference(const std::vector<double>& a, const std::vector<double>& b)
{
    BOOST_REQUIRE_EQUAL(a.size(), b.size());
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1e-300, std::abs(b[i])));
    return worst;
}

std::vector<double> slice(const std::vector<double>& x, std::size_t offset, std::size_t count)
{
    return {x.begin() + static_cast<std::ptrdiff_t>(offset), x.begin() + static_cast<std::ptrdiff_t>(offset + count)};
}

Run lars_reference(const reference::LarsSettings& s, std::uint64_t steps)
{
    Run r{std::vector<double>(kCount), {std::vector<double>(kCount)}};
    std::vector<double> g(kCount);
    for (std::size_t i = 0; i < kCount; ++i)
        r.params[i] = start(i);
    for (std::uint64_t t = 1; t <= steps; ++t) {
        for (std::size_t i = 0; i < kCount; ++i)
            g[i] = gradient(t, i);
        for (const HostTensor& x : layout())
            reference::lars_step(s, x.kind == CGP_TENSOR_BIAS, std::span(r.params).subspan(x.offset, x.count),
                                 std::span<const double>(g).subspan(x.offset, x.count),
                                 std::span(r.state[0]).subspan(x.offset, x.count));
    }
    return r;
}

std::vector<double> lars_hparams(const reference::LarsSettings& s)
{
    return {s.lr, s.weight_decay, s.trust_coefficient, s.eps, s.momentum, s.nesterov ? 1.0 : 0.0};
}

struct AdafactorReference {
    std::vector<double> params;
    std::vector<reference::AdafactorMoments> moments; // per tensor of layout()
};

AdafactorReference adafactor_reference(const reference::AdafactorSettings& s, std::uint64_t steps)
{
    AdafactorReference r{std::vector<double>(kCount), std::vector<reference::AdafactorMoments>(layout().size())};
    std::vector<double> g(kCount);
    for (std::size_t i = 0; i < kCount; ++i)
        r.params[i] = start(i);
    const std::vector<HostTensor> tensors = layout();
    for (std::uint64_t t = 1; t <= steps; ++t) {
        for (std::size_t i = 0; i < kCount; ++i)
            g[i] = gradient(t, i);
        for (std::size_t k = 0; k < tensors.size(); ++k)
            reference::adafactor_step(
                s, t, tensors[k].shape, std::span(r.params).subspan(tensors[k].offset, tensors[k].count),
                std::span<const double>(g).subspan(tensors[k].offset, tensors[k].count), r.moments[k]);
    }
    return r;
}

std::vector<double> adafactor_hparams(const reference::AdafactorSettings& s)
{
    return {s.lr,
            s.eps1,
            s.eps2,
            s.clip_threshold,
            s.decay_rate,
            s.beta1,
            s.weight_decay,
            s.scale_parameter ? 1.0 : 0.0,
            s.relative_step ? 1.0 : 0.0,
            s.warmup_init ? 1.0 : 0.0};
}

// transformers' defaults, and a set with every option away from them.
std::vector<reference::AdafactorSettings> adafactor_settings()
{
    reference::AdafactorSettings defaults;
    reference::AdafactorSettings other;
    other.lr = 0.05;
    other.eps1 = 1e-20;
    other.eps2 = 1e-2;
    other.clip_threshold = 0.5;
    other.decay_rate = -0.6;
    other.beta1 = 0.9;
    other.weight_decay = 0.01;
    other.scale_parameter = true;
    other.relative_step = false;
    reference::AdafactorSettings warmup;
    warmup.warmup_init = true;
    warmup.scale_parameter = false;
    warmup.beta1 = 0.5;
    return {defaults, other, warmup};
}

} // namespace

BOOST_AUTO_TEST_SUITE(lars_and_adafactor)

BOOST_AUTO_TEST_CASE(lars_follows_the_f64_reference_tensor_by_tensor_over_a_thousand_steps)
{
    for (bool nesterov : {false, true}) {
        reference::LarsSettings s;
        s.lr = 0.5;
        s.weight_decay = 0.01;
        s.trust_coefficient = 0.02;
        s.eps = 1e-8;
        s.momentum = 0.8;
        s.nesterov = nesterov;
        const Run plugin = run_plugin("lars", lars_hparams(s), layout(), 1, 1000);
        const Run ref = lars_reference(s, 1000);
        BOOST_TEST(relative_difference(plugin.params, ref.params) <= 1e-12, "nesterov " << nesterov);
        BOOST_TEST(relative_difference(plugin.state[0], ref.state[0]) <= 1e-12, "nesterov " << nesterov);
    }
}

BOOST_AUTO_TEST_CASE(lars_scales_a_weight_by_its_trust_ratio_and_leaves_a_bias_unscaled_and_undecayed)
{
    // One step from p = (3, 4) (||p|| = 5) with g = (0, 2): u = g + wd*p, r = tc*5/(||u|| + eps).
    const double lr = 0.5, wd = 0.1, tc = 0.01, eps = 1e-3;
    const std::vector<HostTensor> tensors{{"w", 0, 2, CGP_TENSOR_WEIGHT, {2}}, {"b", 2, 2, CGP_TENSOR_BIAS, {2}}};
    const auto plugin = Plugin::load(kPlugins / "lars.so");
    PluginOptimizer opt(plugin, {lr, wd, tc, eps, 0.9, 0.0});
    opt.host_extensions().set_tensors(tensors);
    AlignedArray<double> p(4), g(4), b(4);
    const double p0[] = {3.0, 4.0, 3.0, 4.0}, g0[] = {0.0, 2.0, 0.0, 2.0};
    for (std::size_t i = 0; i < 4; ++i) {
        p.data()[i] = p0[i];
        g.data()[i] = g0[i];
    }
    const std::vector<double*> ptrs{b.data()};
    opt.step(1, p.span(), std::span<const double>(g.span()), std::span<double* const>(ptrs), false);
    const double u0 = wd * 3.0, u1 = 2.0 + wd * 4.0;
    const double r = tc * 5.0 / (std::sqrt(u0 * u0 + u1 * u1) + eps);
    const auto tol = boost::test_tools::tolerance(1e-14);
    BOOST_TEST(p.data()[0] == 3.0 - lr * r * u0, tol);
    BOOST_TEST(p.data()[1] == 4.0 - lr * r * u1, tol);
    BOOST_TEST(p.data()[2] == 3.0); // the bias: p -= lr * g
    BOOST_TEST(p.data()[3] == 4.0 - lr * 2.0, tol);
}

BOOST_AUTO_TEST_CASE(adafactor_follows_the_f64_reference_tensor_by_tensor_over_a_thousand_steps)
{
    const std::vector<HostTensor> tensors = layout();
    for (const reference::AdafactorSettings& s : adafactor_settings()) {
        const Run plugin = run_plugin("adafactor", adafactor_hparams(s), tensors, 1, 1000);
        const AdafactorReference ref = adafactor_reference(s, 1000);
        BOOST_TEST(relative_difference(plugin.params, ref.params) <= 1e-12, "beta1 " << s.beta1);
        BOOST_REQUIRE_EQUAL(plugin.state.size(), s.beta1 > 0.0 ? 2u : 1u);
        for (std::size_t k = 0; k < tensors.size(); ++k) {
            const HostTensor& x = tensors[k];
            const reference::AdafactorMoments& mo = ref.moments[k];
            const std::vector<double> v = slice(plugin.state[0], x.offset, x.count);
            if (s.beta1 > 0.0)
                BOOST_TEST(relative_difference(slice(plugin.state[1], x.offset, x.count), mo.m) <= 1e-12, x.name);
            if (x.name == "w" || x.name == "stack") { // factored: rows, then columns, then zeros
                std::vector<double> packed = mo.row;
                packed.insert(packed.end(), mo.col.begin(), mo.col.end());
                packed.resize(x.count, 0.0);
                BOOST_TEST(relative_difference(v, packed) <= 1e-12, x.name);
            } else if (x.shape.size() < 2) {
                BOOST_TEST(relative_difference(v, mo.v) <= 1e-12, x.name);
            }
        }
    }
}

BOOST_AUTO_TEST_CASE(adafactor_keeps_a_matrix_factored_so_its_shape_changes_the_step)
{
    const std::vector<double> hp = adafactor_hparams(reference::AdafactorSettings{});
    std::vector<HostTensor> flat = layout();
    flat[0].shape = {12}; // w as a vector: per-element moments instead of rows and columns
    const Run matrix = run_plugin("adafactor", hp, layout(), 1, 50);
    const Run vector = run_plugin("adafactor", hp, flat, 1, 50);
    BOOST_TEST(relative_difference(slice(matrix.params, 0, 12), slice(vector.params, 0, 12)) > 1e-6);
    BOOST_TEST(relative_difference(slice(matrix.params, 12, kCount - 12), slice(vector.params, 12, kCount - 12)) ==
               0.0);
    // w [3, 4]: 3 row and 4 column moments, then 5 unused elements left at 0.
    for (std::size_t i = 0; i < 7; ++i)
        BOOST_TEST(matrix.state[0][i] > 0.0);
    for (std::size_t i = 7; i < 12; ++i)
        BOOST_TEST(matrix.state[0][i] == 0.0);
}

BOOST_AUTO_TEST_CASE(adafactor_resumed_from_its_arrays_equals_the_uninterrupted_run_bit_for_bit)
{
    for (const reference::AdafactorSettings& s : adafactor_settings()) {
        const std::vector<double> hp = adafactor_hparams(s);
        const Run whole = run_plugin("adafactor", hp, layout(), 1, 1000);
        const Run half = run_plugin("adafactor", hp, layout(), 1, 600);
        const Run resumed = run_plugin("adafactor", hp, layout(), 601, 1000, half);
        BOOST_TEST(resumed.params == whole.params);
        BOOST_TEST(resumed.state == whole.state);
    }
}

BOOST_AUTO_TEST_SUITE_END()
