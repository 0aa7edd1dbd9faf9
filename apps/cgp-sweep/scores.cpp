// Scores of a benchmark's cells and the tables made of them.
#include "scores.hpp"

#include "profiles.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cgp::sweep {

std::vector<CellScore> score_cells(const BenchSpec& spec, const BenchOutcome& outcome)
{
    std::vector<CellScore> out;
    for (std::size_t c = 0; c < outcome.cells.size(); ++c) {
        const Cell& cell = outcome.cells[c];
        CellScore s;
        std::vector<double> steps, seconds, fin, best, auc, train, all_steps, all_seconds;
        for (const TrialResult& r : cell.finals) {
            const double inf = std::numeric_limits<double>::infinity();
            all_steps.push_back(r.steps_to_target ? static_cast<double>(*r.steps_to_target) : inf);
            all_seconds.push_back(r.seconds_to_target ? *r.seconds_to_target : inf);
            if (r.steps_to_target) {
                ++s.reached;
                steps.push_back(static_cast<double>(*r.steps_to_target));
                seconds.push_back(*r.seconds_to_target);
            }
            fin.push_back(r.final_loss);
            best.push_back(r.best_loss);
            std::vector<std::uint64_t> at;
            std::vector<double> loss;
            for (const HeldOutPoint& p : r.curve) {
                at.push_back(p.step);
                loss.push_back(p.loss);
            }
            auc.push_back(r.stop == "completed" ? area_under_curve(at, loss) : inf);
            train.push_back(r.seconds);
        }
        const std::uint64_t seed = mix64({spec.seed, c, 0xB007});
        s.median_steps = median(all_steps);
        s.median_seconds = median(all_seconds);
        s.steps = measure(steps, seed);
        s.seconds = measure(seconds, seed + 1);
        s.final_loss = measure(fin, seed + 2);
        s.best_loss = measure(best, seed + 3);
        s.auc = measure(auc, seed + 4);
        s.train_seconds = measure(train, seed + 5);
        const TrialResult& chosen = cell.tuning[cell.chosen];
        for (const auto& [k, v] : chosen.values)
            s.chosen += (s.chosen.empty() ? "" : " ") + k + "=" + v;
        if (s.chosen.empty())
            s.chosen = "defaults";
        out.push_back(std::move(s));
    }
    return out;
}

std::string measure_text(const Measure& m, const char* format)
{
    if (m.count == 0)
        return "-";
    const auto f = [&](double v) { return fmt::format(fmt::runtime(format), v); };
    if (m.count == 1)
        return f(m.mean);
    return fmt::format("{} ± {} [{}, {}]", f(m.mean), f(m.sd), f(m.ci_low), f(m.ci_high));
}

Table results_table(const BenchSpec& spec, const BenchOutcome& outcome, const std::vector<CellScore>& scores)
{
    Table t{{"problem", "optimizer", "trials", "tuning steps", "chosen", "reached", "median steps", "steps to target",
             "final test loss", "best test loss", "AUC"}};
    for (std::size_t c = 0; c < outcome.cells.size(); ++c) {
        const Cell& cell = outcome.cells[c];
        const CellScore& s = scores[c];
        t.push_back({spec.problems[cell.problem].name, spec.optimizers[cell.optimizer]->id(),
                     fmt::format("{}", cell.configurations), fmt::format("{}", cell.tuning_steps), s.chosen,
                     fmt::format("{}/{}", s.reached, cell.finals.size()),
                     std::isfinite(s.median_steps) ? fmt::format("{:.0f}", s.median_steps) : "missed",
                     measure_text(s.steps, "{:.0f}"), measure_text(s.final_loss), measure_text(s.best_loss),
                     measure_text(s.auc)});
    }
    return t;
}

Table timing_table(const BenchSpec& spec, const BenchOutcome& outcome, const std::vector<CellScore>& scores)
{
    Table t{{"problem", "optimizer", "seconds to target", "training seconds"}};
    for (std::size_t c = 0; c < outcome.cells.size(); ++c) {
        const Cell& cell = outcome.cells[c];
        t.push_back({spec.problems[cell.problem].name, spec.optimizers[cell.optimizer]->id(),
                     measure_text(scores[c].seconds, "{:.3g}"), measure_text(scores[c].train_seconds, "{:.3g}")});
    }
    return t;
}

std::vector<std::string> spread_notes(const BenchSpec& spec, const std::vector<CellScore>& scores)
{
    std::vector<std::string> notes;
    const std::size_t n = spec.optimizers.size();
    // For each problem and measure: the optimizers whose mean is within the seed spread of the best's
    // (|difference of means| <= the larger of the two sds), which the data cannot tell apart from it.
    // Only means over every seed compete: a mean over the seeds that reached the target (or did not
    // diverge) leaves out the seeds that went worst.
    const auto note = [&](std::size_t p, const char* what, const char* qualifier, auto get) {
        const auto complete = [&](const Measure& m) { return m.count > 1 && m.count == spec.seeds; };
        std::size_t best = n;
        for (std::size_t o = 0; o < n; ++o) {
            const Measure& m = get(scores[p * n + o]);
            if (complete(m) && (best == n || m.mean < get(scores[p * n + best]).mean))
                best = o;
        }
        if (best == n)
            return;
        const Measure& b = get(scores[p * n + best]);
        std::vector<std::string> close;
        for (std::size_t o = 0; o < n; ++o) {
            const Measure& m = get(scores[p * n + o]);
            if (o != best && complete(m) && std::fabs(m.mean - b.mean) <= std::max(m.sd, b.sd))
                close.push_back(spec.optimizers[o]->id());
        }
        if (!close.empty())
            notes.push_back(fmt::format("{}: {} {} within the seed spread of the best {} ({}): the difference of means "
                                        "is at most the larger sd over the seeds{}",
                                        spec.problems[p].name, fmt::join(close, ", "), close.size() == 1 ? "is" : "are",
                                        what, spec.optimizers[best]->id(), qualifier));
    };
    for (std::size_t p = 0; p < spec.problems.size(); ++p) {
        note(p, "final test loss", " (among those that finished every seed)",
             [](const CellScore& c) -> const Measure& { return c.final_loss; });
        note(p, "steps to target", " (among those that reached the target on every seed)",
             [](const CellScore& c) -> const Measure& { return c.steps; });
    }
    return notes;
}

std::string results_text(const BenchSpec& spec, const BenchOutcome& outcome, const std::vector<CellScore>& scores)
{
    std::string out = aligned(results_table(spec, outcome, scores), 2);
    out += fmt::format("tuning: {} with {} configurations per optimizer and problem on the validation split; "
                       "measures: the chosen configuration on {} seeds on the test split, mean ± sd [95% bootstrap "
                       "CI]\n",
                       spec.method == Method::Random ? "random search"
                                                     : fmt::format("successive halving (eta {})", spec.eta),
                       spec.budget, spec.seeds);
    for (const std::string& n : spread_notes(spec, scores))
        out += "note: " + n + "\n";
    out += "\nperformance profile of the median steps to the target: rho(tau) is the fraction of problems on which "
           "the optimizer is within a factor tau of the fastest; score: the area under rho over [1, 4] / 3\n";
    out += aligned(profile_table(spec, scores), 1);
    return out;
}

} // namespace cgp::sweep
