// Running one benchmark trial and reading its held-out curve.
#include "trial.hpp"

#include "grid.hpp"

#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace cgp::sweep {

std::string TrialKey::id() const
{
    return fmt::format("{}~{}~{}~{}~{}~{}", file_safe(problem), file_safe(optimizer), stage, index, steps, seed);
}

TrialResult run_trial(const BenchProblem& problem, const std::shared_ptr<const Plugin>& plugin, const TrialKey& key,
                      const std::vector<double>& hparams, const std::atomic<int>* stop)
{
    TrialResult r;
    r.key = key;
    r.hparams = hparams;
    try {
        RunSettings settings;
        settings.iterations = key.steps;
        settings.batch_size = problem.batch_size;
        settings.seed = key.seed;
        settings.train.log_every = std::max<std::uint64_t>(1, problem.eval_every);
        settings.train.stop_signal = stop;
        apply_fit(problem, settings);
        const Dataset heldout = heldout_data(problem, key.split, key.seed, plugin);
        Experiment run(problem.model, problem.data, plugin, hparams, settings);
        HeldOutMeter meter(run, heldout, problem.eval_every, key.seed);
        TrainObserver* observers[] = {&meter};
        const TrainSummary summary = run.run(observers);
        r.interrupted = summary.reason == StopReason::Interrupted;
        r.stop = std::string(to_string(summary.reason));
        r.curve = meter.curve();
        r.seconds = r.curve.empty() ? summary.seconds : r.curve.back().seconds;
    } catch (const Error& e) {
        throw Error(fmt::format("trial {}: {}", key.id(), e.what()));
    }
    const double inf = std::numeric_limits<double>::infinity();
    const bool diverged = r.stop != "completed";
    r.final_loss = r.curve.empty() || diverged || !std::isfinite(r.curve.back().loss) ? inf : r.curve.back().loss;
    r.best_loss = inf;
    for (const HeldOutPoint& p : r.curve) {
        if (!std::isfinite(p.loss))
            continue;
        r.best_loss = std::min(r.best_loss, p.loss);
        if (!r.steps_to_target && p.loss <= problem.target) {
            r.steps_to_target = p.step;
            r.seconds_to_target = p.seconds;
        }
    }
    return r;
}

} // namespace cgp::sweep
