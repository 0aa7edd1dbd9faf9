// The sweep grid: --grid parsing, key classification, expansion and validation before any run.
#include "grid.hpp"

#include <cgp/io/error.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <string>

using namespace cgp;
using namespace cgp::sweep;

namespace {

const std::filesystem::path kPlugins = CGP_PLUGIN_DIR;

std::shared_ptr<const Plugin> plugin(const char* name)
{
    return Plugin::load(kPlugins / (std::string(name) + ".so"));
}

Plan plan_of(std::vector<std::shared_ptr<const Plugin>> optimizers, const std::vector<std::string>& grid)
{
    Plan plan;
    plan.optimizers = std::move(optimizers);
    plan.models.push_back({"one-neuron", "one-neuron", preset_model("one-neuron")});
    std::vector<GridOption> options;
    for (const std::string& g : grid)
        options.push_back(parse_grid_option(g));
    plan.axes = make_axes(options, plan.optimizers);
    plan.points = expand(plan, RunSettings{}, DataChoice{});
    return plan;
}

bool message_has(const std::exception& e, const std::string& text)
{
    return std::string(e.what()).find(text) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sweep_grid)

BOOST_AUTO_TEST_CASE(grid_option_splits_the_key_from_its_values)
{
    const GridOption g = parse_grid_option("lr=1e-2, 1e-3,1e-4");
    BOOST_TEST(g.key == "lr");
    BOOST_TEST(g.values == (std::vector<std::string>{"1e-2", "1e-3", "1e-4"}), boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(underscored_keys_are_the_dashed_keys)
{
    BOOST_TEST(parse_grid_option("batch_size=8").key == "batch-size");
    BOOST_TEST(parse_grid_option("eps_inside_sqrt=0,1").key == "eps-inside-sqrt");
}

BOOST_AUTO_TEST_CASE(malformed_grid_options_are_refused)
{
    BOOST_CHECK_THROW(parse_grid_option("lr"), cli::UsageError);
    BOOST_CHECK_THROW(parse_grid_option("=1,2"), cli::UsageError);
    BOOST_CHECK_THROW(parse_grid_option("lr=1,,2"), cli::UsageError);
    BOOST_CHECK_THROW(parse_grid_option("lr=1,1"), cli::UsageError);
}

BOOST_AUTO_TEST_CASE(unknown_key_is_refused_naming_each_optimizers_hyperparameters)
{
    BOOST_CHECK_EXCEPTION(plan_of({plugin("sgd"), plugin("adam")}, {"betta1=0.9"}), cli::UsageError,
                          [](const cli::UsageError& e) {
                              return message_has(e, "neither a run setting") && message_has(e, "sgd: lr") &&
                                     message_has(e, "adam: lr beta1 beta2 eps eps-inside-sqrt");
                          });
}

BOOST_AUTO_TEST_CASE(hyperparameter_of_no_chosen_optimizer_is_refused)
{
    BOOST_CHECK_THROW(plan_of({plugin("sgd")}, {"beta1=0.9"}), cli::UsageError);
}

BOOST_AUTO_TEST_CASE(hyperparameter_axis_applies_only_to_the_optimizers_that_have_it)
{
    const Plan plan = plan_of({plugin("sgd"), plugin("adam")}, {"lr=1e-2,1e-3", "beta1=0.7,0.9,0.99"});
    std::size_t sgd = 0, adam = 0;
    for (const Point& p : plan.points)
        (plan.optimizers[p.optimizer]->id() == "sgd" ? sgd : adam) += 1;
    BOOST_TEST(sgd == 2u);
    BOOST_TEST(adam == 6u);
    for (const Point& p : plan.points)
        if (plan.optimizers[p.optimizer]->id() == "sgd")
            BOOST_TEST(value_text(plan, p, 1) == "-");
}

BOOST_AUTO_TEST_CASE(grid_values_reach_the_hyperparameters_and_the_run_settings)
{
    const Plan plan = plan_of({plugin("adam")}, {"beta2=0.9", "batch-size=32", "iterations=500", "dtype=f64"});
    BOOST_REQUIRE(plan.points.size() == 1u);
    const Point& p = plan.points[0];
    const Plugin& adam = *plan.optimizers[0];
    BOOST_TEST(p.hparams[static_cast<std::size_t>(adam.find_hparam("beta2"))] == 0.9);
    BOOST_TEST(p.hparams[static_cast<std::size_t>(adam.find_hparam("beta1"))] == adam.defaults()[1]);
    BOOST_TEST(p.settings.batch_size == 32u);
    BOOST_TEST(p.settings.iterations == 500u);
    BOOST_TEST((p.settings.dtype == Dtype::F64));
}

BOOST_AUTO_TEST_CASE(expansion_varies_the_last_axis_fastest)
{
    const Plan plan = plan_of({plugin("adam")}, {"beta1=0.7,0.9", "beta2=0.8,0.99"});
    std::vector<std::string> order;
    for (const Point& p : plan.points)
        order.push_back(value_text(plan, p, 0) + "/" + value_text(plan, p, 1));
    BOOST_TEST(order == (std::vector<std::string>{"0.7/0.8", "0.7/0.99", "0.9/0.8", "0.9/0.99"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(out_of_range_hyperparameter_is_refused_naming_the_grid_point)
{
    BOOST_CHECK_EXCEPTION(plan_of({plugin("adam")}, {"beta1=0.9,1.5"}), Error, [](const Error& e) {
        return message_has(e, "grid point 'one-neuron adam beta1=1.5'") && message_has(e, "out of range");
    });
}

BOOST_AUTO_TEST_CASE(bad_setting_values_are_refused)
{
    BOOST_CHECK_THROW(plan_of({plugin("sgd")}, {"batch-size=0"}), cli::UsageError);
    BOOST_CHECK_THROW(plan_of({plugin("sgd")}, {"iterations=10.5"}), cli::UsageError);
    BOOST_CHECK_THROW(plan_of({plugin("sgd")}, {"dtype=f16"}), cli::UsageError);
    BOOST_CHECK_THROW(plan_of({plugin("sgd")}, {"lr=fast"}), cli::UsageError);
    BOOST_CHECK_THROW(plan_of({plugin("sgd")}, {"lr=nan"}), cli::UsageError);
}

BOOST_AUTO_TEST_SUITE_END()
