// cgp/report/plot.hpp: figures as gnuplot scripts, and rendering through external programs.
//
// A figure (loss curves, or a heat map over two settings) becomes a self-contained gnuplot script:
// the data is inline, so the script can be kept, edited and re-run anywhere. The script renders to
// the file named by the gnuplot variable `out` (PNG or SVG by its extension, '-' draws in the
// terminal), by default the image name given when the script was written:
//
//   gnuplot loss.gp                         writes loss.png (in the current folder)
//   gnuplot -e "out='loss.svg'" loss.gp     writes loss.svg
//   gnuplot -e "out='-'" loss.gp            draws the figure as text in the terminal
//
// Images are written through AtomicFile: a failed render never leaves a partial image behind and
// never replaces an existing one. When gnuplot is not on PATH, the scripts are still written and
// the commands that render them are returned, for the caller to print.
#pragma once

#include <cgp/io/escape.hpp> // shell_quote, for the printed commands
#include <cgp/training/trainer.hpp>

#include <cmath>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

struct Curve {
    std::string title;
    std::vector<double> x, y;
    std::vector<double> spread; // optional half-width of a shaded band around y (e.g. the sd over seeds)
};

struct LineFigure {
    std::string title;
    std::string subtitle; // a second title line: the settings every curve shares
    std::string xlabel = "iteration";
    std::string ylabel = "loss";
    bool log_y = false;
    double smooth =
        0.0; // > 0: each curve as its exponential moving average with this weight, the raw curve faint behind
    double y_min = NAN, y_max = NAN; // a fixed y range (both finite), else gnuplot's own
    bool points = false;             // mark every point (values of separate trials, not a curve over time)
    std::vector<Curve> curves;
};

// How many decades (powers of ten) the positive y values of the curves span; 0 without two of them.
double decades_spanned(const LineFigure& figure);

// --log-y: "auto" (log when the curves span more than two decades), "on" or "off".
enum class LogY { Auto, On, Off };
// Parses "auto", "on" and "off" (and "" as on, for a bare --log-y); throws cgp::Error naming option.
LogY parse_log_y(std::string_view text, std::string_view option);
// Applies the choice to the figure; returns a note saying what was chosen when it was automatic
// and came out logarithmic (empty otherwise).
std::string choose_log_y(LineFigure& figure, LogY choice);
// Checks a --smooth weight: a number in [0, 1); throws cgp::Error naming the option.
void check_smooth(double weight, std::string_view option);

// The exponential moving average s_i = w*s_{i-1} + (1-w)*y_i, started at y_0 (non-finite values are
// carried through without entering the average).
std::vector<double> exponential_moving_average(const std::vector<double>& y, double weight);

// The legend of each curve and the shared part, from each curve's settings in order (name, value):
// a setting goes into a curve's legend when it is not the same on every curve (a setting a curve
// lacks counts as different), and into the shared text (as "name value, ...") otherwise. The first
// setting of each curve is its name and always leads its legend.
struct Legends {
    std::vector<std::string> curves;
    std::string shared;
};
Legends legends(const std::vector<std::vector<std::pair<std::string, std::string>>>& settings);

// Values over a grid of two settings; each cell is coloured and labelled with its value.
struct HeatmapFigure {
    std::string title;
    std::string xlabel, ylabel;                // the two settings ("beta1", "beta2")
    std::vector<std::string> xvalues, yvalues; // their values as tick labels
    std::vector<double> values;                // row-major: values[iy * xvalues.size() + ix]; NaN: no value
    std::vector<double> spread;                // optional, like values: each cell's standard deviation over seeds
    std::string value_label;                   // colour-box label ("final loss")
};
// With spreads, a cell reads "mean ± sd", the colour scale spans at least the largest spread (so it
// does not paint seed noise as differences), and the cells whose difference from the lowest cell is
// within the larger of their two spreads are marked with '*' (a note under the title says so).

// The start of every figure script: the terminal and output chosen by the variable `out` (PNG,
// SVG or the text terminal), rendering to default_output unless told otherwise.
std::string gnuplot_preamble(const std::string& default_output, int width, int height);

// The figures' line colours (colour-blind friendly), "#rrggbb", cycling.
std::string line_colour(std::size_t i);
// The style of a line figure's curve i: its colour (line_colour(i)), and a gnuplot dash type and
// point type that change with each round of the colours, so the first 50 curves differ pairwise
// (the first round: dash type 1, solid, and point type 7, a filled circle).
struct LineStyle {
    std::string colour;
    int dash = 1;
    int point = 7;
};
LineStyle line_style(std::size_t i);

// The script of a figure; default_output is the image name the script renders to by default.
std::string gnuplot_script(const LineFigure& figure, const std::string& default_output);
std::string gnuplot_script(const HeatmapFigure& figure, const std::string& default_output);

// A figure's files: its script and the images rendered from it (.png and/or .svg).
struct FigureFiles {
    std::filesystem::path script;
    std::vector<std::filesystem::path> images;
};

// Writes the script, then renders every image with gnuplot when it is on PATH. Returns the
// commands that render the images when gnuplot is absent (empty when everything was rendered).
// Throws cgp::Error when a file cannot be written or gnuplot fails (with its message).
std::vector<std::string> write_figure(const std::string& script, const FigureFiles& files);

// write_figure for many figures at once, on up to `jobs` threads (0: one per core). Every figure is
// attempted; when any fails, throws cgp::Error naming every failure. Returns the commands that render
// the images when gnuplot is absent.
struct FigureJob {
    std::string script;
    FigureFiles files;
};
std::vector<std::string> write_figures(const std::vector<FigureJob>& figures, unsigned jobs = 0);

// The loss record of one run as a figure (cgp-run --plot).
LineFigure loss_figure(std::span<const LossRecord> records, const std::string& title);

// The full path of a program found in an absolute folder of PATH, or an empty path. Empty and
// relative PATH entries (the current folder) are skipped.
std::filesystem::path find_program(std::string_view name);

// Runs a program (argv[0] is looked up with find_program) with its standard output written atomically to
// destination. Throws cgp::Error quoting the program's error output when it fails or writes nothing.
void run_to_file(const std::vector<std::string>& argv, const std::filesystem::path& destination);

} // namespace cgp
