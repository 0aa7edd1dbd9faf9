// cgp-run's reports on stdout: the run summary (text or JSON), the plugin list, a checkpoint's
// contents.
#include "cgp_run.hpp"

#include <cgp/training/checkpoint.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/escape.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_paths.hpp>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <iostream>

namespace cgp::run_app {
namespace {

std::string json_number(double v)
{
    return std::isfinite(v) ? fmt::format("{:.17g}", v) : "null";
}

// The optimizer's code path: the plugin's widest SIMD variant here, or "scalar" (--optimizer-form scalar).
std::string optimizer_path(const Experiment& ex)
{
    return ex.optimizer().plugin().simd_path(ex.settings().train.optimizer_form == OptimizerForm::Scalar);
}

// The transforms as given, and the scheduled values of the last step.
nlohmann::ordered_json transforms_json(const TransformChain& chain)
{
    const TransformSettings& t = chain.settings();
    nlohmann::ordered_json schedules = nlohmann::ordered_json::object();
    const TransformRecord r = chain.record();
    for (std::size_t k = 0; k < r.schedules.size(); ++k)
        schedules[chain.scheduled_names()[k]] = r.schedules[k].substr(r.schedules[k].find('=') + 1);
    nlohmann::ordered_json last = nlohmann::ordered_json::object();
    const std::vector<double> values = chain.scheduled_values();
    for (std::size_t k = 0; k < values.size(); ++k)
        last[chain.scheduled_names()[k]] = values[k];
    return {{"schedules", schedules},
            {"decay", t.decay},
            {"decay_mode", std::string(to_string(t.decay_mode))},
            {"decay_biases", t.decay_biases},
            {"clip_value", t.clip_value},
            {"clip_norm", t.clip_norm},
            {"clip_norm_per_tensor", t.clip_norm_per_tensor},
            {"groups", t.groups},
            {"last_values", last}};
}

// The epochs trained: the iterations over the iterations per epoch (CSV data).
double epochs_trained(const Experiment& ex, std::uint64_t iterations)
{
    return static_cast<double>(iterations) / static_cast<double>(ex.iterations_per_epoch());
}

} // namespace

std::string threads_text(const Experiment& ex)
{
    const TapeStats& t = ex.tape_stats();
    if (ex.settings().threads <= 1)
        return "threads 1";
    return fmt::format("threads {} ({} of {} dense layers split across them: those of at least {} multiply-adds a "
                       "pass)",
                       t.threads, t.threaded_layers, t.dense_layers, kMinThreadedWork);
}

void print_text(const Experiment& ex, const TrainSummary& s, const std::string& model_name)
{
    const auto& opt = ex.optimizer();
    const auto& st = ex.settings();
    std::string hp;
    for (std::size_t i = 0; i < opt.plugin().hparams().size(); ++i)
        hp += fmt::format("{}{}={:g}", hp.empty() ? "" : " ", opt.plugin().hparams()[i].name, opt.hparams()[i]);
    const LossRecord* last = s.records.empty() ? nullptr : &s.records.back();
    fmt::print("optimizer       {} {} ({})\n", opt.plugin().id(), opt.plugin().version(), opt.plugin().path().string());
    fmt::print("hyperparameters {}\n", hp.empty() ? "(none)" : hp);
    fmt::print("model           {} ({} inputs, {} outputs)\n", model_name, ex.graph().inputs.size(),
               ex.graph().outputs.size());
    fmt::print("parameters      {}\n", ex.param_count());
    fmt::print("data            {}\n", ex.data_description());
    fmt::print("iterations      {} (batch {}, {}, seed {})\n", s.iterations, st.batch_size, to_string(st.dtype),
               st.seed);
    if (const std::uint64_t per_epoch = ex.iterations_per_epoch(); per_epoch > 0)
        fmt::print("epochs          {} ({} iterations each: {} training rows, batch {})\n",
                   s.iterations % per_epoch == 0 ? fmt::format("{}", s.iterations / per_epoch)
                                                 : fmt::format("{:.2f}", epochs_trained(ex, s.iterations)),
                   per_epoch, ex.dataset().samples, st.batch_size);
    if (last != nullptr)
        fmt::print("final loss      {:.6f} (mean of iterations {}-{})\n", s.final_loss,
                   last->iteration - last->window + 1, last->iteration);
    else
        fmt::print("final loss      -\n");
    if (std::isfinite(s.min_loss))
        fmt::print("min loss        {:.6f} (record ending at iteration {})\n", s.min_loss, s.min_iteration);
    fmt::print("wall time       {:.4f} s\n", s.seconds);
    fmt::print("rate            {:.0f} iterations/s\n", s.iterations_per_second);
    fmt::print("simd            graph {}, optimizer {} ({} form)\n", to_string(ex.simd_path()), optimizer_path(ex),
               to_string(st.train.optimizer_form));
    fmt::print("threads         {}\n", threads_text(ex).substr(std::string_view("threads ").size()));
    if (!ex.transforms().empty())
        fmt::print("transforms      {}\n", ex.transforms().describe());
    if (opt.needs_closure())
        fmt::print("evaluations     {} by the optimizer's closure (cgp.closure/1), {:.2f} per step\n", s.evaluations,
                   s.steps > 0 ? static_cast<double>(s.evaluations) / static_cast<double>(s.steps) : 0.0);
    if (s.skipped > 0)
        fmt::print("skipped steps   {} (non-finite loss or gradient)\n", s.skipped);
    if (s.reason != StopReason::Completed)
        fmt::print("stopped         {}: {}\n", std::string(to_string(s.reason)), cli::stop_message(s, opt.plugin()));
    print_fit_text(ex);
}

void print_json(const Experiment& ex, const TrainSummary& s, const std::string& model_name)
{
    const auto& opt = ex.optimizer();
    const auto& st = ex.settings();
    nlohmann::ordered_json j;
    j["optimizer"] = {
        {"id", opt.plugin().id()}, {"version", opt.plugin().version()}, {"path", opt.plugin().path().string()}};
    nlohmann::ordered_json hp = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < opt.plugin().hparams().size(); ++i)
        hp[opt.plugin().hparams()[i].name] = opt.hparams()[i];
    j["hyperparameters"] = hp;
    j["model"] = model_name;
    j["inputs"] = ex.graph().inputs;
    j["outputs"] = ex.graph().outputs;
    j["parameters"] = ex.param_count();
    j["data"] = ex.data_description();
    j["dtype"] = std::string(to_string(st.dtype));
    j["simd"] = {{"graph", std::string(to_string(ex.simd_path()))},
                 {"optimizer", optimizer_path(ex)},
                 {"optimizer_form", std::string(to_string(st.train.optimizer_form))}};
    j["threads"] = {{"count", ex.tape_stats().threads},
                    {"split_layers", ex.tape_stats().threaded_layers},
                    {"min_layer_work", kMinThreadedWork}};
    j["batch_size"] = st.batch_size;
    j["seed"] = st.seed;
    j["iterations"] = s.iterations;
    if (ex.iterations_per_epoch() > 0) {
        j["iterations_per_epoch"] = ex.iterations_per_epoch();
        j["epochs_trained"] = epochs_trained(ex, s.iterations);
    }
    j["log_every"] = st.train.log_every;
    j["final_loss"] = nlohmann::ordered_json::parse(json_number(s.final_loss));
    j["min_loss"] = nlohmann::ordered_json::parse(json_number(s.min_loss));
    j["min_iteration"] = s.min_iteration;
    j["seconds"] = s.seconds;
    j["iterations_per_second"] = s.iterations_per_second;
    j["skipped"] = s.skipped;
    if (opt.needs_closure())
        j["evaluations"] = s.evaluations; // by the optimizer's closure (cgp.closure/1)
    j["stop"] = std::string(to_string(s.reason));
    j["transforms"] = transforms_json(ex.transforms());
    const nlohmann::ordered_json fit = fit_json(ex);
    for (const auto& [key, value] : fit.items())
        j[key] = value;
    if (s.reason != StopReason::Completed)
        j["message"] = cli::stop_message(s, opt.plugin());
    std::cout << json_text(j, 2) << '\n';
}

int list_optimizers(const std::vector<std::filesystem::path>& search)
{
    const auto files = find_plugins(search);
    if (files.empty()) {
        std::string looked;
        for (const auto& d : search)
            looked += "\n  " + d.string();
        throw Error("no optimizer plugins found; looked in:" + looked);
    }
    int failures = 0;
    for (const auto& f : files) {
        try {
            const auto p = Plugin::load(f);
            fmt::print("{} {}  {}\n  {}\n  file: {}\n{}\n", p->id(), p->version(), p->name(), p->summary(), f.string(),
                       cli::describe_hparams(*p));
        } catch (const Error& e) {
            ++failures;
            fmt::print(stderr, "{}: skipped: {}\n", kProgram, e.what());
        }
    }
    return failures == 0 ? cli::kOk : cli::kFailure;
}

int inspect_checkpoint(const std::string& path)
{
    const Checkpoint c = read_checkpoint(path);
    std::string hp;
    for (const auto& [name, value] : c.hparams)
        hp += fmt::format("{}{}={:g}", hp.empty() ? "" : " ", name, value);
    fmt::print("checkpoint      {} (format {})\n", path, c.format);
    fmt::print("model           {} (fingerprint {:016x}, {} parameters)\n", c.model_name, c.model_fingerprint,
               c.param_count);
    fmt::print("optimizer       {} {} ({} state arrays)\n", c.plugin_id, c.plugin_version, c.state.size());
    fmt::print("hyperparameters {}\n", hp.empty() ? "(none)" : hp);
    fmt::print("iteration       {} ({} steps, {} skipped; batch {}, {}, seed {})\n", c.loop.iteration, c.loop.step,
               c.loop.skipped, c.batch_size, c.dtype, c.seed);
    fmt::print("loss records    {} (every {} iterations){}\n", c.loop.records.size(), c.log_every,
               c.loop.records.empty() ? "" : fmt::format(", last {:.6f}", c.loop.records.back().loss));
    std::string schedules;
    for (std::size_t k = 0; k < c.transforms.schedules.size(); ++k)
        schedules += fmt::format("{}{}{}", schedules.empty() ? "" : " ", c.transforms.schedules[k],
                                 c.transforms.schedules[k].find("plateau(") != std::string::npos
                                     ? fmt::format(" (now {:g})", c.transforms.plateau[k].value)
                                     : std::string());
    if (!schedules.empty())
        fmt::print("schedules       {}\n", schedules);
    if (!c.transforms.groups.empty())
        fmt::print("groups          {}\n", fmt::join(c.transforms.groups, " "));
    if (!c.loss.empty())
        fmt::print("loss            {}\n", c.loss);
    if (!c.run_state.empty())
        fmt::print("run state       {:.17g}\n", fmt::join(c.run_state, " "));
    return cli::kOk;
}

} // namespace cgp::run_app
