// The optimizer benchmark's parts: search distributions and their draws, successive halving's
// rungs, measures and performance profiles against hand-computed values, the trial journal, problem
// files, the held-out split, report escaping and the parallel memory check.
#include "bench.hpp"
#include "halving.hpp"
#include "holdout.hpp"
#include "journal.hpp"
#include "measures.hpp"
#include "problems.hpp"
#include "profiles.hpp"
#include "report.hpp"
#include "runner.hpp"
#include "scores.hpp"
#include "search.hpp"
#include "text.hpp"
#include "trial.hpp"

#include <cgp/io/error.hpp>

#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>

using namespace cgp;
using namespace cgp::sweep;

namespace {

const std::filesystem::path kPlugins = CGP_PLUGIN_DIR;
constexpr double kInf = std::numeric_limits<double>::infinity();

std::shared_ptr<const Plugin> plugin(const char* name)
{
    return Plugin::load(kPlugins / (std::string(name) + ".so"));
}

bool has(const std::exception& e, const std::string& text)
{
    return std::string(e.what()).find(text) != std::string::npos;
}

// The problem file `text` is refused at line:column with a message holding `message`.
void error_at(const std::string& text, int line, int column, const std::string& message)
{
    try {
        parse_problem_text(text, "p.ini", ".");
        BOOST_ERROR("accepted: " + text);
    } catch (const SourceError& e) {
        BOOST_TEST(e.pos().line == line, e.what());
        BOOST_TEST(e.pos().column == column, e.what());
        BOOST_TEST(has(e, message), e.what());
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(sweep_bench)

BOOST_AUTO_TEST_CASE(distributions_are_parsed_with_their_bounds)
{
    const Distribution lr = parse_distribution("lr=loguniform(1e-5, 1)");
    BOOST_TEST(lr.key == "lr");
    BOOST_TEST((lr.kind == DistKind::LogUniform));
    BOOST_TEST(lr.lo == 1e-5);
    BOOST_TEST(lr.hi == 1.0);
    const Distribution c = parse_distribution("nesterov=choice(0,1)");
    BOOST_TEST((c.kind == DistKind::Choice));
    BOOST_TEST(c.choices.size() == 2u);
    BOOST_TEST(parse_distribution("eps_inside_sqrt=uniform(0,1)").key == "eps-inside-sqrt");
}

BOOST_AUTO_TEST_CASE(a_malformed_distribution_points_at_its_column)
{
    try {
        parse_distribution("lr=logunifrom(1e-5,1)");
        BOOST_FAIL("accepted");
    } catch (const SourceError& e) {
        BOOST_TEST(e.pos().column == 4);
        BOOST_TEST(has(e, "unknown distribution 'logunifrom'"));
        BOOST_TEST(has(e, "hint:"));
    }
    try {
        parse_distribution("lr=loguniform(0,1)");
        BOOST_FAIL("accepted");
    } catch (const SourceError& e) {
        BOOST_TEST(e.pos().column == 15);
        BOOST_TEST(has(e, "LO > 0"));
    }
    BOOST_CHECK_THROW(parse_distribution("lr=uniform(1,0.5)"), SourceError);
    BOOST_CHECK_THROW(parse_distribution("lr=uniform(1)"), SourceError);
    BOOST_CHECK_THROW(parse_distribution("lr=int(1.5,3)"), SourceError);
    BOOST_CHECK_THROW(parse_distribution("lr=uniform(0,1) x"), SourceError);
}

BOOST_AUTO_TEST_CASE(draws_cover_the_distribution_at_its_ends)
{
    const Distribution lr = parse_distribution("lr=loguniform(1e-4,1)");
    BOOST_TEST(draw(lr, 0.0).number == 1e-4, boost::test_tools::tolerance(1e-12));
    BOOST_TEST(draw(lr, 0.5).number == 1e-2, boost::test_tools::tolerance(1e-12));
    const Distribution i = parse_distribution("k=int(1,3)");
    BOOST_TEST(draw(i, 0.0).number == 1.0);
    BOOST_TEST(draw(i, 0.99).number == 3.0);
    BOOST_TEST(draw(i, 0.5).text == "2");
    const Distribution c = parse_distribution("m=choice(0.5,0.9)");
    BOOST_TEST(draw(c, 0.7).text == "0.9");
}

BOOST_AUTO_TEST_CASE(a_trial_draws_the_same_values_whatever_else_is_searched)
{
    const auto adam = plugin("adam");
    const std::vector<Distribution> one{parse_distribution("lr=loguniform(1e-4,1)")};
    const std::vector<Distribution> two{parse_distribution("beta1=uniform(0.5,0.99)"), one[0]};
    const TrialConfig a = sample_trial(one, *adam, 7, "one-neuron", 3);
    const TrialConfig b = sample_trial(two, *adam, 7, "one-neuron", 3);
    BOOST_TEST(a.hparams[adam->find_hparam("lr")] == b.hparams[adam->find_hparam("lr")]);
    BOOST_TEST(sample_trial(one, *adam, 7, "one-neuron", 4).hparams != a.hparams);
    BOOST_TEST(sample_trial(one, *adam, 8, "one-neuron", 3).hparams != a.hparams);
    // Random numbers are a function of the key only: the same twice.
    BOOST_TEST(mix64({1, 2, 3}) == mix64({1, 2, 3}));
    BOOST_TEST(mix64({1, 2, 3}) != mix64({1, 3, 2}));
}

BOOST_AUTO_TEST_CASE(a_distribution_outside_the_hyperparameter_range_is_refused)
{
    const std::vector<std::shared_ptr<const Plugin>> opts{plugin("sgd"), plugin("adam")};
    try {
        check_distributions({parse_distribution("beta1=uniform(0.5,1.5)")}, opts);
        BOOST_FAIL("accepted");
    } catch (const Error& e) {
        BOOST_TEST(has(e, "outside beta1's range"));
        BOOST_TEST(has(e, "adam"));
    }
    BOOST_CHECK_THROW(check_distributions({parse_distribution("betta=uniform(0,1)")}, opts), Error);
    BOOST_CHECK_NO_THROW(check_distributions({parse_distribution("beta1=uniform(0.5,0.99)")}, opts));
}

BOOST_AUTO_TEST_CASE(a_search_for_a_whole_number_hyperparameter_must_draw_whole_numbers)
{
    const std::vector<std::shared_ptr<const Plugin>> opts{plugin("sgdplus")};
    try {
        check_distributions({parse_distribution("nesterov=uniform(0,1)")}, opts);
        BOOST_FAIL("accepted");
    } catch (const Error& e) {
        BOOST_TEST(has(e, "nesterov is a whole number for sgdplus"), e.what());
        BOOST_TEST(has(e, "hint: write nesterov=int(0,1)"), e.what());
    }
    BOOST_CHECK_THROW(check_distributions({parse_distribution("nesterov=choice(0,0.5)")}, opts), Error);
    BOOST_CHECK_NO_THROW(check_distributions({parse_distribution("nesterov=int(0,1)")}, opts));
    BOOST_CHECK_NO_THROW(check_distributions({parse_distribution("nesterov=choice(0,1)")}, opts));
}

BOOST_AUTO_TEST_CASE(a_draw_the_optimizer_refuses_stops_the_benchmark_before_it_runs)
{
    // beta1 is in [0, 1): the edge 1 passes the range check of the bounds, but a trial that draws it
    // would fail mid-benchmark, so every draw of the budget is validated first.
    const std::vector<std::shared_ptr<const Plugin>> opts{plugin("sgd"), plugin("adam")};
    const std::vector<Distribution> d{parse_distribution("beta1=choice(0.9,1)")};
    BOOST_CHECK_NO_THROW(check_distributions(d, opts));
    try {
        check_draws(d, opts, 0, {"one-neuron"}, 20);
        BOOST_FAIL("accepted");
    } catch (const Error& e) {
        BOOST_TEST(has(e, "--search beta1=choice(0.9,1): trial "), e.what());
        BOOST_TEST(has(e, "of adam on 'one-neuron' draws beta1=1, which adam refuses"), e.what());
        BOOST_TEST(has(e, "hint: "), e.what());
    }
    BOOST_CHECK_NO_THROW(check_draws({parse_distribution("beta1=choice(0.8,0.9)")}, opts, 0, {"one-neuron"}, 20));
}

BOOST_AUTO_TEST_CASE(halving_rungs_shrink_by_eta_and_end_at_the_full_budget)
{
    const auto r = halving_rungs(20, 2000, 3, 50);
    BOOST_TEST_REQUIRE(r.size() == 3u);
    BOOST_TEST(r[0].trials == 20u);
    BOOST_TEST(r[0].steps == 222u);
    BOOST_TEST(r[1].trials == 6u);
    BOOST_TEST(r[1].steps == 666u);
    BOOST_TEST(r[2].trials == 2u);
    BOOST_TEST(r[2].steps == 2000u);
    // A first rung shorter than one measurement is not made.
    BOOST_TEST(halving_rungs(20, 100, 3, 50).size() == 1u);
    BOOST_TEST(halving_rungs(2, 2000, 3, 50).size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_measure_has_the_sample_mean_and_sd_and_an_interval_around_the_mean)
{
    const Measure m = measure({1.0, 2.0, 3.0, 4.0, kInf}, 5);
    BOOST_TEST(m.count == 4u);
    BOOST_TEST(m.mean == 2.5);
    BOOST_TEST(m.sd == std::sqrt(5.0 / 3.0), boost::test_tools::tolerance(1e-12));
    BOOST_TEST(m.ci_low >= 1.0);
    BOOST_TEST(m.ci_low < 2.5);
    BOOST_TEST(m.ci_high > 2.5);
    BOOST_TEST(m.ci_high <= 4.0);
    const Measure again = measure({1.0, 2.0, 3.0, 4.0}, 5);
    BOOST_TEST(again.ci_low == m.ci_low); // seeded: the same interval every time
    BOOST_TEST(measure({kInf}, 1).count == 0u);
    BOOST_TEST(median({3.0, kInf, 1.0}) == 3.0);
    BOOST_TEST(std::isinf(median({3.0, kInf})));
}

BOOST_AUTO_TEST_CASE(the_area_under_a_curve_is_its_mean_over_the_steps)
{
    // Linear from 1 at step 0 (the first point held) ... trapezoids: (10*1 + 10*(1+0)/2) / 20 = 0.75.
    BOOST_TEST(area_under_curve({10, 20}, {1.0, 0.0}) == 0.75);
}

BOOST_AUTO_TEST_CASE(performance_profiles_count_the_problems_within_a_factor_of_the_best)
{
    // Two problems, two optimizers: A is best on p0 (100 vs 200), B best on p1 (50 vs A missing).
    const std::vector<std::vector<double>> t{{100, 200}, {kInf, 50}};
    const auto rho = performance_profile(t, {1.0, 2.0, 4.0});
    BOOST_TEST(rho[0][0] == 0.5);
    BOOST_TEST(rho[0][2] == 0.5);
    BOOST_TEST(rho[1][0] == 0.5);
    BOOST_TEST(rho[1][1] == 1.0);
    // Scores: A: (4-1)/ (2*3) = 0.5; B: ((4-2) + (4-1)) / 6.
    const auto s = profile_scores(t, 4.0);
    BOOST_TEST(s[0] == 0.5);
    BOOST_TEST(s[1] == 5.0 / 6.0, boost::test_tools::tolerance(1e-12));
    // A problem no optimizer solved counts for nobody.
    BOOST_TEST(profile_scores({{kInf, kInf}}, 4.0)[0] == 0.0);
}

BOOST_AUTO_TEST_CASE(the_profile_summary_names_the_best_score_and_the_most_wins_apart_when_they_differ)
{
    // c is second on every problem, within 1.1 of the best: the best score ((4 - 1.1) / 3 = 0.967),
    // yet the fastest on none; a is the fastest on two of the three problems.
    const std::vector<std::vector<double>> t{{100, kInf, 110}, {kInf, 100, 110}, {100, kInf, 110}};
    const std::string s = profile_sentence({"a", "b", "c"}, t);
    BOOST_TEST_MESSAGE(s);
    BOOST_TEST(s.find("Ranked by the profile's score: c 0.967, a 0.667, b 0.333.") != std::string::npos);
    BOOST_TEST(s.find("c has the best score; a is the fastest to the target most often, on 67% of the 3 problems "
                      "(c on 0%)") != std::string::npos);
    BOOST_TEST(s.find("c is the fastest") == std::string::npos);
    // When the best score also wins most problems, one clause says both.
    const std::string same = profile_sentence({"a", "b"}, {{100, 200}, {100, kInf}});
    BOOST_TEST(same.find("a has the best score and is the fastest to the target on 100% of the 2 problems") !=
               std::string::npos);
    // No target reached anywhere: nobody is called fastest.
    const std::string none = profile_sentence({"a", "b"}, {{kInf, kInf}});
    BOOST_TEST(none.find("No optimizer reached the target on any of the 1 problems.") != std::string::npos);
    BOOST_TEST(none.find("fastest") == std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_seed_spread_note_compares_only_means_over_every_seed)
{
    BenchSpec spec;
    spec.seeds = 3;
    spec.problems.resize(1);
    spec.problems[0].name = "p";
    spec.optimizers = {plugin("sgd"), plugin("adam"), plugin("sgdplus")};
    auto final_loss = [](std::vector<double> v) {
        CellScore c;
        c.final_loss = measure(v, 1);
        return c;
    };
    // sgd: 0.20 +- 0.02 on every seed; adam: within that spread; sgdplus: lower, but over the two
    // seeds that did not diverge, so it is no best and no competitor.
    std::vector<CellScore> scores{final_loss({0.18, 0.20, 0.22}), final_loss({0.205, 0.215, 0.225}),
                                  final_loss({0.01, 0.02, kInf})};
    auto notes = spread_notes(spec, scores);
    BOOST_TEST_REQUIRE(notes.size() == 1u);
    BOOST_TEST(has(std::runtime_error(notes[0]), "p: adam is within the seed spread of the best final test loss (sgd)"),
               notes[0]);
    // With every seed finished, sgdplus is the best and the others are far from it: no note.
    scores[2] = final_loss({0.01, 0.02, 0.015});
    BOOST_TEST(spread_notes(spec, scores).empty());
}

BOOST_AUTO_TEST_CASE(selection_prefers_reaching_the_target_then_fewer_steps_then_lower_loss)
{
    TrialResult a, b;
    a.final_loss = 0.5;
    b.final_loss = 0.1;
    a.steps_to_target = 900;
    BOOST_TEST(better_trial(a, b));
    b.steps_to_target = 400;
    BOOST_TEST(better_trial(b, a));
    a.steps_to_target = 400;
    BOOST_TEST(better_trial(b, a));
    b.final_loss = kInf;
    BOOST_TEST(better_trial(a, b));
}

BOOST_AUTO_TEST_CASE(a_trial_record_reads_back_as_written)
{
    TrialResult r;
    r.key = {"p \"1\"", "adam", "tune", 3, 2000, 7, Split::Test};
    r.values = {{"lr", "0.01"}};
    r.hparams = {0.01, 0.9, 0.999, 1e-8};
    r.curve = {{50, 0.001, 0.25}, {100, 0.002, kInf}};
    r.final_loss = kInf;
    r.best_loss = 0.25;
    r.steps_to_target = 50;
    r.seconds_to_target = 0.001;
    r.seconds = 0.002;
    r.stop = "non-finite";
    const TrialResult back = parse_trial_json(trial_json(r), "t");
    BOOST_TEST(back.key.id() == r.key.id());
    BOOST_TEST((back.key.split == Split::Test));
    BOOST_TEST(back.hparams == r.hparams);
    BOOST_TEST(std::isinf(back.final_loss));
    BOOST_TEST(std::isinf(back.curve[1].loss));
    BOOST_TEST(*back.steps_to_target == 50u);
    BOOST_TEST(trial_json(back) == trial_json(r));
    try {
        parse_trial_json("{\"problem\": 1", "trials/x.json");
        BOOST_FAIL("accepted");
    } catch (const Error& e) {
        BOOST_TEST(has(e, "trials/x.json: not a trial record"));
        BOOST_TEST(has(e, "hint: remove the file"));
    }
}

BOOST_AUTO_TEST_CASE(a_problem_file_declares_problems_and_its_errors_name_line_and_column)
{
    const auto ps = parse_problem_text("# two problems\n[problem a]\nmodel = one-neuron\ntarget = 0.1\nsteps = 500\n"
                                       "[problem b]\nmodel = multi-neuron\ntarget = 0.2\nbatch-size = 4\n",
                                       "p.ini", ".");
    BOOST_TEST_REQUIRE(ps.size() == 2u);
    BOOST_TEST(ps[0].steps == 500u);
    BOOST_TEST(ps[1].batch_size == 4u);
    BOOST_TEST(ps[1].target == 0.2);
    error_at("[problem a]\nmodel = one-neuron\nsteps = 0\ntarget = 1\n", 3, 9, "not a whole number of at least 1");
    error_at("[problem a]\nmodel = one-neuron\n  tagret = 1\n", 3, 3, "unknown key 'tagret'");
    error_at("[problem a]\nmodel = one-neuron\n", 1, 1, "has no target");
    error_at("[problem a]\nmodel = nosuch.cgp\ntarget = 1\n", 2, 9, "nosuch.cgp");
    error_at("model = one-neuron\n", 1, 1, "before the first '[problem NAME]'");
    error_at("[problem a]\nmodel = one-neuron\ntarget = 1\n[problem a]\n", 4, 10, "declared twice");
    error_at("[problem a b]\n", 1, 10, "not a problem name");
}

BOOST_AUTO_TEST_CASE(a_problem_file_declares_layered_classifiers_with_their_loss_as_the_real_suite_does)
{
    const auto ps = parse_problem_text("[problem c]\nlayers = 4 8 3\nactivation = relu\nloss = cross-entropy\n"
                                       "data = d.csv\nlabels = y\ntarget = 0.2\n"
                                       "[problem d]\nlayers = 4 2 1\nloss = bce\ninit = uniform:-0.1,0.1\n"
                                       "target = 0.3\n",
                                       "p.ini", "/data");
    BOOST_TEST_REQUIRE(ps.size() == 2u);
    BOOST_TEST(ps[0].model_name == "layers 4 8 3, relu");
    BOOST_TEST((ps[0].loss == Loss::CrossEntropy));
    BOOST_TEST((ps[0].init.scheme == InitScheme::Auto)); // cgp-run's default for --layers
    BOOST_TEST(ps[0].data.source == "/data/d.csv");
    BOOST_TEST(ps[0].model.generated);
    BOOST_TEST(ps[1].model_name == "layers 4 2 1, sigmoid");
    BOOST_TEST((ps[1].loss == Loss::Bce));
    BOOST_TEST((ps[1].init.scheme == InitScheme::Uniform));
    BOOST_TEST(ps[1].init.a == -0.1);
    struct Case {
        const char* text;
        int line, column;
        const char* message;
    };
    const Case cases[] = {
        {"[problem a]\nlayers = 4\ntarget = 1\n", 2, 10, "at least two sizes"},
        {"[problem a]\nlayers = 4 x 1\ntarget = 1\n", 2, 12, "'x' is not a whole number"},
        {"[problem a]\nmodel = one-neuron\nlayers = 4 2 1\ntarget = 1\n", 3, 10, "both a model and layers"},
        {"[problem a]\nlayers = 4 2 1\nloss = hinge\ntarget = 1\n", 3, 8, "hinge"},
        {"[problem a]\nlayers = 4 2 1\nactivation = swish2\ntarget = 1\n", 3, 14, "swish2"},
        {"[problem a]\nmodel = one-neuron\nactivation = relu\ntarget = 1\n", 1, 1, "an activation but no layers"},
        // A CSV problem without labels: the error names the problem's own section.
        {"[problem a]\nmodel = one-neuron\ntarget = 1\n\n[problem b]\nmodel = one-neuron\ndata = x.csv\ntarget = 1\n",
         5, 1, "problem 'b' reads a CSV file but names no labels"},
    };
    for (const Case& c : cases)
        error_at(c.text, c.line, c.column, c.message);
}

BOOST_AUTO_TEST_CASE(generated_held_out_data_is_a_fresh_sample_apart_from_the_training_data)
{
    BenchProblem p;
    p.name = "one-neuron";
    p.model = preset_model("one-neuron");
    const auto sgd = plugin("sgd");
    const Dataset validation = heldout_data(p, Split::Validation, 0, sgd);
    const Dataset test = heldout_data(p, Split::Test, 0, sgd);
    RunSettings s;
    const Experiment training(p.model, p.data, sgd, sgd->defaults(), s);
    BOOST_TEST(validation.samples == training.dataset().samples);
    BOOST_TEST(validation.x != training.dataset().x);
    BOOST_TEST(validation.x != test.x);
    BOOST_TEST(heldout_data(p, Split::Validation, 0, sgd).x == validation.x); // seeded
}

BOOST_AUTO_TEST_CASE(a_standardised_problem_scales_its_held_out_files_by_the_training_rows)
{
    // Training rows xa = 0..9 (mean 4.5); held-out rows xa = 100..104: scaled by the training rows'
    // statistics they stay far above the training range, scaled by their own they would centre on 0.
    const auto dir = std::filesystem::temp_directory_path() / "cgp-bench-standardised-held-out-test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    auto rows = [](int from, int to) {
        std::string csv = "xa,xb,y\n";
        for (int r = from; r < to; ++r)
            csv += std::to_string(r) + "," + std::to_string(r % 3) + "," + std::to_string(r % 2) + "\n";
        return csv;
    };
    write_text_file(dir / "train.csv", rows(0, 10));
    write_text_file(dir / "validation.csv", rows(100, 105));
    write_text_file(dir / "test.csv", rows(200, 205));
    auto ps = parse_problem_text("[problem z]\nlayers = 2 1\ndata = train.csv\nlabels = y\nstandardize = yes\n"
                                 "validation = validation.csv\ntest = test.csv\ntarget = 0.1\nsteps = 20\n",
                                 "p.ini", dir);
    BOOST_TEST_REQUIRE(ps.size() == 1u);
    const BenchProblem& p = ps[0];
    const auto sgd = plugin("sgd");
    // The reference: cgp-run's --data train.csv --validation validation.csv --test test.csv --standardize.
    DataChoice whole = p.data;
    whole.validation = p.validation;
    whole.test = p.test;
    RunSettings s;
    s.iterations = 1;
    const Experiment reference(p.model, whole, sgd, sgd->defaults(), s);
    const Dataset validation = heldout_data(p, Split::Validation, 3, sgd);
    const Dataset test = heldout_data(p, Split::Test, 3, sgd);
    BOOST_TEST_REQUIRE(validation.samples == 5u);
    BOOST_TEST(validation.x == reference.validation().x);
    BOOST_TEST(test.x == reference.test().x);
    double mean = 0.0;
    for (std::size_t r = 0; r < validation.samples; ++r)
        mean += validation.x[r * 2] / static_cast<double>(validation.samples);
    BOOST_TEST(mean > 10.0); // (102 - 4.5) / sd(0..9) is about 34
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_split_problem_selects_on_its_validation_rows_and_reports_on_its_test_rows)
{
    // 40 rows, each named by its xa (the row number): 30 of class a, 10 of class b.
    const auto dir = std::filesystem::temp_directory_path() / "cgp-bench-split-test";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::string csv = "xa,xb,y\n";
    for (int r = 0; r < 40; ++r)
        csv += std::to_string(r) + "," + std::to_string(r % 7) + (r % 4 == 3 ? ",b\n" : ",a\n");
    write_text_file(dir / "all.csv", csv);
    auto ps = parse_problem_text("[problem s]\nlayers = 2 4 2\nloss = cross-entropy\ndata = all.csv\nlabels = y\n"
                                 "split = 0.5, 0.25, 0.25\ntarget = 0.1\nsteps = 20\neval-every = 10\n",
                                 "p.ini", dir);
    BOOST_TEST_REQUIRE(ps.size() == 1u);
    BOOST_TEST((ps[0].split == std::vector<double>{0.5, 0.25, 0.25}));
    BenchProblem p = ps[0];
    write_split(p, p.split, dir / "data");
    BOOST_TEST(p.validation == (dir / "data" / "s-validation.csv").string());
    BOOST_TEST(p.test == (dir / "data" / "s-test.csv").string());
    const auto sgd = plugin("sgd");
    // The reference: cgp-run's --split 0.5,0.25,0.25 --seed 0 of the same file.
    DataChoice whole = ps[0].data;
    whole.split = {0.5, 0.25, 0.25};
    RunSettings s;
    s.iterations = 1;
    s.loss = Loss::CrossEntropy;
    const Experiment reference(p.model, whole, sgd, sgd->defaults(), s);
    const Dataset validation = heldout_data(p, Split::Validation, 5, sgd);
    const Dataset test = heldout_data(p, Split::Test, 5, sgd);
    const Experiment training(p.model, p.data, sgd, sgd->defaults(), s);
    BOOST_TEST(validation.x == reference.validation().x);
    BOOST_TEST(test.x == reference.test().x);
    BOOST_TEST(training.dataset().x == reference.dataset().x);
    // Stratified: a's 30 rows give 8 + 8 + 14, b's 10 give 3 + 3 + 4; every row in one split.
    const auto count = [](const Dataset& d, int c) { return std::count(d.classes.begin(), d.classes.end(), c); };
    BOOST_TEST(count(validation, 0) == 8);
    BOOST_TEST(count(validation, 1) == 3);
    BOOST_TEST(count(test, 1) == 3);
    BOOST_TEST(count(training.dataset(), 1) == 4);
    std::vector<double> rows;
    for (const Dataset* d : {&validation, &test, &training.dataset()})
        for (std::size_t r = 0; r < d->samples; ++r)
            rows.push_back(d->x[r * 2]);
    std::sort(rows.begin(), rows.end());
    BOOST_TEST_REQUIRE(rows.size() == 40u);
    for (std::size_t r = 0; r < 40; ++r)
        BOOST_TEST(rows[r] == static_cast<double>(r));
    // The benchmark tunes on the validation split and measures the chosen configuration on the test split.
    BenchSpec spec;
    spec.problems = {p};
    spec.optimizers = {sgd};
    spec.budget = 2;
    spec.seeds = 2;
    std::filesystem::remove_all(dir / "bench");
    const Journal journal(dir / "bench");
    const BenchOutcome outcome = run_bench(spec, journal, 1, false);
    BOOST_TEST_REQUIRE(outcome.cells.size() == 1u);
    const Cell& cell = outcome.cells[0];
    BOOST_TEST_REQUIRE(cell.tuning.size() == 2u);
    BOOST_TEST_REQUIRE(cell.finals.size() == 2u);
    for (const TrialResult& t : cell.tuning)
        BOOST_TEST((t.key.split == Split::Validation));
    for (const TrialResult& t : cell.finals)
        BOOST_TEST((t.key.split == Split::Test));
    // Their losses are those of the two files: the final's run measured on validation instead differs.
    TrialKey on_validation = cell.finals[0].key;
    on_validation.split = Split::Validation;
    const TrialResult other = run_trial(p, sgd, on_validation, cell.finals[0].hparams, nullptr);
    BOOST_TEST(other.final_loss != cell.finals[0].final_loss);
    std::filesystem::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_bad_split_in_a_problem_file_points_at_its_column)
{
    const std::string head =
        "[problem a]\nlayers = 2 4 2\nloss = cross-entropy\ndata = d.csv\nlabels = y\ntarget = 1\n";
    error_at(head + "split = 0.6,x,0.2\n", 7, 13, "'x' is not a fraction from 0 to 1");
    error_at(head + "split = 0.6, 1.5,0.2\n", 7, 14, "'1.5' is not a fraction");
    error_at(head + "split = 0.6,0.4\n", 7, 9, "has 2 fractions, not three");
    error_at(head + "split = 0.6,0.3,0.3\n", 7, 9, "sum to 1.2 instead of 1");
    error_at(head + "split = 0.8,0.2,0\n", 7, 17, "the test fraction is 0");
    error_at(head + "split = 0.6,0.2,0.2\ntest = t.csv\n", 8, 1, "both a split and validation or test files");
    error_at(head + "validation = v.csv\nsplit = 0.6,0.2,0.2\n", 8, 1, "both a split and validation or test files");
    error_at("[problem g]\nmodel = one-neuron\ntarget = 1\n  split = 0.6,0.2,0.2\n", 4, 3, "splits generated data");
}

BOOST_AUTO_TEST_CASE(report_texts_are_escaped_for_html_and_markdown)
{
    BOOST_TEST(html_text("<b>\"a\" & 'b'</b>") == "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;");
    BOOST_TEST(html_text("\xff") == "\xEF\xBF\xBD");
    BOOST_TEST(markdown_text("a|b *c* [d](e)\nf") == "a\\|b \\*c\\* \\[d\\]\\(e\\) f");
}

BOOST_AUTO_TEST_CASE(parallel_runs_are_checked_for_memory_together)
{
    BOOST_TEST(parallel_memory({5, 1, 9, 3}, 2) == 14u);
    BOOST_TEST(parallel_memory({5, 1, 9, 3}, 8) == 18u);
    BOOST_CHECK_NO_THROW(check_parallel_memory({6, 6}, 1, 10)); // one at a time fits
    BOOST_CHECK_NO_THROW(check_parallel_memory({6, 6}, 2, std::nullopt));
    try {
        check_parallel_memory({6ull << 30, 6ull << 30, 6ull << 30}, 3, 10ull << 30);
        BOOST_FAIL("accepted");
    } catch (const Error& e) {
        BOOST_TEST(has(e, "3 runs in parallel need about 18.00 GiB"));
        BOOST_TEST(has(e, "--jobs 1"));
    }
}

BOOST_AUTO_TEST_SUITE_END()
