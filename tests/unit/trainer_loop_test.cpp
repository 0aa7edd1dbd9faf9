// The training loop on its own: a fake optimizer and a fake sampler around a one-parameter tape,
// so record windows, the step numbers the optimizer sees, early stop, divergence, the observers'
// order and resume are checked without loading a plugin.
#include <cgp/graph/graph.hpp>
#include <cgp/training/trainer.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

using namespace cgp;

namespace {

// Plain SGD that writes down the step numbers it is given; state[0] counts the updates of each
// parameter. With poison_at set, that step writes NaN into the parameters.
struct FakeOptimizer final : Optimizer {
    std::vector<std::uint64_t> steps;
    std::uint64_t poison_at = 0;
    std::string id() const override { return "fake"; }
    std::size_t state_count() const override { return 1; }
    template <class T>
    void update(std::uint64_t t, std::span<T> p, std::span<const T> g, std::span<T* const> s)
    {
        steps.push_back(t);
        for (std::size_t i = 0; i < p.size(); ++i) {
            p[i] = t == poison_at ? std::numeric_limits<T>::quiet_NaN() : p[i] - T(0.01) * g[i];
            s[0][i] += 1;
        }
    }
    void step(std::uint64_t t, std::span<float> p, std::span<const float> g, std::span<float* const> s, bool) override
    {
        update(t, p, g, s);
    }
    void step(std::uint64_t t, std::span<double> p, std::span<const double> g, std::span<double* const> s,
              bool) override
    {
        update(t, p, g, s);
    }
};

// Draw n fills every sample with x = 1 + n % 3 and target 2x; the draws listed in `nan_draws`
// give a NaN input. Its state is the draw counter.
struct FakeSampler final : Sampler {
    std::uint64_t draws = 0;
    std::set<std::uint64_t> nan_draws;
    template <class T>
    void fill(std::size_t B, std::span<T* const> in, std::span<T* const> out)
    {
        ++draws;
        const T x = nan_draws.count(draws) ? std::numeric_limits<T>::quiet_NaN() : T(1 + draws % 3);
        for (std::size_t b = 0; b < B; ++b) {
            in[0][b] = x;
            out[0][b] = 2 * x;
        }
    }
    void next(std::size_t B, std::span<float* const> in, std::span<float* const> out) override { fill(B, in, out); }
    void next(std::size_t B, std::span<double* const> in, std::span<double* const> out) override { fill(B, in, out); }
    std::string save_state() const override { return std::to_string(draws); }
    void restore_state(const std::string& s) override { draws = std::stoull(s); }
};

// Writes every hook it sees into a shared log, prefixed with its name; stops at record stop_at.
struct Logger final : TrainObserver {
    Logger(std::string name, std::vector<std::string>& log) : name_(std::move(name)), log_(log) {}
    std::vector<LossRecord> records;
    std::size_t stop_at = 0;
    void on_begin(const TrainStatus& s) override { log_.push_back(name_ + " begin " + std::to_string(s.iteration)); }
    bool on_record(const LossRecord& r, const TrainStatus&) override
    {
        records.push_back(r);
        log_.push_back(name_ + " record " + std::to_string(r.iteration));
        return records.size() != stop_at;
    }
    void on_iteration(const TrainStatus& s, const RunSnapshot& run) override
    {
        BOOST_TEST(run.loop.iteration == s.iteration);
        if (s.iteration % 5 == 0)
            log_.push_back(name_ + " iteration " + std::to_string(s.iteration));
    }
    void on_last_iteration(StopReason r, const RunSnapshot& run) override
    {
        log_.push_back(name_ + " last " + std::string(to_string(r)) + " " + std::to_string(run.loop.iteration));
    }
    void on_end(const TrainSummary& s) override { log_.push_back(name_ + " end " + std::to_string(s.iterations)); }

private:
    std::string name_;
    std::vector<std::string>& log_;
};

struct Bench {
    Graph graph = build_graph(expr_model({"xo = p*xa"}));
    Tape<double> tape{graph, 4, SimdPath::Scalar};
    FakeSampler sampler;
    FakeOptimizer optimizer;
    Trainer<double> trainer{tape, sampler, optimizer};
    Bench() { tape.params()[0] = 0.5; }
    TrainSummary run(std::uint64_t iterations, std::vector<TrainObserver*> observers = {},
                     OnNonFinite mode = OnNonFinite::Stop)
    {
        TrainOptions o;
        o.log_every = 10;
        o.on_nonfinite = mode;
        return trainer.run(iterations, o, observers);
    }
};

} // namespace

BOOST_AUTO_TEST_SUITE(trainer_loop)

BOOST_AUTO_TEST_CASE(records_close_every_log_every_iterations_and_the_last_window_is_shorter)
{
    Bench b;
    std::vector<std::string> log;
    Logger rec("a", log);
    const TrainSummary s = b.run(25, {&rec});
    BOOST_REQUIRE(rec.records.size() == 3u);
    BOOST_TEST(rec.records[0].iteration == 10u);
    BOOST_TEST(rec.records[1].iteration == 20u);
    BOOST_TEST(rec.records[2].iteration == 25u);
    BOOST_TEST(rec.records[2].window == 5u);
    // Only full windows are part of the state; the last one stays open for a resume.
    BOOST_TEST(b.trainer.state().loop.records.size() == 2u);
    BOOST_TEST(b.trainer.state().loop.window_count == 5u);
    BOOST_TEST(s.records.size() == 3u);
    BOOST_TEST(s.final_loss == rec.records[2].loss);
}

BOOST_AUTO_TEST_CASE(the_optimizer_sees_steps_one_by_one_and_skipped_iterations_take_none)
{
    Bench b;
    b.sampler.nan_draws = {3, 4, 9};
    const TrainSummary s = b.run(12, {}, OnNonFinite::Skip);
    BOOST_TEST(s.skipped == 3u);
    BOOST_TEST(s.steps == 9u);
    const std::vector<std::uint64_t> expected{1, 2, 3, 4, 5, 6, 7, 8, 9};
    BOOST_TEST(b.optimizer.steps == expected, boost::test_tools::per_element());
    BOOST_TEST(b.trainer.state().optimizer_state[0][0] == 9.0);
}

BOOST_AUTO_TEST_CASE(an_observer_that_returns_false_stops_the_run_at_that_record)
{
    Bench b;
    std::vector<std::string> log;
    Logger stop("a", log);
    stop.stop_at = 2;
    const TrainSummary s = b.run(100, {&stop});
    BOOST_TEST((s.reason == StopReason::Observer));
    BOOST_TEST(s.iterations == 20u);
    BOOST_TEST(b.optimizer.steps.size() == 20u);
}

BOOST_AUTO_TEST_CASE(a_non_finite_loss_stops_the_run_before_its_update)
{
    Bench b;
    b.sampler.nan_draws = {7};
    std::vector<std::string> log;
    Logger obs("a", log);
    const TrainSummary s = b.run(100, {&obs});
    BOOST_TEST((s.reason == StopReason::NonFinite));
    BOOST_TEST(s.iterations == 7u);
    BOOST_TEST(b.optimizer.steps.size() == 6u);
    BOOST_TEST(s.message.find("the loss became non-finite at iteration 7") != std::string::npos, s.message);
    BOOST_TEST(std::isfinite(b.tape.params()[0]));
    BOOST_TEST(log.back() == "a end 7");
    BOOST_TEST(log[log.size() - 2] == "a last non-finite 7");
    BOOST_TEST(log[log.size() - 3] == "a record 7"); // the window so far, reported when the loop stops
}

BOOST_AUTO_TEST_CASE(a_non_finite_loss_before_any_update_blames_the_data_not_the_learning_rate)
{
    Bench b;
    b.sampler.nan_draws = {1};
    const TrainSummary s = b.run(100);
    BOOST_TEST((s.reason == StopReason::NonFinite));
    BOOST_TEST(!s.advises_learning_rate);
    BOOST_TEST(s.message.find("at iteration 1, before any update: the cause is the model or the data, not the "
                              "learning rate") != std::string::npos,
               s.message);
    BOOST_TEST(s.message.find("the data holds it: input 'xa' of sample 1 of the batch") != std::string::npos,
               s.message);
}

BOOST_AUTO_TEST_CASE(the_first_non_finite_value_names_its_operation)
{
    const Graph g = build_graph(expr_model({"xh = log(p*xa)", "xo = q*xh"}));
    Tape<double> tape(g, 3, SimdPath::Scalar);
    tape.params()[0] = 1.0;
    tape.params()[1] = 1.0;
    const double x[3] = {1.0, 2.0, -1.0};
    for (std::size_t i = 0; i < 3; ++i) {
        tape.input(0)[i] = x[i];
        tape.target(0)[i] = 0.0;
    }
    tape.forward();
    const auto nf = tape.first_nonfinite();
    BOOST_REQUIRE(nf.node >= 0);
    BOOST_TEST(g.nodes[static_cast<std::size_t>(nf.node)].label == "xh");
    BOOST_TEST((g.nodes[static_cast<std::size_t>(nf.node)].op == Op::Log));
    BOOST_TEST(nf.sample == 2u);
    tape.input(0)[2] = 3.0;
    tape.forward();
    BOOST_TEST(tape.first_nonfinite().node == -1);
}

BOOST_AUTO_TEST_CASE(a_non_finite_parameter_after_an_update_stops_the_run)
{
    Bench b;
    b.optimizer.poison_at = 4;
    const TrainSummary s = b.run(100);
    BOOST_TEST((s.reason == StopReason::NonFinite));
    BOOST_TEST(s.iterations == 4u);
    BOOST_TEST(s.message.find("a parameter became non-finite after the update of iteration 4") != std::string::npos,
               s.message);
    BOOST_TEST(s.advises_learning_rate);
}

BOOST_AUTO_TEST_CASE(observers_are_called_in_their_order_hook_by_hook)
{
    Bench b;
    std::vector<std::string> log;
    Logger first("a", log), second("b", log);
    b.run(12, {&first, &second});
    const std::vector<std::string> expected{
        "a begin 0",      "b begin 0",      "a iteration 5",       "b iteration 5",       "a record 10", "b record 10",
        "a iteration 10", "b iteration 10", "a last completed 12", "b last completed 12", "a record 12", "b record 12",
        "a end 12",       "b end 12"};
    BOOST_TEST(log == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_restored_state_continues_exactly_as_the_straight_run)
{
    Bench straight;
    const TrainSummary whole = straight.run(30);

    Bench first;
    first.run(13);
    Bench second;
    second.trainer.state().loop = first.trainer.state().loop;
    second.trainer.state().optimizer_state[0][0] = first.trainer.state().optimizer_state[0][0];
    second.tape.params()[0] = first.tape.params()[0];
    second.sampler.restore_state(first.sampler.save_state());
    const TrainSummary resumed = second.run(30);

    BOOST_TEST(second.optimizer.steps.front() == 14u);
    BOOST_TEST(second.optimizer.steps.back() == 30u);
    BOOST_TEST(std::memcmp(&second.tape.params()[0], &straight.tape.params()[0], sizeof(double)) == 0);
    BOOST_REQUIRE(resumed.records.size() == whole.records.size());
    for (std::size_t i = 0; i < whole.records.size(); ++i) {
        BOOST_TEST(resumed.records[i].iteration == whole.records[i].iteration);
        BOOST_TEST(resumed.records[i].loss == whole.records[i].loss);
    }
}

BOOST_AUTO_TEST_SUITE_END()
