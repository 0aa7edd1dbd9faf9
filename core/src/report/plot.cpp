// Figures: gnuplot scripts with inline data, and running gnuplot (or dot) into atomic files.
#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>
#include <cgp/io/escape.hpp>
#include <cgp/report/plot.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <thread>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace cgp {
namespace fs = std::filesystem;

namespace {

std::string number(double v)
{
    return std::isfinite(v) ? fmt::format("{:.9g}", v) : "NaN";
}

} // namespace

std::string gnuplot_preamble(const std::string& default_output, int width, int height)
{
    const std::string name = fs::path(default_output).filename().string();
    const std::string stem = fs::path(name).stem().string();
    return fmt::format("# Render from this folder: gnuplot {0}   (writes {1})\n"
                       "#   gnuplot -e {5} {0}   SVG instead; out='-' draws in the terminal\n"
                       "if (!exists(\"out\")) out = {2}\n"
                       "if (out eq \"-\") {{ set terminal dumb size 100,32 }} else {{ "
                       "if (strlen(out) > 4 && out[strlen(out)-3:] eq \".svg\") {{ "
                       "set terminal svg size {3},{4} dynamic noenhanced font \"sans,12\" background rgb \"white\" }} "
                       "else {{ set terminal pngcairo size {3},{4} noenhanced font \"sans,10\" }} }}\n"
                       "# to_stdout is set by programs that collect the image from gnuplot's standard output.\n"
                       "if (out ne \"-\" && !exists(\"to_stdout\")) set output out\n",
                       shell_quote(stem + ".gp"), shell_quote(name), gnuplot_string(name), width, height,
                       shell_quote("out=" + gnuplot_string(stem + ".svg")));
}

namespace {

// Line colours (a colour-blind-friendly qualitative set), used in order.
const char* const kColours[] = {"#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00",
                                "#56b4e9", "#000000", "#f0e442", "#999999", "#882255"};

// The width in pixels a title line needs at the figures' 12-pixel font (7 pixels a character, a
// generous average for sans), for the widest of its lines.
std::size_t title_width(const std::string& title)
{
    std::size_t widest = 0, line = 0;
    for (const char c : title + "\n") {
        if (c == '\n') {
            widest = std::max(widest, line);
            line = 0;
        } else if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) { // count UTF-8 characters, not bytes
            ++line;
        }
    }
    return 7 * widest;
}

} // namespace

std::string line_colour(std::size_t i)
{
    return kColours[i % std::size(kColours)];
}

LineStyle line_style(std::size_t i)
{
    // Each round of the colours takes the next dash type and point type (the first round: solid
    // lines and filled circles); gnuplot's dash types 1-5 are solid, dashed, dotted, dash-dot and
    // dash-dot-dot.
    constexpr int kPoints[] = {7, 5, 9, 11, 13};
    const std::size_t round = (i / std::size(kColours)) % std::size(kPoints);
    return {line_colour(i), static_cast<int>(round) + 1, kPoints[round]};
}

double decades_spanned(const LineFigure& f)
{
    double lo = INFINITY, hi = 0.0;
    for (const Curve& c : f.curves)
        for (double y : c.y)
            if (std::isfinite(y) && y > 0.0) {
                lo = std::min(lo, y);
                hi = std::max(hi, y);
            }
    return hi > lo ? std::log10(hi / lo) : 0.0;
}

LogY parse_log_y(std::string_view text, std::string_view option)
{
    if (text.empty() || text == "on")
        return LogY::On;
    if (text == "off")
        return LogY::Off;
    if (text == "auto")
        return LogY::Auto;
    throw Error(fmt::format("{} {}: expected on, off or auto\nhint: a bare {} means on; auto (the default) chooses a "
                            "log scale when the curves span more than two decades",
                            option, text, option));
}

std::string choose_log_y(LineFigure& f, LogY choice)
{
    if (choice != LogY::Auto) {
        f.log_y = choice == LogY::On;
        return {};
    }
    const double decades = decades_spanned(f);
    f.log_y = decades > 2.0;
    return f.log_y
               ? fmt::format("log-scale y axis: the curves span {:.1f} decades (--log-y off for a linear one)", decades)
               : std::string();
}

void check_smooth(double weight, std::string_view option)
{
    if (!(weight >= 0.0 && weight < 1.0))
        throw Error(fmt::format("{} {}: the smoothing weight must be in [0, 1)\nhint: 0.9 averages over about the "
                                "last 10 records, 0 turns smoothing off",
                                option, number(weight)));
}

std::vector<double> exponential_moving_average(const std::vector<double>& y, double weight)
{
    std::vector<double> s(y.size());
    double average = NAN;
    for (std::size_t i = 0; i < y.size(); ++i) {
        if (std::isfinite(y[i]))
            average = std::isfinite(average) ? weight * average + (1.0 - weight) * y[i] : y[i];
        s[i] = std::isfinite(y[i]) ? average : y[i];
    }
    return s;
}

Legends legends(const std::vector<std::vector<std::pair<std::string, std::string>>>& settings)
{
    const auto value_on = [](const std::vector<std::pair<std::string, std::string>>& curve,
                             const std::string& name) -> const std::string* {
        for (const auto& [n, v] : curve)
            if (n == name)
                return &v;
        return nullptr;
    };
    const auto same_everywhere = [&](const std::string& name, const std::string& value) {
        for (const auto& curve : settings) {
            const std::string* v = value_on(curve, name);
            if (v == nullptr || *v != value)
                return false;
        }
        return true;
    };
    Legends out;
    for (const auto& curve : settings) {
        std::string legend;
        for (std::size_t i = 0; i < curve.size(); ++i)
            if (i == 0)
                legend = curve[i].second;
            else if (settings.size() < 2 || !same_everywhere(curve[i].first, curve[i].second))
                legend += fmt::format(" {}={}", curve[i].first, curve[i].second);
        out.curves.push_back(legend);
    }
    if (settings.size() >= 2)
        for (std::size_t i = 1; i < settings.front().size(); ++i)
            if (same_everywhere(settings.front()[i].first, settings.front()[i].second))
                out.shared += fmt::format("{}{} {}", out.shared.empty() ? "" : ", ", settings.front()[i].first,
                                          settings.front()[i].second);
    return out;
}

std::string gnuplot_script(const LineFigure& f, const std::string& default_output)
{
    const std::string title = f.subtitle.empty() ? f.title : f.title + "\n" + f.subtitle;
    const int width = static_cast<int>(std::max<std::size_t>(900, title_width(title) + 200));
    std::string s = "# " + gnuplot_string(f.title) + "\n" + gnuplot_preamble(default_output, width, 600);
    // One line type per curve (at least the colours): the first round of colours solid, later
    // rounds dashed, so every curve has a style of its own.
    const std::size_t colours = std::size(kColours);
    const std::size_t types = std::max(colours, f.curves.size());
    for (std::size_t i = 0; i < types; ++i) {
        const LineStyle st = line_style(i);
        s += fmt::format("set linetype {} linecolor rgb \"{}\" linewidth 2{}\n", i + 1, st.colour,
                         st.dash == 1 ? std::string() : fmt::format(" dashtype {}", st.dash));
    }
    s += fmt::format("set linetype cycle {}\n", types);
    const bool smooth = f.smooth > 0.0;
    for (std::size_t c = 0; c < f.curves.size(); ++c) {
        const Curve& curve = f.curves[c];
        const std::vector<double> average = smooth ? exponential_moving_average(curve.y, f.smooth) : curve.y;
        s += fmt::format("$curve{} << EOD\n", c);
        for (std::size_t i = 0; i < curve.x.size() && i < curve.y.size(); ++i) {
            const double spread = i < curve.spread.size() ? curve.spread[i] : 0.0;
            s += fmt::format("{} {} {} {}", number(curve.x[i]), number(curve.y[i]), number(curve.y[i] - spread),
                             number(curve.y[i] + spread));
            s += smooth ? " " + number(average[i]) + "\n" : "\n";
        }
        s += "EOD\n";
    }
    s += fmt::format("set title {}\nset xlabel {}\nset ylabel {}\n", gnuplot_string(title), gnuplot_string(f.xlabel),
                     gnuplot_string(f.ylabel));
    // Tick labels exact (never rounded to "2k, 2k, 2k"): %g writes 1800 as 1800 and 1e6 as 1e+06.
    s += "set grid lc rgb \"#dddddd\"\nset key top right box opaque\nset format x \"%g\"\n";
    if (f.log_y)
        s += "set logscale y\nset format y \"%g\"\n";
    if (std::isfinite(f.y_min) && std::isfinite(f.y_max))
        s += fmt::format("set yrange [{}:{}]\n", number(f.y_min), number(f.y_max));
    std::string plot;
    const auto next = [&] { return plot.empty() ? "" : ", \\\n     "; };
    for (std::size_t c = 0; c < f.curves.size(); ++c) {
        const Curve& curve = f.curves[c];
        const int lt = static_cast<int>(c) + 1;
        const LineStyle st = line_style(c);
        const std::string style =
            f.points ? fmt::format("linespoints pointtype {} pointsize 1", st.point) : std::string("lines");
        if (!curve.spread.empty())
            plot += fmt::format("{}$curve{} using 1:3:4 with filledcurves linetype {} fillstyle transparent solid "
                                "0.18 noborder notitle",
                                next(), c, lt);
        if (smooth)
            // The raw curve faint behind its average: alpha 0xB0 of 0xFF transparent.
            plot += fmt::format("{}$curve{} using 1:2 with lines linetype {} linewidth 1 linecolor rgb \"#B0{}\" "
                                "notitle",
                                next(), c, lt, st.colour.substr(1));
        plot += fmt::format("{}$curve{} using 1:{} with {} linetype {} title {}", next(), c, smooth ? 5 : 2, style, lt,
                            gnuplot_string(curve.title));
    }
    if (plot.empty())
        plot = "NaN notitle";
    s += "plot " + plot + "\n";
    return s;
}

std::string gnuplot_script(const HeatmapFigure& f, const std::string& default_output)
{
    const std::size_t nx = f.xvalues.size(), ny = f.yvalues.size();
    if (f.values.size() != nx * ny || (!f.spread.empty() && f.spread.size() != nx * ny))
        throw Error("internal error: heat map values do not match its grid");
    const bool spreads = !f.spread.empty();
    // The lowest cell, and which cells lie within the larger of their two spreads of it.
    std::size_t best = nx * ny;
    double lo = INFINITY, hi = -INFINITY, widest = 0.0;
    for (std::size_t i = 0; i < nx * ny; ++i)
        if (std::isfinite(f.values[i])) {
            if (best == nx * ny || f.values[i] < f.values[best])
                best = i;
            lo = std::min(lo, f.values[i]);
            hi = std::max(hi, f.values[i]);
            if (spreads && std::isfinite(f.spread[i]))
                widest = std::max(widest, f.spread[i]);
        }
    const auto within = [&](std::size_t i) {
        return spreads && best < nx * ny && i != best &&
               std::abs(f.values[i] - f.values[best]) <= std::max(f.spread[i], f.spread[best]);
    };
    std::string title = f.title;
    if (spreads)
        title += "\nmean ± sd over seeds; * within 1 sd of the lowest";
    // Wide enough for the cells and for the title, which is centred over the cells.
    const int width =
        static_cast<int>(std::max<std::size_t>({640, (spreads ? 170 : 140) * nx + 300, title_width(title) + 260}));
    const int height = static_cast<int>(std::max<std::size_t>(460, 110 * ny + 190));
    std::string s = "# " + gnuplot_string(f.title) + "\n" + gnuplot_preamble(default_output, width, height);
    s += "$cells << EOD\n";
    for (std::size_t iy = 0; iy < ny; ++iy)
        for (std::size_t ix = 0; ix < nx; ++ix) {
            const std::size_t i = iy * nx + ix;
            const double v = f.values[i];
            std::string label = std::isfinite(v) ? fmt::format("{:.4g}", v) : "n/a";
            if (std::isfinite(v) && spreads)
                label += fmt::format(" ± {:.2g}{}", f.spread[i], within(i) ? " *" : "");
            s += fmt::format("{} {} {} {}\n", ix, iy, number(v), gnuplot_string(label));
        }
    s += "EOD\n";
    s += fmt::format("set title {}\nset xlabel {}\nset ylabel {}\nset cblabel {} offset 1,0\n", gnuplot_string(title),
                     gnuplot_string(f.xlabel), gnuplot_string(f.ylabel), gnuplot_string(f.value_label));
    auto tics = [](const std::vector<std::string>& values) {
        std::string t;
        for (std::size_t i = 0; i < values.size(); ++i)
            t += fmt::format("{}{} {}", i ? ", " : "", gnuplot_string(values[i]), i);
        return "(" + t + ")";
    };
    s += fmt::format("set xrange [-0.5:{}]\nset yrange [-0.5:{}]\n", static_cast<double>(nx) - 0.5,
                     static_cast<double>(ny) - 0.5);
    s += fmt::format("set xtics {} scale 0\nset ytics {} scale 0\n", tics(f.xvalues), tics(f.yvalues));
    // The colour scale spans at least twice the widest spread around the values' middle, so
    // differences the seeds do not resolve get nearly the same colour.
    if (spreads && std::isfinite(lo) && hi - lo < 2.0 * widest) {
        const double middle = 0.5 * (lo + hi);
        s += fmt::format("set cbrange [{}:{}]\n", number(middle - widest), number(middle + widest));
    }
    // Room on the right for the colour box, its tick labels and its label (inside the canvas).
    s += "set rmargin 16\nset format cb \"%g\"\n";
    // Viridis: dark is the lowest value.
    s += "set palette defined (0 \"#440154\", 1 \"#3b528b\", 2 \"#21918c\", 3 \"#5ec962\", 4 \"#fde725\")\n";
    s += "set style textbox opaque fillcolor rgb \"white\" noborder\nunset key\n";
    s += "plot $cells using 1:2:3 with image, \\\n     $cells using 1:2:4 with labels boxed font \",12\"\n";
    return s;
}

LineFigure loss_figure(std::span<const LossRecord> records, const std::string& title)
{
    LineFigure f;
    f.title = title;
    f.ylabel = "loss (mean per record)";
    Curve c;
    c.title = "loss";
    for (const LossRecord& r : records) {
        c.x.push_back(static_cast<double>(r.iteration));
        c.y.push_back(r.loss);
    }
    f.curves.push_back(std::move(c));
    return f;
}

fs::path find_program(std::string_view name)
{
    const char* path = std::getenv("PATH");
    if (path == nullptr)
        return {};
    std::string_view rest(path);
    while (true) {
        const std::size_t colon = rest.find(':');
        const std::string_view dir = rest.substr(0, colon);
        // An empty or relative PATH entry means the current folder: a program lying there (a cloned
        // repository's `gnuplot`) is never run.
        const fs::path candidate = fs::path(std::string(dir)) / std::string(name);
        if (fs::path(std::string(dir)).is_absolute() && ::access(candidate.c_str(), X_OK) == 0 &&
            !fs::is_directory(candidate))
            return candidate;
        if (colon == std::string_view::npos)
            return {};
        rest.remove_prefix(colon + 1);
    }
}

void run_to_file(const std::vector<std::string>& argv, const fs::path& destination)
{
    if (argv.empty())
        throw Error("internal error: no program to run");
    AtomicFile file(destination);
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> errors(std::tmpfile(), &std::fclose);
    int out[2];
    if (errors == nullptr || ::pipe(out) != 0)
        throw Error(fmt::format("cannot run {}: {}", argv[0], std::strerror(errno)));
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, ::fileno(errors.get()), STDERR_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    posix_spawn_file_actions_addclose(&actions, out[1]);
    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const fs::path program = find_program(argv[0]);
    pid_t pid = 0;
    const int spawned =
        program.empty() ? ENOENT : ::posix_spawn(&pid, program.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(out[1]);
    if (spawned != 0) {
        ::close(out[0]);
        throw Error(fmt::format("cannot run {}: {}\nhint: install it (scripts/install-deps.sh) or put it on PATH",
                                argv[0], std::strerror(spawned)));
    }
    std::size_t bytes = 0;
    char buffer[1 << 15];
    std::string write_error;
    while (true) {
        const ssize_t n = ::read(out[0], buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        bytes += static_cast<std::size_t>(n);
        if (write_error.empty()) {
            try {
                file.write(std::string_view(buffer, static_cast<std::size_t>(n)));
            } catch (const Error& e) {
                write_error = e.what(); // keep draining the pipe so the program can finish
            }
        }
    }
    ::close(out[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (!write_error.empty())
        throw Error(write_error);
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok || bytes == 0) {
        std::string message;
        std::rewind(errors.get());
        char line[512];
        while (message.size() < 4000 && std::fgets(line, sizeof line, errors.get()) != nullptr)
            message += line;
        while (!message.empty() && (message.back() == '\n' || message.back() == ' '))
            message.pop_back();
        std::string command;
        for (const std::string& a : argv)
            command += (command.empty() ? "" : " ") + shell_quote(a);
        throw Error(fmt::format("{} failed to write '{}' ({}){}\ncommand: {}", argv[0], destination.string(),
                                !ok ? (WIFEXITED(status) ? fmt::format("exit status {}", WEXITSTATUS(status))
                                                         : std::string("killed by a signal"))
                                    : std::string("no output"),
                                message.empty() ? "" : ":\n" + message, command));
    }
    file.commit();
}

std::vector<std::string> write_figure(const std::string& script, const FigureFiles& files)
{
    {
        AtomicFile gp(files.script);
        gp.write(script);
        gp.commit();
    }
    std::vector<std::string> commands;
    const bool have_gnuplot = !find_program("gnuplot").empty();
    for (const fs::path& image : files.images) {
        const std::string setting = "out=" + gnuplot_string(image.string());
        if (have_gnuplot)
            run_to_file({"gnuplot", "-e", setting + "; to_stdout=1", files.script.string()}, image);
        else
            commands.push_back(
                fmt::format("gnuplot -e {} {}", shell_quote(setting), shell_quote(files.script.string())));
    }
    return commands;
}

std::vector<std::string> write_figures(const std::vector<FigureJob>& figures, unsigned jobs)
{
    if (jobs == 0)
        jobs = std::max(1u, std::thread::hardware_concurrency());
    jobs = static_cast<unsigned>(std::min<std::size_t>(jobs, figures.size()));
    std::vector<std::vector<std::string>> commands(figures.size());
    std::vector<std::string> failures(figures.size());
    std::size_t next = 0;
    std::mutex m;
    const auto work = [&] {
        while (true) {
            std::size_t i = 0;
            {
                const std::lock_guard<std::mutex> lock(m);
                if (next == figures.size())
                    return;
                i = next++;
            }
            try {
                commands[i] = write_figure(figures[i].script, figures[i].files);
            } catch (const std::exception& e) {
                failures[i] = e.what();
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned t = 1; t < jobs; ++t)
        threads.emplace_back(work);
    work();
    for (std::thread& t : threads)
        t.join();
    std::string message;
    std::size_t failed = 0;
    for (std::size_t i = 0; i < figures.size(); ++i)
        if (!failures[i].empty()) {
            ++failed;
            message += fmt::format("\n{}: {}", figures[i].files.script.string(), failures[i]);
        }
    if (failed > 0)
        throw Error(fmt::format("{} of {} figures failed:{}", failed, figures.size(), message));
    std::vector<std::string> all;
    for (auto& c : commands)
        all.insert(all.end(), c.begin(), c.end());
    return all;
}

} // namespace cgp
