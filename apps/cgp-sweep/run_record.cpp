// Grid runs as exact JSON records (journal, shard files, MPI messages), with their held-out
// evaluations.
#include "run_record.hpp"

#include <cgp/io/error.hpp>
#include <cgp/training/evaluation.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>

namespace cgp::sweep {
namespace {

using json = nlohmann::ordered_json;

std::string hex(double v)
{
    return fmt::format("{:a}", v);
}

double unhex(const json& j)
{
    const std::string text = j.get<std::string>();
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0')
        throw Error(fmt::format("'{}' is not a number", text));
    return v;
}

StopReason reason_from(const std::string& text)
{
    for (StopReason r : {StopReason::Completed, StopReason::Observer, StopReason::NonFinite, StopReason::Interrupted})
        if (text == to_string(r))
            return r;
    throw Error(fmt::format("unknown stop reason '{}'", text));
}

json hexes(const std::vector<double>& values)
{
    json out = json::array();
    for (double v : values)
        out.push_back(hex(v));
    return out;
}

std::vector<double> unhexes(const json& j)
{
    std::vector<double> out;
    for (const json& v : j)
        out.push_back(unhex(v));
    return out;
}

json split_json(const SplitMetrics& m)
{
    return json::array({hex(m.loss), hex(m.accuracy), hex(m.mae), hex(m.r2)});
}

SplitMetrics split_from(const json& j)
{
    return {unhex(j.at(0)), unhex(j.at(1)), unhex(j.at(2)), unhex(j.at(3))};
}

json point_json(const EvalPoint& p)
{
    return json::array({p.iteration, split_json(p.validation), split_json(p.test)});
}

EvalPoint point_from(const json& j)
{
    return {j.at(0).get<std::uint64_t>(), split_from(j.at(1)), split_from(j.at(2))};
}

// The held-out evaluation of a run, every double exact.
json evaluation_json(const EvalReport& e)
{
    json points = json::array();
    for (const EvalPoint& p : e.points)
        points.push_back(point_json(p));
    return {{"classification", e.classification},
            {"class_names", e.class_names},
            {"has_validation", e.has_validation},
            {"has_test", e.has_test},
            {"validation_samples", e.validation_samples},
            {"test_samples", e.test_samples},
            {"points", points},
            {"has_best", e.has_best},
            {"best", point_json(e.best)},
            {"best_params", hexes(e.best_params)},
            {"confusion_validation", e.confusion_validation},
            {"confusion_test", e.confusion_test}};
}

EvalReport evaluation_from(const json& j)
{
    EvalReport e;
    e.classification = j.at("classification").get<bool>();
    e.class_names = j.at("class_names").get<std::vector<std::string>>();
    e.has_validation = j.at("has_validation").get<bool>();
    e.has_test = j.at("has_test").get<bool>();
    e.validation_samples = j.at("validation_samples").get<std::size_t>();
    e.test_samples = j.at("test_samples").get<std::size_t>();
    for (const json& p : j.at("points"))
        e.points.push_back(point_from(p));
    e.has_best = j.at("has_best").get<bool>();
    e.best = point_from(j.at("best"));
    e.best_params = unhexes(j.at("best_params"));
    e.confusion_validation = j.at("confusion_validation").get<std::vector<std::uint64_t>>();
    e.confusion_test = j.at("confusion_test").get<std::vector<std::uint64_t>>();
    return e;
}

} // namespace

std::string run_record_json(std::size_t task, const RunResult& run)
{
    const TrainSummary& s = run.summary;
    json records = json::array();
    for (const LossRecord& r : s.records)
        records.push_back({r.iteration, hex(r.loss), r.window, hex(r.seconds)});
    json j{{"task", task},
           {"point", run.point},
           {"seed", run.seed},
           {"iterations", s.iterations},
           {"steps", s.steps},
           {"skipped", s.skipped},
           {"final_loss", hex(s.final_loss)},
           {"min_loss", hex(s.min_loss)},
           {"min_iteration", s.min_iteration},
           {"seconds", hex(s.seconds)},
           {"iterations_per_second", hex(s.iterations_per_second)},
           {"reason", std::string(to_string(s.reason))},
           {"message", s.message},
           {"advises_learning_rate", s.advises_learning_rate},
           {"records", records}};
    if (run.evaluation)
        j["evaluation"] = evaluation_json(*run.evaluation);
    return j.dump();
}

RunResult parse_run_record(const std::string& text, const std::string& origin, std::size_t* task)
{
    try {
        const json j = json::parse(text);
        RunResult run;
        run.point = j.at("point").get<std::size_t>();
        run.seed = j.at("seed").get<std::uint64_t>();
        TrainSummary& s = run.summary;
        s.iterations = j.at("iterations").get<std::uint64_t>();
        s.steps = j.at("steps").get<std::uint64_t>();
        s.skipped = j.at("skipped").get<std::uint64_t>();
        s.final_loss = unhex(j.at("final_loss"));
        s.min_loss = unhex(j.at("min_loss"));
        s.min_iteration = j.at("min_iteration").get<std::uint64_t>();
        s.seconds = unhex(j.at("seconds"));
        s.iterations_per_second = unhex(j.at("iterations_per_second"));
        s.reason = reason_from(j.at("reason").get<std::string>());
        s.message = j.at("message").get<std::string>();
        s.advises_learning_rate = j.at("advises_learning_rate").get<bool>();
        for (const json& r : j.at("records"))
            s.records.push_back(
                {r.at(0).get<std::uint64_t>(), unhex(r.at(1)), r.at(2).get<std::uint64_t>(), unhex(r.at(3))});
        if (const auto e = j.find("evaluation"); e != j.end())
            run.evaluation = evaluation_from(*e);
        if (task != nullptr)
            *task = j.at("task").get<std::size_t>();
        return run;
    } catch (const nlohmann::json::exception& e) {
        throw Error(fmt::format("{}: not a run record: {}", origin, e.what()));
    } catch (const Error& e) {
        throw Error(fmt::format("{}: not a run record: {}", origin, e.what()));
    }
}

} // namespace cgp::sweep
