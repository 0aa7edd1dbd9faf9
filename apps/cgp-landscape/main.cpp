// cgp-landscape: the loss landscape of a trained network, drawn from the same options as cgp-run.
//
//   cgp-landscape --plot land.png                      the multi-neuron model trained with adam
//   cgp-landscape --layers 2,8,8,1 --optimizer sgdplus --lr 0.05 --iterations 5000 --plot layered.svg
//   cgp-run --seed 3 --trace run && cgp-landscape --seed 3 --trace run --plot land.png
//
// The run is trained again from its options (it is deterministic), recording its parameters every
// --path-every iterations: that is the path. With --trace DIR (a cgp-run --trace of the same run)
// the trace's model and settings are checked first, and the re-run must reproduce the trace's
// initial and final parameters. Then, over the run's first epoch of batches (as its sampler drew
// them: landscape.hpp), through the SIMD tape in f64:
// the loss along the line from the initial to the final parameters, and a slice around the final
// parameters along two filter-normalised random directions with the path projected onto it.
// A summary (with the times) goes to stdout; --plot FILE.png|.svg|.gp the figure; --slice-csv,
// --line-csv, --path-csv the values. Every input is checked before anything is written, and every
// output is written atomically.
#include "../common/cli.hpp"
#include "../common/stdout_check.hpp"
#include "landscape.hpp"
#include "landscape_figure.hpp"
#include "outputs.hpp"
#include "run_input.hpp"

#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>
#include <cgp/report/plot.hpp>
#include <cgp/training/observers.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <csignal>
#include <iostream>
#include <optional>
#include <sstream>

namespace {

using namespace cgp;
using namespace cgp::landscape;
using cgp::path::parse_finite;
using cgp::path::write_file;
namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr const char* kProgram = "cgp-landscape";
constexpr std::size_t kMaxResolution = 1001, kMaxLinePoints = 100001;
constexpr double kMaxRange = 1e3;

struct LandscapeOptions {
    cli::CommonOptions common;
    std::string optimizer = "adam";
    std::string config;
    bool help = false, quiet = false;
    std::string trace;
    std::uint64_t path_every = 0;
    std::size_t resolution = 51, line_points = 101;
    std::string range = "auto", line_range = "-0.25,1.25";
    std::uint64_t direction_seed = 1;
    std::string plot, slice_csv, line_csv, path_csv;
};

po::options_description bootstrap_options(LandscapeOptions& o)
{
    po::options_description d("General");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&o.help), "show the options (with --optimizer: its hyperparameters too)")
        ("optimizer", po::value(&o.optimizer)->default_value(o.optimizer),
         "optimizer plugin of the run: a name (adam, sgd, sgdplus), a file name (adam.so) or a path")
        ("config", po::value(&o.config), "INI file of option = value lines (the command line wins)")
        ("plugin-dir", po::value(&o.common.plugin_dirs)->composing(), "a folder to search for plugins (repeatable)");
    // clang-format on
    return d;
}

po::options_description landscape_options(LandscapeOptions& o)
{
    po::options_description d("Landscape");
    // clang-format off
    d.add_options()
        ("trace", po::value(&o.trace)->value_name("DIR"),
         "a cgp-run --trace of this run (folder or trace.json): checked against the model and settings, and "
         "its initial and final parameters against the run drawn")
        ("path-every", cli::whole(&o.path_every)->value_name("N"),
         "record the path every N iterations (default: about 200 points)")
        ("resolution", po::value(&o.resolution)->default_value(o.resolution)->value_name("N"),
         "the slice's grid: N x N losses (3 to 1001)")
        ("range", po::value(&o.range)->default_value(o.range)->value_name("R|auto"),
         "the slice spans [-R, R] along each direction; auto: the projected path with a margin, at least 1")
        ("direction-seed", po::value(&o.direction_seed)->default_value(o.direction_seed),
         "seed of the two random directions")
        ("line-points", po::value(&o.line_points)->default_value(o.line_points)->value_name("N"),
         "losses along the line (2 to 100001)")
        ("line-range", po::value(&o.line_range)->default_value(o.line_range)->value_name("A,B"),
         "the line's alpha from A to B (0: the initial parameters, 1: the final ones)")
        ("plot", po::value(&o.plot)->value_name("FILE"),
         "the figure: FILE.png or FILE.svg (script FILE.gp), or FILE.gp for the script only")
        ("slice-csv", po::value(&o.slice_csv)->value_name("FILE"), "the slice as CSV: a,b,loss")
        ("line-csv", po::value(&o.line_csv)->value_name("FILE"), "the line as CSV: alpha,loss")
        ("path-csv", po::value(&o.path_csv)->value_name("FILE"),
         "the projected path as CSV: iteration,a,b,off_plane,loss")
        ("quiet,q", po::bool_switch(&o.quiet), "no progress on stderr");
    // clang-format on
    return d;
}

std::array<double, 2> parse_line_range(const std::string& text)
{
    const std::size_t comma = text.find(',');
    std::array<double, 2> r{};
    if (comma == std::string::npos || !parse_finite(std::string_view(text).substr(0, comma), r[0]) ||
        !parse_finite(std::string_view(text).substr(comma + 1), r[1]) || !(r[0] < r[1]) || std::abs(r[0]) > kMaxRange ||
        std::abs(r[1]) > kMaxRange)
        throw cli::UsageError(fmt::format("--line-range {}: expected A,B with A < B, both within +-{:g}\nhint: e.g. "
                                          "--line-range -0.25,1.25 (0: initial parameters, 1: final)",
                                          text, kMaxRange));
    return r;
}

// The slice's half-width, or 0 for auto.
double parse_range(const std::string& text)
{
    if (text == "auto")
        return 0.0;
    double r = 0.0;
    if (!parse_finite(text, r) || !(r > 0) || r > kMaxRange)
        throw cli::UsageError(fmt::format("--range {}: expected a number in (0, {:g}] or auto\nhint: e.g. --range 1 "
                                          "(the directions have the final parameters' norm per tensor)",
                                          text, kMaxRange));
    return r;
}

double seconds_since(std::chrono::steady_clock::time_point t0)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

int run(int argc, char** argv)
{
    const auto started = std::chrono::steady_clock::now();
    cli::install_signal_handlers();
    LandscapeOptions o;
    const po::options_description boot = bootstrap_options(o);
    po::variables_map first;
    cli::parse_bootstrap(argc, argv, boot, first);
    if (!o.config.empty()) {
        std::istringstream in(read_input_file(o.config, "config file", kConfigFileLimit));
        po::store(po::parse_config_file(in, boot, true), first);
        po::notify(first);
    }
    const auto search = plugin_search_path({o.common.plugin_dirs.begin(), o.common.plugin_dirs.end()});
    po::options_description own;
    own.add(cli::model_options(o.common)).add(cli::data_options(o.common));
    po::options_description training("Training (as cgp-run)");
    const po::options_description run_group = cli::run_options(o.common, true);
    for (const auto& opt : run_group.options())
        if (opt->long_name() != "plugin-dir")
            training.add(opt);
    own.add(training).add(landscape_options(o));
    po::options_description all;
    all.add(boot).add(own);
    const std::shared_ptr<const Plugin> plugin = cli::load_optimizer_options(o.optimizer, search, own, o.help, all);
    if (o.help) {
        std::cout << "cgp-landscape: the loss landscape of a trained network (the same options as cgp-run).\n\n"
                     "usage: cgp-landscape [cgp-run's options] [--trace DIR] [--plot FILE] [options]\n"
                  << all << '\n';
        return cli::kOk;
    }
    po::variables_map vm;
    cli::parse_strict(argc, argv, all, o.config, vm);

    // Every input is checked before anything is trained or written.
    const ModelChoice model_choice = cli::model_choice(o.common, vm);
    const DataChoice data_choice = cli::data_choice(o.common, vm);
    const RunSettings settings = cli::run_settings(o.common);
    const std::vector<double> hp = cli::hparam_values(*plugin, vm);
    if (o.resolution < 3 || o.resolution > kMaxResolution)
        throw cli::UsageError(fmt::format("--resolution {}: must be 3 to {}\nhint: 51 draws a 51 x 51 slice",
                                          o.resolution, kMaxResolution));
    if (o.line_points < 2 || o.line_points > kMaxLinePoints)
        throw cli::UsageError(fmt::format("--line-points {}: must be 2 to {}", o.line_points, kMaxLinePoints));
    const std::array<double, 2> line_range = parse_line_range(o.line_range);
    const double fixed_range = parse_range(o.range);
    if (vm.count("path-every") && (o.path_every == 0 || o.path_every > settings.iterations))
        throw cli::UsageError(
            fmt::format("--path-every {}: must be 1 to --iterations ({})", o.path_every, settings.iterations));
    std::vector<fs::path> figure;
    if (!o.plot.empty())
        figure = cli::plot_files(o.plot);
    for (const fs::path& f : figure)
        check_output_path(f, "--plot");
    for (const auto& [file, option] : {std::pair{o.slice_csv, "--slice-csv"}, std::pair{o.line_csv, "--line-csv"},
                                       std::pair{o.path_csv, "--path-csv"}})
        if (!file.empty())
            check_output_path(file, option);

    const ModelSpec spec = make_model(model_choice);
    Experiment ex(spec, data_choice, plugin, hp, settings);
    const Graph& graph = ex.graph();
    std::optional<TraceParams> traced;
    if (!o.trace.empty())
        traced = read_trace(o.trace, graph, settings, ex.optimizer());
    const std::vector<double> initial = ex.params();
    if (traced)
        check_reproduced(o.trace, traced->initial, initial, graph, "initial");
    if (graph.params.size() < 2)
        throw Error(fmt::format("{} has {} parameter(s): a slice needs two directions\nhint: draw a model with at "
                                "least two parameters",
                                spec.name, graph.params.size()));

    // The run, with its path recorded.
    const std::uint64_t every =
        vm.count("path-every") ? o.path_every : std::max<std::uint64_t>(1, (settings.iterations + 199) / 200);
    PathRecorder recorder(initial, settings.iterations, every);
    std::vector<TrainObserver*> observers{&recorder};
    std::optional<ProgressReporter> progress;
    if (!o.quiet) {
        fmt::print(stderr, "{}: training {} ({} parameters) with {}, {} iterations, batch {}, {}\n", kProgram,
                   spec.name, ex.param_count(), plugin->id(), settings.iterations, settings.batch_size,
                   to_string(settings.dtype));
        progress.emplace(stderr);
        observers.push_back(&*progress);
    }
    const auto train_started = std::chrono::steady_clock::now();
    const TrainSummary summary = ex.run(observers);
    const double train_seconds = seconds_since(train_started);
    if (summary.reason == StopReason::Interrupted)
        return cli::stop_signal().load() == SIGTERM ? cli::kSigterm : cli::kSigint;
    if (summary.reason == StopReason::NonFinite)
        throw Error(fmt::format("the run did not finish: {}\nhint: the landscape of a diverged run is not drawn",
                                cli::stop_message(summary, *plugin)));
    const std::vector<double> final_params = ex.params();
    recorder.finish(final_params, summary.iterations);
    if (traced)
        check_reproduced(o.trace, traced->final, final_params, graph, "final");

    // The landscape, over the whole dataset.
    const Dataset samples = run_samples(ex);
    DatasetLoss loss(graph, samples, 4096, settings.simd);
    const auto directions = filter_normalised_directions(graph, final_params, o.direction_seed);
    PlanePath path;
    double extent = 0.0;
    for (std::size_t k = 0; k < recorder.size(); ++k) {
        path.iteration.push_back(recorder.iteration(k));
        path.points.push_back(project(recorder.point(k), final_params, directions));
        path.loss.push_back(loss(recorder.point(k)));
        extent = std::max({extent, std::abs(path.points.back().a), std::abs(path.points.back().b)});
    }
    const double range = fixed_range > 0 ? fixed_range : std::min(kMaxRange, std::max(1.0, 1.1 * extent));
    auto t0 = std::chrono::steady_clock::now();
    const Line line = line_losses(loss, initial, final_params, line_range[0], line_range[1], o.line_points);
    const double line_seconds = seconds_since(t0);
    t0 = std::chrono::steady_clock::now();
    const Slice slice = slice_losses(loss, final_params, directions, {-range, range, -range, range}, o.resolution);
    const double slice_seconds = seconds_since(t0);

    const std::string title =
        fmt::format("{}: {}, {} iterations, batch {}, seed {}; directions seed {}", spec.name, plugin->id(),
                    summary.iterations, settings.batch_size, settings.seed, o.direction_seed);
    if (!o.slice_csv.empty())
        write_file(o.slice_csv, slice_csv(slice));
    if (!o.line_csv.empty())
        write_file(o.line_csv, line_csv(line));
    if (!o.path_csv.empty())
        write_file(o.path_csv, path_csv(path));
    t0 = std::chrono::steady_clock::now();
    if (!figure.empty()) {
        const FigureFiles files{figure.front(), {figure.begin() + 1, figure.end()}};
        for (const std::string& c :
             write_figure(landscape_script(slice, path, line, title, figure.back().filename().string()), files))
            fmt::print(stderr, "{}: gnuplot is not on PATH; wrote the script only. Render it with:\n  {}\n", kProgram,
                       c);
    }
    const double figure_seconds = seconds_since(t0);

    double off = 0.0, length = 0.0;
    for (std::size_t k = 0; k < path.points.size(); ++k) {
        off = std::max(off, path.points[k].off_plane);
        if (k > 0) {
            double step = 0.0;
            for (std::size_t i = 0; i < final_params.size(); ++i) {
                const double d = recorder.point(k)[i] - recorder.point(k - 1)[i];
                step += d * d;
            }
            length += std::sqrt(step);
        }
    }
    std::cout << fmt::format(
        "model          {} ({} parameters, {} tensors)\n"
        "data           {}; losses over {} ({} samples, f64, simd {})\n"
        "run            {} iterations with {} in {:.3f} s; final loss {:.6g} (last record {:.6g})\n"
        "path           {} points (every {} iterations), length {:.6g}; largest distance off the plane {:.6g}\n"
        "line           {} losses, alpha {:g} to {:g}, in {:.3f} s\n"
        "slice          {} x {} losses over [-{:g}, {:g}]^2 in {:.3f} s ({:.1f} us each); lowest {:.6g}\n"
        "figure         {:.3f} s to render; total {:.3f} s\n",
        spec.name, graph.params.size(), parameter_tensors(graph).size(), ex.data_description(), samples.origin,
        loss.samples(), to_string(ex.simd_path()), summary.iterations, plugin->id(), train_seconds, path.loss.back(),
        summary.final_loss, path.points.size(), every, length, off, line.alpha.size(), line_range[0], line_range[1],
        line_seconds, o.resolution, o.resolution, range, range, slice_seconds,
        1e6 * slice_seconds / static_cast<double>(slice.loss.size()),
        *std::min_element(slice.loss.begin(), slice.loss.end()), figure_seconds, seconds_since(started));
    return cli::kOk;
}

} // namespace

int main(int argc, char** argv)
{
    return cgp::cli::finish_stdout(kProgram, cgp::cli::guard(kProgram, [&] { return run(argc, argv); }));
}
