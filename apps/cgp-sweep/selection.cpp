// The held-out side of a grid: metric statistics over seeds, the selection score, and the metric
// columns of the table, results.csv and results.json.
#include "selection.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>

namespace cgp::sweep {
namespace {

nlohmann::ordered_json json_number(double v)
{
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

std::string exact(double v)
{
    return std::isfinite(v) ? fmt::format("{:.17g}", v) : "nan";
}

SplitStats split_stats(const std::vector<const RunResult*>& runs, bool validation)
{
    std::vector<double> loss, accuracy, mae, r2;
    for (const RunResult* r : runs) {
        const SplitMetrics& m =
            validation ? r->evaluation->points.back().validation : r->evaluation->points.back().test;
        loss.push_back(m.loss);
        accuracy.push_back(m.accuracy);
        mae.push_back(m.mae);
        r2.push_back(m.r2);
    }
    return {stat(loss), stat(accuracy), stat(mae), stat(r2)};
}

// The splits a result has, with their column prefixes.
struct SplitName {
    const char* name;       // "validation"
    const char* short_name; // "val"
    const SplitStats HeldOutResult::*stats;
};
std::vector<SplitName> splits(const HeldOutResult& h)
{
    std::vector<SplitName> out;
    if (h.has_validation)
        out.push_back({"validation", "val", &HeldOutResult::validation});
    if (h.has_test)
        out.push_back({"test", "test", &HeldOutResult::test});
    return out;
}

std::string column_name(const std::string& metric)
{
    return metric == "accuracy" ? "acc" : metric == "r2" ? "R²" : metric;
}

} // namespace

Stat stat(const std::vector<double>& v)
{
    Stat s;
    if (v.empty())
        return s;
    for (double x : v)
        s.mean += x;
    s.mean /= static_cast<double>(v.size());
    if (v.size() > 1) {
        double sq = 0.0;
        for (double x : v)
            sq += (x - s.mean) * (x - s.mean);
        s.sd = std::sqrt(sq / static_cast<double>(v.size() - 1));
    }
    return s;
}

HeldOutResult heldout_result(const std::vector<const RunResult*>& runs)
{
    HeldOutResult h;
    for (const RunResult* r : runs)
        if (!r->evaluation || r->evaluation->points.empty())
            return h;
    if (runs.empty())
        return h;
    const EvalReport& e = *runs.front()->evaluation;
    h.present = true;
    h.classification = e.classification;
    h.has_validation = e.has_validation;
    h.has_test = e.has_test;
    if (h.has_validation)
        h.validation = split_stats(runs, true);
    if (h.has_test)
        h.test = split_stats(runs, false);
    return h;
}

std::string selection_metric(const HeldOutResult& h)
{
    return h.classification ? "validation accuracy" : "validation loss";
}

double selection_score(const HeldOutResult& h)
{
    const double v = !h.has_validation  ? kNoValue
                     : h.classification ? h.validation.accuracy.mean
                                        : -h.validation.loss.mean;
    return std::isfinite(v) ? v : -std::numeric_limits<double>::infinity();
}

std::vector<std::string> metric_names(const HeldOutResult& h)
{
    if (h.classification)
        return {"loss", "accuracy"};
    return {"loss", "mae", "r2"};
}

const Stat& split_metric(const SplitStats& s, const std::string& name)
{
    return name == "accuracy" ? s.accuracy : name == "mae" ? s.mae : name == "r2" ? s.r2 : s.loss;
}

std::vector<std::string> heldout_header(const HeldOutResult& h)
{
    std::vector<std::string> out;
    for (const SplitName& s : splits(h))
        for (const std::string& m : metric_names(h))
            out.push_back(fmt::format("{} {}", s.short_name, column_name(m)));
    if (h.has_validation)
        out.emplace_back("selected");
    return out;
}

std::vector<std::string> heldout_cells(const HeldOutResult& h, bool spread)
{
    std::vector<std::string> out;
    for (const SplitName& s : splits(h))
        for (const std::string& m : metric_names(h)) {
            const Stat& st = split_metric(h.*s.stats, m);
            const std::string mean = std::isfinite(st.mean) ? fmt::format("{:.4f}", st.mean) : "nan";
            out.push_back(spread ? fmt::format("{} ± {:.4f}", mean, st.sd) : mean);
        }
    if (h.has_validation)
        out.emplace_back(h.selected ? "yes" : "");
    return out;
}

std::string heldout_csv_header(const HeldOutResult& h)
{
    std::string out;
    for (const SplitName& s : splits(h))
        for (const std::string& m : metric_names(h))
            out += fmt::format(",{0}_{1},{0}_{1}_sd", s.name, m);
    if (h.has_validation)
        out += ",selected";
    return out;
}

std::string heldout_csv_values(const HeldOutResult& h)
{
    std::string out;
    for (const SplitName& s : splits(h))
        for (const std::string& m : metric_names(h)) {
            const Stat& st = split_metric(h.*s.stats, m);
            out += fmt::format(",{},{}", exact(st.mean), exact(st.sd));
        }
    if (h.has_validation)
        out += h.selected ? ",yes" : ",no";
    return out;
}

nlohmann::ordered_json heldout_json(const HeldOutResult& h)
{
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    for (const SplitName& s : splits(h)) {
        nlohmann::ordered_json split = nlohmann::ordered_json::object();
        for (const std::string& m : metric_names(h)) {
            const Stat& st = split_metric(h.*s.stats, m);
            split[m] = {{"mean", json_number(st.mean)}, {"sd", json_number(st.sd)}};
        }
        j[s.name] = split;
    }
    if (h.has_validation)
        j["selected"] = h.selected;
    return j;
}

nlohmann::ordered_json run_heldout_json(const EvalReport& e)
{
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    if (e.points.empty())
        return j;
    const auto metrics = [&](const SplitMetrics& m) {
        nlohmann::ordered_json out{{"loss", json_number(m.loss)}};
        if (e.classification)
            out["accuracy"] = json_number(m.accuracy);
        else {
            out["mae"] = json_number(m.mae);
            out["r2"] = json_number(m.r2);
        }
        return out;
    };
    j["iteration"] = e.points.back().iteration;
    if (e.has_validation)
        j["validation"] = metrics(e.points.back().validation);
    if (e.has_test)
        j["test"] = metrics(e.points.back().test);
    return j;
}

} // namespace cgp::sweep
