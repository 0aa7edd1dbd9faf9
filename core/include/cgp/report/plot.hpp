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
    std::string xlabel = "iteration";
    std::string ylabel = "loss";
    bool log_y = false;
    std::vector<Curve> curves;
};

// Values over a grid of two settings; each cell is coloured and labelled with its value.
struct HeatmapFigure {
    std::string title;
    std::string xlabel, ylabel;              // the two settings ("beta1", "beta2")
    std::vector<std::string> xvalues, yvalues; // their values as tick labels
    std::vector<double> values;              // row-major: values[iy * xvalues.size() + ix]; NaN: no value
    std::string value_label;                 // colour-box label ("final loss")
};

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

// The loss record of one run as a figure (cgp-run --plot).
LineFigure loss_figure(std::span<const LossRecord> records, const std::string& title);

// The full path of a program found in an absolute folder of PATH, or an empty path. Empty and
// relative PATH entries (the current folder) are skipped.
std::filesystem::path find_program(std::string_view name);

// Runs a program (argv[0] is looked up with find_program) with its standard output written atomically to
// destination. Throws cgp::Error quoting the program's error output when it fails or writes nothing.
void run_to_file(const std::vector<std::string>& argv, const std::filesystem::path& destination);

} // namespace cgp
