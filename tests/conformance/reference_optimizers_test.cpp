// The host's reference optimizers against closed forms of their trajectories (constant gradients),
// so the reference that plugins are held to is itself checked against something independent.
#include "reference_optimizers.hpp"

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

using namespace cgp::reference;
namespace tt = boost::test_tools;

BOOST_AUTO_TEST_SUITE(reference_optimizers)

BOOST_AUTO_TEST_CASE(the_host_knows_every_algorithm_of_the_library_with_its_state_arrays)
{
    BOOST_TEST(algorithms().size() == 17u);
    const Algorithm* adagrad = find_algorithm("adagrad");
    BOOST_TEST_REQUIRE(adagrad != nullptr);
    BOOST_TEST(adagrad->state_names.size() == 1u);
    BOOST_TEST(adagrad->initial != nullptr);
    BOOST_TEST(find_algorithm("sgd")->state_names.empty());
    BOOST_TEST(find_algorithm("sgd-momentum")->state_names.size() == 1u);
    const Algorithm* adam = find_algorithm("adam");
    BOOST_TEST_REQUIRE(adam != nullptr);
    BOOST_TEST(adam->state_names.size() == 2u);
    BOOST_TEST(adam->state_names[0] == "m");
    BOOST_TEST(state_names(*adam, {{"amsgrad", 1.0}}).size() == 3u);
    const Algorithm* rmsprop = find_algorithm("rmsprop");
    BOOST_TEST_REQUIRE(rmsprop != nullptr);
    BOOST_TEST(state_names(*rmsprop, {}).size() == 1u);
    BOOST_TEST(state_names(*rmsprop, {{"centered", 1.0}}).size() == 2u);
    BOOST_TEST(state_names(*rmsprop, {{"centered", 1.0}, {"momentum", 0.5}}).size() == 3u);
    for (const char* name :
         {"adamw", "adamax", "nadam", "radam", "adadelta", "rprop", "asgd", "lion", "lamb", "lars", "adafactor"})
        BOOST_TEST(find_algorithm(name) != nullptr, name);
}

BOOST_AUTO_TEST_CASE(schedulefree_adamw_steps_from_the_run_state_it_is_given_as_its_plugin_does)
{
    const Algorithm* sf = find_algorithm("schedulefree_adamw");
    BOOST_TEST_REQUIRE(sf != nullptr);
    BOOST_TEST(sf->step == nullptr);
    BOOST_TEST_REQUIRE(sf->run_state_names.size() == 2u);
    const HyperParams hp = {{"lr", 0.1}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"weight_lr_power", 2.0}};
    std::vector<double> run = initial_run_state(*sf, hp);
    BOOST_TEST(run[0] == -1.0);
    BOOST_TEST(run[1] == 0.0);
    // At t = 5 from lr_max = 0.2, weight_sum = 3: lr_t = 0.1 sqrt(1 - 0.999^5) < lr_max, so lr_max stays,
    // the weight is lr_max^2 = 0.04 and c = 0.04 / 3.04; z = y and v = 0 make u = g / (|g| + eps).
    std::vector<double> y = {1.0}, g = {0.5}, z = {1.0}, v = {0.0};
    std::vector<std::span<double>> state = {z, v};
    run = {0.2, 3.0};
    step(*sf, hp, 5, y, g, state, run);
    const double lr_t = 0.1 * std::sqrt(1.0 - std::pow(0.999, 5.0)), c = 0.04 / 3.04;
    const double u = 0.5 / (std::sqrt(0.001 * 0.25) + 1e-8);
    BOOST_TEST(run[0] == 0.2);
    BOOST_TEST(run[1] == 3.04, tt::tolerance(1e-15));
    BOOST_TEST(y[0] == 1.0 + lr_t * (0.9 * (1.0 - c) - 1.0) * u, tt::tolerance(1e-14));
    BOOST_TEST(z[0] == 1.0 - lr_t * u, tt::tolerance(1e-14));
}

BOOST_AUTO_TEST_CASE(adagrad_starts_at_the_initial_accumulator_and_decays_the_learning_rate)
{
    const HyperParams hp = {{"lr", 0.1}, {"lr_decay", 0.5}, {"eps", 1e-10}, {"initial_accumulator_value", 0.25}};
    std::vector<double> p = {1.0}, g = {0.5}, sum = {-1.0};
    std::vector<std::span<double>> state = {sum};
    const Algorithm* adagrad = find_algorithm("adagrad");
    adagrad->initial(hp, p, state);
    BOOST_TEST(sum[0] == 0.25);
    adagrad->step(hp, 1, p, g, state);
    BOOST_TEST(sum[0] == 0.5);
    BOOST_TEST(p[0] == 1.0 - 0.1 * 0.5 / (std::sqrt(0.5) + 1e-10), tt::tolerance(1e-15));
    adagrad->step(hp, 2, p, g, state); // clr = 0.1 / 1.5
    BOOST_TEST(p[0] == 1.0 - 0.1 * 0.5 / (std::sqrt(0.5) + 1e-10) - 0.1 / 1.5 * 0.5 / (std::sqrt(0.75) + 1e-10),
               tt::tolerance(1e-15));
}

BOOST_AUTO_TEST_CASE(sgd_moves_by_lr_times_gradient)
{
    std::vector<double> p = {1.0, -2.0}, g = {0.5, -0.25};
    sgd_step(0.1, p, g);
    BOOST_TEST(p[0] == 1.0 - 0.1 * 0.5);
    BOOST_TEST(p[1] == -2.0 + 0.1 * 0.25);
}

BOOST_AUTO_TEST_CASE(momentum_with_a_constant_gradient_follows_the_geometric_series)
{
    const double lr = 0.1, mu = 0.9, g = 0.5;
    std::vector<double> p = {1.0}, grads = {g}, b = {0.0};
    double sum = 0.0;
    for (int t = 1; t <= 30; ++t) {
        sgd_momentum_step(lr, mu, p, grads, b);
        const double b_t = g * (1 - std::pow(mu, t)) / (1 - mu);
        sum += (1 - std::pow(mu, t)) / (1 - mu);
        BOOST_TEST(b[0] == b_t, tt::tolerance(1e-13));
        BOOST_TEST(p[0] == 1.0 - lr * g * sum, tt::tolerance(1e-13));
    }
}

BOOST_AUTO_TEST_CASE(adam_with_a_constant_gradient_moves_lr_times_its_sign_every_step)
{
    for (double g : {3.0, -0.01, 1e-4}) {
        AdamSettings s;
        s.lr = 1e-2;
        std::vector<double> p = {0.0}, grads = {g}, m = {0.0}, v = {0.0};
        for (int t = 1; t <= 50; ++t) {
            adam_step(s, static_cast<std::uint64_t>(t), p, grads, m, v);
            BOOST_TEST(m[0] == (1 - std::pow(s.beta1, t)) * g, tt::tolerance(1e-12));
            BOOST_TEST(v[0] == (1 - std::pow(s.beta2, t)) * g * g, tt::tolerance(1e-12));
            BOOST_TEST(p[0] == -t * s.lr * g / (std::abs(g) + s.eps), tt::tolerance(1e-12));
        }
    }
}

BOOST_AUTO_TEST_CASE(adam_handout_form_divides_by_the_root_of_v_plus_eps)
{
    AdamSettings s;
    s.lr = 1e-2;
    s.beta2 = 0.99;
    s.eps = 1e-4;
    s.eps_inside_sqrt = true;
    const double g = 0.01;
    std::vector<double> p = {0.0}, grads = {g}, m = {0.0}, v = {0.0};
    for (int t = 1; t <= 30; ++t)
        adam_step(s, static_cast<std::uint64_t>(t), p, grads, m, v);
    BOOST_TEST(p[0] == -30 * s.lr * g / std::sqrt(g * g + s.eps), tt::tolerance(1e-12));
}

BOOST_AUTO_TEST_CASE(adam_never_moves_with_a_zero_gradient)
{
    const AdamSettings s;
    std::vector<double> p = {0.75, -3.0}, grads = {0.0, 0.0}, m = {0.0, 0.0}, v = {0.0, 0.0};
    for (std::uint64_t t = 1; t <= 10; ++t)
        adam_step(s, t, p, grads, m, v);
    BOOST_TEST(p[0] == 0.75);
    BOOST_TEST(p[1] == -3.0);
}

BOOST_AUTO_TEST_CASE(algorithms_read_their_hyperparameters_by_name)
{
    std::vector<double> p = {1.0}, g = {1.0}, b = {0.0};
    std::vector<std::span<double>> state = {b};
    find_algorithm("sgd-momentum")->step({{"lr", 0.5}, {"momentum", 0.9}}, 1, p, g, state);
    BOOST_TEST(p[0] == 0.5);
    BOOST_TEST(b[0] == 1.0);
}

// Runs `steps` steps of a constant gradient g on one element through the named algorithm; calls
// check(t, p, state) after each.
template <class Check>
void constant_gradient(const char* name, const HyperParams& hp, double p0, double g, int steps, Check check)
{
    const Algorithm* a = find_algorithm(name);
    BOOST_TEST_REQUIRE(a != nullptr);
    const std::size_t count = state_names(*a, hp).size();
    std::vector<double> p = {p0}, grads = {g};
    std::vector<std::vector<double>> state(count, std::vector<double>(1, 0.0));
    std::vector<std::span<double>> spans(state.begin(), state.end());
    for (int t = 1; t <= steps; ++t) {
        a->step(hp, static_cast<std::uint64_t>(t), p, grads, spans);
        check(t, p[0], state);
    }
}

BOOST_AUTO_TEST_CASE(sgd_momentum_with_nesterov_and_dampening_follows_its_series)
{
    const double lr = 0.1, mu = 0.5, damp = 0.25, g = 2.0;
    double b = 0.0, p = 1.0;
    constant_gradient("sgd-momentum", {{"lr", lr}, {"momentum", mu}, {"dampening", damp}}, 1.0, g, 20,
                      [&](int t, double got, const auto& s) {
                          b = t == 1 ? g : mu * b + (1 - damp) * g;
                          p -= lr * b;
                          BOOST_TEST(s[0][0] == b, tt::tolerance(1e-13));
                          BOOST_TEST(got == p, tt::tolerance(1e-13));
                      });
    // Nesterov: b_t = g (1 - mu^t) / (1 - mu); the step is lr (g + mu b_t).
    p = 1.0;
    constant_gradient("sgd-momentum", {{"lr", lr}, {"momentum", mu}, {"nesterov", 1}}, 1.0, g, 20,
                      [&](int t, double got, const auto&) {
                          p -= lr * (g + mu * g * (1 - std::pow(mu, t)) / (1 - mu));
                          BOOST_TEST(got == p, tt::tolerance(1e-13));
                      });
}

BOOST_AUTO_TEST_CASE(adam_with_amsgrad_on_a_constant_gradient_keeps_w_equal_to_v)
{
    constant_gradient("adam", {{"lr", 0.01}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"amsgrad", 1}}, 0.0,
                      -0.5, 40, [](int t, double got, const auto& s) {
                          BOOST_TEST(s[2][0] == s[1][0]);
                          BOOST_TEST(got == t * 0.01 * 0.5 / (0.5 + 1e-8), tt::tolerance(1e-12));
                      });
}

BOOST_AUTO_TEST_CASE(adamw_with_a_zero_gradient_decays_the_parameters_geometrically)
{
    const double lr = 0.01, wd = 0.5;
    constant_gradient("adamw", {{"lr", lr}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", 1e-8}, {"weight_decay", wd}}, 2.0,
                      0.0, 50, [&](int t, double got, const auto&) {
                          BOOST_TEST(got == 2.0 * std::pow(1 - lr * wd, t), tt::tolerance(1e-13));
                      });
}

BOOST_AUTO_TEST_CASE(adamax_on_a_constant_gradient_moves_lr_times_g_over_abs_g_plus_eps_every_step)
{
    const double lr = 0.002, eps = 1e-8, g = 0.3;
    constant_gradient("adamax", {{"lr", lr}, {"beta1", 0.9}, {"beta2", 0.999}, {"eps", eps}}, 0.0, g, 50,
                      [&](int t, double got, const auto& s) {
                          BOOST_TEST(s[1][0] == g + eps, tt::tolerance(1e-15));
                          BOOST_TEST(got == -t * lr * g / (g + eps), tt::tolerance(1e-12));
                      });
}

BOOST_AUTO_TEST_CASE(radam_takes_momentum_steps_until_rho_passes_5_then_rectified_adam_steps)
{
    const double lr = 0.001, b2 = 0.999, g = 0.2, eps = 1e-8;
    const double rho_inf = 2 / (1 - b2) - 1;
    double p = 0.0;
    constant_gradient("radam", {{"lr", lr}, {"beta1", 0.9}, {"beta2", b2}, {"eps", eps}}, 0.0, g, 30,
                      [&](int t, double got, const auto&) {
                          const double bc2 = 1 - std::pow(b2, t);
                          const double rho = rho_inf - 2 * t * std::pow(b2, t) / bc2;
                          BOOST_TEST((rho > 5) == (t >= 6));
                          const double r =
                              std::sqrt((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho));
                          p -= rho > 5 ? lr * g * r * std::sqrt(bc2) / (std::sqrt(bc2) * g + eps) : lr * g;
                          BOOST_TEST(got == p, tt::tolerance(1e-12));
                      });
}

BOOST_AUTO_TEST_CASE(rmsprop_on_a_constant_gradient_divides_by_the_root_of_the_geometric_sum)
{
    const double lr = 0.01, alpha = 0.99, eps = 1e-8, g = -0.4;
    double p = 1.0;
    constant_gradient("rmsprop", {{"lr", lr}, {"alpha", alpha}, {"eps", eps}}, 1.0, g, 50,
                      [&](int t, double got, const auto&) {
                          p -= lr * g / (std::sqrt((1 - std::pow(alpha, t)) * g * g) + eps);
                          BOOST_TEST(got == p, tt::tolerance(1e-12));
                      });
    // Centered with a constant gradient: v - a^2 = (1 - alpha^t) alpha^t g^2.
    p = 1.0;
    constant_gradient("rmsprop", {{"lr", lr}, {"alpha", alpha}, {"eps", eps}, {"centered", 1}}, 1.0, g, 50,
                      [&](int t, double got, const auto&) {
                          const double at = std::pow(alpha, t);
                          p -= lr * g / (std::sqrt((1 - at) * at * g * g) + eps);
                          BOOST_TEST(got == p, tt::tolerance(1e-9));
                      });
}

BOOST_AUTO_TEST_CASE(adadelta_first_step_is_sqrt_eps_over_sqrt_v_plus_eps_times_g)
{
    const double rho = 0.9, eps = 1e-6, g = 0.7;
    constant_gradient("adadelta", {{"lr", 1.0}, {"rho", rho}, {"eps", eps}}, 0.0, g, 1,
                      [&](int, double got, const auto& s) {
                          const double delta = std::sqrt(eps) / std::sqrt((1 - rho) * g * g + eps) * g;
                          BOOST_TEST(got == -delta, tt::tolerance(1e-14));
                          BOOST_TEST(s[1][0] == (1 - rho) * delta * delta, tt::tolerance(1e-14));
                      });
}

BOOST_AUTO_TEST_CASE(rprop_on_a_constant_gradient_grows_its_step_by_etaplus_up_to_the_largest_step)
{
    const double lr = 0.01, plus = 1.2, smax = 0.05;
    double p = 0.0;
    constant_gradient(
        "rprop", {{"lr", lr}, {"etaminus", 0.5}, {"etaplus", plus}, {"step_size_min", 1e-6}, {"step_size_max", smax}},
        0.0, -3.0, 30, [&](int t, double got, const auto& s) {
            const double size = std::min(lr * std::pow(plus, t - 1), smax);
            p += size;
            BOOST_TEST(s[1][0] == size, tt::tolerance(1e-13));
            BOOST_TEST(got == p, tt::tolerance(1e-13));
        });
}

BOOST_AUTO_TEST_CASE(asgd_without_decay_averages_the_iterates_after_t0)
{
    const double lr = 0.1, g = 1.0, t0 = 3;
    double sum = 0.0;
    constant_gradient("asgd", {{"lr", lr}, {"lambd", 0.0}, {"alpha", 0.75}, {"t0", t0}}, 0.0, g, 30,
                      [&](int t, double got, const auto& s) {
                          BOOST_TEST(got == -t * lr * g, tt::tolerance(1e-13));
                          // mu_t = 1 / max(1, t - 1 - t0): a copies p up to t = t0 + 2, then averages from there.
                          if (t >= t0 + 2)
                              sum += got;
                          const double want = t < t0 + 2 ? got : sum / (t - (t0 + 2) + 1);
                          BOOST_TEST(s[0][0] == want, tt::tolerance(1e-12));
                      });
}

BOOST_AUTO_TEST_CASE(lion_moves_every_element_by_exactly_lr_per_step)
{
    const double lr = 1e-3;
    constant_gradient("lion", {{"lr", lr}, {"beta1", 0.9}, {"beta2", 0.99}}, 0.5, -2.0, 40,
                      [&](int t, double got, const auto& s) {
                          BOOST_TEST(got == 0.5 + t * lr, tt::tolerance(1e-13));
                          BOOST_TEST(s[0][0] == -2.0 * (1 - std::pow(0.99, t)), tt::tolerance(1e-13));
                      });
}

BOOST_AUTO_TEST_CASE(nadam_momentum_product_is_the_product_of_the_schedule)
{
    const double b1 = 0.9, psi = 4e-3;
    double product = 1.0;
    for (std::uint64_t t = 1; t <= 200; ++t) {
        product *= b1 * (1 - 0.5 * std::pow(0.96, static_cast<double>(t) * psi));
        BOOST_TEST(nadam_mu_product(b1, psi, t) == product, tt::tolerance(1e-14));
    }
    BOOST_TEST(nadam_mu_product(0.5, 0.0, 10) == std::pow(0.25, 10), tt::tolerance(1e-14));
}

// Past the factors that round to exactly 1 every mu_k is beta1, and past 2^20 steps the rest is pow():
// t = 2^40 takes bounded time and agrees with the product up to then times beta1^(t - k).
BOOST_AUTO_TEST_CASE(nadam_momentum_product_at_t_2_to_the_40_is_the_running_product_times_a_power)
{
    const double b1 = 1.0 - 1e-13, psi = 30.0;
    constexpr std::uint64_t t = std::uint64_t{1} << 40, k = 1000;
    const double expected = nadam_mu_product(b1, psi, k) * std::pow(b1, static_cast<double>(t - k));
    BOOST_TEST(nadam_mu_product(b1, psi, t) == expected, tt::tolerance(1e-9));
    BOOST_TEST(nadam_mu_product(0.9, 4e-3, t) == 0.0);
    BOOST_TEST(nadam_mu_product(0.9, 0.0, t) == 0.0);
}

BOOST_AUTO_TEST_SUITE_END()
