// cgp-sweep: a grid of training runs, in parallel, with a results table, CSV/JSON files and plots.
//
//   cgp-sweep --models one-neuron,multi-neuron --optimizers sgd,sgdplus,adam --grid lr=1e-2,1e-3,1e-4
//   cgp-sweep --optimizers adam --grid beta1=0.7,0.9,0.99 --grid beta2=0.7,0.9,0.99
//             --grid batch-size=8,32 --iterations 50000 --seeds 5 --out beta-study
//   cgp-sweep --config examples/report/lr-study.ini --out report/lr-study
//
// The table goes to stdout; progress to stderr. With --out DIR, the results are also written to
// DIR/results.csv, DIR/results.json and DIR/table.txt, each run's loss record to DIR/runs/, and
// the figures to DIR/plots/ (gnuplot scripts, rendered to PNG and SVG when gnuplot is on PATH).
// Nothing is written unless every run finishes.
//
// cgp-sweep bench and cgp-sweep report: the optimizer benchmark (bench_cli.hpp).
#include "../common/cli.hpp"
#include "../common/stdout_check.hpp"
#include "bench_cli.hpp"
#include "figures.hpp"
#include "grid.hpp"
#include "results.hpp"
#include "out_folder.hpp"
#include "runner.hpp"
#include "text.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/file_identity.hpp>
#include <cgp/training/memory_estimate.hpp>
#include <cgp/report/plot.hpp>
#include <cgp/host/plugin_paths.hpp>

#include <fmt/format.h>

#include <csignal>
#include <iostream>
#include <optional>
#include <thread>
#include <unistd.h>

namespace {

using namespace cgp;
using namespace cgp::sweep;
namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr const char* kProgram = "cgp-sweep";

struct SweepOptions {
    cli::CommonOptions common;
    std::string config;
    bool help = false;
    std::string optimizers = "sgd,sgdplus,adam";
    std::string models;
    std::vector<std::string> grid;
    std::size_t seeds = 1;
    unsigned jobs = 0;
    std::string out;
    std::string formats = "png,svg";
    bool no_plots = false;
    std::string log_y = "auto";
    bool no_log_y = false;
    double smooth = 0.0;
    std::string heldout_figures;
    bool quiet = false;
    bool force = false;
};

po::options_description sweep_options(SweepOptions& o)
{
    po::options_description d("Sweep");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&o.help), "show the options")
        ("config", po::value(&o.config)->value_name("FILE"), "INI file of option = value lines (the command line wins); "
                                         "repeat 'grid = KEY=VALUES' lines for several axes")
        ("optimizers", po::value(&o.optimizers)->default_value(o.optimizers)->value_name("LIST"),
         "optimizer plugins, comma-separated (names, file names or paths)")
        ("models", po::value(&o.models)->value_name("LIST"), "models, comma-separated: presets or model files (instead of the "
                                         "Model options)")
        ("grid", po::value(&o.grid)->composing()->value_name("KEY=V1,V2,..."),
         "an axis of the grid (repeatable). KEY is a run setting (batch-size, iterations, seed, "
         "dataset-size, log-every, dtype), a host transform (schedule, decay, decay-mode, clip-norm, clip-value; "
         "commas inside a schedule's parentheses are its own) or a hyperparameter of at least one optimizer "
         "(lr, momentum, beta1, ...)")
        ("seeds", cli::whole(&o.seeds)->default_value(1)->value_name("N"), "runs per grid point, with seeds seed, seed+1, ...: "
                                                          "mean and spread")
        ("jobs,j", cli::whole(&o.jobs)->default_value(0)->value_name("N"), "runs in parallel (0: one per core)")
        ("out,o", po::value(&o.out)->value_name("DIR"), "folder for results.csv, results.json, table.txt, runs/ and plots/")
        ("formats", po::value(&o.formats)->default_value(o.formats), "image formats of the plots: png, svg or both")
        ("no-plots", po::bool_switch(&o.no_plots), "write no figures")
        ("force", po::bool_switch(&o.force), "replace the results of an earlier sweep in the --out folder")
        ("log-y", po::value(&o.log_y)->implicit_value("on")->value_name("WHEN"),
         "log-scale y axis of the loss curves: on, off or auto (the default: when they span more than two decades)")
        ("no-log-y", po::bool_switch(&o.no_log_y), "linear y axis of the loss curves (same as --log-y off)")
        ("smooth", po::value(&o.smooth)->default_value(0.0)->value_name("W"),
         "draw each loss curve as its exponential moving average with weight W in [0, 1), the raw curve faint")
        ("heldout-figures", po::value(&o.heldout_figures)->value_name("LIST"),
         "with --validation/--test or --split: figures of these final held-out metrics against the first gridded "
         "hyperparameter, e.g. validation-accuracy,test-loss (SPLIT-METRIC; METRIC loss, accuracy, mae or r2; "
         "default: the selection metric on validation and test)")
        ("quiet,q", po::bool_switch(&o.quiet), "no progress on stderr");
    // clang-format on
    return d;
}

po::options_description training_options(SweepOptions& o)
{
    po::options_description d("Training (for every run, unless the grid sets it)");
    // clang-format off
    d.add_options()
        ("iterations", cli::whole(&o.common.settings.iterations)->default_value(20000), "training iterations")
        ("batch-size", cli::whole(&o.common.settings.batch_size)->default_value(8), "samples per iteration")
        ("seed", cli::whole(&o.common.settings.seed)->default_value(0), "first seed (weights, data and sampling)");
    // clang-format on
    d.add(cli::run_options(o.common, false));
    return d;
}

std::vector<std::shared_ptr<const Plugin>> load_optimizers(const SweepOptions& o)
{
    const auto search = plugin_search_path({o.common.plugin_dirs.begin(), o.common.plugin_dirs.end()});
    std::vector<std::shared_ptr<const Plugin>> plugins;
    for (const std::string& name : split_commas(o.optimizers)) {
        auto plugin = Plugin::load(resolve_plugin(name, search));
        for (const auto& p : plugins)
            if (p->id() == plugin->id())
                throw cli::UsageError(fmt::format("--optimizers: '{}' is listed twice", plugin->id()));
        plugins.push_back(std::move(plugin));
    }
    if (plugins.empty())
        throw cli::UsageError("--optimizers needs at least one optimizer, e.g. --optimizers sgd,sgdplus,adam");
    return plugins;
}

std::vector<SweepModel> choose_models(const SweepOptions& o, const po::variables_map& vm)
{
    std::vector<SweepModel> models;
    if (o.models.empty()) {
        const ModelSpec spec = make_model(cli::model_choice(o.common, vm));
        std::string file_name = file_safe(is_preset(spec.name) ? spec.name : fs::path(spec.name).stem().string());
        file_name.erase(0, file_name.find_first_not_of("-_.")); // "--expr" becomes "expr"
        models.push_back({spec.name, file_name.empty() ? "model" : file_name, spec});
        return models;
    }
    for (const char* own : {"model", "expr", "layers"})
        if (vm.count(own))
            throw cli::UsageError(
                fmt::format("--models and --{} cannot be combined; list every model in --models", own));
    for (const std::string& name : split_commas(o.models)) {
        std::error_code ec;
        if (!is_preset(name) && !fs::exists(name, ec))
            throw Error(fmt::format("--models: '{}' is neither a preset nor a model file; presets are: one-neuron "
                                    "multi-neuron",
                                    name));
        ModelChoice choice;
        choice.model = name;
        const ModelSpec spec = make_model(choice);
        std::string file_name = file_safe(is_preset(name) ? name : fs::path(name).stem().string());
        for (const SweepModel& m : models)
            if (m.file_name == file_name)
                throw cli::UsageError(fmt::format("--models: '{}' is listed twice (or two model files share the name "
                                                  "'{}')",
                                                  name, file_name));
        models.push_back({name, file_name, spec});
    }
    if (models.empty())
        throw cli::UsageError("--models needs at least one model, e.g. --models one-neuron,multi-neuron");
    return models;
}

std::vector<std::string> image_formats(const SweepOptions& o)
{
    std::vector<std::string> formats = split_commas(o.formats);
    for (const std::string& f : formats)
        if (f != "png" && f != "svg")
            throw cli::UsageError(
                fmt::format("--formats {}: '{}' is not an image format; use png, svg or png,svg", o.formats, f));
    return formats;
}

void make_folder(const fs::path& dir)
{
    std::error_code ec;
    fs::create_directory(dir, ec);
    if (!fs::is_directory(dir))
        throw Error(fmt::format("cannot create folder '{}': {}", dir.string(), ec ? ec.message() : "not a folder"));
}

FigureOptions figure_options(const SweepOptions& o)
{
    FigureOptions f;
    try {
        f.log_y = o.no_log_y ? LogY::Off : parse_log_y(o.log_y, "--log-y");
        check_smooth(o.smooth, "--smooth");
        f.heldout_metrics = parse_heldout_metrics(o.heldout_figures);
    } catch (const Error& e) {
        throw cli::UsageError(e.what());
    }
    f.smooth = o.smooth;
    return f;
}

// Writes the results, run records and figures into the output folder's staging folder, then puts
// it in place whole.
void write_outputs(const SweepOptions& o, OutFolder& out, const Plan& plan, const std::vector<PointResult>& results,
                   const SweepOutcome& outcome, const std::string& table, const std::string& command)
{
    const fs::path dir = out.staging();
    make_folder(dir / "runs");
    for (const PointResult& r : results)
        for (const RunResult* run : r.runs)
            write_text_file(dir / run_file_name(plan, plan.points[r.point], run->seed), run_csv(run->summary));
    write_text_file(dir / "results.csv", results_csv(plan, results));
    write_text_file(dir / "results.json", results_json(plan, results, outcome, command));
    write_text_file(dir / "table.txt", table);
    std::size_t figures = 0;
    bool unrendered = false;
    if (!o.no_plots) {
        make_folder(dir / "plots");
        const auto all = sweep_figures(plan, results, figure_options(o));
        unrendered = write_sweep_figures(all, dir / "plots", image_formats(o), o.quiet, o.jobs);
        figures = all.size();
    }
    out.commit();
    if (o.quiet) {
        if (unrendered) // said even when quiet: otherwise a quiet run silently yields no images
            fmt::print(stderr, "{}: gnuplot is not on PATH: wrote the figures as scripts only, no images\n", kProgram);
        return;
    }
    fmt::print(stderr, "{}: wrote {}: results.csv, results.json, table.txt, {} run records in runs/", kProgram, o.out,
               outcome.runs.size());
    if (figures > 0)
        fmt::print(stderr, ", {} figures in plots/", figures);
    fmt::print(stderr, "\n");
    if (unrendered) {
        std::string render;
        for (const std::string& ext : image_formats(o))
            render += fmt::format("{}gnuplot -e \"out='${{f%.gp}}.{}'\" \"$f\"", render.empty() ? "" : " && ", ext);
        fmt::print(stderr,
                   "{}: gnuplot is not on PATH, so the figures are scripts only. Render them with:\n"
                   "  cd {} && for f in *.gp; do {}; done\n",
                   kProgram, shell_quote((fs::path(o.out) / "plots").string()), render);
    }
}

int run(int argc, char** argv)
{
    if (argc > 1 && std::string_view(argv[1]) == "bench")
        return bench_main(argc - 1, argv + 1);
    if (argc > 1 && std::string_view(argv[1]) == "report")
        return report_main(argc - 1, argv + 1);
    SweepOptions o;
    po::options_description sweep = sweep_options(o);
    po::options_description training = training_options(o);
    po::options_description all;
    all.add(sweep).add(cli::model_options(o.common)).add(cli::data_options(o.common)).add(training);

    po::options_description config_only;
    // clang-format off
    config_only.add_options()("config", po::value(&o.config));
    // clang-format on
    po::variables_map first;
    cli::parse_bootstrap(argc, argv, config_only, first);
    po::variables_map vm;
    cli::parse_strict(argc, argv, all, o.config, vm);
    if (o.help) {
        std::cout
            << "cgp-sweep: a grid of training runs, run in parallel, with a results table, CSV/JSON and plots.\n\n"
               "usage: cgp-sweep [--optimizers LIST] [--models LIST] [--grid KEY=V1,V2,...]... [options]\n"
            << all << '\n'
            << "A hyperparameter axis applies to the optimizers that have it (sgd ignores beta1); a\n"
               "one-value axis sets that value for every run. Results table on stdout, progress on stderr.\n"
               "With --validation/--test or --split, each optimizer's configuration is selected on the\n"
               "validation metric and reported on the test split (docs/benchmarking.md).\n\n"
               "The optimizer benchmark (tuning with the same budget, seeds, performance profiles):\n"
               "  cgp-sweep bench --help     cgp-sweep report DIR\n";
        return cli::kOk;
    }

    Plan plan;
    plan.optimizers = load_optimizers(o);
    plan.models = choose_models(o, vm);
    std::vector<GridOption> grid;
    for (const std::string& g : o.grid)
        grid.push_back(parse_grid_option(g));
    plan.axes = make_axes(grid, plan.optimizers);
    if (o.seeds == 0)
        throw cli::UsageError("--seeds must be at least 1");
    for (const Axis& a : plan.axes)
        if (a.key == "seed" && o.seeds > 1)
            throw cli::UsageError("--grid seed and --seeds cannot be combined; use one of them");
    plan.seeds = o.seeds;
    const RunSettings base = cli::run_settings(o.common);
    const DataChoice data = cli::data_choice(o.common, vm);
    plan.points = expand(plan, base, data);
    std::optional<OutFolder> out;
    if (!o.out.empty()) {
        check_output_folder(o.out, "--out", "results.csv");
        if (!o.no_plots) {
            image_formats(o);
            figure_options(o);
        }
        std::vector<NamedFile> inputs{{"--config", o.config}};
        if (o.common.data != "generated")
            inputs.push_back({"--data", o.common.data});
        for (const SweepModel& m : plan.models)
            if (std::error_code ec; !is_preset(m.name) && fs::is_regular_file(m.name, ec))
                inputs.push_back({"--models", m.name});
        for (const auto& p : plan.optimizers)
            inputs.push_back({"--optimizers", p->path()});
        check_outputs_apart(inputs, {}, {{"--out", o.out}});
        out.emplace(o.out, o.force);
    }
    preflight(plan);

    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned jobs = o.jobs == 0 ? cores : o.jobs;
    const std::size_t runs = plan.points.size() * plan.seeds;
    if (!o.quiet) {
        const std::size_t threads = std::min<std::size_t>(jobs, runs);
        fmt::print(stderr, "{}: {} grid points{} = {} runs on {} thread{}\n", kProgram, plan.points.size(),
                   plan.seeds > 1 ? fmt::format(" x {} seeds", plan.seeds) : std::string(), runs, threads,
                   threads == 1 ? "" : "s");
    }
    check_parallel_memory(run_estimates(plan), jobs, available_memory());
    cli::install_signal_handlers();
    const SweepOutcome outcome = run_sweep(plan, jobs, !o.quiet);
    if (outcome.signal != 0) {
        fmt::print(stderr, "{}: interrupted; no results written\n", kProgram);
        return outcome.signal == SIGTERM ? cli::kSigterm : cli::kSigint;
    }
    std::uint64_t iterations = 0;
    for (const RunResult& r : outcome.runs)
        iterations += r.summary.iterations;
    if (!o.quiet)
        fmt::print(stderr, "{}: {} runs, {} iterations in {:.3f} s ({:.2f}M iterations/s)\n", kProgram, runs,
                   iterations, outcome.wall_seconds,
                   outcome.wall_seconds > 0 ? static_cast<double>(iterations) / outcome.wall_seconds / 1e6 : 0.0);

    const std::vector<PointResult> results = summarize(plan, outcome);
    const std::string table = results_table(plan, results);
    std::string command;
    for (int i = 0; i < argc; ++i)
        command += (i ? " " : "") + shell_quote(argv[i]);
    // The table first: a failure while writing --out loses no result.
    std::cout << table << std::flush;
    if (out)
        write_outputs(o, *out, plan, results, outcome, table, command);
    return cli::kOk;
}

} // namespace

int main(int argc, char** argv)
{
    return cgp::cli::finish_stdout(kProgram, cgp::cli::guard(kProgram, [&] { return run(argc, argv); }));
}
