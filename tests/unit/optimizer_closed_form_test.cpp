// The shipped plugins against closed forms of their first steps, and their SIMD forms against their
// scalar forms (bitwise).
#include <cgp/tape/aligned.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/data/rng.hpp>
#include <cgp/host/plugin_optimizer.hpp>

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
    void step(PluginOptimizer& opt, std::uint64_t t, bool scalar = false)
    {
        opt.step(t, p.span(), std::span<const T>(g.data(), g.size()), std::span<T* const>(ptrs), scalar);
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

BOOST_AUTO_TEST_CASE(zero_gradient_never_moves_any_plugin)
{
    for (const char* name : {"sgd", "sgdplus", "adam"}) {
        const auto plugin = Plugin::load(kPlugins / (std::string(name) + ".so"));
        PluginOptimizer opt(plugin, plugin->defaults());
        Arrays<float> a(45, opt.state_count(), 0.75f, 0.0f);
        for (std::uint64_t t = 1; t <= 10; ++t)
            a.step(opt, t);
        for (std::size_t i = 0; i < 45; ++i)
            BOOST_TEST(a.p[i] == 0.75f);
    }
}

BOOST_AUTO_TEST_CASE(simd_form_equals_scalar_form_bitwise_on_every_length)
{
    for (const char* name : {"sgd", "sgdplus", "adam"}) {
        const auto plugin = Plugin::load(kPlugins / (std::string(name) + ".so"));
        PluginOptimizer opt(plugin, plugin->defaults());
        for (std::size_t n = 0; n <= 67; ++n) {
            Rng rng(n);
            Arrays<float> simd(n, opt.state_count(), 0, 0), scalar(n, opt.state_count(), 0, 0);
            for (std::size_t i = 0; i < n; ++i)
                simd.p[i] = scalar.p[i] = static_cast<float>(rng.uniform(-1, 1));
            for (std::uint64_t t = 1; t <= 5; ++t) {
                for (std::size_t i = 0; i < n; ++i)
                    simd.g[i] = scalar.g[i] = static_cast<float>(rng.uniform(-1, 1));
                simd.step(opt, t, false);
                scalar.step(opt, t, true);
            }
            BOOST_TEST((n == 0 || std::memcmp(simd.p.data(), scalar.p.data(), n * sizeof(float)) == 0),
                       name << " length " << n << " via " << plugin->simd_path());
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
