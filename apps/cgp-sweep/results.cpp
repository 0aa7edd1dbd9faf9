// Sweep results: statistics over seeds, the aligned table, the CSV and JSON files, run file names.
#include "results.hpp"

#include "text.hpp"

#include <cgp/io/escape.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace cgp::sweep {
namespace {

std::string exact(double v)
{
    return std::isfinite(v) ? fmt::format("{:.17g}", v) : "nan";
}

nlohmann::ordered_json json_number(double v)
{
    return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr);
}

std::string rate_text(double r)
{
    return r >= 1e6   ? fmt::format("{:.2f}M", r / 1e6)
           : r >= 1e3 ? fmt::format("{:.1f}k", r / 1e3)
                      : fmt::format("{:.0f}", r);
}

} // namespace

std::vector<PointResult> summarize(const Plan& plan, const SweepOutcome& outcome)
{
    std::vector<PointResult> results;
    for (std::size_t p = 0; p < plan.points.size(); ++p) {
        PointResult r;
        r.point = p;
        std::vector<double> fin, mn, at, sec, rate;
        std::size_t early = 0;
        StopReason reason = StopReason::Completed;
        for (std::size_t s = 0; s < plan.seeds; ++s) {
            const RunResult& run = outcome.runs[p * plan.seeds + s];
            r.runs.push_back(&run);
            fin.push_back(run.summary.final_loss);
            mn.push_back(run.summary.min_loss);
            at.push_back(static_cast<double>(run.summary.min_iteration));
            sec.push_back(run.summary.seconds);
            rate.push_back(run.summary.iterations_per_second);
            if (run.summary.reason != StopReason::Completed) {
                ++early;
                reason = run.summary.reason;
            }
        }
        r.final_loss = stat(fin);
        r.min_loss = stat(mn);
        r.min_iteration = stat(at);
        r.seconds = stat(sec);
        r.rate = stat(rate);
        r.stop = early == 0        ? "completed"
                 : plan.seeds == 1 ? std::string(to_string(reason))
                                   : fmt::format("{} {}/{}", std::string(to_string(reason)), early, plan.seeds);
        r.heldout = heldout_result(r.runs);
        results.push_back(std::move(r));
    }
    // The honest protocol: per model and optimizer, the point with the best validation metric.
    for (std::size_t m = 0; m < plan.models.size(); ++m)
        for (std::size_t o = 0; o < plan.optimizers.size(); ++o) {
            PointResult* best = nullptr;
            for (PointResult& r : results) {
                const Point& p = plan.points[r.point];
                if (p.model != m || p.optimizer != o || !r.heldout.has_validation)
                    continue;
                if (best == nullptr || selection_score(r.heldout) > selection_score(best->heldout))
                    best = &r;
            }
            if (best != nullptr)
                best->heldout.selected = true;
        }
    return results;
}

namespace {

// "selected on validation accuracy, reported on test": one row per model and optimizer.
std::string selection_table(const Plan& plan, const std::vector<PointResult>& results)
{
    const HeldOutResult& h = results.front().heldout;
    std::vector<std::string> header{"model", "optimizer"};
    for (const Axis& a : plan.axes)
        header.push_back(a.key);
    const std::string metric = h.classification ? "accuracy" : "loss";
    header.push_back(h.classification ? "val acc" : "val loss");
    const std::vector<std::string> reported = h.has_test ? metric_names(h) : std::vector<std::string>{};
    for (const std::string& m : reported)
        header.push_back("test " + (m == "accuracy" ? std::string("acc") : m == "r2" ? std::string("R²") : m));
    Table rows{header};
    for (const PointResult& r : results) {
        if (!r.heldout.selected)
            continue;
        const Point& p = plan.points[r.point];
        std::vector<std::string> row{plan.models[p.model].name, plan.optimizers[p.optimizer]->id()};
        for (std::size_t a = 0; a < plan.axes.size(); ++a)
            row.push_back(value_text(plan, p, a));
        const auto cell = [&](const Stat& st) {
            const std::string mean = std::isfinite(st.mean) ? fmt::format("{:.4f}", st.mean) : "nan";
            return plan.seeds > 1 ? fmt::format("{} ± {:.4f}", mean, st.sd) : mean;
        };
        row.push_back(cell(split_metric(r.heldout.validation, metric)));
        for (const std::string& m : reported)
            row.push_back(cell(split_metric(r.heldout.test, m)));
        rows.push_back(std::move(row));
    }
    return fmt::format("\nselected on {} (final), reported on {}:\n", selection_metric(h),
                       h.has_test ? "test" : "validation (no test split)") +
           aligned(rows, 2 + plan.axes.size());
}

} // namespace

std::string results_table(const Plan& plan, const std::vector<PointResult>& results)
{
    const bool spread = plan.seeds > 1;
    std::vector<std::string> header{"model", "optimizer"};
    for (const Axis& a : plan.axes)
        header.push_back(a.key);
    for (const char* h : {"final loss", "min loss", "min at", "time s", "it/s"})
        header.emplace_back(h);
    const HeldOutResult* heldout =
        !results.empty() && results.front().heldout.present ? &results.front().heldout : nullptr;
    if (heldout != nullptr)
        for (std::string& h : heldout_header(*heldout))
            header.push_back(std::move(h));
    const std::size_t numeric_from = 2 + plan.axes.size();
    bool any_stopped = false;
    Table rows{header};
    for (const PointResult& r : results) {
        const Point& p = plan.points[r.point];
        std::vector<std::string> row{plan.models[p.model].name, plan.optimizers[p.optimizer]->id()};
        for (std::size_t a = 0; a < plan.axes.size(); ++a)
            row.push_back(value_text(plan, p, a));
        auto number = [](double v) { return std::fabs(v) < 1e4 ? fmt::format("{:.6f}", v) : fmt::format("{:.4g}", v); };
        auto loss = [&](const Stat& s) { return spread ? number(s.mean) + " ± " + number(s.sd) : number(s.mean); };
        row.push_back(loss(r.final_loss) + (r.stop == "completed" ? "" : " *"));
        any_stopped = any_stopped || r.stop != "completed";
        row.push_back(loss(r.min_loss));
        row.push_back(fmt::format("{:.0f}", r.min_iteration.mean));
        row.push_back(fmt::format("{:.4f}", r.seconds.mean));
        row.push_back(rate_text(r.rate.mean));
        if (heldout != nullptr)
            for (std::string& c : heldout_cells(r.heldout, spread))
                row.push_back(std::move(c));
        rows.push_back(std::move(row));
    }
    std::string out = aligned(rows, numeric_from);
    if (heldout != nullptr && heldout->has_validation)
        out += selection_table(plan, results);
    else if (heldout != nullptr)
        out += "no validation split: nothing selected (give --validation FILE or --split T,V,S)\n";
    if (spread)
        out += fmt::format("losses: mean ± sample standard deviation over {} seeds; min at, time, it/s: means\n",
                           plan.seeds);
    if (any_stopped)
        out += "* stopped early (see the stop column of results.csv)\n";
    return out;
}

std::string results_csv(const Plan& plan, const std::vector<PointResult>& results)
{
    std::string out = "model,optimizer";
    for (const Axis& a : plan.axes)
        out += "," + csv_field(a.key);
    out += ",seeds,final_loss,final_loss_sd,min_loss,min_loss_sd,min_iteration,seconds,iterations_per_second,stop,runs";
    const bool heldout = !results.empty() && results.front().heldout.present;
    out += (heldout ? heldout_csv_header(results.front().heldout) : std::string()) + "\n";
    for (const PointResult& r : results) {
        const Point& p = plan.points[r.point];
        out += csv_field(plan.models[p.model].name) + "," + csv_field(plan.optimizers[p.optimizer]->id());
        for (std::size_t a = 0; a < plan.axes.size(); ++a)
            out += "," + csv_field(value_text(plan, p, a));
        std::string files;
        for (const RunResult* run : r.runs)
            files += (files.empty() ? "" : " ") + run_file_name(plan, p, run->seed);
        out += fmt::format(",{},{},{},{},{},{:.1f},{:.6f},{:.0f},{},{}\n", plan.seeds, exact(r.final_loss.mean),
                           exact(r.final_loss.sd), exact(r.min_loss.mean), exact(r.min_loss.sd), r.min_iteration.mean,
                           r.seconds.mean, r.rate.mean, csv_field(r.stop), csv_field(files));
        if (heldout)
            out.insert(out.size() - 1, heldout_csv_values(r.heldout));
    }
    return out;
}

std::string results_json(const Plan& plan, const std::vector<PointResult>& results, const SweepOutcome& outcome,
                         const std::string& command)
{
    nlohmann::ordered_json j;
    j["command"] = command;
    j["models"] = nlohmann::ordered_json::array();
    for (const SweepModel& m : plan.models)
        j["models"].push_back(m.name);
    j["optimizers"] = nlohmann::ordered_json::array();
    for (const auto& o : plan.optimizers) {
        nlohmann::ordered_json defaults = nlohmann::ordered_json::object();
        for (const HyperParam& h : o->hparams())
            defaults[h.name] = h.default_value;
        j["optimizers"].push_back(
            {{"id", o->id()}, {"version", o->version()}, {"path", o->path().string()}, {"defaults", defaults}});
    }
    j["grid"] = nlohmann::ordered_json::array();
    for (const Axis& a : plan.axes) {
        std::vector<std::string> values;
        for (const AxisValue& v : a.values)
            values.push_back(v.text);
        j["grid"].push_back(
            {{"key", a.key}, {"kind", a.kind == AxisKind::Setting ? "setting" : "hyperparameter"}, {"values", values}});
    }
    j["seeds"] = plan.seeds;
    j["jobs"] = outcome.jobs;
    j["wall_seconds"] = outcome.wall_seconds;
    j["points"] = nlohmann::ordered_json::array();
    for (const PointResult& r : results) {
        const Point& p = plan.points[r.point];
        const Plugin& plugin = *plan.optimizers[p.optimizer];
        nlohmann::ordered_json grid = nlohmann::ordered_json::object();
        for (std::size_t a = 0; a < plan.axes.size(); ++a)
            if (p.value_index[a] >= 0)
                grid[plan.axes[a].key] = value_text(plan, p, a);
        nlohmann::ordered_json hp = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < plugin.hparams().size(); ++i)
            hp[plugin.hparams()[i].name] = p.hparams[i];
        nlohmann::ordered_json runs = nlohmann::ordered_json::array();
        for (const RunResult* run : r.runs)
            runs.push_back({{"seed", run->seed},
                            {"final_loss", json_number(run->summary.final_loss)},
                            {"min_loss", json_number(run->summary.min_loss)},
                            {"min_iteration", run->summary.min_iteration},
                            {"iterations", run->summary.iterations},
                            {"seconds", run->summary.seconds},
                            {"iterations_per_second", run->summary.iterations_per_second},
                            {"stop", std::string(to_string(run->summary.reason))},
                            {"file", run_file_name(plan, p, run->seed)}});
        if (r.heldout.present)
            for (std::size_t k = 0; k < r.runs.size(); ++k)
                runs[k]["heldout"] = run_heldout_json(*r.runs[k]->evaluation);
        j["points"].push_back(
            {{"model", plan.models[p.model].name},
             {"optimizer", plugin.id()},
             {"grid", grid},
             {"hyperparameters", hp},
             {"batch_size", p.settings.batch_size},
             {"iterations", p.settings.iterations},
             {"dtype", std::string(to_string(p.settings.dtype))},
             {"final_loss", {{"mean", json_number(r.final_loss.mean)}, {"sd", json_number(r.final_loss.sd)}}},
             {"min_loss", {{"mean", json_number(r.min_loss.mean)}, {"sd", json_number(r.min_loss.sd)}}},
             {"min_iteration", r.min_iteration.mean},
             {"seconds", r.seconds.mean},
             {"iterations_per_second", r.rate.mean},
             {"stop", r.stop},
             {"runs", runs}});
        if (r.heldout.present)
            j["points"].back()["heldout"] = heldout_json(r.heldout);
    }
    if (!results.empty() && results.front().heldout.has_validation) {
        j["selection"] = {{"metric", selection_metric(results.front().heldout)},
                          {"reported_on", results.front().heldout.has_test ? "test" : "validation"}};
        nlohmann::ordered_json selected = nlohmann::ordered_json::array();
        for (const PointResult& r : results)
            if (r.heldout.selected)
                selected.push_back(static_cast<std::size_t>(&r - results.data()));
        j["selection"]["points"] = selected; // indices into points
    }
    return json_text(j, 2) + "\n";
}

std::string run_file_name(const Plan& plan, const Point& point, std::uint64_t seed)
{
    std::string name = plan.models[point.model].file_name + "_" + file_safe(plan.optimizers[point.optimizer]->id());
    for (std::size_t a = 0; a < plan.axes.size(); ++a)
        if (point.value_index[a] >= 0 && plan.axes[a].key != "seed")
            name += "_" + file_safe(plan.axes[a].key + "=" + value_text(plan, point, a));
    return fmt::format("runs/{}_seed{}.csv", name, seed);
}

std::string run_csv(const TrainSummary& summary)
{
    std::string out = "iteration,loss,window\n";
    for (const LossRecord& r : summary.records)
        out += fmt::format("{},{:.17g},{}\n", r.iteration, r.loss, r.window);
    return out;
}

} // namespace cgp::sweep
