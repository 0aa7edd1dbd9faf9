// cgp-path: optimizer paths on a 2-D loss surface, each step the plugin's own update through the host.
//
//   cgp-path                                          SGD against SGD+ on an elongated valley
//   cgp-path --surface saddle                         SGD near a saddle point: stalling, then escaping
//   cgp-path --surface rosenbrock --optimizer adam --optimizer "sgdplus lr=1e-4 momentum=0.95"
//   cgp-path --surface "f = (1-a)^2 + 100*(b-a^2)^2" --start -1,2 --steps 2000 --plot rb.svg
//   cgp-path --surface saddle --start 1.8,0 --noise 0.05 --seed 3   noise pushes SGD off the saddle
//   cgp-path --surface rosenbrock --optimizer "sgd lr=2e-3 schedule=lr=step(500,0.5) clip-norm=10"
//
// The summary table (final point, final loss, steps) goes to stdout; diagnostics to stderr. With
// --plot FILE.png|.svg|.gp the figure (contours with the paths, the surface in 3-D, the loss against
// the step) as a gnuplot script FILE.gp and its image; --csv FILE every path; --gif FILE.gif an
// animation. Every output is written atomically, and only after every input has been checked.
#include "../common/cli.hpp"
#include "figure.hpp"
#include "outputs.hpp"
#include "path.hpp"
#include "surface.hpp"

#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/report/plot.hpp>

#include <fmt/format.h>

#include <cmath>
#include <iostream>

namespace {

using namespace cgp;
using namespace cgp::path;
namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr const char* kProgram = "cgp-path";

struct PathOptions {
    bool help = false, list = false, quiet = false;
    std::string surface = "quadratic";
    std::string start;
    std::vector<std::string> optimizers;
    std::size_t steps = 0;
    double noise = 0.0;
    std::uint64_t seed = 0;
    std::string plot, csv, gif;
    std::vector<std::string> plugin_dirs;
};

po::options_description options(PathOptions& o)
{
    po::options_description d("cgp-path");
    // clang-format off
    d.add_options()
        ("help,h", po::bool_switch(&o.help), "show the options")
        ("list-surfaces", po::bool_switch(&o.list), "list the built-in surfaces with their defaults")
        ("surface", po::value(&o.surface)->default_value(o.surface)->value_name("NAME|EXPR"),
         "a built-in surface, or a function of two parameters in cgp's expression language, "
         "e.g. \"f = (1-a)^2 + 100*(b-a^2)^2\"")
        ("start", po::value(&o.start)->value_name("X,Y"), "start point (default: the surface's)")
        ("optimizer", po::value(&o.optimizers)->composing()->value_name("\"NAME [KEY=VALUE ...]\""),
         "an optimizer plugin with hyperparameters and cgp-run's transforms, e.g. \"sgdplus momentum=0.9 lr=0.01\" "
         "or \"sgd lr=0.1 schedule=lr=cosine(min=1e-3) clip-norm=1 decay=1e-3\" (repeatable; default: the "
         "surface's)")
        ("steps", po::value(&o.steps)->value_name("N"), "optimizer steps (default: the surface's)")
        ("noise", po::value(&o.noise)->default_value(0.0)->value_name("SCALE"),
         "add SCALE * N(0,1) to every gradient component (the same noise for every optimizer)")
        ("seed", po::value(&o.seed)->default_value(0), "seed of the gradient noise")
        ("plot", po::value(&o.plot)->value_name("FILE"), "the figure: FILE.png or FILE.svg (script FILE.gp), or "
                                                          "FILE.gp for the script only")
        ("csv", po::value(&o.csv)->value_name("FILE"), "every path as CSV: path,step,x,y,loss")
        ("gif", po::value(&o.gif)->value_name("FILE.gif"), "an animation of the paths (script FILE.gif.gp)")
        ("plugin-dir", po::value(&o.plugin_dirs)->composing(), "a folder to search for plugins (repeatable)")
        ("quiet,q", po::bool_switch(&o.quiet), "no diagnostics on stderr");
    // clang-format on
    return d;
}

std::array<double, 2> parse_start(const std::string& text)
{
    const std::size_t comma = text.find(',');
    std::array<double, 2> p{};
    if (comma == std::string::npos || !parse_finite(std::string_view(text).substr(0, comma), p[0]) ||
        !parse_finite(std::string_view(text).substr(comma + 1), p[1]))
        throw cli::UsageError(
            fmt::format("--start {}: expected two finite numbers X,Y\nhint: e.g. --start -1.5,2", text));
    return p;
}

void print_summary(const std::vector<Path>& paths)
{
    std::size_t width = 9;
    for (const Path& p : paths)
        width = std::max(width, p.label.size());
    std::string table = fmt::format("{:<{}}  {:>12}  {:>12}  {:>13}  {:>6}  {}\n", "optimizer", width, "final x",
                                    "final y", "final loss", "steps", "stop");
    for (const Path& p : paths) {
        const PathPoint& last = p.points.back();
        table += fmt::format("{:<{}}  {:>12.6g}  {:>12.6g}  {:>13.6g}  {:>6}  {}\n", p.label, width, last.x, last.y,
                             last.loss, p.points.size() - 1, p.stop);
    }
    std::cout << table << std::flush;
}

int run(int argc, char** argv)
{
    PathOptions o;
    const po::options_description all = options(o);
    po::variables_map vm;
    cli::parse_strict(argc, argv, all, {}, vm);
    if (o.help) {
        std::cout << "cgp-path: optimizer paths on a 2-D loss surface.\n\nusage: cgp-path [--surface NAME|EXPR] "
                     "[--start X,Y] [--optimizer \"NAME [KEY=VALUE ...]\"]... [options]\n"
                  << all << "\nBuilt-in surfaces: " << surface_names() << '\n';
        return cli::kOk;
    }
    if (o.list) {
        const std::string names = surface_names();
        std::size_t at = 0;
        while (at < names.size()) {
            const std::size_t end = std::min(names.find(' ', at), names.size());
            const Surface s = make_surface(names.substr(at, end - at));
            std::string opts;
            for (const std::string& spec : s.optimizers)
                opts += (opts.empty() ? "" : ", ") + spec;
            std::cout << fmt::format("{:<14} f = {}\n{:<14} start {:g},{:g}, {} steps, {}\n", s.name, s.formula, "",
                                     s.start[0], s.start[1], s.steps, opts);
            at = end + 1;
        }
        return cli::kOk;
    }
    // Every input is checked before anything is computed or written.
    const Surface surface = make_surface(o.surface);
    const std::array<double, 2> start = o.start.empty() ? surface.start : parse_start(o.start);
    const std::size_t steps = vm.count("steps") ? o.steps : surface.steps;
    if (steps == 0)
        throw cli::UsageError("--steps must be at least 1");
    if (!(o.noise >= 0) || !std::isfinite(o.noise))
        throw cli::UsageError(fmt::format("--noise {}: the scale must be a finite number >= 0", o.noise));
    const auto search = plugin_search_path({o.plugin_dirs.begin(), o.plugin_dirs.end()});
    std::vector<OptimizerSpec> optimizers;
    for (const std::string& text : o.optimizers.empty() ? surface.optimizers : o.optimizers)
        optimizers.push_back(parse_optimizer(text, search));
    std::vector<fs::path> figure;
    if (!o.plot.empty())
        figure = cli::plot_files(o.plot);
    for (const fs::path& f : figure)
        check_output_path(f, "--plot");
    if (!o.csv.empty())
        check_output_path(o.csv, "--csv");
    if (!o.gif.empty()) {
        if (fs::path(o.gif).extension() != ".gif")
            throw cli::UsageError(fmt::format("--gif {}: name the file .gif", o.gif));
        check_output_path(o.gif, "--gif");
    }

    std::vector<Path> paths = run_paths(surface, optimizers, start, steps, {o.noise, o.seed});
    std::vector<std::vector<std::pair<std::string, std::string>>> settings;
    for (const OptimizerSpec& spec : optimizers)
        settings.push_back(optimizer_settings(spec));
    const Legends names = legends(settings);
    for (std::size_t k = 0; k < paths.size(); ++k)
        paths[k].label = names.curves[k];
    std::string title =
        fmt::format("{}: f = {}, start ({:g}, {:g})", surface.name, surface.formula, start[0], start[1]);
    if (!names.shared.empty())
        title += ", " + names.shared;
    if (o.noise > 0)
        title += fmt::format(", gradient noise {:g} (seed {})", o.noise, o.seed);

    if (!o.csv.empty())
        write_file(o.csv, paths_csv(paths));
    std::vector<std::string> commands;
    if (!figure.empty()) {
        const FigureFiles files{figure.front(), {figure.begin() + 1, figure.end()}};
        commands = write_figure(path_script(surface, paths, title, figure.back().filename().string()), files);
    }
    if (!o.gif.empty()) {
        const fs::path script = o.gif + ".gp";
        write_file(script, animation_script(surface, paths, title, fs::path(o.gif).filename().string()));
        if (find_program("gnuplot").empty())
            commands.push_back(
                fmt::format("gnuplot -e to_stdout=1 {} > {}", shell_quote(script.string()), shell_quote(o.gif)));
        else
            run_to_file({"gnuplot", "-e", "to_stdout=1", script.string()}, o.gif);
    }
    if (!commands.empty()) // said even with -q: otherwise a quiet run silently yields no image
        for (const std::string& c : commands)
            fmt::print(stderr, "{}: gnuplot is not on PATH; wrote the script only. Render it with:\n  {}\n", kProgram,
                       c);
    print_summary(paths);
    return cli::kOk;
}

} // namespace

int main(int argc, char** argv)
{
    return cgp::cli::guard(kProgram, [&] { return run(argc, argv); });
}
