// path.hpp: optimizer specifications ("sgdplus momentum=0.9") and the paths the optimizers take on
// a surface, each step the plugin's own update through the host, as in training.
#pragma once

#include "surface.hpp"

#include <cgp/host/plugin.hpp>
#include <cgp/training/transforms.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cgp::path {

// One --optimizer: a plugin, every hyperparameter's value (the plugin's defaults where not given),
// and the host's transforms around its step (schedules, weight decay, clipping), as cgp-run has them.
struct OptimizerSpec {
    std::string text; // as given
    std::shared_ptr<const Plugin> plugin;
    std::vector<double> hparams; // schema order
    TransformSettings transforms;
};

// "NAME [KEY=VALUE ...]" (words separated by spaces, or by commas outside parentheses): NAME found
// like cgp-run's --optimizer, each KEY a hyperparameter of the plugin (as its option name, momentum
// or eps-inside-sqrt, or as declared), its VALUE checked against the plugin's schema; or a transform
// spelt as cgp-run's option: schedule=NAME=SPEC (repeatable), decay=W, decay-mode=coupled|decoupled,
// decay-lr=X, clip-value=X, clip-norm=X, clip-norm-per-tensor=X. Throws cgp::Error saying what is
// wrong and listing the plugin's hyperparameters and the transforms.
OptimizerSpec parse_optimizer(const std::string& text, const std::vector<std::filesystem::path>& search);

// Gradient noise: each step adds scale * N(0, 1) to each gradient component (one stream per path,
// seeded by seed, so every optimizer sees the same noise).
struct Noise {
    double scale = 0.0;
    std::uint64_t seed = 0;
};

struct PathPoint {
    double x = 0, y = 0, loss = 0;
};

struct Path {
    std::string label;             // the legend: the optimizer and the settings that differ between paths
    std::vector<PathPoint> points; // the start, then one point per step taken
    std::string stop;              // "completed", "non-finite gradient", "left the surface"
};

// Runs every optimizer from start for up to `steps` steps. A path stops early when the loss or the
// gradient is not finite, or when it leaves the surface's box by more than half its size. Each
// optimizer's transforms are bound as in training (a TransformChain over the two parameters, one
// tensor, no biases) and applied before each step; every step is one loss record for
// reduce-on-plateau. Throws cgp::Error, naming the optimizer, when its transforms are refused.
std::vector<Path> run_paths(const Surface& surface, const std::vector<OptimizerSpec>& optimizers,
                            std::array<double, 2> start, std::size_t steps, const Noise& noise);

// The settings of each optimizer for its legend (optimizer id, every hyperparameter, then each
// transform that is set).
std::vector<std::pair<std::string, std::string>> optimizer_settings(const OptimizerSpec& spec);

} // namespace cgp::path
