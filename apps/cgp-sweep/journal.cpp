// The trial journal: one atomically written JSON file per finished trial.
#include "journal.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/escape.hpp>
#include <cgp/io/read_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>

namespace cgp::sweep {
namespace fs = std::filesystem;
namespace {

using json = nlohmann::ordered_json;

json number(double v)
{
    return std::isfinite(v) ? json(v) : json(nullptr);
}
double number(const json& j)
{
    return j.is_null() ? std::numeric_limits<double>::infinity() : j.get<double>();
}

} // namespace

Journal::Journal(fs::path folder) : folder_(std::move(folder))
{
    std::error_code ec;
    fs::create_directories(folder_, ec);
    if (!fs::is_directory(folder_))
        throw Error(fmt::format("cannot create the trial journal '{}': {}", folder_.string(),
                                ec ? ec.message() : "not a folder"));
}

std::string trial_json(const TrialResult& r)
{
    json j;
    j["problem"] = r.key.problem;
    j["optimizer"] = r.key.optimizer;
    j["stage"] = r.key.stage;
    j["index"] = r.key.index;
    j["steps"] = r.key.steps;
    j["seed"] = r.key.seed;
    j["split"] = std::string(to_string(r.key.split));
    j["values"] = json::array();
    for (const auto& [k, v] : r.values)
        j["values"].push_back({k, v});
    j["hparams"] = r.hparams;
    j["final_loss"] = number(r.final_loss);
    j["best_loss"] = number(r.best_loss);
    j["steps_to_target"] = r.steps_to_target ? json(*r.steps_to_target) : json(nullptr);
    j["seconds_to_target"] = r.seconds_to_target ? json(*r.seconds_to_target) : json(nullptr);
    j["seconds"] = r.seconds;
    j["stop"] = r.stop;
    json curve = json::array();
    for (const HeldOutPoint& p : r.curve)
        curve.push_back({p.step, p.seconds, number(p.loss)});
    j["curve"] = curve;
    return json_text(j, -1) + "\n";
}

TrialResult parse_trial_json(const std::string& text, const std::string& origin)
{
    try {
        const json j = json::parse(text);
        TrialResult r;
        r.key.problem = j.at("problem").get<std::string>();
        r.key.optimizer = j.at("optimizer").get<std::string>();
        r.key.stage = j.at("stage").get<std::string>();
        r.key.index = j.at("index").get<std::size_t>();
        r.key.steps = j.at("steps").get<std::uint64_t>();
        r.key.seed = j.at("seed").get<std::uint64_t>();
        r.key.split = j.at("split").get<std::string>() == "test" ? Split::Test : Split::Validation;
        for (const json& v : j.at("values"))
            r.values.emplace_back(v.at(0).get<std::string>(), v.at(1).get<std::string>());
        r.hparams = j.at("hparams").get<std::vector<double>>();
        r.final_loss = number(j.at("final_loss"));
        r.best_loss = number(j.at("best_loss"));
        if (!j.at("steps_to_target").is_null())
            r.steps_to_target = j.at("steps_to_target").get<std::uint64_t>();
        if (!j.at("seconds_to_target").is_null())
            r.seconds_to_target = j.at("seconds_to_target").get<double>();
        r.seconds = j.at("seconds").get<double>();
        r.stop = j.at("stop").get<std::string>();
        for (const json& p : j.at("curve"))
            r.curve.push_back({p.at(0).get<std::uint64_t>(), p.at(1).get<double>(), number(p.at(2))});
        return r;
    } catch (const nlohmann::json::exception& e) {
        throw Error(
            fmt::format("{}: not a trial record: {}\nhint: remove the file to run the trial again", origin, e.what()));
    }
}

std::optional<TrialResult> Journal::find(const TrialKey& key) const
{
    const fs::path path = folder_ / (key.id() + ".json");
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return std::nullopt;
    TrialResult r = parse_trial_json(read_input_file(path, "trial record", kConfigFileLimit), path.string());
    if (r.key.id() != key.id())
        throw Error(fmt::format("{}: the record is of trial {}, not {}\nhint: remove the file to run the trial again",
                                path.string(), r.key.id(), key.id()));
    return r;
}

void Journal::write(const TrialResult& result) const
{
    AtomicFile f(folder_ / (result.key.id() + ".json"));
    f.write(trial_json(result));
    f.commit();
}

} // namespace cgp::sweep
