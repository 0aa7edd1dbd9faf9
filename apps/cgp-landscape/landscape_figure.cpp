// cgp-landscape's gnuplot script (inline data, every text escaped) and its CSV files.
#include "landscape_figure.hpp"

#include "figure.hpp" // cgp-path's contour levels

#include <cgp/io/escape.hpp>
#include <cgp/report/plot.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cgp::landscape {
namespace {

constexpr std::size_t kLevels = 20;

std::string number(double v)
{
    return std::isfinite(v) ? fmt::format("{:.10g}", v) : "NaN";
}

std::string slice_panel(const Slice& s, const PlanePath& path)
{
    const std::size_t n = s.a.size();
    double lo = INFINITY, hi = -INFINITY;
    std::string out = "$slice << EOD\n";
    for (std::size_t ia = 0; ia < n; ++ia) { // gnuplot's grid: one block per a, b varying inside
        for (std::size_t ib = 0; ib < n; ++ib) {
            const double z = s.loss[ib * n + ia];
            if (std::isfinite(z)) {
                lo = std::min(lo, z);
                hi = std::max(hi, z);
            }
            out += fmt::format("{} {} {}\n", number(s.a[ia]), number(s.b[ib]), number(z));
        }
        out += "\n";
    }
    out += "EOD\n$plane << EOD\n";
    for (std::size_t k = 0; k < path.points.size(); ++k)
        out += fmt::format("{} {} {} {}\n", path.iteration[k], number(path.points[k].a), number(path.points[k].b),
                           number(path.loss[k]));
    out += "EOD\n";
    bool log_spaced = false;
    const std::vector<double> levels = cgp::path::contour_levels(lo, hi, kLevels, log_spaced);
    std::string list;
    for (double l : levels)
        list += (list.empty() ? "" : ",") + number(l);
    out += fmt::format("set contour base\nunset surface\nset view map\nset cntrparam levels discrete {}\n"
                       "set table $contours\nsplot $slice using 1:2:3 with lines notitle\nunset table\n"
                       "unset contour\nset surface\nunset view\n",
                       list.empty() ? number(lo) : list);
    out += fmt::format("set title {}\nset xlabel \"direction 1\"\nset ylabel \"direction 2\"\n",
                       gnuplot_string(log_spaced ? "slice around the final parameters (log-spaced levels)"
                                                 : "slice around the final parameters"));
    out += fmt::format("set xrange [{}:{}]\nset yrange [{}:{}]\nset size ratio -1\n", number(s.a.front()),
                       number(s.a.back()), number(s.b.front()), number(s.b.back()));
    out += "set key below horizontal box opaque\n";
    out += "plot $contours using 1:2 with lines linecolor rgb \"#b8b8b8\" linewidth 1 title \"loss contours\"";
    if (!path.points.empty()) {
        out += fmt::format(", \\\n     $plane using 2:3 with linespoints linecolor rgb \"{}\" linewidth 2 pointtype 7 "
                           "pointsize 0.3 title \"path (projected)\"",
                           line_colour(0));
        out += ", \\\n     $plane using 2:3 every ::0::0 with points linecolor rgb \"black\" pointtype 6 pointsize 2 "
               "title \"initial\"";
    }
    out += ", \\\n     '+' using (0):(0) every ::0::0 with points linecolor rgb \"black\" pointtype 3 pointsize 2.5 "
           "title \"final\"\n";
    return out + "set size noratio\nset autoscale\n";
}

std::string line_panel(const Line& line)
{
    std::string out = "$line << EOD\n";
    double lo = INFINITY, hi = 0;
    bool positive = true;
    for (std::size_t k = 0; k < line.alpha.size(); ++k) {
        out += fmt::format("{} {}\n", number(line.alpha[k]), number(line.loss[k]));
        if (std::isfinite(line.loss[k])) {
            positive = positive && line.loss[k] > 0;
            lo = std::min(lo, line.loss[k]);
            hi = std::max(hi, line.loss[k]);
        }
    }
    out += "EOD\n";
    out += "set title \"from the initial (0) to the final (1) parameters\"\nset xlabel \"alpha\"\n"
           "set ylabel \"loss\"\nset key inside top right box opaque\nset format x \"%g\"\n";
    if (positive && hi > 100.0 * lo)
        out += "set logscale y\nset format y \"%g\"\n";
    out += fmt::format("plot $line using 1:2 with lines linecolor rgb \"{}\" linewidth 2 title \"loss along the "
                       "line\"\n",
                       line_colour(1));
    return out + "unset logscale y\n";
}

} // namespace

std::string landscape_script(const Slice& slice, const PlanePath& path, const Line& line, const std::string& title,
                             const std::string& default_output)
{
    const bool both = !slice.loss.empty() && !line.loss.empty();
    std::string out = "# " + gnuplot_string(title) + "\n" + gnuplot_preamble(default_output, both ? 1500 : 900, 760);
    out += "set multiplot title " + gnuplot_string(title) + "\n";
    if (!slice.loss.empty()) {
        out += fmt::format("set origin 0,0\nset size {},0.95\nset bmargin 6\n", both ? 0.56 : 1.0);
        out += slice_panel(slice, path) + "set bmargin\n";
    }
    if (!line.loss.empty()) {
        out += fmt::format("set origin {},0.05\nset size {},0.85\n", both ? 0.56 : 0.0, both ? 0.44 : 1.0);
        out += line_panel(line);
    }
    return out + "unset multiplot\n";
}

std::string slice_csv(const Slice& s)
{
    std::string out = "a,b,loss\n";
    for (std::size_t ib = 0; ib < s.b.size(); ++ib)
        for (std::size_t ia = 0; ia < s.a.size(); ++ia)
            out += fmt::format("{:.17g},{:.17g},{:.17g}\n", s.a[ia], s.b[ib], s.loss[ib * s.a.size() + ia]);
    return out;
}

std::string line_csv(const Line& line)
{
    std::string out = "alpha,loss\n";
    for (std::size_t k = 0; k < line.alpha.size(); ++k)
        out += fmt::format("{:.17g},{:.17g}\n", line.alpha[k], line.loss[k]);
    return out;
}

std::string path_csv(const PlanePath& path)
{
    std::string out = "iteration,a,b,off_plane,loss\n";
    for (std::size_t k = 0; k < path.points.size(); ++k)
        out += fmt::format("{},{:.17g},{:.17g},{:.17g},{:.17g}\n", path.iteration[k], path.points[k].a,
                           path.points[k].b, path.points[k].off_plane, path.loss[k]);
    return out;
}

} // namespace cgp::landscape
