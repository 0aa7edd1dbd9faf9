// Recording a run's path, and reading and checking a cgp-run --trace (trace.json).
#include "run_input.hpp"

#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace cgp::landscape {
namespace fs = std::filesystem;

PathRecorder::PathRecorder(std::span<const double> initial, std::uint64_t iterations, std::uint64_t every)
    : n_(initial.size()), every_(std::max<std::uint64_t>(every, 1))
{
    limit_ = static_cast<std::size_t>(iterations / every_) + 2;
    values_.reserve(limit_ * n_);
    iterations_.reserve(limit_);
    values_.insert(values_.end(), initial.begin(), initial.end());
    iterations_.push_back(0);
}

void PathRecorder::on_iteration(const TrainStatus& s, const RunSnapshot& snapshot)
{
    if (s.iteration % every_ != 0 || iterations_.size() + 1 >= limit_)
        return;
    const std::uint8_t* bytes = snapshot.params.data();
    for (std::size_t i = 0; i < n_; ++i) {
        if (snapshot.value_size == sizeof(float)) {
            float v;
            std::memcpy(&v, bytes + i * sizeof(float), sizeof v);
            values_.push_back(v);
        } else {
            double v;
            std::memcpy(&v, bytes + i * sizeof(double), sizeof v);
            values_.push_back(v);
        }
    }
    iterations_.push_back(s.iteration);
}

void PathRecorder::finish(std::span<const double> final_params, std::uint64_t iteration)
{
    if (iterations_.back() == iteration)
        return;
    values_.insert(values_.end(), final_params.begin(), final_params.end());
    iterations_.push_back(iteration);
}

namespace {

std::string names(const std::vector<std::string>& v)
{
    std::string s;
    for (std::size_t i = 0; i < v.size() && i < 8; ++i)
        s += (i ? ", " : "") + v[i];
    return v.size() > 8 ? s + fmt::format(", ... ({} in all)", v.size()) : s;
}

const nlohmann::json& member(const nlohmann::json& j, const char* key, const std::string& file)
{
    if (!j.is_object() || !j.contains(key))
        throw Error(
            fmt::format("{}: not a cgp-run trace: no \"{}\"\nhint: make one with cgp-run ... --trace DIR", file, key));
    return j[key];
}

std::vector<double> parameter_list(const nlohmann::json& j, const char* key, std::size_t count, const std::string& file)
{
    const char* hint = "hint: record the run again with cgp-run ... --trace DIR (traces keep initial_params and "
                       "final_params)";
    if (!j.contains(key) || !j[key].is_array())
        throw Error(fmt::format("{}: the trace has no parameters: \"{}\" is missing\n{}", file, key, hint));
    const nlohmann::json& a = j[key];
    if (a.size() != count)
        throw Error(fmt::format("{}: \"{}\" holds {} values; the model has {} parameters\n{}", file, key, a.size(),
                                count, hint));
    std::vector<double> v;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_number() || !std::isfinite(a[i].get<double>()))
            throw Error(fmt::format("{}: \"{}\"[{}] is not a finite number\n{}", file, key, i, hint));
        v.push_back(a[i].get<double>());
    }
    return v;
}

} // namespace

TraceParams read_trace(const fs::path& path, const Graph& graph, const RunSettings& settings,
                       const PluginOptimizer& optimizer)
{
    const fs::path file_path = fs::is_directory(path) ? path / "trace.json" : path;
    const std::string file = file_path.string();
    const std::string text =
        read_input_file(file_path, "trace", kModelFileLimit, "--trace takes the folder cgp-run --trace DIR wrote");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::parse_error& e) {
        throw Error(fmt::format("{}: not valid JSON: {}\nhint: --trace takes the folder cgp-run --trace DIR wrote",
                                file, e.what()));
    }
    if (!j.is_object() || !j.contains("format") || j["format"] != "cgp-trace 1")
        throw Error(fmt::format("{}: not a cgp-run trace (no \"format\": \"cgp-trace 1\")\nhint: make one with "
                                "cgp-run ... --trace DIR",
                                file));
    const nlohmann::json& model = member(j, "model", file);
    std::vector<std::string> params;
    std::size_t nodes = 0;
    try {
        params = member(model, "params", file).get<std::vector<std::string>>();
        nodes = member(model, "nodes", file).size();
    } catch (const nlohmann::json::exception& e) {
        throw Error(fmt::format("{}: the trace's model is malformed: {}", file, e.what()));
    }
    const std::string traced =
        model.contains("name") && model["name"].is_string() ? model["name"].get<std::string>() : std::string("?");
    if (graph.params != params || nodes != scalar_node_count(graph))
        throw Error(fmt::format("{}: a trace of another model: {} ({} parameters: {}; {} nodes), not {} ({} "
                                "parameters: {}; {} nodes)\nhint: give the traced run's --model, --expr or --layers",
                                file, traced, params.size(), names(params), nodes, graph.name, graph.params.size(),
                                names(graph.params.to_vector()), scalar_node_count(graph)));
    // The settings that decide the run's path, as the trace recorded them.
    const nlohmann::json& s = member(j, "settings", file);
    const nlohmann::json& opt = member(j, "optimizer", file);
    std::vector<std::string> differ;
    const auto compare = [&](const char* option, const nlohmann::json& recorded, const std::string& now) {
        const std::string was = recorded.is_string() ? recorded.get<std::string>() : recorded.dump();
        if (was != now)
            differ.push_back(fmt::format("{} {} (this run: {})", option, was, now));
    };
    compare("--iterations", s.value("requested_iterations", nlohmann::json()), std::to_string(settings.iterations));
    compare("--batch-size", s.value("batch_size", nlohmann::json()), std::to_string(settings.batch_size));
    compare("--seed", s.value("seed", nlohmann::json()), std::to_string(settings.seed));
    compare("--dtype", s.value("dtype", nlohmann::json()), std::string(to_string(settings.dtype)));
    compare("--optimizer", opt.value("id", nlohmann::json()), optimizer.plugin().id());
    if (opt.contains("hyperparameters") && opt["hyperparameters"].is_object())
        for (std::size_t h = 0; h < optimizer.plugin().hparams().size(); ++h) {
            const HyperParam& hp = optimizer.plugin().hparams()[h];
            const nlohmann::json& v = opt["hyperparameters"].value(hp.name, nlohmann::json());
            if (!v.is_number() || v.get<double>() != optimizer.hparams()[h])
                differ.push_back(
                    fmt::format("--{} {} (this run: {:g})", hp.option_name(), v.dump(), optimizer.hparams()[h]));
        }
    if (!differ.empty()) {
        std::string list;
        for (const std::string& d : differ)
            list += "\n  " + d;
        throw Error(fmt::format("{}: the trace was recorded with other settings:{}\nhint: give the traced run's "
                                "options, so the run drawn is the run traced",
                                file, list));
    }
    return {parameter_list(j, "initial_params", graph.params.size(), file),
            parameter_list(j, "final_params", graph.params.size(), file)};
}

void check_reproduced(const fs::path& trace, std::span<const double> recorded, std::span<const double> rerun,
                      const Graph& graph, const char* which)
{
    double size = 0.0, worst = 0.0;
    std::size_t at = 0;
    for (std::size_t i = 0; i < recorded.size(); ++i) {
        size = std::max(size, std::abs(recorded[i]));
        const double d = std::abs(recorded[i] - rerun[i]);
        if (!(d <= worst)) {
            worst = d;
            at = i;
        }
    }
    if (!(worst <= 1e-9 * std::max(size, 1.0)))
        throw Error(fmt::format("--trace {}: the run drawn does not reproduce the trace's {} parameters ({} is {:.17g} "
                                "in the trace, {:.17g} here)\nhint: give the traced run's data and transform "
                                "options too (--data, --schedule, --decay, --clip-...)",
                                trace.string(), which, graph.params[at], recorded[at], rerun[at]));
}

} // namespace cgp::landscape
