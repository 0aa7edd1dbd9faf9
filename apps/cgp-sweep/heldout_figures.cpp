// Sweep figures of the held-out metrics: a final validation or test metric against a gridded
// hyperparameter, one curve per optimizer (and combination of the other axes), per model.
#include "figures.hpp"

#include "text.hpp"

#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <cmath>
#include <map>

namespace cgp::sweep {
namespace {

struct MetricName {
    std::string split, metric; // "validation", "accuracy"
};

MetricName split_name(const std::string& name)
{
    const auto dash = name.find('-');
    return {name.substr(0, dash), dash == std::string::npos ? std::string() : name.substr(dash + 1)};
}

// The first hyperparameter axis with two or more values, or -1.
int x_axis(const Plan& plan)
{
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
        if (plan.axes[a].kind == AxisKind::HyperParam && plan.axes[a].values.size() >= 2)
            return static_cast<int>(a);
    return -1;
}

} // namespace

std::vector<std::string> parse_heldout_metrics(const std::string& list)
{
    std::vector<std::string> out;
    for (const std::string& name : split_commas(list)) {
        const MetricName m = split_name(name);
        if ((m.split != "validation" && m.split != "test") ||
            (m.metric != "loss" && m.metric != "accuracy" && m.metric != "mae" && m.metric != "r2"))
            throw Error(fmt::format("--heldout-figures: '{}' is not a held-out metric\nhint: SPLIT-METRIC with SPLIT "
                                    "validation or test and METRIC loss, accuracy, mae or r2, e.g. "
                                    "--heldout-figures validation-accuracy,test-accuracy",
                                    name));
        out.push_back(name);
    }
    return out;
}

void heldout_figures(const Plan& plan, const std::vector<PointResult>& results, const FigureOptions& options,
                     std::vector<SweepFigure>& out)
{
    if (results.empty() || !results.front().heldout.present)
        return;
    const int axis = x_axis(plan);
    if (axis < 0)
        return;
    const auto ax = static_cast<std::size_t>(axis);
    const HeldOutResult& h = results.front().heldout;
    std::vector<std::string> metrics = options.heldout_metrics;
    if (metrics.empty()) {
        const std::string m = h.classification ? "accuracy" : "loss";
        if (h.has_validation)
            metrics.push_back("validation-" + m);
        if (h.has_test)
            metrics.push_back("test-" + m);
    }
    bool positive = true;
    for (const AxisValue& v : plan.axes[ax].values)
        positive = positive && v.number > 0;
    const bool log_x = positive && (plan.axes[ax].key == "lr" || plan.axes[ax].key.find("eps") != std::string::npos);
    for (const std::string& name : metrics) {
        const MetricName m = split_name(name);
        const bool validation = m.split == "validation";
        if ((validation && !h.has_validation) || (!validation && !h.has_test) ||
            (h.classification && (m.metric == "mae" || m.metric == "r2")) ||
            (!h.classification && m.metric == "accuracy"))
            continue; // the runs have no such metric
        for (std::size_t model = 0; model < plan.models.size(); ++model) {
            // A curve per optimizer and combination of the other axes' values.
            std::map<std::vector<int>, Curve> curves;
            std::vector<std::vector<int>> order;
            std::map<std::vector<int>, std::vector<std::pair<std::string, std::string>>> settings;
            for (const PointResult& r : results) {
                const Point& p = plan.points[r.point];
                if (p.model != model || p.value_index[ax] < 0)
                    continue;
                std::vector<int> key{static_cast<int>(p.optimizer)};
                std::vector<std::pair<std::string, std::string>> s{{"optimizer", plan.optimizers[p.optimizer]->id()}};
                for (std::size_t a = 0; a < plan.axes.size(); ++a)
                    if (a != ax) {
                        key.push_back(p.value_index[a]);
                        s.emplace_back(plan.axes[a].key, value_text(plan, p, a));
                    }
                auto [it, fresh] = curves.try_emplace(key);
                if (fresh) {
                    order.push_back(key);
                    settings[key] = s;
                }
                const Stat& st = split_metric(validation ? r.heldout.validation : r.heldout.test, m.metric);
                const double x = plan.axes[ax].values[static_cast<std::size_t>(p.value_index[ax])].number;
                it->second.x.push_back(log_x ? std::log10(x) : x);
                it->second.y.push_back(st.mean);
                if (plan.seeds > 1)
                    it->second.spread.push_back(st.sd);
                if (r.heldout.selected)
                    settings[key].emplace_back("selected " + plan.axes[ax].key, value_text(plan, p, ax));
            }
            if (order.empty())
                continue;
            LineFigure f;
            f.title = fmt::format("{}: final {} {}{}", plan.models[model].name, m.split, m.metric,
                                  plan.seeds > 1 ? fmt::format(" (mean of {} seeds, band: 1 sd)", plan.seeds) : "");
            f.xlabel = log_x ? "log10 " + plan.axes[ax].key : plan.axes[ax].key;
            f.ylabel = fmt::format("{} {}", m.split, m.metric);
            std::vector<std::vector<std::pair<std::string, std::string>>> legend_settings;
            for (const auto& key : order) {
                f.curves.push_back(curves[key]);
                legend_settings.push_back(settings[key]);
            }
            const Legends names = legends(legend_settings);
            for (std::size_t c = 0; c < f.curves.size(); ++c)
                f.curves[c].title = names.curves[c];
            f.subtitle = names.shared;
            const std::string stem = fmt::format("heldout_{}_{}", name, plan.models[model].file_name);
            out.push_back({stem, gnuplot_script(f, stem + ".png"), {}, {}});
        }
    }
}

} // namespace cgp::sweep
