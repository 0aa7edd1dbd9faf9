// Checks "converges_sphere", "converges_booth", "converges_rosenbrock" and
// "converges_logistic_regression": ensmallen-style convergence within a step budget, full batch, f64.
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
    out.push_back({lr >= 0 ? fmt::format("the defaults (lr={})", plugin.hparams()[static_cast<std::size_t>(lr)].default_value)
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

RunResult optimize(const Stepper& stepper, const Problem& problem, std::uint64_t budget)
{
    const std::vector<double> x0 = problem.initial_point();
    const std::size_t n = x0.size();
    Arrays<double> a(n, stepper.state_count());
    for (std::size_t i = 0; i < n; ++i)
        a.params[i] = x0[i];
    RunResult r;
    for (std::uint64_t t = 1; t <= budget; ++t) {
        problem.gradient(a.params.span(), a.grads.span());
        stepper.step(t, false, a);
        if (t % kCheckEvery != 0 && t != budget)
            continue;
        r.steps = t;
        r.loss = problem.loss(a.params.span());
        if (!std::isfinite(r.loss)) {
            r.where = fmt::format("the loss became {} at step {}", r.loss, t);
            return r;
        }
        if (problem.solved(a.params.span())) {
            r.solved = true;
            break;
        }
    }
    r.where = problem.describe(a.params.span());
    return r;
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
            return pass(fmt::format("solved with {} in {} steps: {}", attempt.label, r.steps, r.where));
        if (best_label.empty() || r.loss < best.loss) {
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
