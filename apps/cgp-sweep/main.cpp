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
#include "grid_journal.hpp"
#if CGP_MPI
#include "mpi_grid.hpp"
#endif
#include "results.hpp"
#include "out_folder.hpp"
#include "ranks.hpp"
#include "runner.hpp"
#include "shard.hpp"
#include "sweep_identity.hpp"
#include "text.hpp"

#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/file_identity.hpp>
#include <cgp/training/memory_estimate.hpp>
#include <cgp/report/plot.hpp>
#include <cgp/host/plugin_paths.hpp>

#include <fmt/format.h>

#include <csignal>
#include <algorithm>
#include <iostream>
#include <map>
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
    std::string shard;
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
        ("shard", po::value(&o.shard)->value_name("I/N"), "run only the runs whose number is I modulo N and write "
                                         "them to the shard file --out FILE; cgp-sweep merge joins the N shards")
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

// One grid sweep: every run here, one shard of the runs (--shard), or the runs of a merged set of
// shards (merged, from cgp-sweep merge). Finished runs go to the journal beside --out.
int run_grid(int argc, char** argv, const ShardSet* merged)
{
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
        if (!is_rank0())
            return cli::kOk;
        std::cout
            << "cgp-sweep: a grid of training runs, run in parallel, with a results table, CSV/JSON and plots.\n\n"
               "usage: cgp-sweep [--optimizers LIST] [--models LIST] [--grid KEY=V1,V2,...]... [options]\n"
            << all << '\n'
            << "A hyperparameter axis applies to the optimizers that have it (sgd ignores beta1); a\n"
               "one-value axis sets that value for every run. Results table on stdout, progress on stderr.\n"
               "With --validation/--test or --split, each optimizer's configuration is selected on the\n"
               "validation metric and reported on the test split (docs/benchmarking.md).\n"
               "\n"
               "With --out, finished runs are kept in a journal beside DIR: after Ctrl-C or a time limit, the\n"
               "same command resumes. Across machines (docs/sweeps-at-scale.md):\n"
               "  mpirun -np N cgp-sweep ...             the runs handed out to N ranks; rank 0 writes DIR\n"
               "  cgp-sweep ... --shard I/N --out FILE   one shard of the runs, for array jobs\n"
               "  cgp-sweep merge FILE... --out DIR      the N shards joined into the sweep's folder\n\n"
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
    const std::size_t runs = plan.points.size() * plan.seeds;
    std::optional<ShardSpec> shard;
    if (!o.shard.empty()) {
        shard = parse_shard(o.shard);
        if (o.out.empty())
            throw cli::UsageError("--shard needs --out FILE: the shard file to write");
    }
    const SweepIdentity identity = sweep_identity(argc, argv, all, o.config, plan);
    if (merged == nullptr && plan_shared(false))
        return cli::kOk; // rank 0 failed to plan, says why and gives the exit status
    const bool on_ranks = merged == nullptr && ranks_active();
    if (on_ranks && !is_rank0())
        o.quiet = true; // rank 0 speaks for the sweep
    if (merged != nullptr && (merged->fingerprint != identity.fingerprint || merged->tasks != runs))
        throw Error(
            fmt::format("the shards are of sweep {} but their arguments now plan sweep {}: a --config, model, "
                        "data or plugin file changed since the shards ran\nhint: merge in the folder the shards "
                        "ran in, with the files they read",
                        merged->fingerprint, identity.fingerprint));
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    const unsigned jobs = o.jobs == 0 ? cores : o.jobs;
    std::optional<OutFolder> out;
    std::optional<GridJournal> journal;
    SweepWork work;
    std::map<std::size_t, RunResult> known;
    // Rank 0 alone (or the one process) checks the output, runs the preflight and reads the journal;
    // the other ranks wait for its verdict.
    const bool lead = !on_ranks || is_rank0();
    if (lead) {
        try {
            if (!o.out.empty()) {
                std::vector<NamedFile> inputs{{"--config", o.config}};
                if (o.common.data != "generated")
                    inputs.push_back({"--data", o.common.data});
                for (const SweepModel& m : plan.models)
                    if (std::error_code ec; !is_preset(m.name) && fs::is_regular_file(m.name, ec))
                        inputs.push_back({"--models", m.name});
                for (const auto& p : plan.optimizers)
                    inputs.push_back({"--optimizers", p->path()});
                if (shard) {
                    std::error_code ec;
                    if (fs::is_directory(o.out, ec))
                        throw Error(
                            fmt::format("--out {}: a folder; with --shard, --out names the shard file to write\nhint: "
                                        "give a file name, e.g. --out shard-{}-of-{}.jsonl",
                                        o.out, shard->index, shard->count));
                    if (fs::exists(o.out, ec) && !o.force)
                        throw Error(
                            fmt::format("--out {}: the file exists\nhint: add --force to replace it, or give another "
                                        "shard file",
                                        o.out));
                } else {
                    check_output_folder(o.out, "--out", "results.csv");
                    if (!o.no_plots) {
                        image_formats(o);
                        figure_options(o);
                    }
                }
                check_outputs_apart(inputs, {}, {{"--out", o.out}});
                if (!shard)
                    out.emplace(o.out, o.force);
            }
            if (merged == nullptr) {
                preflight(plan);
                if (!o.out.empty()) {
                    try {
                        journal.emplace(o.out, identity.fingerprint);
                        known = journal->read(runs);
                        work.finished = [&](std::size_t t, const RunResult& r) { journal->write(t, r); };
                    } catch (const Error& e) { // the sweep runs on; only a resume is lost
                        journal.reset();
                        known.clear();
                        fmt::print(stderr, "{}: no journal, so an interrupted sweep will not resume: {}\n", kProgram,
                                   e.what());
                    }
                }
                work.tasks.emplace();
                for (std::size_t t : shard ? shard_tasks(*shard, runs) : shard_tasks({0, 1}, runs))
                    if (known.count(t) == 0)
                        work.tasks->push_back(t);
            }
            if (!o.quiet && merged == nullptr) {
                const std::size_t mine = shard ? shard_tasks(*shard, runs).size() : runs;
                const std::size_t threads = std::min<std::size_t>(jobs, mine);
                fmt::print(stderr, "{}: {} grid points{} = {} runs{} on {}{} thread{}\n", kProgram, plan.points.size(),
                           plan.seeds > 1 ? fmt::format(" x {} seeds", plan.seeds) : std::string(), runs,
                           shard ? fmt::format(", shard {}/{}: {} runs,", shard->index, shard->count, mine)
                                 : std::string(),
                           on_ranks ? fmt::format("{} ranks x ", rank_count()) : std::string(), threads,
                           threads == 1 ? "" : "s");
                if (journal && journal->cleared())
                    fmt::print(stderr, "{}: cleared the journal {} of another sweep\n", kProgram,
                               journal->folder().string());
                if (mine != work.tasks->size())
                    fmt::print(stderr, "{}: resuming: {} finished runs read back from the journal {}\n", kProgram,
                               mine - work.tasks->size(), journal->folder().string());
            }
            if (merged == nullptr)
                check_parallel_memory(run_estimates(plan), jobs, available_memory());
        } catch (...) {
            share_verdict(on_ranks, 1);
            throw;
        }
        share_verdict(on_ranks, 0);
    } else if (share_verdict(on_ranks, 0) != 0) {
        return cli::kOk; // rank 0 failed, says why and gives the exit status
    }
    cli::install_signal_handlers();
    SweepOutcome outcome;
    if (merged != nullptr) {
        outcome.runs = merged->runs;
    } else {
#if CGP_MPI
        if (on_ranks) {
            RankOutcome ranked = run_sweep_on_ranks(plan, jobs, work);
            if (!lead)
                return ranked.failed                      ? cli::kFailure
                       : ranked.outcome.signal == 0       ? cli::kOk
                       : ranked.outcome.signal == SIGTERM ? cli::kSigterm
                                                          : cli::kSigint;
            outcome = std::move(ranked.outcome);
        }
#endif
        if (!on_ranks)
            outcome = run_sweep(plan, jobs, !o.quiet, work);
        if (outcome.signal != 0) {
            if (journal)
                fmt::print(stderr,
                           "{}: interrupted; no results written; the finished runs are in {}\nhint: run the same "
                           "command again to resume\n",
                           kProgram, journal->folder().string());
            else
                fmt::print(stderr, "{}: interrupted; no results written\n", kProgram);
            return outcome.signal == SIGTERM ? cli::kSigterm : cli::kSigint;
        }
        std::uint64_t iterations = 0;
        for (std::size_t t : *work.tasks)
            iterations += outcome.runs[t].summary.iterations;
        if (!o.quiet)
            fmt::print(stderr, "{}: {} runs, {} iterations in {:.3f} s ({:.2f}M iterations/s)\n", kProgram,
                       work.tasks->size(), iterations, outcome.wall_seconds,
                       outcome.wall_seconds > 0 ? static_cast<double>(iterations) / outcome.wall_seconds / 1e6 : 0.0);
        for (auto& [t, r] : known)
            outcome.runs[t] = std::move(r);
    }
    if (shard) {
        write_text_file(o.out, shard_text(*shard, identity, runs, outcome.runs));
        if (journal)
            journal->remove();
        if (!o.quiet)
            fmt::print(stderr, "{}: wrote shard {}/{} ({} runs) to {}\n", kProgram, shard->index, shard->count,
                       shard_tasks(*shard, runs).size(), o.out);
        return cli::kOk;
    }

    const std::vector<PointResult> results = summarize(plan, outcome);
    const std::string table = results_table(plan, results);
    std::string command;
    for (int i = 0; i < argc; ++i)
        command += (i ? " " : "") + shell_quote(argv[i]);
    // The table first: a failure while writing --out loses no result.
    std::cout << table << std::flush;
    if (out)
        write_outputs(o, *out, plan, results, outcome, table, command);
    if (journal)
        if (journal)
            journal->remove();
    return cli::kOk;
}

// cgp-sweep merge SHARD... --out DIR: the folder of the sweep the shards are of.
int merge_main(const char* program, int argc, char** argv)
{
    plan_was_shared() = true; // nothing to compare: rank 0 does it all
    if (ranks_active() && !is_rank0())
        return cli::kOk; // a merge reads and writes files only: rank 0 does it
    std::vector<std::string> files;
    std::string out;
    bool help = false, force = false, quiet = false;
    po::options_description o("cgp-sweep merge");
    // clang-format off
    o.add_options()
        ("help,h", po::bool_switch(&help), "show the options")
        ("out,o", po::value(&out)->value_name("DIR"), "the sweep's folder to write (required)")
        ("force", po::bool_switch(&force), "replace the results of an earlier sweep in the --out folder")
        ("quiet,q", po::bool_switch(&quiet), "no progress on stderr");
    // clang-format on
    po::options_description hidden;
    hidden.add_options()("shard-file", po::value(&files)->composing());
    po::options_description every;
    every.add(o).add(hidden);
    po::positional_options_description pos;
    pos.add("shard-file", -1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(every).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw cli::UsageError(e.what());
    }
    if (help) {
        std::cout << "cgp-sweep merge SHARD... --out DIR: the N shard files of one sweep (cgp-sweep ... --shard I/N "
                     "--out FILE)\njoined into the folder the sweep writes on one machine. Run it in the folder the "
                     "shards ran in.\n\n"
                  << o << '\n';
        return cli::kOk;
    }
    if (out.empty())
        throw cli::UsageError("cgp-sweep merge needs --out DIR: the folder to write the sweep's results to");
    const ShardSet set = read_shards(files);
    std::vector<std::string> args{program};
    args.insert(args.end(), set.args.begin(), set.args.end());
    args.insert(args.end(), {"--out", out});
    if (force)
        args.emplace_back("--force");
    if (quiet && std::find(args.begin(), args.end(), "-q") == args.end() &&
        std::find(args.begin(), args.end(), "--quiet") == args.end())
        args.emplace_back("--quiet");
    std::vector<char*> argv2;
    for (std::string& a : args)
        argv2.push_back(a.data());
    argv2.push_back(nullptr);
    return run_grid(static_cast<int>(args.size()), argv2.data(), &set);
}

int dispatch(int argc, char** argv)
{
    if (argc > 1 && std::string_view(argv[1]) == "bench")
        return bench_main(argc - 1, argv + 1);
    if (argc > 1 && std::string_view(argv[1]) == "report")
        return report_main(argc - 1, argv + 1);
    if (argc > 1 && std::string_view(argv[1]) == "merge")
        return merge_main(argv[0], argc - 1, argv + 1);
    return run_grid(argc, argv, nullptr);
}

int run(int argc, char** argv)
{
    try {
        return dispatch(argc, argv);
    } catch (...) {
        // Failed before the ranks compared their plans: rank 0 says why, the others follow it.
        if (ranks_active() && !plan_was_shared() && plan_shared(true) && !is_rank0())
            return cli::kOk; // rank 0 gives the exit status
        throw;
    }
}

} // namespace

int main(int argc, char** argv)
{
#if CGP_MPI
    std::optional<cgp::sweep::mpi::Session> mpi;
    if (cgp::sweep::mpi::launched())
        mpi.emplace(argc, argv);
#endif
    const int status = cgp::cli::finish_stdout(kProgram, cgp::cli::guard(kProgram, [&] { return run(argc, argv); }));
#if CGP_MPI
    // A rank that fails alone may leave the others waiting for it in a collective call: end them all.
    if (status != cgp::cli::kOk && cgp::sweep::mpi::active() && !cgp::sweep::mpi::failure_shared())
        cgp::sweep::mpi::abort_all(status);
#endif
    return status;
}
