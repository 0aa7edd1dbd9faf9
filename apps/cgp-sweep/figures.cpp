// Sweep figures: grouping points into loss-curve figures and heat maps, and building their scripts.
#include "figures.hpp"

#include <cgp/report/plot.hpp>

#include <fmt/format.h>

#include <cstdio>

#include <algorithm>
#include <cmath>
#include <map>

namespace cgp::sweep {
namespace {

constexpr std::size_t kMostPointsPerCurve = 2000;
constexpr std::size_t kMostCurvesWithBands = 4; // more overlapping bands hide the curves

// The mean loss record over a point's seeds (and its standard deviation), at most
// kMostPointsPerCurve points (consecutive records averaged when there are more).
Curve mean_curve(const PointResult& r, bool spread)
{
    std::size_t n = SIZE_MAX;
    for (const RunResult* run : r.runs)
        n = std::min(n, run->summary.records.size());
    if (n == SIZE_MAX)
        n = 0;
    const std::size_t bucket = (n + kMostPointsPerCurve - 1) / kMostPointsPerCurve;
    Curve c;
    for (std::size_t first = 0; first < n; first += std::max<std::size_t>(bucket, 1)) {
        const std::size_t last = std::min(n, first + std::max<std::size_t>(bucket, 1));
        std::vector<double> per_seed;
        for (const RunResult* run : r.runs) {
            double sum = 0.0;
            for (std::size_t i = first; i < last; ++i)
                sum += run->summary.records[i].loss;
            per_seed.push_back(sum / static_cast<double>(last - first));
        }
        double mean = 0.0;
        for (double v : per_seed)
            mean += v;
        mean /= static_cast<double>(per_seed.size());
        double sq = 0.0;
        for (double v : per_seed)
            sq += (v - mean) * (v - mean);
        c.x.push_back(static_cast<double>(r.runs.front()->summary.records[last - 1].iteration));
        c.y.push_back(mean);
        if (spread)
            c.spread.push_back(per_seed.size() > 1 ? std::sqrt(sq / static_cast<double>(per_seed.size() - 1)) : 0.0);
    }
    return c;
}

// Loss curves: grouped by model, run settings and lr.
// A curve's settings for its legend: the optimizer, each of its hyperparameters (as gridded, or its
// value), and the run settings; legends() keeps the ones that differ between a figure's curves.
std::vector<std::pair<std::string, std::string>> curve_settings(const Plan& plan, const Point& p)
{
    const Plugin& plugin = *plan.optimizers[p.optimizer];
    std::vector<std::pair<std::string, std::string>> settings{{"optimizer", plugin.id()}};
    const auto gridded = [&](const std::string& key) -> int {
        for (std::size_t a = 0; a < plan.axes.size(); ++a)
            if (plan.axes[a].key == key && p.value_index[a] >= 0)
                return static_cast<int>(a);
        return -1;
    };
    for (std::size_t h = 0; h < plugin.hparams().size() && h < p.hparams.size(); ++h) {
        const std::string key = plugin.hparams()[h].option_name();
        const int a = gridded(key);
        settings.emplace_back(key, a >= 0 ? value_text(plan, p, static_cast<std::size_t>(a))
                                          : fmt::format("{:g}", p.hparams[h]));
    }
    const int batch = gridded("batch-size");
    settings.emplace_back("batch-size", batch >= 0 ? value_text(plan, p, static_cast<std::size_t>(batch))
                                                   : fmt::format("{}", p.settings.batch_size));
    return settings;
}

void loss_figures(const Plan& plan, const std::vector<PointResult>& results, const FigureOptions& options,
                  std::vector<SweepFigure>& out)
{
    const auto grouping = [&](std::size_t a) {
        return plan.axes[a].kind == AxisKind::Setting || plan.axes[a].key == "lr";
    };
    std::map<std::vector<int>, std::vector<const PointResult*>> groups;
    std::vector<std::vector<int>> order;
    for (const PointResult& r : results) {
        const Point& p = plan.points[r.point];
        std::vector<int> key{static_cast<int>(p.model)};
        for (std::size_t a = 0; a < plan.axes.size(); ++a)
            if (grouping(a))
                key.push_back(p.value_index[a]);
        auto [it, fresh] = groups.try_emplace(key);
        if (fresh)
            order.push_back(key);
        it->second.push_back(&r);
    }
    for (const auto& key : order) {
        const auto& members = groups[key];
        const bool spread = plan.seeds > 1 && members.size() <= kMostCurvesWithBands;
        const Point& first = plan.points[members.front()->point];
        LineFigure f;
        std::string stem = "loss_" + plan.models[first.model].file_name;
        f.title = plan.models[first.model].name;
        for (std::size_t a = 0; a < plan.axes.size(); ++a)
            if (grouping(a) && first.value_index[a] >= 0) {
                f.title += fmt::format(", {} = {}", plan.axes[a].key, value_text(plan, first, a));
                stem += "_" + file_safe(plan.axes[a].key + "=" + value_text(plan, first, a));
            }
        if (plan.seeds > 1)
            f.title += fmt::format(" (mean of {} seeds{})", plan.seeds, spread ? ", band: 1 sd" : "");
        f.ylabel = "loss (per-sample squared error, mean per record)";
        std::vector<std::vector<std::pair<std::string, std::string>>> settings;
        for (const PointResult* r : members) {
            f.curves.push_back(mean_curve(*r, spread));
            settings.push_back(curve_settings(plan, plan.points[r->point]));
        }
        const Legends names = legends(settings);
        for (std::size_t c = 0; c < f.curves.size(); ++c)
            f.curves[c].title = names.curves[c];
        f.subtitle = names.shared;
        f.smooth = options.smooth;
        std::string note = choose_log_y(f, options.log_y);
        out.push_back({stem, gnuplot_script(f, stem + ".png"), note, {}});
    }
}

// Heat maps over two gridded hyperparameters of each optimizer that has two or more.
void heat_maps(const Plan& plan, const std::vector<PointResult>& results, std::vector<SweepFigure>& out)
{
    for (std::size_t o = 0; o < plan.optimizers.size(); ++o) {
        std::vector<std::size_t> hp;
        for (std::size_t a = 0; a < plan.axes.size(); ++a)
            if (plan.axes[a].kind == AxisKind::HyperParam && plan.axes[a].values.size() >= 2 &&
                applies(plan.axes[a], *plan.optimizers[o]))
                hp.push_back(a);
        // lr is a map axis only when there is no other pair (lr x momentum); else it groups the maps.
        std::stable_partition(hp.begin(), hp.end(), [&](std::size_t a) { return plan.axes[a].key != "lr"; });
        if (hp.size() < 2)
            continue;
        const std::size_t ax = hp[0], ay = hp[1];
        // Group by model and every other axis.
        std::map<std::vector<int>, std::vector<const PointResult*>> groups;
        std::vector<std::vector<int>> order;
        for (const PointResult& r : results) {
            const Point& p = plan.points[r.point];
            if (p.optimizer != o)
                continue;
            std::vector<int> key{static_cast<int>(p.model)};
            for (std::size_t a = 0; a < plan.axes.size(); ++a)
                if (a != ax && a != ay)
                    key.push_back(p.value_index[a]);
            auto [it, fresh] = groups.try_emplace(key);
            if (fresh)
                order.push_back(key);
            it->second.push_back(&r);
        }
        const std::string id = plan.optimizers[o]->id();
        for (const auto& key : order) {
            const auto& members = groups[key];
            const Point& first = plan.points[members.front()->point];
            std::string context, stem_rest = plan.models[first.model].file_name + "_" + file_safe(id);
            for (std::size_t a = 0; a < plan.axes.size(); ++a)
                if (a != ax && a != ay && first.value_index[a] >= 0) {
                    context += fmt::format(", {} = {}", plan.axes[a].key, value_text(plan, first, a));
                    stem_rest += "_" + file_safe(plan.axes[a].key + "=" + value_text(plan, first, a));
                }
            for (const bool final_loss : {true, false}) {
                HeatmapFigure h;
                h.xlabel = plan.axes[ax].key;
                h.ylabel = plan.axes[ay].key;
                for (const AxisValue& v : plan.axes[ax].values)
                    h.xvalues.push_back(v.text);
                for (const AxisValue& v : plan.axes[ay].values)
                    h.yvalues.push_back(v.text);
                h.values.assign(h.xvalues.size() * h.yvalues.size(), std::nan(""));
                if (plan.seeds > 1)
                    h.spread.assign(h.values.size(), std::nan(""));
                for (const PointResult* r : members) {
                    const Point& p = plan.points[r->point];
                    const auto ix = static_cast<std::size_t>(p.value_index[ax]);
                    const auto iy = static_cast<std::size_t>(p.value_index[ay]);
                    const Stat& stat = final_loss ? r->final_loss : r->min_loss;
                    h.values[iy * h.xvalues.size() + ix] = stat.mean;
                    if (plan.seeds > 1)
                        h.spread[iy * h.xvalues.size() + ix] = stat.sd;
                }
                const std::string metric = final_loss ? "final loss" : "min loss";
                h.value_label = metric;
                h.title = fmt::format("{} on {}: {}{}{}", id, plan.models[first.model].name, metric, context,
                                      plan.seeds > 1 ? fmt::format(" (mean of {} seeds)", plan.seeds) : "");
                const std::string stem =
                    fmt::format("heatmap_{}_{}", final_loss ? "final-loss" : "min-loss", stem_rest);
                out.push_back({stem, gnuplot_script(h, stem + ".png"), {}, {}});
            }
        }
    }
}

} // namespace

std::vector<SweepFigure> sweep_figures(const Plan& plan, const std::vector<PointResult>& results,
                                       const FigureOptions& options)
{
    std::vector<SweepFigure> figures;
    loss_figures(plan, results, options, figures);
    heat_maps(plan, results, figures);
    heldout_figures(plan, results, options, figures);
    return figures;
}

bool write_sweep_figures(const std::vector<SweepFigure>& figures, const std::filesystem::path& plots,
                         const std::vector<std::string>& formats, bool quiet, unsigned jobs)
{
    std::vector<FigureJob> figure_jobs;
    for (const SweepFigure& f : figures) {
        FigureFiles files{plots / (f.stem + ".gp"), {}};
        for (const std::string& ext : formats)
            files.images.push_back(plots / (f.stem + "." + ext));
        figure_jobs.push_back({f.script, std::move(files)});
        if (!quiet && !f.note.empty())
            fmt::print(stderr, "cgp-sweep: {}: {}\n", f.stem, f.note);
    }
    return !write_figures(figure_jobs, jobs).empty();
}

} // namespace cgp::sweep
