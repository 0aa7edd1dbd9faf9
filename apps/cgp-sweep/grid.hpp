// grid.hpp: a sweep's grid: the models and optimizers, the --grid axes (run settings and
// hyperparameters), and the grid points they expand to, each validated before any run starts.
//
// An axis is a run setting (batch-size, iterations, seed, dataset-size, log-every, dtype), a host
// transform (schedule, decay, decay-mode, clip-norm, clip-value; a schedule axis applies to the
// optimizers that have its hyperparameters, and commas inside its parentheses are its own) or a
// hyperparameter of at least one chosen optimizer. A hyperparameter axis applies only to the
// optimizers that have it: sgd gets one point per lr, not one per lr x beta1 x beta2.
#pragma once

#include "../common/cli.hpp"

#include <cgp/training/experiment.hpp>
#include <cgp/host/plugin.hpp>

#include <memory>
#include <string>
#include <vector>

namespace cgp::sweep {

// One --grid option as written: "beta1=0.7,0.9,0.99".
struct GridOption {
    std::string key;
    std::vector<std::string> values;
};
// Throws cli::UsageError for a malformed option.
GridOption parse_grid_option(const std::string& text);

enum class AxisKind { Setting, HyperParam };

struct AxisValue {
    std::string text; // as the user wrote it ("1e-2"): used in names, titles and tables
    double number = 0.0;
};

struct Axis {
    std::string key; // canonical spelling: "batch-size", "lr", "eps-inside-sqrt"
    AxisKind kind = AxisKind::Setting;
    std::vector<AxisValue> values;
};

// The run settings a grid may vary.
const std::vector<std::string>& setting_keys();

struct SweepModel {
    std::string name;      // as given: a preset, a file path, or the model options' model
    std::string file_name; // safe in file names: "multi-neuron", "xor" for models/xor.cgp
    ModelSpec spec;
};

struct Point {
    std::size_t model = 0;
    std::size_t optimizer = 0;
    std::vector<int> value_index; // per axis: the value's index, or -1 when the axis does not apply
    RunSettings settings;         // base settings with the grid's settings applied
    DataChoice data;
    std::vector<double> hparams; // every hyperparameter, in the plugin's order
};

struct Plan {
    std::vector<SweepModel> models;
    std::vector<std::shared_ptr<const Plugin>> optimizers;
    std::vector<Axis> axes;
    std::vector<Point> points;
    std::size_t seeds = 1; // runs per point, with seeds seed, seed + 1, ... (--seeds)
};

// Turns --grid options into axes: canonical keys, parsed values, each key a run setting or a
// hyperparameter of at least one optimizer. Throws cli::UsageError naming the key or value.
std::vector<Axis> make_axes(const std::vector<GridOption>& options,
                            const std::vector<std::shared_ptr<const Plugin>>& optimizers);

// Whether an axis applies to an optimizer (settings apply to all).
bool applies(const Axis& axis, const Plugin& plugin);

// Every grid point: models x optimizers x the axes that apply to each optimizer, in the order the
// axes were given (the first varies slowest). Checks every point's hyperparameters against the
// plugin (throws cgp::Error naming the point).
std::vector<Point> expand(const Plan& plan, const RunSettings& base, const DataChoice& base_data);

// "multi-neuron adam lr=1e-2 beta1=0.9": the point for messages.
std::string describe(const Plan& plan, const Point& point);
// A name made safe for file names: characters other than letters, digits and -.=+ become '_'.
std::string file_safe(const std::string& name);

// The axis value of a point as text, "-" when the axis does not apply.
std::string value_text(const Plan& plan, const Point& point, std::size_t axis);

} // namespace cgp::sweep
