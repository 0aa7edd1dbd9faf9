// The shipped plugins, loaded and stepped through the host's binding (PluginOptimizer, as cgp-run
// trains), against closed forms of their trajectories on constant gradients.
//
// Kept beside conformance on purpose: conformance's reference_trajectory check compares a plugin with
// the host's reference optimizers (apps/cgp-conformance/checks/reference_optimizers.cpp), and
// tests/conformance/reference_optimizers_test.cpp checks those references against the same closed
// forms; these tests hold the shipped plugins to the closed forms directly, with no reference in
// between, over longer runs (60 and 100 steps). What conformance already checks on every plugin (a
// zero gradient never moves, SIMD equals scalar on every length) is not repeated here.
#include <cgp/tape/aligned.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/sdk/powers.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

using namespace cgp;
namespace fs = std::filesystem;
namespace tt = boost::test_tools;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;

// Parameters, a constant gradient and zeroed state for n elements.
template <class T>
struct Arrays {
    AlignedArray<T> p, g;
    std::vector<AlignedArray<T>> state;
    std::vector<T*> ptrs;
    Arrays(std::size_t n, std::size_t states, T p0, T g0) : p(n), g(n)
    {
        for (std::size_t i = 0; i < n; ++i) {
            p[i] = p0;
            g[i] = g0;
        }
        for (std::size_t s = 0; s < states; ++s)
            state.emplace_back(n);
        for (auto& s : state)
            ptrs.push_back(s.data());
    }
    void step(PluginOptimizer& opt, std::uint64_t t)
    {
        opt.step(t, p.span(), std::span<const T>(g.data(), g.size()), std::span<T* const>(ptrs), false);
    }
};

PluginOptimizer make(const char* name, std::vector<double> hp)
{
    return PluginOptimizer(Plugin::load(kPlugins / (std::string(name) + ".so")), std::move(hp));
}

} // namespace

BOOST_AUTO_TEST_SUITE(optimizer_closed_forms)

BOOST_AUTO_TEST_CASE(sgd_moves_by_lr_times_gradient)
{
    PluginOptimizer sgd = make("sgd", {0.25, 0, 0});
    Arrays<double> a(37, 0, 1.0, 0.5);
    a.step(sgd, 1);
    for (std::size_t i = 0; i < 37; ++i)
        BOOST_TEST(a.p[i] == 1.0 - 0.25 * 0.5);
}

BOOST_AUTO_TEST_CASE(sgdplus_velocity_follows_the_geometric_sum_on_a_constant_gradient)
{
    const double lr = 0.01, mu = 0.9, g = 0.3;
    PluginOptimizer opt = make("sgdplus", {lr, mu, 0, 0, 0, 0});
    Arrays<double> a(19, 1, 2.0, g);
    double expected_p = 2.0;
    for (std::uint64_t t = 1; t <= 60; ++t) {
        a.step(opt, t);
        const double v = g * (1 - std::pow(mu, static_cast<double>(t))) / (1 - mu);
        expected_p -= lr * v;
        BOOST_TEST(a.state[0][18] == v, tt::tolerance(1e-12));
        BOOST_TEST(a.p[18] == expected_p, tt::tolerance(1e-12));
    }
}

BOOST_AUTO_TEST_CASE(one_minus_pow_is_bitwise_one_minus_pow_of_beta_and_t_at_every_step)
{
    // The Adam family's bias corrections: the shortcut past the step where beta^t is negligible
    // must give the very double 1 - pow(beta, t) gives, before, at and after that step.
    for (const double beta :
         {0.0, 1e-300, 0.1, 0.5, 0.9, 0.95, 0.99, 0.999, 0.9999, 0.99999, std::nextafter(1.0, 0.0)}) {
        auto same = [&](std::uint64_t t) {
            const double want = 1.0 - std::pow(beta, static_cast<double>(t));
            const double got = sdk::one_minus_pow(beta, t);
            BOOST_TEST_REQUIRE(std::memcmp(&want, &got, sizeof want) == 0, "beta " << beta << " t " << t);
        };
        for (std::uint64_t t = 1; t <= 5000; ++t)
            same(t);
        const auto first_skipped = static_cast<std::uint64_t>(std::ceil(45.0 / (1.0 - beta)));
        for (std::uint64_t t = std::max<std::uint64_t>(first_skipped, 101) - 100; t <= first_skipped + 100; ++t)
            same(t);
        for (std::uint64_t t : {std::uint64_t{100000}, std::uint64_t{10000000}, std::uint64_t{1} << 40,
                                std::uint64_t{1} << 60, ~std::uint64_t{0}})
            same(t);
    }
}

BOOST_AUTO_TEST_CASE(adam_moves_by_lr_times_g_over_abs_g_plus_eps_on_a_constant_gradient)
{
    for (double g : {3.0, -0.02, 1e-3}) {
        const double lr = 1e-3, eps = 1e-8;
        PluginOptimizer opt = make("adam", {lr, 0.9, 0.999, eps, 0, 0, 0, 0});
        Arrays<double> a(21, 2, 1.0, g);
        for (std::uint64_t t = 1; t <= 100; ++t) {
            a.step(opt, t);
            const double expected = 1.0 - static_cast<double>(t) * lr * g / (std::abs(g) + eps);
            BOOST_TEST(a.p[20] == expected, tt::tolerance(1e-12));
        }
    }
}

BOOST_AUTO_TEST_CASE(adam_handout_form_puts_eps_inside_the_square_root)
{
    const double lr = 1e-2, eps = 1e-4, g = 0.01;
    PluginOptimizer opt = make("adam", {lr, 0.9, 0.99, eps, 1, 0, 0, 0});
    Arrays<double> a(5, 2, 0.0, g);
    for (std::uint64_t t = 1; t <= 30; ++t)
        a.step(opt, t);
    BOOST_TEST(a.p[0] == -30 * lr * g / std::sqrt(g * g + eps), tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_SUITE_END()
