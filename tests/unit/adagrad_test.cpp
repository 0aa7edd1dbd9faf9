// adagrad.so (torch.optim.Adagrad's semantics) against closed forms in double precision, with its
// initial accumulator applied through cgp.initial_state/1 as a training run applies it.
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/tape/aligned.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <filesystem>

using namespace cgp;
namespace fs = std::filesystem;
namespace tt = boost::test_tools;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;
constexpr std::size_t kLength = 37; // whole SIMD blocks and a scalar tail on every ISA

// A run of adagrad over kLength equal parameters, started as a training run starts.
template <class T>
struct Run {
    std::shared_ptr<const Plugin> plugin = Plugin::load(kPlugins / "adagrad.so");
    PluginOptimizer opt;
    AlignedArray<T> p{kLength}, g{kLength};
    std::vector<AlignedArray<T>> state;
    std::vector<T*> ptrs;
    std::uint64_t t = 0;

    Run(std::vector<double> hp, T p0) : opt(plugin, std::move(hp))
    {
        for (std::size_t i = 0; i < kLength; ++i)
            p[i] = p0;
        state.emplace_back(kLength);
        ptrs.push_back(state[0].data());
        opt.initialize_state(p.span(), state);
    }
    void step(T grad, bool scalar = false)
    {
        for (std::size_t i = 0; i < kLength; ++i)
            g[i] = grad;
        opt.step(++t, p.span(), g.span(), ptrs, scalar);
    }
};

// lr 0.1, eps 1e-10, in schema order: lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize.
std::vector<double> hparams(double a, double decay, double wd = 0.0, double max = 0.0)
{
    return {0.1, decay, wd, a, 1e-10, max};
}

} // namespace

BOOST_AUTO_TEST_SUITE(adagrad)

BOOST_AUTO_TEST_CASE(the_accumulator_starts_at_initial_accumulator_value)
{
    Run<double> run(hparams(0.7, 0.0), 1.0);
    BOOST_TEST(run.opt.initial_state().kind(0) == CGP_INITIAL_CONSTANT);
    for (std::size_t i = 0; i < kLength; ++i)
        BOOST_TEST(run.state[0][i] == 0.7);
    Run<double> zero(hparams(0.0, 0.0), 1.0);
    BOOST_TEST(zero.opt.initial_state().all_zero());
}

BOOST_AUTO_TEST_CASE(constant_gradient_follows_the_closed_form_with_lr_decay_and_initial_accumulator)
{
    // sum_t = a + t g^2;  p_t = p_0 - sum_k lr / (1 + (k-1) d) * g / (sqrt(a + k g^2) + eps)
    const double a = 0.5, d = 0.05, g = 0.3, p0 = 2.0;
    Run<double> run(hparams(a, d), p0);
    Run<float> single(hparams(a, d), static_cast<float>(p0));
    double p = p0;
    for (int k = 1; k <= 200; ++k) {
        run.step(g);
        single.step(static_cast<float>(g));
        p -= 0.1 / (1.0 + (k - 1) * d) * g / (std::sqrt(a + k * g * g) + 1e-10);
        BOOST_TEST(run.state[0][kLength - 1] == a + k * g * g, tt::tolerance(1e-13));
        BOOST_TEST(run.p[0] == p, tt::tolerance(1e-13));
        BOOST_TEST(run.p[kLength - 1] == p, tt::tolerance(1e-13));
        BOOST_TEST(static_cast<double>(single.p[kLength - 1]) == p, tt::tolerance(1e-5));
    }
}

BOOST_AUTO_TEST_CASE(weight_decay_adds_to_the_gradient_and_maximize_climbs)
{
    // g = 0, weight decay w: the first step sees d = w p0.
    const double a = 0.2, w = 0.5, p0 = 3.0;
    Run<double> decay(hparams(a, 0.0, w), p0);
    decay.step(0.0);
    const double dg = w * p0;
    BOOST_TEST(decay.p[3] == p0 - 0.1 * dg / (std::sqrt(a + dg * dg) + 1e-10), tt::tolerance(1e-15));
    // maximize: the step goes along +g.
    Run<double> up(hparams(0.0, 0.0, 0.0, 1.0), p0);
    up.step(0.4);
    BOOST_TEST(up.p[0] == p0 + 0.1 * 0.4 / (0.4 + 1e-10), tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(simd_and_scalar_forms_agree_bitwise)
{
    Run<float> simd(hparams(0.3, 0.01, 0.1), 1.5f), scalar(hparams(0.3, 0.01, 0.1), 1.5f);
    for (int k = 0; k < 50; ++k) {
        const float g = std::sin(0.37f * static_cast<float>(k));
        simd.step(g);
        scalar.step(g, true);
    }
    BOOST_TEST(std::memcmp(simd.p.data(), scalar.p.data(), kLength * sizeof(float)) == 0);
    BOOST_TEST(std::memcmp(simd.state[0].data(), scalar.state[0].data(), kLength * sizeof(float)) == 0);
}

BOOST_AUTO_TEST_SUITE_END()
