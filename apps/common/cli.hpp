// cli.hpp: command-line pieces shared by the cgp programs: option groups for the model, the data and
// the run; plugin hyperparameters as options; exit codes; and the error guard around main().
#pragma once

#include <cgp/training/experiment.hpp>
#include <cgp/host/plugin.hpp>

#include "whole_number.hpp"

#include <boost/program_options.hpp>

#include <atomic>
#include <functional>
#include <string>
#include <vector>

namespace cgp::cli {

namespace po = boost::program_options;

// Exit codes of every cgp program.
enum Exit : int {
    kOk = 0,
    kFailure = 1,  // bad input or a failed run
    kUsage = 2,    // bad command line
    kDiverged = 3, // training stopped on a non-finite value
    kSigint = 130,
    kSigterm = 143,
};

// A command-line mistake: printed with a pointer to --help, exit code 2.
class UsageError : public Error {
public:
    using Error::Error;
};

// Option values: raw text for what still needs parsing (a ModelChoice, a DataChoice, the dtype, the
// SIMD path); the run's numbers go straight into the RunSettings they belong to.
struct CommonOptions {
    std::string model;
    std::vector<std::string> expressions;
    std::vector<std::string> layers;
    std::string activation;
    std::string bias;
    std::vector<std::string> outputs;
    std::string data = "generated";
    std::vector<std::string> labels;
    std::vector<std::string> features;
    bool standardize = false;
    std::size_t dataset_size = 5000;
    RunSettings settings;
    std::string dtype = "f32";
    std::string simd = "auto";
    std::string optimizer_form = "simd";
    std::string on_nonfinite = "stop";
    std::vector<std::string> plugin_dirs;
    std::string decay_mode = "coupled";
    std::string loss = "mse";
    std::string output_activation;
    std::string init = "auto";
    std::string init_bias = "default";
    std::vector<std::string> set;
    std::string validation, test, split;
};

po::options_description model_options(CommonOptions& o);
po::options_description data_options(CommonOptions& o);
// Loop settings; with_sizes = false leaves out --iterations/--batch-size/--seed (cgp-sweep has its own).
po::options_description run_options(CommonOptions& o, bool with_sizes);

// Schedules, weight decay and clipping (cli_transforms.cpp); part of run_options.
po::options_description transform_options(CommonOptions& o);

// Loss, output activation and initialisation (cli_fit.cpp); part of run_options.
po::options_description fit_options(CommonOptions& o);
// The loss and the initialisation parsed into s.
void fit_settings(const CommonOptions& o, RunSettings& s);
// "0.7,0.15,0.15" as numbers (checked further when the data is split).
std::vector<double> split_fractions(const std::string& text);

ModelChoice model_choice(const CommonOptions& o, const po::variables_map& vm);
DataChoice data_choice(const CommonOptions& o, const po::variables_map& vm);
// o.settings with the dtype, the SIMD path and --on-nonfinite parsed.
RunSettings run_settings(const CommonOptions& o);

// The option name of each hyperparameter ("beta1", "eps-inside-sqrt"). Refuses plugins whose
// hyperparameters collide with the program's own options.
void add_hparam_options(po::options_description& desc, const Plugin& plugin, const po::options_description& own);
// Loads the optimizer plugin `name` (resolve_plugin over search) and adds its hyperparameters to
// `all` as the group "Hyperparameters of ID (FILE)". With help, a plugin that cannot be loaded is
// returned empty (the options are still shown) instead of throwing.
std::shared_ptr<const Plugin> load_optimizer_options(const std::string& name,
                                                     const std::vector<std::filesystem::path>& search,
                                                     const po::options_description& own, bool help,
                                                     po::options_description& all);
// The files --plot FILE writes: FILE.gp and FILE itself for .png or .svg, FILE alone for .gp.
// Throws UsageError for any other extension.
std::vector<std::filesystem::path> plot_files(const std::string& plot);

// Hyperparameter values: defaults overridden by the options given.
std::vector<double> hparam_values(const Plugin& plugin, const po::variables_map& vm);
// Why a run stopped, with the option spelling of the learning rate added where the message advises it.
std::string stop_message(const TrainSummary& summary, const Plugin& plugin);
// "  --beta1  0.9  [0, 1)  decay of the first moment m" lines.
std::string describe_hparams(const Plugin& plugin);

// Parses argv in two passes: the bootstrap options first (allowing the rest), so the optimizer
// plugin can be loaded and its hyperparameters added, then everything strictly. An INI file given
// with --config supplies defaults for any option; the command line wins.
void parse_strict(int argc, char** argv, const po::options_description& all, const std::string& config_file,
                  po::variables_map& vm);
void parse_bootstrap(int argc, char** argv, const po::options_description& bootstrap, po::variables_map& vm);

// Stop flag set by SIGINT/SIGTERM (the signal number), read by the training loop.
std::atomic<int>& stop_signal();
void install_signal_handlers();

// Runs body (after checking CGP_ISA_DISABLE), turning exceptions into one message on stderr and an exit code.
int guard(const char* program, const std::function<int()>& body);

} // namespace cgp::cli
