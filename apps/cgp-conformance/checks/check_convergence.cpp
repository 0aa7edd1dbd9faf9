// Checks "converges_sphere", "converges_booth", "converges_rosenbrock" and
// "converges_logistic_regression": ensmallen-style convergence within a step budget, full batch, f64,
// each problem copied side by side over several SIMD blocks (the first copy and the last, which ends in
// the scalar tail, must both be solved, and alike).
// The plugin's defaults are tried first, then a grid of learning rates (when it has "lr"); the report
// says which one solved the problem.
#include "check_support.hpp"
#include "checks.hpp"
#include "problems.hpp"

#include <fmt/ranges.h>

#include <cmath>
#include <limits>

namespace cgp::conformance {

namespace {

const double kLearningRates[] = {1.0, 0.3, 0.1, 0.03, 0.01, 0.003, 0.001, 3e-4, 1e-4};
constexpr std::uint64_t kCheckEvery = 10;

struct Attempt {
    std::string label;
    std::vector<double> hparams;
};

std::vector<Attempt> attempts(const Plugin& plugin)
{
    std::vector<Attempt> out;
    const int lr = plugin.find_hparam("lr");
    out.push_back(
        {lr >= 0 ? fmt::format("the defaults (lr={})", plugin.hparams()[static_cast<std::size_t>(lr)].default_value)
                 : std::string("the defaults"),
         plugin.defaults()});
    if (lr < 0)
        return out;
    for (double rate : kLearningRates) {
        auto hp = defaults_with(plugin, "lr", rate);
        if (!hp || rate == plugin.defaults()[static_cast<std::size_t>(lr)])
            continue;
        out.push_back({fmt::format("lr={}", rate), std::move(*hp)});
    }
    return out;
}

struct RunResult {
    bool solved = false;
    std::uint64_t steps = 0;
    double loss = std::numeric_limits<double>::infinity();
    std::string where;
};

// Copies of the problem side by side, enough to fill several SIMD blocks of any width (at least 50
// doubles), so the optimizer runs on them in whole blocks and in the scalar tail, as on a real model.
constexpr std::size_t kMinEmbeddedLength = 50;

std::size_t copies_for(std::size_t n)
{
    return (kMinEmbeddedLength + n - 1) / n;
}

RunResult optimize(const Stepper& stepper, const Problem& problem, std::uint64_t budget)
{
    const std::vector<double> x0 = problem.initial_point();
    const std::size_t n = x0.size(), copies = copies_for(n);
    Arrays<double> a(n * copies, stepper.state_count());
    for (std::size_t c = 0; c < copies; ++c)
        for (std::size_t i = 0; i < n; ++i)
            a.params[c * n + i] = x0[i];
    auto copy = [&](AlignedArray<double>& v, std::size_t c) { return v.span().subspan(c * n, n); };
    const std::size_t last = copies - 1;
    if (ClosureHost* closure = stepper.closure()) // the plugin evaluates the problem itself, every copy
        closure->set_objective([&](std::span<const double> x, std::span<double> g) {
            double loss = 0.0;
            for (std::size_t c = 0; c < copies; ++c) {
                problem.gradient(x.subspan(c * n, n), g.subspan(c * n, n));
                loss += problem.loss(x.subspan(c * n, n));
            }
            return loss;
        });
    RunResult r;
    for (std::uint64_t t = 1; t <= budget; ++t) {
        for (std::size_t c = 0; c < copies; ++c)
            problem.gradient(copy(a.params, c), copy(a.grads, c));
        stepper.step(t, false, a);
        if (t % kCheckEvery != 0 && t != budget)
            continue;
        r.steps = t;
        r.loss = std::max(problem.loss(copy(a.params, 0)), problem.loss(copy(a.params, last)));
        if (!std::isfinite(r.loss)) {
            r.where = fmt::format("the loss became {} at step {}", r.loss, t);
            return r;
        }
        if (problem.solved(copy(a.params, 0)) && problem.solved(copy(a.params, last))) {
            r.solved = true;
            break;
        }
    }
    r.where = problem.describe(copy(a.params, 0));
    if (stepper.plugin().descriptor().simd_max_ulp == 0)
        for (std::size_t i = 0; i < n; ++i)
            if (ulp_distance(a.params[i], a.params[last * n + i]) != 0)
                fail("{} embedded {} times in {} elements: after {} steps the first copy (in a whole SIMD block) "
                     "and the last (at the array's end, in the scalar tail) moved apart: x[{}] = {} vs {}; the "
                     "update must treat elements alike wherever they fall (see simd_equals_scalar)",
                     problem.name(), copies, n * copies, r.steps, i, num(a.params[i]), num(a.params[last * n + i]));
    return r;
}

// Whether a run's result is a better report than the best so far: any finite loss beats a
// non-finite one, then the lower loss wins.
bool better(const RunResult& r, const RunResult& best, bool have_best)
{
    if (!have_best)
        return true;
    if (std::isfinite(r.loss) != std::isfinite(best.loss))
        return std::isfinite(r.loss);
    return r.loss < best.loss;
}

Outcome converge(const Plugin& plugin, const Problem& problem, std::uint64_t budget)
{
    std::vector<std::string> tried;
    RunResult best;
    std::string best_label;
    for (const Attempt& attempt : attempts(plugin)) {
        std::optional<Stepper> stepper;
        try {
            stepper.emplace(plugin, attempt.hparams);
        } catch (const Error&) {
            continue; // the plugin refuses this learning rate
        }
        note_progress(fmt::format("optimizing {} with {}", problem.name(), attempt.label));
        tried.push_back(attempt.label);
        const RunResult r = optimize(*stepper, problem, budget);
        if (r.solved)
            return pass(
                fmt::format("solved with {} in {} steps{}: {} (in {} copies over {} elements)", attempt.label, r.steps,
                            stepper->closure() != nullptr
                                ? fmt::format(" and {} evaluations of its closure", stepper->closure()->evaluations())
                                : std::string(),
                            r.where, copies_for(problem.initial_point().size()),
                            copies_for(problem.initial_point().size()) * problem.initial_point().size()));
        if (better(r, best, !best_label.empty())) {
            best = r;
            best_label = attempt.label;
        }
    }
    fail("{} not solved within {} steps ({}); tried {}; best: {} with {}. If the update is right, its step may be too "
         "large or too small for every learning rate tried",
         problem.name(), budget, problem.tolerance(), fmt::join(tried, ", "), best.where.empty() ? "-" : best.where,
         best_label.empty() ? "-" : best_label);
}

} // namespace

Outcome check_converges_sphere(const Plugin& plugin)
{
    return converge(plugin, *make_sphere(), 10'000);
}

Outcome check_converges_booth(const Plugin& plugin)
{
    return converge(plugin, *make_booth(), 20'000);
}

Outcome check_converges_rosenbrock(const Plugin& plugin)
{
    return converge(plugin, *make_rosenbrock(), 100'000);
}

Outcome check_converges_logistic_regression(const Plugin& plugin)
{
    return converge(plugin, *make_logistic_regression(17), 10'000);
}

} // namespace cgp::conformance
