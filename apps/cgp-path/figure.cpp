// cgp-path's gnuplot scripts (inline data, every text escaped) and its CSV of the paths.
#include "figure.hpp"

#include <cgp/io/escape.hpp>
#include <cgp/report/plot.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cgp::path {
namespace {

constexpr std::size_t kGrid = 81;   // samples per side of the contour grid
constexpr std::size_t kLevels = 18; // contour levels

std::string number(double v)
{
    return std::isfinite(v) ? fmt::format("{:.9g}", v) : "NaN";
}

// The surface on a kGrid x kGrid grid over its box, as gnuplot's gridded data (blank line per row),
// and the range of its values.
std::string grid_block(const Surface& s, double& lo, double& hi)
{
    lo = INFINITY;
    hi = -INFINITY;
    std::string out = "$grid << EOD\n";
    std::array<double, 2> g{};
    for (std::size_t i = 0; i < kGrid; ++i) {
        const double x = s.box[0] + (s.box[1] - s.box[0]) * static_cast<double>(i) / (kGrid - 1);
        for (std::size_t j = 0; j < kGrid; ++j) {
            const double y = s.box[2] + (s.box[3] - s.box[2]) * static_cast<double>(j) / (kGrid - 1);
            const double z = s.evaluate({x, y}, g);
            if (std::isfinite(z)) {
                lo = std::min(lo, z);
                hi = std::max(hi, z);
            }
            out += fmt::format("{} {} {}\n", number(x), number(y), number(z));
        }
        out += "\n";
    }
    return out + "EOD\n";
}

std::string path_blocks(const std::vector<Path>& paths)
{
    std::string out;
    for (std::size_t k = 0; k < paths.size(); ++k) {
        out += fmt::format("$path{} << EOD\n", k);
        for (std::size_t i = 0; i < paths[k].points.size(); ++i) {
            const PathPoint& p = paths[k].points[i];
            out += fmt::format("{} {} {} {}\n", i, number(p.x), number(p.y), number(p.loss));
        }
        out += "EOD\n";
    }
    return out;
}

// Contour lines into $contours (computed by gnuplot from $grid).
std::string contour_table(double lo, double hi, bool& log_spaced)
{
    const std::vector<double> levels = contour_levels(lo, hi, kLevels, log_spaced);
    std::string list;
    for (double l : levels)
        list += (list.empty() ? "" : ",") + number(l);
    return fmt::format("set contour base\nunset surface\nset view map\nset cntrparam levels discrete {}\n"
                       "set table $contours\nsplot $grid using 1:2:3 with lines notitle\nunset table\n"
                       "unset contour\nset surface\nunset view\n",
                       list.empty() ? number(lo) : list);
}

std::string ranges(const Surface& s)
{
    return fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\n", number(s.box[0]), number(s.box[1]), number(s.box[2]),
                       number(s.box[3]));
}

std::string linetypes(std::size_t n)
{
    std::string out;
    for (std::size_t i = 0; i < n; ++i)
        out += fmt::format("set linetype {} linecolor rgb \"{}\" linewidth 2\n", i + 1, line_colour(i));
    return out;
}

// The contour panel's plot command: contours, then each path with its start and end marked; with
// last >= 0, only the first last + 1 points of each path (an animation frame).
std::string contour_plot(const std::vector<Path>& paths, const std::string& last)
{
    std::string plot = "plot $contours using 1:2 with lines linecolor rgb \"#b8b8b8\" linewidth 1 notitle";
    for (std::size_t k = 0; k < paths.size(); ++k) {
        const std::string upto = last.empty() ? std::to_string(paths[k].points.size() - 1) : last;
        plot += fmt::format(", \\\n     $path{0} using 2:3 every ::0::{2} with linespoints linetype {1} pointtype 7 "
                            "pointsize 0.3 title {3}",
                            k, k + 1, upto, gnuplot_string(paths[k].label));
        plot += fmt::format(", \\\n     $path{0} using 2:3 every ::{2}::{2} with points linetype {1} pointtype 9 "
                            "pointsize 2.2 notitle",
                            k, k + 1, upto);
    }
    plot += ", \\\n     $path0 using 2:3 every ::0::0 with points linecolor rgb \"black\" pointtype 6 pointsize 2 "
            "title \"start\"";
    return plot + "\n";
}

bool positive_decades(const std::vector<Path>& paths)
{
    double lo = INFINITY, hi = 0;
    for (const Path& p : paths)
        for (const PathPoint& q : p.points) {
            if (!std::isfinite(q.loss))
                continue;
            if (q.loss <= 0)
                return false;
            lo = std::min(lo, q.loss);
            hi = std::max(hi, q.loss);
        }
    return hi > 0 && hi / lo > 100.0;
}

} // namespace

std::vector<double> contour_levels(double lo, double hi, std::size_t count, bool& log_spaced)
{
    std::vector<double> levels;
    log_spaced = false;
    if (!(hi > lo) || count < 2)
        return levels;
    // Non-negative values spanning more than two decades: levels from 1e-4 of the range above the
    // minimum up to the maximum, evenly spaced in log scale, so the valley floor has contours too.
    const double range = hi - lo;
    const double first = range * 1e-4;
    log_spaced = lo >= 0 && hi > 100.0 * lo;
    for (std::size_t i = 0; i < count; ++i) {
        const double f = static_cast<double>(i) / static_cast<double>(count - 1);
        levels.push_back(log_spaced ? lo + first * std::pow(range / first, f)
                                    : lo + range * (static_cast<double>(i) + 0.5) / static_cast<double>(count));
    }
    return levels;
}

std::string path_script(const Surface& s, const std::vector<Path>& paths, const std::string& title,
                        const std::string& default_output)
{
    double lo = 0, hi = 0;
    std::string out = "# " + gnuplot_string(title) + "\n" + gnuplot_preamble(default_output, 1500, 820);
    out += linetypes(paths.size());
    out += grid_block(s, lo, hi) + path_blocks(paths);
    bool log_spaced = false;
    out += contour_table(lo, hi, log_spaced);
    const std::string xname = gnuplot_string(s.axes[0]), yname = gnuplot_string(s.axes[1]);
    out += "set multiplot title " + gnuplot_string(title) + "\n";
    // Left: the contours with the paths.
    out += "set origin 0,0\nset size 0.56,0.95\nset key below horizontal box opaque\nset bmargin 6\n";
    out += fmt::format("set title {}\nset xlabel {}\nset ylabel {}\n",
                       gnuplot_string(log_spaced ? "contours (log-spaced levels) and paths" : "contours and paths"),
                       xname, yname);
    out += ranges(s) + "set size ratio -1\n" + contour_plot(paths, {});
    out += "set size noratio\nset bmargin\nset key inside top right box opaque\n";
    // Top right: the surface in 3-D with the paths on it.
    out += "set origin 0.56,0.45\nset size 0.44,0.5\nset view 55,35\nset title \"surface\"\n";
    out += fmt::format("set xlabel {}\nset ylabel {}\nset zlabel \"loss\" rotate parallel\nunset key\n", xname, yname);
    out += "splot $grid using 1:2:3 every 4:4 with lines linecolor rgb \"#a0a0a0\" linewidth 1 notitle";
    for (std::size_t k = 0; k < paths.size(); ++k)
        out += fmt::format(", \\\n      $path{0} using 2:3:4 with lines linetype {1} notitle", k, k + 1);
    out += "\n";
    // Bottom right: the loss against the step.
    out += "set origin 0.56,0\nset size 0.44,0.45\nset title \"loss against the step\"\nset xlabel \"step\"\n"
           "set ylabel \"loss\"\nset autoscale\nset format x \"%g\"\nset key top right box opaque\n";
    if (positive_decades(paths))
        out += "set logscale y\nset format y \"%g\"\n";
    std::string plot;
    for (std::size_t k = 0; k < paths.size(); ++k)
        plot += fmt::format("{}$path{} using 1:4 with lines linetype {} title {}", plot.empty() ? "" : ", \\\n     ", k,
                            k + 1, gnuplot_string(paths[k].label));
    out += "plot " + plot + "\nunset multiplot\n";
    return out;
}

std::string animation_script(const Surface& s, const std::vector<Path>& paths, const std::string& title,
                             const std::string& gif)
{
    double lo = 0, hi = 0;
    std::size_t longest = 0;
    for (const Path& p : paths)
        longest = std::max(longest, p.points.size());
    const std::size_t frames = std::min<std::size_t>(longest, 100);
    const std::size_t stride = std::max<std::size_t>(1, (longest + frames - 1) / std::max<std::size_t>(frames, 1));
    std::string out = "# " + gnuplot_string(title) + " (animation)\n";
    out += fmt::format("# Render from this folder: gnuplot {}\n", shell_quote(gif + ".gp"));
    out += "set terminal gif animate delay 6 size 800,720 noenhanced font \"sans,10\"\n";
    out += "if (!exists(\"to_stdout\")) set output " + gnuplot_string(gif) + "\n";
    out += linetypes(paths.size());
    out += grid_block(s, lo, hi) + path_blocks(paths);
    bool log_spaced = false;
    out += contour_table(lo, hi, log_spaced);
    out += fmt::format("set title {}\nset xlabel {}\nset ylabel {}\n", gnuplot_string(title), gnuplot_string(s.axes[0]),
                       gnuplot_string(s.axes[1]));
    out += ranges(s) + "set size ratio -1\nset key outside bottom center horizontal box opaque\n";
    out += fmt::format("do for [k = 0:{}:{}] {{\n", longest == 0 ? 0 : longest - 1, stride);
    out += contour_plot(paths, "k");
    out += "}\n";
    return out;
}

std::string paths_csv(const std::vector<Path>& paths)
{
    std::string out = "path,step,x,y,loss\n";
    for (const Path& p : paths)
        for (std::size_t i = 0; i < p.points.size(); ++i)
            out += fmt::format("{},{},{},{},{}\n", csv_field(p.label), i, number(p.points[i].x), number(p.points[i].y),
                               number(p.points[i].loss));
    return out;
}

} // namespace cgp::path
