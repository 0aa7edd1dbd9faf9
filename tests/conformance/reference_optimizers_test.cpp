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

BOOST_AUTO_TEST_CASE(the_host_knows_sgd_momentum_adam_and_adagrad_with_their_state_arrays)
{
    BOOST_TEST(algorithms().size() == 4u);
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
    BOOST_TEST(find_algorithm("rmsprop") == nullptr);
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

BOOST_AUTO_TEST_SUITE_END()
