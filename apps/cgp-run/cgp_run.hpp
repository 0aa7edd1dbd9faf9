// cgp_run.hpp: the parts of cgp-run: its options, its reports, its figures.
#pragma once

#include "../common/cli.hpp"

#include <cgp/training/experiment.hpp>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace cgp::run_app {

namespace po = boost::program_options;

inline constexpr const char* kProgram = "cgp-run";
inline constexpr const char* kDefaultOptimizer = "adam";

struct RunOptions {
    cli::CommonOptions common;
    std::string optimizer = kDefaultOptimizer;
    std::string config;
    std::string loss_csv;
    bool json = false;
    bool quiet = false;
    bool list = false;
    bool help = false;
    std::uint64_t early_stop = 0;
    double min_delta = 0.0;
    std::string early_stop_on = "loss"; // or "validation"
    std::string checkpoint;
    std::string resume;
    bool force = false;
    std::string inspect;
    std::string save_model, keep_best;     // --save-model FILE, --keep-best FILE
    std::string predict, saved_model, out; // --predict DATA --saved-model FILE --out FILE
    std::string plot, draw, trace;         // --plot FILE, --draw FILE, --trace DIR
    std::string log_y = "auto";            // --log-y on|off|auto (--no-log-y: off)
    bool no_log_y = false;
    double smooth = 0.0;  // --smooth W
    unsigned threads = 0; // --threads N; 0: the cores the process may use
};

// The option groups (options.cpp). The bootstrap group is parsed first, so the plugin named by
// --optimizer can be loaded and its hyperparameters added before the strict parse.
po::options_description bootstrap_options(RunOptions& o);
po::options_description main_options(RunOptions& o);

// "threads 2 (2 of 3 dense layers split ...)": the threads of the run and what runs on them (report.cpp).
std::string threads_text(const Experiment& ex);
// Results on stdout (report.cpp).
void print_text(const Experiment& ex, const TrainSummary& s, const std::string& model_name);
void print_json(const Experiment& ex, const TrainSummary& s, const std::string& model_name);
// The loss, the initialisation and the held-out evaluation (evaluation_report.cpp).
void print_fit_text(const Experiment& ex);
nlohmann::ordered_json fit_json(const Experiment& ex);
int list_optimizers(const std::vector<std::filesystem::path>& search);
int inspect_checkpoint(const std::string& path);
// --predict: the predictions of a saved model on a CSV file (predict.cpp).
int predict_rows(const RunOptions& o);

// --plot, --draw and --trace (figures.cpp).
void check_figure_outputs(const RunOptions& o);
using cli::plot_files; // the files --plot writes: its script and its image
int draw_model(const ModelSpec& spec, const std::string& file);
void write_figures(const RunOptions& o, const ModelSpec& spec, const Experiment& ex,
                   const std::vector<double>& initial_params, const TrainSummary& summary);

} // namespace cgp::run_app
