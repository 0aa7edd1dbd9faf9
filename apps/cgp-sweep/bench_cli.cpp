// cgp-sweep bench and cgp-sweep report: options, the benchmark folder, the run and the report.
#include "bench_cli.hpp"

#include "../common/cli.hpp"
#include "bench.hpp"
#include "ranks.hpp"
#include "report.hpp"
#include "runner.hpp"
#include "text.hpp"

#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/escape.hpp>
#include <cgp/io/read_file.hpp>
#include <cgp/training/memory_estimate.hpp>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <fcntl.h>
#include <iostream>
#include <optional>
#include <sys/file.h>
#include <thread>
#include <unistd.h>

namespace cgp::sweep {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;
using json = nlohmann::ordered_json;

// What defines a benchmark; bench.json holds it, so a resume and cgp-sweep report rebuild it.
struct Definition {
    std::vector<std::string> suites;
    std::vector<std::string> problem_files; // absolute
    std::vector<std::string> optimizers;    // plugin paths
    std::vector<std::string> search;
    std::size_t budget = 20, seeds = 5, eta = 3;
    std::string method = "random";
    std::uint64_t seed = 0;
};

json definition_json(const Definition& d, const BenchSpec& spec)
{
    json problems = json::array();
    for (const BenchProblem& p : spec.problems)
        problems.push_back({{"name", p.name},
                            {"origin", p.origin},
                            {"model", p.model_name},
                            {"steps", p.steps},
                            {"batch_size", p.batch_size},
                            {"target", p.target},
                            {"eval_every", p.eval_every}});
    json files = json::array();
    for (const std::string& f : d.problem_files)
        files.push_back(
            {{"path", f},
             {"fingerprint", fmt::format("{:016x}", text_key(read_input_file(f, "problem file", kConfigFileLimit)))}});
    json optimizers = json::array();
    for (std::size_t i = 0; i < d.optimizers.size(); ++i)
        optimizers.push_back(
            {{"path", d.optimizers[i]}, {"id", spec.optimizers[i]->id()}, {"version", spec.optimizers[i]->version()}});
    return {{"format", "cgp-sweep bench 1"},
            {"suites", d.suites},
            {"problem_files", files},
            {"problems", problems},
            {"optimizers", optimizers},
            {"search", d.search},
            {"budget", d.budget},
            {"seeds", d.seeds},
            {"method", d.method},
            {"eta", d.eta},
            {"seed", d.seed}};
}

Definition definition_from(const json& j)
{
    Definition d;
    d.suites = j.at("suites").get<std::vector<std::string>>();
    for (const json& f : j.at("problem_files"))
        d.problem_files.push_back(f.at("path").get<std::string>());
    for (const json& o : j.at("optimizers"))
        d.optimizers.push_back(o.at("path").get<std::string>());
    d.search = j.at("search").get<std::vector<std::string>>();
    d.budget = j.at("budget").get<std::size_t>();
    d.seeds = j.at("seeds").get<std::size_t>();
    d.eta = j.at("eta").get<std::size_t>();
    d.method = j.at("method").get<std::string>();
    d.seed = j.at("seed").get<std::uint64_t>();
    return d;
}

BenchSpec build_spec(const Definition& d, const fs::path& dir)
{
    BenchSpec spec;
    for (const std::string& s : d.suites)
        for (BenchProblem& p : suite_problems(s, dir / "data"))
            spec.problems.push_back(std::move(p));
    for (const std::string& f : d.problem_files)
        for (BenchProblem& p : read_problem_file(f))
            spec.problems.push_back(std::move(p));
    for (std::size_t i = 0; i < spec.problems.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            if (spec.problems[i].name == spec.problems[j].name)
                throw cli::UsageError(fmt::format("problem '{}' is declared twice ({} and {})\nhint: give one of them "
                                                  "another name",
                                                  spec.problems[i].name, spec.problems[j].origin,
                                                  spec.problems[i].origin));
    if (spec.problems.empty())
        throw cli::UsageError("the benchmark has no problem; use --suite course and/or --problems FILE");
    // A problem file's split is written once the names are known to be unique (the files are named after them).
    for (BenchProblem& p : spec.problems)
        if (!p.split.empty())
            try {
                write_split(p, p.split, dir / "data");
            } catch (const Error& e) {
                throw Error(fmt::format("problem '{}' ({}): {}", p.name, p.origin, e.what()));
            }
    for (const std::string& path : d.optimizers) {
        auto p = Plugin::load(path);
        for (const auto& q : spec.optimizers)
            if (q->id() == p->id())
                throw cli::UsageError(fmt::format("--optimizers: '{}' is listed twice", p->id()));
        spec.optimizers.push_back(std::move(p));
    }
    for (const std::string& s : d.search)
        spec.search.push_back(parse_distribution(s));
    check_distributions(spec.search, spec.optimizers);
    std::vector<std::string> names;
    for (const BenchProblem& p : spec.problems)
        names.push_back(p.name);
    check_draws(spec.search, spec.optimizers, d.seed, names, d.budget);
    spec.budget = d.budget;
    spec.seeds = d.seeds;
    spec.eta = d.eta;
    spec.method = d.method == "halving" ? Method::Halving : Method::Random;
    spec.seed = d.seed;
    // Every problem builds with every optimizer's defaults before anything runs.
    for (const BenchProblem& p : spec.problems)
        for (const auto& o : spec.optimizers)
            try {
                RunSettings s;
                s.iterations = p.steps;
                s.batch_size = p.batch_size;
                apply_fit(p, s);
                const Experiment check(p.model, p.data, o, o->defaults(), s);
                (void)heldout_data(p, Split::Validation, 0, o);
                (void)heldout_data(p, Split::Test, 0, o);
            } catch (const Error& e) {
                throw Error(fmt::format("problem '{}' ({}): {}", p.name, p.origin, e.what()));
            }
    return spec;
}

// The benchmark folder's lock: flock on DIR/.bench.lock, held while the benchmark runs.
class FolderLock {
public:
    explicit FolderLock(const fs::path& dir)
    {
        fd_ = ::open((dir / ".bench.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd_ < 0)
            throw Error(fmt::format("--out {}: cannot create its lock file", dir.string()));
        if (::flock(fd_, LOCK_EX | LOCK_NB) != 0)
            throw Error(fmt::format("--out {}: another cgp-sweep is running this benchmark\nhint: wait for it to "
                                    "finish, or give this benchmark another --out folder",
                                    dir.string()));
    }
    ~FolderLock() { ::close(fd_); }
    FolderLock(const FolderLock&) = delete;
    FolderLock& operator=(const FolderLock&) = delete;

private:
    int fd_ = -1;
};

std::vector<std::string> formats_of(const std::string& text, bool none)
{
    if (none)
        return {};
    std::vector<std::string> f = split_commas(text);
    for (const std::string& x : f)
        if (x != "png" && x != "svg")
            throw cli::UsageError(
                fmt::format("--formats {}: '{}' is not an image format; use png, svg or png,svg", text, x));
    return f;
}

std::string command_text(int argc, char** argv, const char* program)
{
    std::string c = program;
    for (int i = 0; i < argc; ++i)
        c += " " + shell_quote(argv[i]);
    return c;
}

void print_written(const fs::path& dir, const ReportFiles& files, bool quiet)
{
    if (files.unrendered)
        fmt::print(
            stderr,
            "cgp-sweep: gnuplot is not on PATH: wrote the figures as scripts only, no images. Render them with:\n"
            "  cd {} && for f in *.gp; do gnuplot -e \"out='${{f%.gp}}.svg'\" \"$f\"; done\n",
            shell_quote((dir / "plots").string()));
    if (!quiet)
        fmt::print(stderr, "cgp-sweep: wrote {}: report.md, report.html, table.txt, results.csv, results.json{}\n",
                   dir.string(), files.figures ? fmt::format(", {} figures in plots/", files.figures) : std::string());
}

} // namespace

int bench_main(int argc, char** argv)
{
    Definition d;
    std::string suites, problems_unused, optimizers = "sgd,sgdplus,adam", out, method = "random", formats = "png,svg";
    std::vector<std::string> problem_files, plugin_dirs;
    unsigned jobs = 0;
    bool help = false, force = false, quiet = false, no_plots = false;
    po::options_description o("cgp-sweep bench");
    // clang-format off
    o.add_options()
        ("help,h", po::bool_switch(&help), "show the options")
        ("suite", po::value(&suites)->value_name("LIST"), "built-in problem suites, comma-separated: course, conformance, real "
                                                  "(default: course, unless --problems is given)")
        ("problems", po::value(&problem_files)->composing()->value_name("FILE"), "a file of problems (repeatable; "
                                                  "docs/benchmarking.md)")
        ("optimizers", po::value(&optimizers)->default_value(optimizers)->value_name("LIST"),
         "optimizer plugins, comma-separated (names, file names or paths)")
        ("plugin-dir", po::value(&plugin_dirs)->composing()->value_name("DIR"), "also look for plugins here (repeatable)")
        ("search", po::value(&d.search)->composing()->value_name("KEY=DIST(ARGS)"),
         "a searched hyperparameter (repeatable): loguniform(LO,HI), uniform(LO,HI), int(LO,HI) or choice(V1,...); "
         "default lr=loguniform(1e-4,1)")
        ("budget", cli::whole(&d.budget)->default_value(20)->value_name("N"), "configurations per optimizer and problem")
        ("seeds", cli::whole(&d.seeds)->default_value(5)->value_name("N"), "seeds the chosen configuration is measured on")
        ("method", po::value(&method)->default_value(method)->value_name("M"), "random (every configuration trained "
                                                  "fully) or halving (successive halving)")
        ("eta", cli::whole(&d.eta)->default_value(3)->value_name("N"), "halving: keep the best 1/N at each rung")
        ("seed", cli::whole(&d.seed)->default_value(0)->value_name("N"), "the search's seed; measurement seeds follow it")
        ("jobs,j", cli::whole(&jobs)->default_value(0)->value_name("N"), "trials in parallel (0: one per core); the "
                                                  "results do not depend on it")
        ("out,o", po::value(&out)->value_name("DIR"), "the benchmark folder (required): journal, tables, report")
        ("force", po::bool_switch(&force), "start over in a folder holding another benchmark (removes its trials)")
        ("formats", po::value(&formats)->default_value(formats), "image formats of the figures: png, svg or both")
        ("no-plots", po::bool_switch(&no_plots), "write no figures")
        ("quiet,q", po::bool_switch(&quiet), "no progress on stderr");
    // clang-format on
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(o).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw cli::UsageError(e.what());
    }
    if (help) {
        if (!is_rank0())
            return cli::kOk;
        std::cout << "cgp-sweep bench: every optimizer tuned with the same budget on every problem, measured over "
                     "seeds,\nsummarised by performance profiles. Results table on stdout, progress on stderr.\n\n"
                     "usage: cgp-sweep bench [--suite LIST] [--problems FILE]... [--search KEY=DIST]... --out DIR\n"
                  << o << '\n'
                  << "On MPI ranks (mpirun -np N cgp-sweep bench ...), each stage's trials are handed out to the\n"
                     "ranks and rank 0 writes the folder, with the same table (docs/sweeps-at-scale.md).\n";
        return cli::kOk;
    }
    if (out.empty())
        throw cli::UsageError("cgp-sweep bench needs --out DIR: the folder of its trial journal and report");
    if (d.budget == 0 || d.seeds == 0)
        throw cli::UsageError("--budget and --seeds must be at least 1");
    if (method != "random" && method != "halving")
        throw cli::UsageError(fmt::format("--method {}: use random or halving", method));
    if (d.eta < 2)
        throw cli::UsageError("--eta must be at least 2");
    d.method = method;
    const std::vector<std::string> image_formats = formats_of(formats, no_plots);
    d.suites = split_commas(suites.empty() && problem_files.empty() ? std::string("course") : suites);
    for (const std::string& f : problem_files) {
        std::error_code ec;
        if (!fs::is_regular_file(f, ec))
            throw Error(fmt::format("--problems {}: {}\nhint: give the path of a file of [problem NAME] sections "
                                    "(docs/benchmarking.md, Problem files)",
                                    f, fs::exists(f, ec) ? "not a file" : "no such file"));
        const fs::path abs = fs::absolute(f, ec);
        d.problem_files.push_back(ec ? f : abs.lexically_normal().string());
    }
    if (d.search.empty())
        d.search.push_back("lr=loguniform(1e-4,1)");
    const auto search_path = plugin_search_path({plugin_dirs.begin(), plugin_dirs.end()});
    for (const std::string& name : split_commas(optimizers))
        d.optimizers.push_back(fs::absolute(resolve_plugin(name, search_path)).lexically_normal().string());
    if (d.optimizers.empty())
        throw cli::UsageError("--optimizers needs at least one optimizer, e.g. --optimizers sgd,sgdplus,adam");

    // The folder: new, or holding this benchmark (resume), or another benchmark (--force).
    if (plan_shared(false))
        return cli::kOk; // rank 0 failed to plan, says why and gives the exit status
    const fs::path dir(out);
    // Rank 0 alone (or the one process) checks and locks the folder and writes bench.json; the other
    // MPI ranks build the same benchmark once it has.
    const bool on_ranks = ranks_active();
    if (!is_rank0())
        quiet = true;
    std::optional<FolderLock> lock;
    BenchSpec spec;
    if (is_rank0()) {
        try {
            check_output_folder(dir, "--out", "bench.json");
            std::error_code ec;
            const bool existed = fs::exists(dir, ec);
            if (existed && !fs::exists(dir / "bench.json") && !fs::is_empty(dir, ec))
                throw Error(
                    fmt::format("--out {}: the folder holds files that are not a benchmark's\nhint: give the benchmark "
                                "a new or empty folder",
                                out));
            for (const std::string& text : d.search) // a command-line mistake: usage status, before any file is made
                try {
                    parse_distribution(text);
                } catch (const SourceError& e) {
                    throw cli::UsageError(e.what());
                }
            fs::create_directory(dir, ec);
            lock.emplace(dir);
            try {
                spec = build_spec(d, dir);
            } catch (...) {
                if (!existed) // refused before anything ran: leave nothing behind
                    fs::remove_all(dir, ec);
                throw;
            }
            const std::string definition = json_text(definition_json(d, spec), 2) + "\n";
            if (fs::exists(dir / "bench.json")) {
                const std::string earlier =
                    read_input_file(dir / "bench.json", "benchmark definition", kConfigFileLimit);
                if (earlier != definition) {
                    if (!force)
                        throw Error(
                            fmt::format("--out {}: the folder holds another benchmark (its bench.json differs)\nhint: "
                                        "rerun its own command to resume it, give this one another --out folder, or "
                                        "add --force to start over",
                                        out));
                    fs::remove_all(dir / "trials", ec);
                } else if (!quiet) {
                    fmt::print(stderr, "cgp-sweep: resuming the benchmark in {}\n", out);
                }
            }
            write_text_file(dir / "bench.json", definition);
        } catch (...) {
            share_verdict(on_ranks, 1);
            throw;
        }
        share_verdict(on_ranks, 0);
    } else {
        if (share_verdict(on_ranks, 0) != 0)
            return cli::kOk; // rank 0 failed, says why and gives the exit status
        spec = build_spec(d, dir);
    }
    const Journal journal(dir / "trials");

    const unsigned threads = jobs == 0 ? std::max(1u, std::thread::hardware_concurrency()) : jobs;
    std::vector<std::uint64_t> estimates;
    for (const BenchProblem& p : spec.problems)
        estimates.insert(estimates.end(), spec.budget * spec.optimizers.size(),
                         estimate_run_memory(p.model, p.data).total());
    check_parallel_memory(estimates, threads, available_memory());
    if (!quiet)
        fmt::print(
            stderr, "cgp-sweep: {} problems x {} optimizers, {} configurations each, {} seeds, on {}{} thread{}\n",
            spec.problems.size(), spec.optimizers.size(), spec.budget, spec.seeds,
            on_ranks ? fmt::format("{} ranks x ", rank_count()) : std::string(), threads, threads == 1 ? "" : "s");
    cli::install_signal_handlers();
    const BenchOutcome outcome = run_bench(spec, journal, threads, !quiet);
    if (!is_rank0()) // rank 0 reports and writes
        return outcome.signal == 0         ? cli::kOk
               : outcome.signal < 0        ? cli::kFailure
               : outcome.signal == SIGTERM ? cli::kSigterm
                                           : cli::kSigint;
    if (outcome.signal != 0) {
        fmt::print(stderr,
                   "cgp-sweep: interrupted; {} finished trials are in {}\nhint: run the same command again to resume\n",
                   outcome.trials_run + outcome.trials_reused, journal.folder().string());
        return outcome.signal == SIGTERM ? cli::kSigterm : cli::kSigint;
    }
    if (!quiet)
        fmt::print(stderr, "cgp-sweep: {} trials run, {} from the journal, in {:.2f} s\n", outcome.trials_run,
                   outcome.trials_reused, outcome.wall_seconds);
    std::cout << results_text(spec, outcome, score_cells(spec, outcome)) << std::flush;
    print_written(dir,
                  write_report(dir, spec, outcome, image_formats, command_text(argc - 1, argv + 1, "cgp-sweep bench"),
                               threads, quiet),
                  quiet);
    return cli::kOk;
}

int report_main(int argc, char** argv)
{
    std::string dir_text, formats = "png,svg";
    bool help = false, no_plots = false, quiet = false;
    po::options_description o("cgp-sweep report");
    // clang-format off
    o.add_options()
        ("help,h", po::bool_switch(&help), "show the options")
        ("formats", po::value(&formats)->default_value(formats), "image formats of the figures: png, svg or both")
        ("no-plots", po::bool_switch(&no_plots), "write no figures")
        ("quiet,q", po::bool_switch(&quiet), "say nothing on stderr");
    // clang-format on
    po::options_description hidden;
    hidden.add_options()("dir", po::value(&dir_text));
    po::options_description all;
    all.add(o).add(hidden);
    po::positional_options_description pos;
    pos.add("dir", 1);
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(argc, argv).options(all).positional(pos).run(), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        throw cli::UsageError(e.what());
    }
    if (help) {
        std::cout << "cgp-sweep report DIR: the report of a finished benchmark (report.md, report.html, figures)\n"
                     "from its bench.json and trial journal.\n\n"
                  << o << '\n';
        return cli::kOk;
    }
    plan_was_shared() = true; // nothing to compare: rank 0 does it all
    if (!is_rank0())
        return cli::kOk; // a report reads and writes files only: rank 0 does it
    if (dir_text.empty())
        throw cli::UsageError("cgp-sweep report needs the benchmark folder: cgp-sweep report DIR");
    const fs::path dir(dir_text);
    if (!fs::is_regular_file(dir / "bench.json"))
        throw Error(
            fmt::format("{}: no bench.json, so not a benchmark folder\nhint: run cgp-sweep bench --out {} first",
                        dir_text, dir_text));
    const std::vector<std::string> image_formats = formats_of(formats, no_plots);
    const std::string text = read_input_file(dir / "bench.json", "benchmark definition", kConfigFileLimit);
    Definition d;
    try {
        d = definition_from(json::parse(text));
    } catch (const json::exception& e) {
        throw Error(fmt::format("{}: not a benchmark definition: {}\nhint: rerun the benchmark's cgp-sweep bench "
                                "command with --force to start it over",
                                (dir / "bench.json").string(), e.what()));
    }
    const FolderLock lock(dir);
    const BenchSpec spec = build_spec(d, dir);
    const Journal journal(dir / "trials");
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    BenchOutcome outcome = run_bench(spec, journal, threads, false, true);
    // The command, wall time and thread count are the benchmark's, as its own run recorded them.
    std::string command = "cgp-sweep report " + shell_quote(dir_text);
    if (std::error_code ec; fs::is_regular_file(dir / "results.json", ec))
        try {
            const json earlier =
                json::parse(read_input_file(dir / "results.json", "benchmark results", kConfigFileLimit));
            outcome.wall_seconds = earlier.at("wall_seconds").get<double>();
            outcome.jobs = earlier.at("jobs").get<unsigned>();
            outcome.trials_run = earlier.at("trials_run").get<std::size_t>();
            outcome.trials_reused = earlier.at("trials_from_journal").get<std::size_t>();
            command = earlier.at("command").get<std::string>();
        } catch (const json::exception&) {
            // an unreadable results.json is rewritten below, with this run's counts
        }
    const std::string table = results_text(spec, outcome, score_cells(spec, outcome));
    std::cout << table << std::flush;
    print_written(dir, write_report(dir, spec, outcome, image_formats, command, threads, quiet), quiet);
    return cli::kOk;
}

} // namespace cgp::sweep
