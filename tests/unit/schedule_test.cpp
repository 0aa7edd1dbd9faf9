// Schedules: every kind against torch.optim.lr_scheduler's forms written out here independently
// (the recursive "chainable" forms where torch has them), the step mapping (step t = torch epoch
// t - 1), warmup, reduce-on-plateau's state machine, and the parser's messages with their caret.
#include <cgp/io/error.hpp>
#include <cgp/training/schedule.hpp>

#include <boost/test/unit_test.hpp>

#include <cmath>
#include <numbers>
#include <string>
#include <vector>

using namespace cgp;

namespace {

constexpr double kPi = std::numbers::pi;

Schedule resolved(const std::string& text, std::uint64_t planned)
{
    return resolve_schedule(parse_schedule(text), planned);
}

// The value at every step 1..n.
std::vector<double> values(const Schedule& s, double base, std::uint64_t n)
{
    std::vector<double> v;
    for (std::uint64_t t = 1; t <= n; ++t)
        v.push_back(schedule_value(s, base, t, base));
    return v;
}

bool close(double a, double b)
{
    return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b));
}

void check_all(const std::vector<double>& got, const std::vector<double>& want)
{
    BOOST_REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i)
        BOOST_TEST_REQUIRE(close(got[i], want[i]), "step " << i + 1 << ": " << got[i] << " != " << want[i]);
}

std::string parse_error(const std::string& text)
{
    try {
        parse_schedule(text);
    } catch (const Error& e) {
        return e.what();
    }
    BOOST_FAIL("parsed: " + text);
    return {};
}

bool contains(const std::string& s, const std::string& part)
{
    return s.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(schedules)

BOOST_AUTO_TEST_CASE(steplr_matches_torchs_chainable_form_one_step_per_epoch)
{
    // torch StepLR.get_lr: unchanged unless epoch % step_size == 0 (and epoch > 0), then times gamma.
    std::vector<double> want;
    double lr = 0.1;
    for (int epoch = 0; epoch < 50; ++epoch) {
        if (epoch > 0 && epoch % 7 == 0)
            lr *= 0.5;
        want.push_back(lr);
    }
    check_all(values(resolved("lr=step(7, gamma=0.5)", 50), 0.1, 50), want);
}

BOOST_AUTO_TEST_CASE(multisteplr_matches_torchs_chainable_form)
{
    std::vector<double> want;
    double lr = 2.0;
    for (int epoch = 0; epoch < 40; ++epoch) {
        if (epoch == 5 || epoch == 12 || epoch == 30)
            lr *= 0.3;
        want.push_back(lr);
    }
    check_all(values(resolved("multistep(5,12,30,gamma=0.3)", 40), 2.0, 40), want);
}

BOOST_AUTO_TEST_CASE(exponentiallr_matches_torchs_chainable_form)
{
    std::vector<double> want;
    double lr = 0.01;
    for (int epoch = 0; epoch < 60; ++epoch) {
        if (epoch > 0)
            lr *= 0.95;
        want.push_back(lr);
    }
    check_all(values(resolved("exponential(0.95)", 60), 0.01, 60), want);
}

BOOST_AUTO_TEST_CASE(cosineannealinglr_matches_torchs_recursive_form_over_the_planned_steps)
{
    // torch CosineAnnealingLR.get_lr's recursion, T_max = the planned steps.
    const int T = 40;
    const double base = 0.1, eta_min = 0.001;
    std::vector<double> want;
    double lr = base;
    for (int e = 0; e < T; ++e) {
        if (e > 0)
            lr = (1 + std::cos(kPi * e / T)) / (1 + std::cos(kPi * (e - 1) / T)) * (lr - eta_min) + eta_min;
        want.push_back(lr);
    }
    check_all(values(resolved("lr=cosine(min=0.001)", T), base, T), want);
}

BOOST_AUTO_TEST_CASE(polynomiallr_matches_torchs_recursive_form)
{
    const int total = 30;
    const double power = 2.0;
    std::vector<double> want;
    double lr = 0.5;
    for (int e = 0; e < total; ++e) {
        if (e > 0)
            lr *= std::pow((1.0 - double(e) / total) / (1.0 - double(e - 1) / total), power);
        want.push_back(lr);
    }
    check_all(values(resolved("polynomial(power=2)", total), 0.5, total), want);
}

BOOST_AUTO_TEST_CASE(linearlr_matches_torchs_recursive_form_in_absolute_values)
{
    // LinearLR(start_factor=0.5/0.9, end_factor=1, total_iters=20) on base 0.9, then held.
    const double base = 0.9, start = 0.5 / 0.9, end = 1.0;
    const int total = 20;
    std::vector<double> want;
    double lr = base * start;
    for (int e = 0; e < 35; ++e) {
        if (e > 0 && e <= total)
            lr *= 1.0 + (end - start) / (total * start + (e - 1) * (end - start));
        want.push_back(lr);
    }
    check_all(values(resolved("momentum=linear(0.5,0.9,20)", 35), base, 35), want);
}

BOOST_AUTO_TEST_CASE(onecyclelr_with_cos_annealing_and_its_defaults)
{
    // OneCycleLR(max_lr=base, total_steps=100): initial base/25, peak at epoch 0.3*100-1 = 29,
    // final base/25/1e4 at epoch 99.
    const double base = 0.4;
    const Schedule s = resolved("onecycle", 100);
    const auto anneal = [](double a, double b, double pct) { return b + (a - b) / 2 * (std::cos(kPi * pct) + 1); };
    for (int e = 0; e < 100; ++e) {
        const double want =
            e <= 29 ? anneal(base / 25, base, e / 29.0) : anneal(base, base / 25 / 1e4, (e - 29) / 70.0);
        BOOST_TEST_REQUIRE(close(schedule_value(s, base, e + 1, base), want), "epoch " << e);
    }
    BOOST_TEST(close(schedule_value(s, base, 1, base), base / 25));
    BOOST_TEST(close(schedule_value(s, base, 30, base), base));
    BOOST_TEST(close(schedule_value(s, base, 100, base), base / 25 / 1e4));
}

BOOST_AUTO_TEST_CASE(constant_keeps_the_base_value)
{
    check_all(values(resolved("lr=constant", 10), 0.3, 10), std::vector<double>(10, 0.3));
}

BOOST_AUTO_TEST_CASE(warmup_rises_from_zero_then_the_schedule_starts_at_its_own_epoch_zero)
{
    // warmup(10)+cosine over 110 planned steps: steps 1..10 are base*(t-1)/10, then a cosine over 100.
    const Schedule s = resolved("warmup(10)+cosine", 110);
    BOOST_TEST(s.steps == 100u);
    for (std::uint64_t t = 1; t <= 10; ++t)
        BOOST_TEST(close(schedule_value(s, 2.0, t, 2.0), 2.0 * double(t - 1) / 10));
    for (std::uint64_t t = 11; t <= 110; ++t)
        BOOST_TEST_REQUIRE(close(schedule_value(s, 2.0, t, 2.0), (1 + std::cos(kPi * double(t - 11) / 100))));
    const Schedule from = resolved("warmup(4,from=0.5)+constant", 10);
    BOOST_TEST(close(schedule_value(from, 1.0, 1, 1.0), 0.5));
    BOOST_TEST(close(schedule_value(from, 1.0, 3, 1.0), 0.75));
    BOOST_TEST(close(schedule_value(from, 1.0, 5, 1.0), 1.0));
}

BOOST_AUTO_TEST_CASE(reduce_on_plateau_follows_torchs_state_machine)
{
    // factor 0.5, patience 2, cooldown 1, rel threshold 1e-4, min 0.2; one step per loss record.
    const Schedule s = parse_schedule("lr=plateau(factor=0.5,patience=2,cooldown=1,min=0.2)");
    PlateauState st = plateau_start(1.0);
    const std::vector<double> losses{1.0, 0.5, 0.49996, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9};
    // 0.49996 is not better than 0.5 * (1 - 1e-4) = 0.49995: a bad epoch.
    const std::vector<double> want{1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25, 0.25, 0.2, 0.2, 0.2};
    for (std::size_t i = 0; i < losses.size(); ++i) {
        plateau_step(s, st, losses[i]);
        BOOST_TEST_REQUIRE(st.value == want[i], "record " << i + 1);
    }
    BOOST_TEST(st.best == 0.5);
}

BOOST_AUTO_TEST_CASE(a_nan_loss_record_counts_as_a_bad_epoch)
{
    const Schedule s = parse_schedule("plateau(patience=0)");
    PlateauState st = plateau_start(1.0);
    plateau_step(s, st, 1.0);
    plateau_step(s, st, std::nan(""));
    BOOST_TEST(close(st.value, 0.1));
}

BOOST_AUTO_TEST_CASE(the_name_defaults_to_lr_and_dashes_read_as_underscores)
{
    BOOST_TEST(parse_schedule("cosine(min=1e-5)").hparam == "lr");
    BOOST_TEST(parse_schedule("eps-inside-sqrt=constant").hparam == "eps_inside_sqrt");
    BOOST_TEST(parse_schedule("lr = warmup(5) + step(3)").warmup == 5u);
}

BOOST_AUTO_TEST_CASE(breakpoints_split_the_steps_into_monotone_pieces)
{
    const Schedule s = resolved("warmup(10)+onecycle", 110);
    const std::vector<std::uint64_t> b = schedule_breakpoints(s, 110);
    const std::vector<std::uint64_t> want{1, 10, 11, 40, 41, 110};
    BOOST_TEST(b == want, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(malformed_spellings_are_refused_with_a_caret_under_the_error)
{
    const std::string kind = parse_error("lr=warmup(500)+cosin(min=1e-5)");
    BOOST_TEST(contains(kind, "--schedule:1:16: error: unknown schedule kind 'cosin'"));
    BOOST_TEST(contains(kind, "\n  lr=warmup(500)+cosin(min=1e-5)\n                 ^"));
    BOOST_TEST(contains(
        kind, "hint: kinds are: constant step multistep exponential cosine polynomial linear onecycle plateau"));
    BOOST_TEST(contains(parse_error("lr=cosine(min=1e-5"), "1:19: error: expected ')' at the end"));
    BOOST_TEST(contains(parse_error("lr=cosine(mim=1)"), "1:11: error: cosine has no argument 'mim'"));
    BOOST_TEST(contains(parse_error("lr=cosine(min=abc)"), "1:15: error: expected a number here"));
    BOOST_TEST(contains(parse_error("lr=step(2.5)"), "1:9: error: expected a whole number of steps here"));
    BOOST_TEST(contains(parse_error("lr=step()"), "step needs its argument 'size'"));
    BOOST_TEST(contains(parse_error("lr=exponential(0.9, 2)"), "exponential takes at most 1 argument"));
    BOOST_TEST(contains(parse_error("lr=cosine(min=1,min=2)"), "argument 'min' is given twice"));
    BOOST_TEST(contains(parse_error("lr=cosine+step(3)"), "only warmup(...) composes with '+'"));
    BOOST_TEST(contains(parse_error("lr=multistep(5,3)"), "increasing order"));
    BOOST_TEST(contains(parse_error("lr=plateau(factor=2)"), "plateau's factor must be in (0, 1)"));
    BOOST_TEST(contains(parse_error("lr=linear(0.5,0.9)"), "linear needs its argument 'steps'"));
    BOOST_TEST(contains(parse_error("lr="), "1:4: error: expected a schedule kind"));
    BOOST_TEST(contains(parse_error("lr=constant)"), "unexpected ')' after the schedule"));
}

BOOST_AUTO_TEST_CASE(a_warmup_as_long_as_the_run_is_refused)
{
    BOOST_CHECK_EXCEPTION(resolved("warmup(100)+cosine", 100), Error, [](const Error& e) {
        return contains(e.what(), "the warmup of 100 steps does not end before the planned 100 steps");
    });
}

BOOST_AUTO_TEST_SUITE_END()
