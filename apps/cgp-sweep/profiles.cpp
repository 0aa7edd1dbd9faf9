// Performance profiles, sensitivity figures and test-loss curves of a benchmark.
#include "profiles.hpp"

#include <cgp/report/plot.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace cgp::sweep {

std::vector<std::vector<double>> target_times(const BenchSpec& spec, const std::vector<CellScore>& scores, TimeTo time)
{
    const std::size_t n = spec.optimizers.size();
    std::vector<std::vector<double>> times(spec.problems.size(), std::vector<double>(n));
    for (std::size_t p = 0; p < spec.problems.size(); ++p)
        for (std::size_t o = 0; o < n; ++o) {
            const CellScore& c = scores[p * n + o];
            times[p][o] = time == TimeTo::Steps ? c.median_steps : c.median_seconds;
        }
    return times;
}

Table profile_table(const BenchSpec& spec, const std::vector<CellScore>& scores, TimeTo time)
{
    const std::vector<double> taus{1.0, 1.25, 1.5, 2.0, 4.0};
    const auto times = target_times(spec, scores, time);
    const auto rho = performance_profile(times, taus);
    const auto score = profile_scores(times, kTauMax);
    Table t{{"optimizer"}};
    for (double tau : taus)
        t[0].push_back(fmt::format("rho({:g})", tau));
    t[0].push_back(fmt::format("score (tau <= {:g})", kTauMax));
    for (std::size_t o = 0; o < spec.optimizers.size(); ++o) {
        std::vector<std::string> row{spec.optimizers[o]->id()};
        for (double r : rho[o])
            row.push_back(fmt::format("{:.2f}", r));
        row.push_back(fmt::format("{:.3f}", score[o]));
        t.push_back(std::move(row));
    }
    return t;
}

std::string profile_sentence(const std::vector<std::string>& names, const std::vector<std::vector<double>>& times)
{
    const auto score = profile_scores(times, kTauMax);
    const auto rho1 = performance_profile(times, {1.0});
    std::vector<std::size_t> order(names.size());
    for (std::size_t i = 0; i < order.size(); ++i)
        order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return score[a] > score[b]; });
    std::string out = "Ranked by the profile's score: ";
    for (std::size_t i = 0; i < order.size(); ++i)
        out += fmt::format("{}{} {:.3f}", i ? ", " : "", names[order[i]], score[order[i]]);
    out += ". ";
    // The best score and the most problems won are separate claims: the optimizer with the best
    // score can be the fastest on none of them (second everywhere), and is then not called fastest.
    const std::size_t best = order.front();
    std::size_t fastest = best;
    for (std::size_t o : order)
        if (rho1[o][0] > rho1[fastest][0])
            fastest = o;
    const double won = 100.0 * rho1[fastest][0];
    if (rho1[fastest][0] == 0.0)
        out += fmt::format("No optimizer reached the target on any of the {} problems", times.size());
    else if (fastest == best)
        out += fmt::format("{} has the best score and is the fastest to the target on {:.0f}% of the {} problems",
                           names[best], won, times.size());
    else
        out += fmt::format("{} has the best score; {} is the fastest to the target most often, on {:.0f}% of the {} "
                           "problems ({} on {:.0f}%)",
                           names[best], names[fastest], won, times.size(), names[best], 100.0 * rho1[best][0]);
    std::size_t never = 0;
    for (std::size_t o = 0; o < names.size(); ++o)
        never += score[o] == 0.0;
    if (never > 0 && rho1[fastest][0] > 0.0)
        out += fmt::format("; {} optimizer{} never came within a factor {:g} of the best", never, never == 1 ? "" : "s",
                           kTauMax);
    return out + ".";
}

std::string profile_summary(const BenchSpec& spec, const std::vector<CellScore>& scores, TimeTo time)
{
    std::vector<std::string> names;
    for (const auto& o : spec.optimizers)
        names.push_back(o->id());
    return profile_sentence(names, target_times(spec, scores, time));
}

SweepFigure profile_figure(const BenchSpec& spec, const std::vector<CellScore>& scores, TimeTo time)
{
    const bool steps = time == TimeTo::Steps;
    const auto times = target_times(spec, scores, time);
    std::vector<double> taus;
    for (int i = 0; i <= 400; ++i)
        taus.push_back(std::pow(2.0, 4.0 * i / 400.0)); // 1 to 16
    const auto rho = performance_profile(times, taus);
    LineFigure f;
    f.title = steps ? "performance profile: steps to the target" : "performance profile: seconds to the target";
    // (The subtitle starts with a letter: gnuplot would read a digit after the line break's octal escape.)
    f.subtitle = fmt::format("median over the seeds on {} problems{}; higher and further left is better",
                             spec.problems.size(), steps ? "" : ", training time on this machine");
    f.xlabel = "log2 tau (within a factor tau of the best optimizer)";
    f.ylabel = "fraction of problems";
    f.y_min = -0.02; // the fractions 0 and 1 inside the frame, not hidden by it
    f.y_max = 1.02;
    for (std::size_t o = 0; o < spec.optimizers.size(); ++o) {
        Curve c;
        c.title = spec.optimizers[o]->id();
        for (std::size_t k = 0; k < taus.size(); ++k) {
            c.x.push_back(std::log2(taus[k]));
            c.y.push_back(rho[o][k]);
        }
        f.curves.push_back(std::move(c));
    }
    const std::string stem = steps ? "profile" : "profile_seconds";
    return {stem,
            gnuplot_script(f, stem + ".png"),
            {},
            fmt::format("Performance profile{}: the fraction of problems on which each optimizer reaches the target "
                        "within a factor tau of the fastest{}",
                        steps ? "" : " in seconds", steps ? " (in steps)" : " (in training seconds)")};
}

std::vector<SweepFigure> sensitivity_figures(const BenchSpec& spec, const BenchOutcome& outcome)
{
    std::vector<SweepFigure> out;
    const std::size_t n = spec.optimizers.size();
    const std::string first_stage = spec.method == Method::Random ? "tune" : "rung0";
    for (std::size_t p = 0; p < spec.problems.size(); ++p)
        for (const Distribution& d : spec.search) {
            LineFigure f;
            const bool log_x = d.kind == DistKind::LogUniform;
            f.title = fmt::format("{}: validation loss against {}", spec.problems[p].name, d.key);
            f.subtitle = fmt::format("every tuning trial{}; {}",
                                     spec.method == Method::Random ? "" : " of the first rung", d.text);
            f.xlabel = log_x ? "log10 " + d.key : d.key;
            f.ylabel = "final validation loss";
            f.points = true; // one point per trial
            for (std::size_t o = 0; o < n; ++o) {
                const Cell& cell = outcome.cells[p * n + o];
                std::vector<std::pair<double, double>> pts;
                for (const TrialResult& t : cell.tuning) {
                    if (t.key.stage != first_stage || !std::isfinite(t.final_loss))
                        continue;
                    for (const auto& [k, v] : t.values)
                        if (k == d.key)
                            pts.emplace_back(log_x ? std::log10(std::stod(v)) : std::stod(v), t.final_loss);
                }
                if (pts.empty())
                    continue;
                std::sort(pts.begin(), pts.end());
                Curve c;
                c.title = spec.optimizers[o]->id();
                for (const auto& [x, y] : pts) {
                    c.x.push_back(x);
                    c.y.push_back(y);
                }
                f.curves.push_back(std::move(c));
            }
            if (f.curves.empty())
                continue;
            choose_log_y(f, LogY::Auto);
            const std::string stem = file_safe(fmt::format("sensitivity_{}_{}", spec.problems[p].name, d.key));
            out.push_back(
                {stem,
                 gnuplot_script(f, stem + ".png"),
                 {},
                 fmt::format("Sensitivity on {}: the final validation loss of every tuning trial{} against {}, "
                             "one point per trial",
                             spec.problems[p].name, spec.method == Method::Random ? "" : " of the first rung",
                             log_x ? "log10 " + d.key : d.key)});
        }
    return out;
}

std::vector<SweepFigure> curve_figures(const BenchSpec& spec, const BenchOutcome& outcome)
{
    std::vector<SweepFigure> out;
    const std::size_t n = spec.optimizers.size();
    for (std::size_t p = 0; p < spec.problems.size(); ++p) {
        LineFigure f;
        f.title = fmt::format("{}: test loss of each optimizer's chosen configuration", spec.problems[p].name);
        f.subtitle = fmt::format("mean over {} seeds, band: one sd; target {:g}", spec.seeds, spec.problems[p].target);
        f.xlabel = "step";
        f.ylabel = "test loss";
        for (std::size_t o = 0; o < n; ++o) {
            const Cell& cell = outcome.cells[p * n + o];
            std::map<std::uint64_t, std::vector<double>> at;
            for (const TrialResult& r : cell.finals)
                for (const HeldOutPoint& pt : r.curve)
                    at[pt.step].push_back(pt.loss);
            Curve c;
            c.title = spec.optimizers[o]->id();
            for (const auto& [step, v] : at) {
                const Measure m = measure(v, 0);
                if (m.count == 0)
                    continue;
                c.x.push_back(static_cast<double>(step));
                c.y.push_back(m.mean);
                c.spread.push_back(m.sd);
            }
            if (!c.x.empty())
                f.curves.push_back(std::move(c));
        }
        if (f.curves.size() > 4)
            for (Curve& c : f.curves)
                c.spread.clear();
        choose_log_y(f, LogY::Auto);
        const std::string stem = file_safe("curves_" + spec.problems[p].name);
        out.push_back({stem,
                       gnuplot_script(f, stem + ".png"),
                       {},
                       fmt::format("{}: the mean test loss over the seeds of each optimizer's chosen configuration "
                                   "against the step (target {:g})",
                                   spec.problems[p].name, spec.problems[p].target)});
    }
    return out;
}

} // namespace cgp::sweep
