// Tensor-wise plugins (cgp.tensors/1): lamb against the host's f64 reference applied tensor by tensor,
// over a layout of several tensors of different shapes, and the layout changing the result (the trust
// ratio is per tensor).
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/tape/aligned.hpp>

#include "reference_optimizers.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <vector>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;

// layer1.weight [2, 3], layer1.bias [2], a scalar, and a rank-1 tensor [4]: 12 elements.
std::vector<HostTensor> layout()
{
    return {{"layer1.weight", 0, 6, CGP_TENSOR_WEIGHT, {2, 3}},
            {"layer1.bias", 6, 2, CGP_TENSOR_BIAS, {2}},
            {"s", 8, 1, CGP_TENSOR_SCALAR, {}},
            {"xw", 9, 3, CGP_TENSOR_WEIGHT, {3}}};
}

// A deterministic gradient of step t for element i (changing sign and scale across tensors).
double gradient(std::uint64_t t, std::size_t i)
{
    return std::sin(0.37 * static_cast<double>(t) + 1.3 * static_cast<double>(i)) *
           (1.0 + 0.5 * static_cast<double>(i));
}

struct Run {
    std::vector<double> params;
    std::vector<double> m, v;
};

Run run_plugin(const std::vector<double>& hp, const std::vector<HostTensor>* tensors, std::uint64_t steps)
{
    const auto plugin = Plugin::load(kPlugins / "lamb.so");
    PluginOptimizer opt(plugin, hp);
    if (tensors != nullptr)
        opt.host_extensions().set_tensors(*tensors);
    const std::size_t n = 12;
    AlignedArray<double> p(n), g(n);
    std::vector<AlignedArray<double>> state;
    state.emplace_back(n);
    state.emplace_back(n);
    const std::vector<double*> ptrs{state[0].data(), state[1].data()};
    for (std::size_t i = 0; i < n; ++i)
        p.data()[i] = 0.1 * static_cast<double>(i) - 0.4;
    for (std::uint64_t t = 1; t <= steps; ++t) {
        for (std::size_t i = 0; i < n; ++i)
            g.data()[i] = gradient(t, i);
        opt.step(t, p.span(), std::span<const double>(g.span()), std::span<double* const>(ptrs), false);
    }
    Run r;
    r.params.assign(p.data(), p.data() + n);
    r.m.assign(state[0].data(), state[0].data() + n);
    r.v.assign(state[1].data(), state[1].data() + n);
    return r;
}

Run run_reference(const reference::LambSettings& s, const std::vector<HostTensor>& tensors, std::uint64_t steps)
{
    const std::size_t n = 12;
    Run r{std::vector<double>(n), std::vector<double>(n), std::vector<double>(n)};
    std::vector<double> g(n);
    for (std::size_t i = 0; i < n; ++i)
        r.params[i] = 0.1 * static_cast<double>(i) - 0.4;
    for (std::uint64_t t = 1; t <= steps; ++t) {
        for (std::size_t i = 0; i < n; ++i)
            g[i] = gradient(t, i);
        for (const HostTensor& tensor : tensors)
            reference::lamb_step(s, t, std::span(r.params).subspan(tensor.offset, tensor.count),
                                 std::span<const double>(g).subspan(tensor.offset, tensor.count),
                                 std::span(r.m).subspan(tensor.offset, tensor.count),
                                 std::span(r.v).subspan(tensor.offset, tensor.count));
    }
    return r;
}

double relative_difference(const std::vector<double>& a, const std::vector<double>& b)
{
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1e-300, std::abs(b[i])));
    return worst;
}

} // namespace

BOOST_AUTO_TEST_SUITE(tensor_plugins)

BOOST_AUTO_TEST_CASE(lamb_follows_the_f64_reference_tensor_by_tensor_over_a_thousand_steps)
{
    reference::LambSettings s;
    s.lr = 0.01;
    s.beta1 = 0.8;
    s.beta2 = 0.99;
    s.eps = 1e-6;
    s.weight_decay = 0.05;
    const std::vector<HostTensor> tensors = layout();
    const Run plugin = run_plugin({s.lr, s.beta1, s.beta2, s.eps, s.weight_decay}, &tensors, 1000);
    const Run ref = run_reference(s, tensors, 1000);
    BOOST_TEST(relative_difference(plugin.params, ref.params) <= 1e-12);
    BOOST_TEST(relative_difference(plugin.m, ref.m) <= 1e-12);
    BOOST_TEST(relative_difference(plugin.v, ref.v) <= 1e-12);
}

BOOST_AUTO_TEST_CASE(lamb_without_tensors_treats_the_whole_array_as_one_tensor_and_the_layout_matters)
{
    const reference::LambSettings s;
    const std::vector<double> hp{s.lr, s.beta1, s.beta2, s.eps, s.weight_decay};
    const Run whole = run_plugin(hp, nullptr, 50);
    const std::vector<HostTensor> one{{"params", 0, 12, CGP_TENSOR_WEIGHT, {12}}};
    BOOST_TEST(relative_difference(whole.params, run_reference(s, one, 50).params) <= 1e-12);
    const std::vector<HostTensor> tensors = layout();
    const Run split = run_plugin(hp, &tensors, 50);
    BOOST_TEST(relative_difference(split.params, whole.params) > 1e-6); // per-tensor trust ratios differ
}

BOOST_AUTO_TEST_CASE(a_zero_tensor_takes_the_trust_ratio_one)
{
    // All parameters 0 in the tensor: ||p|| = 0, so r = 1 and the step is lr * u (optax's rule).
    const auto plugin = Plugin::load(kPlugins / "lamb.so");
    PluginOptimizer opt(plugin, {0.1, 0.9, 0.999, 1e-6, 0.0});
    AlignedArray<double> p(2), g(2), m(2), v(2);
    g.data()[0] = 2.0;
    g.data()[1] = -3.0;
    const std::vector<double*> ptrs{m.data(), v.data()};
    opt.step(1, p.span(), std::span<const double>(g.span()), std::span<double* const>(ptrs), false);
    // t = 1: u = g / (|g| + eps) exactly in real arithmetic.
    BOOST_TEST(p.data()[0] == -0.1 * 2.0 / (2.0 + 1e-6), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(p.data()[1] == 0.1 * 3.0 / (3.0 + 1e-6), boost::test_tools::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
