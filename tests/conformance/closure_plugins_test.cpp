// Closures (cgp.needs_closure/1, cgp.closure/1): sam and sam_adam, stepped by the host's
// PluginOptimizer with a closure of a known function, against the host's f64 reference of SAM over
// 1,000 steps with non-default options; the evaluations are counted; and a step with no closure
// served is refused naming the plugin and the extension.
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/io/error.hpp>
#include <cgp/tape/aligned.hpp>

#include "reference_optimizers.hpp"

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;
constexpr std::size_t kLength = 11;

// f(x) = sum_i w_i (x_i - c_i)^2 / 2 + 0.3 sin(x_i): its gradient.
void gradient_of(std::span<const double> x, std::span<double> g)
{
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double w = 0.5 + 0.25 * static_cast<double>(i), c = 0.1 * static_cast<double>(i) - 0.4;
        g[i] = w * (x[i] - c) + 0.3 * std::cos(x[i]);
    }
}

void reference_gradient(const void*, std::span<const double> x, std::span<double> g)
{
    gradient_of(x, g);
}

// The host side of the closure: evaluates gradient_of at point().
class TestClosure final : public Closure {
public:
    TestClosure() : point_(kLength), gradient_(kLength) {}
    void* point() noexcept override { return point_.data(); }
    const void* gradient() const noexcept override { return gradient_.data(); }
    double evaluate() override
    {
        gradient_of(std::span<const double>(point_.data(), kLength), gradient_.span());
        ++evaluations;
        return 0.0;
    }
    int evaluations = 0;

private:
    AlignedArray<double> point_, gradient_;
};

double relative_difference(std::span<const double> a, const std::vector<double>& b)
{
    double worst = 0.0;
    for (std::size_t i = 0; i < b.size(); ++i)
        worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1e-300, std::abs(b[i])));
    return worst;
}

// 1,000 steps of the plugin (through PluginOptimizer and a closure) and of the reference.
void follow(const char* plugin_file, const std::vector<double>& hparams, const reference::SamSettings& s)
{
    const auto plugin = Plugin::load(kPlugins / plugin_file);
    PluginOptimizer opt(plugin, hparams);
    BOOST_TEST_REQUIRE(opt.needs_closure());
    TestClosure closure;
    opt.serve_closure(&closure);
    const std::size_t states = opt.state_count();
    AlignedArray<double> p(kLength), g(kLength);
    std::vector<AlignedArray<double>> state;
    for (std::size_t k = 0; k < states; ++k)
        state.emplace_back(kLength);
    std::vector<double*> ptrs;
    for (auto& a : state)
        ptrs.push_back(a.data());
    std::vector<double> rp(kLength), rg(kLength);
    std::vector<std::vector<double>> rs(states, std::vector<double>(kLength, 0.0));
    std::vector<std::span<double>> spans(rs.begin(), rs.end());
    for (std::size_t i = 0; i < kLength; ++i)
        p.data()[i] = rp[i] = 1.5 - 0.3 * static_cast<double>(i);
    constexpr int kSteps = 1000;
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        gradient_of(std::span<const double>(p.data(), kLength), g.span());
        gradient_of(rp, rg);
        opt.step(t, p.span(), std::span<const double>(g.span()), std::span<double* const>(ptrs), false);
        reference::sam_step(s, t, rp, rg, spans, &reference_gradient, nullptr);
    }
    BOOST_TEST(closure.evaluations == kSteps); // one evaluation at p + e per step
    BOOST_TEST(relative_difference(p.span(), rp) <= 1e-12);
    for (std::size_t k = 0; k < states; ++k)
        BOOST_TEST(relative_difference(state[k].span(), rs[k]) <= 1e-12);
    opt.serve_closure(nullptr);
}

} // namespace

BOOST_AUTO_TEST_SUITE(closure_plugins)

BOOST_AUTO_TEST_CASE(sam_over_sgd_with_momentum_and_asam_follows_the_reference_for_a_thousand_steps)
{
    reference::SamSettings s;
    s.lr = 0.02;
    s.rho = 0.08;
    s.adaptive = true;
    s.momentum = 0.6;
    follow("sam.so", {s.lr, s.rho, 1.0, s.momentum}, s);
    s.adaptive = false;
    s.momentum = 0.0;
    follow("sam.so", {s.lr, s.rho, 0.0, 0.0}, s);
}

BOOST_AUTO_TEST_CASE(sam_over_adam_follows_the_reference_for_a_thousand_steps)
{
    reference::SamSettings s;
    s.adam = true;
    s.lr = 0.005;
    s.rho = 0.05;
    s.base_adam.beta1 = 0.8;
    s.base_adam.beta2 = 0.99;
    s.base_adam.eps = 1e-6;
    follow("sam_adam.so", {s.lr, s.rho, 0.0, 0.8, 0.99, 1e-6}, s);
    s.adaptive = true;
    follow("sam_adam.so", {s.lr, s.rho, 1.0, 0.8, 0.99, 1e-6}, s);
}

BOOST_AUTO_TEST_CASE(a_step_with_no_closure_served_is_refused_naming_the_plugin_and_the_extension)
{
    const auto plugin = Plugin::load(kPlugins / "sam.so");
    PluginOptimizer opt(plugin, plugin->defaults());
    AlignedArray<double> p(4), g(4), b(4);
    double* const state[] = {b.data()};
    try {
        opt.step(1, p.span(), std::span<const double>(g.span()), std::span<double* const>(state), false);
        BOOST_FAIL("the step ran without a closure");
    } catch (const Error& e) {
        const std::string what = e.what();
        BOOST_TEST(what.find("sam.so") != std::string::npos);
        BOOST_TEST(what.find("cgp.needs_closure/1") != std::string::npos);
        BOOST_TEST(what.find("hint:") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
