// figures.hpp: the figures of a sweep, as gnuplot scripts (see cgp/plot.hpp).
//
// Loss curves: one figure per model and combination of run settings and learning rate, with one
// curve per optimizer (and per value of any other hyperparameter): the course report's "three
// curves per figure, one figure per (model, lr)". With --seeds N a curve is the mean over the
// seeds, with a band of one standard deviation when the figure has at most four curves.
// Heat maps: for an optimizer with two or more gridded hyperparameters (Adam's beta1 x beta2), the
// final and the minimum loss over the first two of them in --grid order, lr counting last (so a
// beta grid at several lrs gives one map per lr, while lr x momentum is a map), one map per model
// and combination of the other grid values (e.g. per batch size).
#pragma once

#include "grid.hpp"
#include "results.hpp"

#include <cgp/report/plot.hpp>

#include <filesystem>

#include <string>
#include <vector>

namespace cgp::sweep {

struct SweepFigure {
    std::string stem;    // file name without extension: "loss_one-neuron_lr=1e-2"
    std::string script;  // the gnuplot script; it renders stem.png by default
    std::string note;    // what was chosen for it automatically (a log-scale y axis), or empty
    std::string caption; // what the figure shows, for a report (the benchmark's); empty: none
};

// --log-y and --smooth (the loss curves only), --heldout-figures (held-out metrics).
struct FigureOptions {
    LogY log_y = LogY::Auto;
    double smooth = 0.0;
    // "validation-accuracy", "test-loss", ...: one figure per model and metric of the final held-out
    // metric against the first hyperparameter axis of two or more values (log10 of it for lr), a
    // curve per optimizer and combination of the other axes, the selected points marked in the
    // legend. Empty: the selection metric and its test counterpart (with held-out data).
    std::vector<std::string> heldout_metrics;
};

// Checks --heldout-figures' list: SPLIT-METRIC with SPLIT validation or test and METRIC loss,
// accuracy, mae or r2. Throws cgp::Error naming the option and the known names.
std::vector<std::string> parse_heldout_metrics(const std::string& list);
// The held-out figures (heldout_figures.cpp); none without held-out data or a hyperparameter axis.
void heldout_figures(const Plan& plan, const std::vector<PointResult>& results, const FigureOptions& options,
                     std::vector<SweepFigure>& out);

std::vector<SweepFigure> sweep_figures(const Plan& plan, const std::vector<PointResult>& results,
                                       const FigureOptions& options = {});

// Writes the figures into folder `plots` (one script each, one image per format), rendered on up
// to `jobs` threads (0: one per core); prints the automatic choices to stderr unless quiet. Returns whether gnuplot was
// missing (so the images are still to be rendered).
bool write_sweep_figures(const std::vector<SweepFigure>& figures, const std::filesystem::path& plots,
                         const std::vector<std::string>& formats, bool quiet, unsigned jobs);

} // namespace cgp::sweep
