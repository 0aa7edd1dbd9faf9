// The training loop: loss records, determinism, non-finite handling, and learning on the presets.
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/observers.hpp>

#include <boost/test/unit_test.hpp>

#include <filesystem>

using namespace cgp;
namespace fs = std::filesystem;

namespace {

const fs::path kPlugins = CGP_PLUGIN_DIR;

TrainSummary train(const ModelSpec& model, const char* optimizer, std::vector<double> hp, RunSettings s,
                   std::vector<TrainObserver*> observers = {})
{
    Experiment ex(model, DataChoice{}, Plugin::load(kPlugins / (std::string(optimizer) + ".so")), std::move(hp), s);
    return ex.run(observers);
}

RunSettings settings(std::uint64_t iterations, std::uint64_t log_every = 100, Dtype dtype = Dtype::F32)
{
    RunSettings s;
    s.iterations = iterations;
    s.train.log_every = log_every;
    s.dtype = dtype;
    return s;
}

// Counts records and remembers the last.
struct Recorder : TrainObserver {
    std::vector<LossRecord> records;
    bool on_record(const LossRecord& r, const TrainStatus&) override
    {
        records.push_back(r);
        return true;
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(training)

BOOST_AUTO_TEST_CASE(records_are_window_means_with_a_shorter_last_window)
{
    Recorder rec;
    const TrainSummary s =
        train(preset_model("multi-neuron"), "adam", {1e-3, 0.9, 0.999, 1e-8, 0, 0, 0, 0}, settings(250), {&rec});
    BOOST_TEST(rec.records.size() == 3u);
    BOOST_TEST(rec.records[0].iteration == 100u);
    BOOST_TEST(rec.records[0].window == 100u);
    BOOST_TEST(rec.records[2].iteration == 250u);
    BOOST_TEST(rec.records[2].window == 50u);
    BOOST_TEST(s.final_loss == rec.records[2].loss);
    // The first record is a mean of 100 batch losses, not one batch divided by 100 (CGP's quirk).
    BOOST_TEST(rec.records[0].loss > 0.05);
    BOOST_TEST(s.iterations == 250u);
}

BOOST_AUTO_TEST_CASE(same_seed_gives_the_same_run_and_another_seed_another)
{
    const auto hp = std::vector<double>{1e-3, 0.9, 0.999, 1e-8, 0, 0, 0, 0};
    const TrainSummary a = train(preset_model("one-neuron"), "adam", hp, settings(500));
    const TrainSummary b = train(preset_model("one-neuron"), "adam", hp, settings(500));
    RunSettings other = settings(500);
    other.seed = 1;
    const TrainSummary c = train(preset_model("one-neuron"), "adam", hp, other);
    BOOST_TEST(a.final_loss == b.final_loss);
    BOOST_TEST(a.final_loss != c.final_loss);
}

BOOST_AUTO_TEST_CASE(adam_lowers_the_multi_neuron_loss_over_2000_iterations)
{
    for (Dtype d : {Dtype::F32, Dtype::F64}) {
        const TrainSummary s =
            train(preset_model("multi-neuron"), "adam", {1e-2, 0.9, 0.999, 1e-8, 0, 0, 0, 0}, settings(2000, 100, d));
        BOOST_TEST(s.records.back().loss < 0.8 * s.records.front().loss);
    }
}

BOOST_AUTO_TEST_CASE(divergence_stops_with_the_iteration_named)
{
    // A linear model with a huge learning rate explodes in a few steps.
    RunSettings s = settings(1000);
    s.dtype = Dtype::F64;
    const TrainSummary r = train(expr_model({"xo = ab*xa + bc*xb + cd*xc + ac*xd"}), "sgd", {1e5, 0, 0}, s);
    BOOST_TEST((r.reason == StopReason::NonFinite));
    BOOST_TEST(r.iterations < 1000u);
    BOOST_TEST(r.message.find("non-finite") != std::string::npos);
    BOOST_TEST(r.message.find("try a smaller learning rate") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(skip_mode_leaves_non_finite_steps_out_and_counts_them)
{
    // sqrt'(0) is infinite: every batch where ab*xa - ab*xa... is exactly zero gives an infinite gradient.
    RunSettings s = settings(50, 10);
    s.train.on_nonfinite = OnNonFinite::Skip;
    const TrainSummary r = train(expr_model({"xo = sqrt(ab - ab) + bc*xa"}), "sgd", {0.01, 0, 0}, s);
    BOOST_TEST((r.reason == StopReason::Completed));
    BOOST_TEST(r.skipped == 50u);
    BOOST_TEST(r.steps == 0u);
}

BOOST_AUTO_TEST_CASE(early_stop_observer_ends_a_run_that_stopped_improving)
{
    EarlyStop stop(2, 1.0); // an improvement of 1.0 per record is impossible
    const TrainSummary r = train(preset_model("one-neuron"), "sgd", {0.01, 0, 0}, settings(5000), {&stop});
    BOOST_TEST((r.reason == StopReason::Observer));
    BOOST_TEST(r.iterations == 300u);
}

BOOST_AUTO_TEST_SUITE_END()
