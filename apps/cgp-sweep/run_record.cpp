// Grid runs as exact JSON records (journal, shard files, MPI messages).
#include "run_record.hpp"

#include <cgp/io/error.hpp>

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

} // namespace

std::string run_record_json(std::size_t task, const RunResult& run)
{
    const TrainSummary& s = run.summary;
    json records = json::array();
    for (const LossRecord& r : s.records)
        records.push_back({r.iteration, hex(r.loss), r.window, hex(r.seconds)});
    const json j{{"task", task},
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
