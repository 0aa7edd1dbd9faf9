// cgp-run: train a model with an optimizer plugin and report the result.
//
//   cgp-run --optimizer adam.so                      the multi-neuron preset on generated data
//   cgp-run --optimizer sgdplus --model one-neuron --lr 1e-2 --momentum 0.9 --loss-csv loss.csv
//   cgp-run --optimizer adam --help                  options, with adam's hyperparameters
//   cgp-run --list-optimizers
//   cgp-run --optimizer adam --plot loss.png         also plot the loss record (gnuplot)
//   cgp-run --model one-neuron --draw net.svg        draw the model (Graphviz) and exit
//   cgp-run --optimizer adam --dtype f64 --trace t/  write a trace for tools/torch_check.py
//
// Results go to stdout (a table, or JSON with --json); progress and diagnostics to stderr.
#include "../common/cli.hpp"

#include <cgp/checkpoint.hpp>
#include <cgp/draw.hpp>
#include <cgp/error.hpp>
#include <cgp/experiment.hpp>
#include <cgp/observers.hpp>
#include <cgp/plot.hpp>
#include <cgp/plugin.hpp>
#include <cgp/trace.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <csignal>
#include <fstream>
#include <iostream>
#include <optional>

namespace {

using namespace cgp;
namespace po = boost::program_options;

constexpr const char* kProgram = "cgp-run";
constexpr const char* kDefaultOptimizer = "adam";

struct RunOptions {
    cli::CommonOptions common;
    std::string optimizer = kDefaultOptimizer;
    std::string config;
    std::string loss_csv;
    bool json = false;
    bool quiet = false;
    bool list = false;
    bool help = false;
    double lr = 0.0;
    std::uint64_t early_stop = 0;
    double min_delta = 0.0;
    std::string checkpoint;
    std::uint64_t checkpoint_every = 0;
    std::string resume;
    std::string inspect;
    std::string plot, draw, trace; // --plot FILE, --draw FILE, --trace DIR
};

po::options_description bootstrap_options(RunOptions& o)
{
    po::options_description d("General");
    d.add_options()
        ("help,h", po::bool_switch(&o.help), "show the options (with --optimizer: its hyperparameters too)")
        ("optimizer", po::value(&o.optimizer)->default_value(kDefaultOptimizer),
         "optimizer plugin: a name (adam, sgd, sgdplus), a file name (adam.so) or a path")
        ("list-optimizers", po::bool_switch(&o.list), "list every optimizer plugin found, with its hyperparameters")
        ("config", po::value(&o.config), "INI file of option = value lines (the command line wins)")
        ("inspect-checkpoint", po::value(&o.inspect), "print what a checkpoint file holds, and check it")
        ("plugin-dir", po::value(&o.common.plugin_dirs)->composing(), "a folder to search for plugins (repeatable)");
    return d;
}

po::options_description output_options(RunOptions& o)
{
    po::options_description d("Output");
    d.add_options()
        ("loss-csv", po::value(&o.loss_csv), "write the loss record to this CSV file (iteration,loss,window)")
        ("json", po::bool_switch(&o.json), "print the result as JSON")
        ("quiet,q", po::bool_switch(&o.quiet), "no progress on stderr")
        ("early-stop", po::value(&o.early_stop)->default_value(0),
         "stop after this many loss records without improvement (0: never)")
        ("min-delta", po::value(&o.min_delta)->default_value(0.0), "improvement that resets --early-stop")
        ("checkpoint", po::value(&o.checkpoint), "write the complete training state to this file (atomically)")
        ("checkpoint-every", po::value(&o.checkpoint_every)->default_value(0),
         "with --checkpoint: also every this many iterations (0: only at the end and on Ctrl-C)")
        ("resume", po::value(&o.resume), "continue exactly from a checkpoint, up to --iterations in total");
    return d;
}

// --plot, --draw and --trace: figures and traces of a run.
po::options_description figure_options(RunOptions& o)
{
    po::options_description d("Figures and traces");
    d.add_options()
        ("plot", po::value(&o.plot)->value_name("FILE"), "plot the loss record to FILE.png or FILE.svg with gnuplot (the script goes "
                                     "to FILE.gp)")
        ("draw", po::value(&o.draw)->value_name("FILE"), "draw the model to FILE.dot, .png or .svg (Graphviz) and exit without training")
        ("trace", po::value(&o.trace)->value_name("DIR"), "write the run's model, settings, initial parameters, batches and loss "
                                       "record to folder DIR (for tools/torch_check.py)");
    return d;
}

std::vector<std::filesystem::path> plot_files(const std::string& plot)
{
    const std::filesystem::path file(plot);
    const std::string ext = file.extension().string();
    if (ext != ".png" && ext != ".svg" && ext != ".gp")
        throw cli::UsageError(fmt::format("--plot {}: name the file .png or .svg (or .gp for the script only)", plot));
    if (ext == ".gp")
        return {file};
    return {std::filesystem::path(file).replace_extension(".gp"), file};
}

void check_figure_outputs(const RunOptions& o)
{
    if (!o.plot.empty())
        for (const auto& f : plot_files(o.plot))
            check_output_path(f, "--plot");
    if (!o.draw.empty())
        for (const auto& f : graph_picture_files(o.draw))
            check_output_path(f, "--draw");
    if (!o.trace.empty())
        check_trace_folder(o.trace);
    if (!o.trace.empty() && !o.resume.empty())
        throw cli::UsageError("--trace records a run from its start; it cannot be combined with --resume");
}

int draw_model(const ModelSpec& spec, const std::string& file)
{
    const std::string command = write_graph_picture(build_graph(spec), file);
    if (!command.empty())
        fmt::print(stderr, "{}: Graphviz's dot is not on PATH; wrote the DOT file. Render it with:\n  {}\n", kProgram,
                   command);
    return cli::kOk;
}

void write_figures(const RunOptions& o, const ModelSpec& spec, const Experiment& ex,
                   const std::vector<double>& initial_params, const TrainSummary& summary)
{
    if (!o.plot.empty()) {
        const auto files = plot_files(o.plot);
        const auto& opt = ex.optimizer();
        std::string title = fmt::format("{}, {}", spec.name, opt.plugin().id());
        if (const int lr = opt.plugin().find_hparam("lr"); lr >= 0)
            title += fmt::format(" lr={:g}", opt.hparams()[static_cast<std::size_t>(lr)]);
        title += fmt::format(", batch {}, seed {}", ex.settings().batch_size, ex.settings().seed);
        const FigureFiles figure{files.front(), {files.begin() + 1, files.end()}};
        const auto commands =
            write_figure(gnuplot_script(loss_figure(summary.records, title), files.back().filename().string()), figure);
        for (const std::string& c : commands)
            fmt::print(stderr, "{}: gnuplot is not on PATH; wrote {}. Render it with:\n  {}\n", kProgram,
                       figure.script.string(), c);
    }
    if (!o.trace.empty())
        write_trace(o.trace, spec, ex, initial_params, summary);
}

// Everything but the bootstrap group, which is parsed first.
po::options_description main_options(RunOptions& o)
{
    po::options_description d;
    d.add(cli::model_options(o.common)).add(cli::data_options(o.common));
    po::options_description run = cli::run_options(o.common);
    // --plugin-dir is in the bootstrap group.
    po::options_description run_without_dir("Training");
    for (const auto& opt : run.options())
        if (opt->long_name() != "plugin-dir")
            run_without_dir.add(opt);
    run_without_dir.add_options()("lr", po::value(&o.lr), "learning rate (the optimizer's lr hyperparameter)");
    d.add(run_without_dir).add(output_options(o)).add(figure_options(o));
    return d;
}

std::string stop_name(StopReason r)
{
    switch (r) {
    case StopReason::Completed: return "completed";
    case StopReason::Observer: return "early-stop";
    case StopReason::NonFinite: return "non-finite";
    case StopReason::Interrupted: return "interrupted";
    }
    return "?";
}

std::string json_number(double v)
{
    return std::isfinite(v) ? fmt::format("{:.17g}", v) : "null";
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
    fmt::print("iterations      {} (batch {}, {}, seed {})\n", s.iterations, st.batch_size, to_string(st.dtype), st.seed);
    if (last != nullptr)
        fmt::print("final loss      {:.6f} (mean of iterations {}-{})\n", s.final_loss,
                   last->iteration - last->window + 1, last->iteration);
    else
        fmt::print("final loss      -\n");
    if (std::isfinite(s.min_loss))
        fmt::print("min loss        {:.6f} (record ending at iteration {})\n", s.min_loss, s.min_iteration);
    fmt::print("wall time       {:.4f} s\n", s.seconds);
    fmt::print("rate            {:.0f} iterations/s\n", s.iterations_per_second);
    fmt::print("simd            graph {}, optimizer {}\n", to_string(ex.simd_path()), opt.plugin().simd_path());
    if (s.skipped > 0)
        fmt::print("skipped steps   {} (non-finite loss or gradient)\n", s.skipped);
    if (s.reason != StopReason::Completed)
        fmt::print("stopped         {}: {}\n", stop_name(s.reason), s.message);
}

void print_json(const Experiment& ex, const TrainSummary& s, const std::string& model_name)
{
    const auto& opt = ex.optimizer();
    const auto& st = ex.settings();
    nlohmann::ordered_json j;
    j["optimizer"] = {{"id", opt.plugin().id()},
                      {"version", opt.plugin().version()},
                      {"path", opt.plugin().path().string()}};
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
    j["simd"] = {{"graph", std::string(to_string(ex.simd_path()))}, {"optimizer", opt.plugin().simd_path()}};
    j["batch_size"] = st.batch_size;
    j["seed"] = st.seed;
    j["iterations"] = s.iterations;
    j["log_every"] = st.train.log_every;
    j["final_loss"] = nlohmann::ordered_json::parse(json_number(s.final_loss));
    j["min_loss"] = nlohmann::ordered_json::parse(json_number(s.min_loss));
    j["min_iteration"] = s.min_iteration;
    j["seconds"] = s.seconds;
    j["iterations_per_second"] = s.iterations_per_second;
    j["skipped"] = s.skipped;
    j["stop"] = stop_name(s.reason);
    if (s.reason != StopReason::Completed)
        j["message"] = s.message;
    std::cout << j.dump(2) << '\n';
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
    fmt::print("checkpoint      {} (format {})\n", path, kCheckpointFormat);
    fmt::print("model           {} (fingerprint {:016x}, {} parameters)\n", c.model_name, c.model_fingerprint,
               c.param_count);
    fmt::print("optimizer       {} {} ({} state arrays)\n", c.plugin_id, c.plugin_version, c.state.size());
    fmt::print("hyperparameters {}\n", hp.empty() ? "(none)" : hp);
    fmt::print("iteration       {} ({} steps, {} skipped; batch {}, {}, seed {})\n", c.iteration, c.step, c.skipped,
               c.batch_size, c.dtype, c.seed);
    fmt::print("loss records    {} (every {} iterations){}\n", c.records.size(), c.log_every,
               c.records.empty() ? "" : fmt::format(", last {:.6f}", c.records.back().loss));
    return cli::kOk;
}

int run(int argc, char** argv)
{
    RunOptions o;
    const po::options_description boot = bootstrap_options(o);
    po::variables_map first;
    cli::parse_bootstrap(argc, argv, boot, first);
    if (!o.config.empty()) {
        std::ifstream in(o.config);
        if (!in)
            throw Error(fmt::format("cannot open config file '{}'", o.config));
        po::store(po::parse_config_file(in, boot, true), first);
        po::notify(first);
    }
    const auto search = plugin_search_path({o.common.plugin_dirs.begin(), o.common.plugin_dirs.end()});
    if (o.list)
        return list_optimizers(search);
    if (!o.inspect.empty())
        return inspect_checkpoint(o.inspect);

    po::options_description own = main_options(o);
    std::shared_ptr<const Plugin> plugin;
    try {
        plugin = Plugin::load(resolve_plugin(o.optimizer, search));
    } catch (const Error&) {
        if (!o.help)
            throw;
    }
    po::options_description hparams(plugin ? fmt::format("Hyperparameters of {} ({})", plugin->id(),
                                                         plugin->path().filename().string())
                                           : std::string("Hyperparameters"));
    if (plugin)
        cli::add_hparam_options(hparams, *plugin, own);
    po::options_description all;
    all.add(boot).add(own).add(hparams);
    if (o.help) {
        std::cout << "cgp-run: train a model with an optimizer plugin.\n\n"
                     "usage: cgp-run [--optimizer NAME|PATH] [options]\n"
                  << all << '\n';
        if (plugin && plugin->find_hparam("lr") >= 0)
            std::cout << fmt::format("{}'s learning rate is --lr (default {:g}).\n", plugin->id(),
                                     plugin->hparams()[static_cast<std::size_t>(plugin->find_hparam("lr"))].default_value);
        return cli::kOk;
    }
    po::variables_map vm;
    cli::parse_strict(argc, argv, all, o.config, vm);

    const ModelChoice model_choice = cli::model_choice(o.common, vm);
    const DataChoice data_choice = cli::data_choice(o.common, vm);
    RunSettings settings = cli::run_settings(o.common);
    const std::vector<double> hp = cli::hparam_values(*plugin, vm);
    check_figure_outputs(o);
    if (!o.loss_csv.empty())
        check_output_path(o.loss_csv, "--loss-csv");
    if (!o.checkpoint.empty()) {
        check_output_path(o.checkpoint, "--checkpoint");
        settings.checkpoint_path = o.checkpoint;
        settings.checkpoint_every = o.checkpoint_every;
    } else if (o.checkpoint_every > 0) {
        throw cli::UsageError("--checkpoint-every needs --checkpoint FILE");
    }
    std::optional<Checkpoint> resume_from;
    if (!o.resume.empty())
        resume_from = read_checkpoint(o.resume);
    if (o.min_delta < 0 || !std::isfinite(o.min_delta))
        throw cli::UsageError("--min-delta must be a finite number >= 0");

    const ModelSpec spec = make_model(model_choice);
    if (!o.draw.empty())
        return draw_model(spec, o.draw);
    Experiment ex(spec, data_choice, plugin, hp, settings);
    const std::vector<double> initial_params = o.trace.empty() ? std::vector<double>{} : ex.params();
    if (resume_from) {
        for (const std::string& note : ex.resume(*resume_from, o.resume))
            fmt::print(stderr, "{}: note: {}\n", kProgram, note);
        if (resume_from->iteration >= settings.iterations)
            throw Error(fmt::format("checkpoint '{}' is at iteration {} already; ask for more with --iterations",
                                    o.resume, resume_from->iteration));
    }

    std::vector<TrainObserver*> observers;
    std::optional<ProgressReporter> progress;
    std::optional<LossCsvWriter> csv;
    std::optional<EarlyStop> early;
    if (!o.quiet) {
        fmt::print(stderr, "{}: training {} ({} parameters) with {}, {} iterations, batch {}, {}, simd {}\n", kProgram,
                   spec.name, ex.param_count(), plugin->id(), settings.iterations, settings.batch_size,
                   to_string(settings.dtype), to_string(ex.simd_path()));
        progress.emplace(stderr);
        observers.push_back(&*progress);
    }
    if (!o.loss_csv.empty()) {
        csv.emplace(o.loss_csv);
        if (resume_from)
            csv->write_existing(resume_from->records);
        observers.push_back(&*csv);
    }
    if (o.early_stop > 0) {
        early.emplace(o.early_stop, o.min_delta);
        observers.push_back(&*early);
    }
    cli::install_signal_handlers();
    const TrainSummary summary = ex.run(observers);
    write_figures(o, spec, ex, initial_params, summary);
    if (o.json)
        print_json(ex, summary, spec.name);
    else
        print_text(ex, summary, spec.name);
    switch (summary.reason) {
    case StopReason::Completed:
    case StopReason::Observer: return cli::kOk;
    case StopReason::NonFinite:
        fmt::print(stderr, "{}: {}\n", kProgram, summary.message);
        return cli::kDiverged;
    case StopReason::Interrupted:
        return cli::stop_signal().load() == SIGTERM ? cli::kSigterm : cli::kSigint;
    }
    return cli::kOk;
}

} // namespace

int main(int argc, char** argv)
{
    return cgp::cli::guard(kProgram, [&] { return run(argc, argv); });
}
