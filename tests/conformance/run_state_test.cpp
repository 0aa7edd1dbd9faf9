// Run state (cgp.run_state/1, cgp.run_values/1): schedule-free AdamW against the host's f64 reference of
// the authors' AdamWScheduleFree over 1,000 steps with non-default options, its run state equal to the
// reference's lr_max and weight_sum, and a host that offers no storage refused by the step.
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/tape/aligned.hpp>

#include "reference_optimizers.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;
constexpr std::size_t kLength = 13;

double gradient(std::uint64_t t, std::size_t i, double y)
{
    return 0.3 * y + std::sin(0.23 * static_cast<double>(t) + 0.9 * static_cast<double>(i));
}

double initial(std::size_t i)
{
    return 0.15 * static_cast<double>(i) - 0.8;
}

std::vector<double> hparams_of(const reference::ScheduleFreeSettings& s)
{
    return {s.lr, s.beta1, s.beta2, s.eps, s.weight_decay, s.warmup_steps, s.r, s.weight_lr_power};
}

double relative_difference(const std::vector<double>& a, const std::vector<double>& b)
{
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1e-300, std::abs(b[i])));
    return worst;
}

reference::ScheduleFreeSettings options()
{
    reference::ScheduleFreeSettings s;
    s.lr = 0.02;
    s.beta1 = 0.85;
    s.beta2 = 0.99;
    s.eps = 1e-7;
    s.weight_decay = 0.01;
    s.warmup_steps = 50;
    s.r = 0.5;
    s.weight_lr_power = 1.5;
    return s;
}

} // namespace

BOOST_AUTO_TEST_SUITE(run_state)

BOOST_AUTO_TEST_CASE(schedulefree_adamw_follows_the_authors_step_in_f64_over_a_thousand_steps)
{
    const reference::ScheduleFreeSettings s = options();
    const auto plugin = Plugin::load(kPlugins / "schedulefree_adamw.so");
    PluginOptimizer opt(plugin, hparams_of(s));
    opt.host_extensions().set_tensors({{"layer1.weight", 0, 8, CGP_TENSOR_WEIGHT, {2, 4}},
                                       {"layer1.bias", 8, 2, CGP_TENSOR_BIAS, {2}},
                                       {"xw", 10, 3, CGP_TENSOR_WEIGHT, {3}}});
    BOOST_TEST(opt.run_state().size() == 2u);
    BOOST_TEST(opt.run_state()[0] == -1.0); // lr_max starts at -1, weight_sum at 0 (the authors' values)
    AlignedArray<double> p(kLength), g(kLength);
    std::vector<AlignedArray<double>> state;
    state.emplace_back(kLength);
    state.emplace_back(kLength);
    for (std::size_t i = 0; i < kLength; ++i)
        p.data()[i] = initial(i);
    opt.initialize_state(std::span<const double>(p.span()), state); // z: a copy of the parameters
    const std::vector<double*> ptrs{state[0].data(), state[1].data()};

    std::vector<double> y(kLength), grads(kLength);
    for (std::size_t i = 0; i < kLength; ++i)
        y[i] = initial(i);
    reference::ScheduleFreeState ref(y);
    for (std::uint64_t t = 1; t <= 1000; ++t) {
        for (std::size_t i = 0; i < kLength; ++i) {
            g.data()[i] = gradient(t, i, p.data()[i]);
            grads[i] = gradient(t, i, y[i]);
        }
        opt.step(t, p.span(), std::span<const double>(g.span()), std::span<double* const>(ptrs), false);
        reference::schedulefree_adamw_step(s, ref, y, grads);
    }
    BOOST_TEST(relative_difference(std::vector<double>(p.data(), p.data() + kLength), y) <= 1e-12);
    BOOST_TEST(relative_difference(std::vector<double>(state[0].data(), state[0].data() + kLength), ref.z) <= 1e-12);
    BOOST_TEST(relative_difference(std::vector<double>(state[1].data(), state[1].data() + kLength), ref.exp_avg_sq) <=
               1e-12);
    BOOST_TEST(std::abs(opt.run_state()[0] - ref.lr_max) <= 1e-12 * ref.lr_max);
    BOOST_TEST(std::abs(opt.run_state()[1] - ref.weight_sum) <= 1e-12 * ref.weight_sum);
    BOOST_TEST(ref.lr_max > 0.0);
}

BOOST_AUTO_TEST_CASE(the_reference_recovers_x_and_converges_on_a_quadratic)
{
    // On f(y) = ||y||^2 / 2 the averaged point x = y + (1 - 1/beta1)(z - y) approaches 0.
    reference::ScheduleFreeSettings s;
    s.lr = 0.05;
    std::vector<double> y(4, 1.0), g(4);
    reference::ScheduleFreeState st(y);
    for (int t = 0; t < 3000; ++t) {
        g = y;
        reference::schedulefree_adamw_step(s, st, y, g);
    }
    for (std::size_t i = 0; i < y.size(); ++i)
        BOOST_TEST(std::abs(y[i] + (1.0 - 1.0 / s.beta1) * (st.z[i] - y[i])) < 1e-2);
}

BOOST_AUTO_TEST_CASE(a_step_without_the_hosts_run_values_is_refused_by_the_plugin)
{
    const auto plugin = Plugin::load(kPlugins / "schedulefree_adamw.so");
    const std::vector<double> hp = plugin->defaults();
    AlignedArray<double> p(4), g(4), z(4), v(4);
    double* const state[] = {z.data(), v.data()};
    cgp_step_args args{};
    args.struct_size = sizeof args;
    args.step = 1;
    args.count = 4;
    args.hparams = hp.data();
    char msg[256] = {0};
    const int status = plugin->descriptor().step_f64(&args, p.data(), g.data(), state, msg, sizeof msg);
    BOOST_TEST(status == CGP_ERR_UNSUPPORTED);
    BOOST_TEST(std::string(msg).find("cgp.run_values/1") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
