// Tests of the exact run records (journal, shards, MPI messages) and of the --shard split.
#include "run_record.hpp"
#include "shard.hpp"

#include "../common/cli.hpp"

#include <cgp/io/error.hpp>
#include <cgp/training/evaluation.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <string>

using namespace cgp;
using namespace cgp::sweep;

namespace {

bool same_bits(double a, double b)
{
    return std::memcmp(&a, &b, sizeof a) == 0;
}

} // namespace

BOOST_AUTO_TEST_SUITE(sweep_shards)

BOOST_AUTO_TEST_CASE(a_run_record_reads_back_every_double_bit_for_bit)
{
    RunResult run;
    run.point = 3;
    run.seed = 17;
    TrainSummary& s = run.summary;
    s.iterations = 1000;
    s.steps = 998;
    s.skipped = 2;
    s.final_loss = 0.1 + 0.2; // not the shortest decimal of anything simple
    s.min_loss = std::numeric_limits<double>::denorm_min();
    s.min_iteration = 700;
    s.seconds = 1.0 / 3.0;
    s.iterations_per_second = std::numeric_limits<double>::infinity();
    s.reason = StopReason::NonFinite;
    s.message = "loss is \"nan\"\nat step 998";
    s.advises_learning_rate = true;
    s.records = {{100, std::nextafter(1.0, 2.0), 100, 0.25}, {200, std::numeric_limits<double>::quiet_NaN(), 100, 0.5}};
    std::size_t task = 0;
    const RunResult back = parse_run_record(run_record_json(7, run), "test", &task);
    BOOST_TEST(task == 7u);
    BOOST_TEST(back.point == 3u);
    BOOST_TEST(back.seed == 17u);
    BOOST_TEST(back.summary.iterations == 1000u);
    BOOST_TEST(back.summary.steps == 998u);
    BOOST_TEST(back.summary.skipped == 2u);
    BOOST_TEST(same_bits(back.summary.final_loss, s.final_loss));
    BOOST_TEST(same_bits(back.summary.min_loss, s.min_loss));
    BOOST_TEST(back.summary.min_iteration == 700u);
    BOOST_TEST(same_bits(back.summary.seconds, s.seconds));
    BOOST_TEST(std::isinf(back.summary.iterations_per_second));
    BOOST_TEST((back.summary.reason == StopReason::NonFinite));
    BOOST_TEST(back.summary.message == s.message);
    BOOST_TEST(back.summary.advises_learning_rate);
    BOOST_REQUIRE(back.summary.records.size() == 2u);
    BOOST_TEST(same_bits(back.summary.records[0].loss, s.records[0].loss));
    BOOST_TEST(std::isnan(back.summary.records[1].loss));
    BOOST_TEST(back.summary.records[1].iteration == 200u);
    BOOST_TEST(back.summary.records[1].window == 100u);
    BOOST_TEST(!back.evaluation.has_value());
}

BOOST_AUTO_TEST_CASE(a_run_record_carries_its_held_out_evaluation_bit_for_bit)
{
    RunResult run;
    run.point = 1;
    run.seed = 5;
    EvalReport e;
    e.classification = true;
    e.class_names = {"setosa", "versicolor", "virginica"};
    e.has_validation = e.has_test = true;
    e.validation_samples = 30;
    e.test_samples = 31;
    e.points = {{100, {0.1 + 0.2, 0.9, kNoValue, kNoValue}, {1.0 / 3.0, 0.8, kNoValue, kNoValue}},
                {200, {std::nextafter(0.25, 1.0), 0.95, kNoValue, kNoValue}, {0.2, 0.9, kNoValue, kNoValue}}};
    e.has_best = true;
    e.best = e.points[1];
    e.best_params = {std::numeric_limits<double>::denorm_min(), -0.0, 1e300};
    e.confusion_validation = {10, 0, 0, 0, 9, 1, 0, 0, 10};
    e.confusion_test = {11, 0, 0, 0, 10, 0, 0, 1, 9};
    run.evaluation = e;
    const RunResult back = parse_run_record(run_record_json(2, run), "test", nullptr);
    BOOST_REQUIRE(back.evaluation.has_value());
    const EvalReport& b = *back.evaluation;
    BOOST_TEST(b.classification);
    BOOST_TEST(b.class_names == e.class_names);
    BOOST_TEST((b.has_validation && b.has_test && b.has_best));
    BOOST_TEST(b.validation_samples == 30u);
    BOOST_TEST(b.test_samples == 31u);
    BOOST_REQUIRE(b.points.size() == 2u);
    BOOST_TEST(b.points[1].iteration == 200u);
    BOOST_TEST(same_bits(b.points[0].validation.loss, 0.1 + 0.2));
    BOOST_TEST(same_bits(b.points[0].test.loss, 1.0 / 3.0));
    BOOST_TEST(same_bits(b.points[1].validation.loss, std::nextafter(0.25, 1.0)));
    BOOST_TEST(std::isnan(b.points[0].validation.mae));
    BOOST_TEST(same_bits(b.best.validation.accuracy, 0.95));
    BOOST_REQUIRE(b.best_params.size() == 3u);
    for (std::size_t i = 0; i < 3; ++i)
        BOOST_TEST(same_bits(b.best_params[i], e.best_params[i]));
    BOOST_TEST(b.confusion_validation == e.confusion_validation);
    BOOST_TEST(b.confusion_test == e.confusion_test);
}

BOOST_AUTO_TEST_CASE(a_damaged_run_record_is_refused_naming_its_origin)
{
    for (const char* text : {"{\"task\":1}", "not json",
                             "{\"task\":0,\"point\":0,\"seed\":0,\"iterations\":1,"
                             "\"steps\":1,\"skipped\":0,\"final_loss\":\"0x1p+0q\"}"})
        try {
            parse_run_record(text, "journal/run-1.json");
            BOOST_FAIL("accepted " << text);
        } catch (const Error& e) {
            BOOST_TEST(std::string(e.what()).find("journal/run-1.json: not a run record") != std::string::npos);
        }
}

BOOST_AUTO_TEST_CASE(shards_split_the_tasks_by_their_number_modulo_the_count)
{
    const ShardSpec s = parse_shard("1/3");
    BOOST_TEST(s.index == 1u);
    BOOST_TEST(s.count == 3u);
    const std::vector<std::size_t> tasks = shard_tasks(s, 8);
    BOOST_TEST(tasks == (std::vector<std::size_t>{1, 4, 7}), boost::test_tools::per_element());
    std::size_t total = 0;
    for (std::size_t i = 0; i < 3; ++i)
        total += shard_tasks({i, 3}, 8).size();
    BOOST_TEST(total == 8u);
}

BOOST_AUTO_TEST_CASE(a_shard_number_outside_the_count_or_malformed_is_a_usage_error)
{
    for (const char* text : {"3/3", "0/0", "1", "a/2", "1/2/3", "-1/2", ""})
        BOOST_CHECK_THROW(parse_shard(text), cli::UsageError);
    try {
        parse_shard("4/2");
    } catch (const cli::UsageError& e) {
        BOOST_TEST(std::string(e.what()).find("below the number of shards (0 to 1)") != std::string::npos);
    }
}

BOOST_AUTO_TEST_SUITE_END()
