// train_options.hpp: cgp.train's keyword arguments, read as cgp-run's command line (the same
// option groups, names, defaults and checks), and the list of those options for the package.
#pragma once

#include "cgp-run/cgp_run.hpp"

#include <cgp/host/plugin.hpp>
#include <cgp/training/checkpoint.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cgp::python {

// Options of cgp-run that cgp.train does not take (what a program prints, figures, the program's
// own modes), each with what to use instead: {"plot", "plot result.record with matplotlib ..."}.
struct OptionNotTaken {
    std::string name; // cgp-run's spelling: "plot", "saved-model"
    std::string instead;
};
const std::vector<OptionNotTaken>& options_not_taken();

// A run, read from "--name=value" arguments.
struct TrainRequest {
    run_app::RunOptions options;
    std::shared_ptr<const Plugin> plugin;
    ModelChoice model;
    DataChoice data;
    RunSettings settings;
    std::vector<double> hparams;
    std::optional<Checkpoint> resume_from;
};

// Throws cli::UsageError for a bad option, cgp::Error for a plugin or checkpoint that fails.
TrainRequest parse_train(const std::vector<std::string>& args);

struct OptionInfo {
    std::string name;  // "batch-size", "beta1"
    std::string kind;  // "flag" (a switch), "list" (repeatable) or "value"
    std::string group; // "option" or "hyperparameter"
    std::string help;
};
// Every option cgp.train takes with this optimizer, its hyperparameters last.
std::vector<OptionInfo> train_options(const std::string& optimizer, const std::vector<std::string>& plugin_dirs);

} // namespace cgp::python
