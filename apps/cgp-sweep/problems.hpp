// problems.hpp: the benchmark's problems: a model, its data, a step budget and a target.
//
// Suites (docs/benchmarking.md lists each problem's target and budget):
//   course       CGP's one-neuron and multi-neuron models on generated data
//   conformance  Rosenbrock, Booth and logistic regression written as cgp models (their data files
//                are written into the benchmark folder's data/)
//   real         the datasets of examples/data (breast cancer, iris, wine, digits) with layered
//                models and classification losses, split once with a fixed seed (real_suite.cpp)
// Users add problems in a file of [problem NAME] sections of KEY = VALUE lines (read_problem_file);
// errors name file:line:column. A file's `split = T,V,S` divides one CSV file as the real suite's
// are (write_split, once the benchmark folder is known).
#pragma once

#include <cgp/training/experiment.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace cgp::sweep {

struct BenchProblem {
    std::string name;       // unique in a benchmark; safe in file names
    std::string origin;     // the suite, or the file:line that declared it
    std::string model_name; // preset or model file, as written
    ModelSpec model;
    DataChoice data;              // the training data
    std::string validation, test; // CSV files of the held-out splits; empty: see holdout.hpp
    std::uint64_t steps = 2000;   // the step budget of every run
    std::size_t batch_size = 8;
    double target = 0.0;           // the held-out loss a run must reach
    std::uint64_t eval_every = 50; // held-out evaluation interval, in steps
    std::string note;              // what the problem is, for the report
    Loss loss = Loss::Mse;         // the training loss, also the held-out loss measured
    InitSettings init;             // the initialisation (the real suite: auto, as cgp-run's default)
    std::vector<double> split;     // a problem file's `split`: fractions of its one CSV, until write_split
};

// The problem's loss and initialisation in a run's settings.
void apply_fit(const BenchProblem& problem, RunSettings& settings);

// Splits the problem's one CSV file once, with the fixed seed 0 whatever the benchmark's --seed
// (cgp-run's --split T,V,S --seed 0: stratified by class for a class column), the features
// standardised with the training rows' statistics when the problem standardises, into data_dir as
// NAME.csv, NAME-validation.csv and NAME-test.csv; the problem then trains on the first, selects on
// the second and reports on the third. Throws cgp::Error (an empty split, an unreadable file).
void write_split(BenchProblem& problem, const std::vector<double>& fractions, const std::filesystem::path& data_dir);

// The real suite: examples/data's datasets, read from `datasets` (CGP_DATASETS, or the source
// tree's examples/data), split and standardised once into data_dir.
std::vector<BenchProblem> real_suite(const std::filesystem::path& data_dir, const std::filesystem::path& datasets);
// Where the real suite reads its datasets: $CGP_DATASETS, else the source tree's examples/data.
std::filesystem::path default_datasets();

// The suite's problems; data files a suite needs are written into data_dir (created when missing).
// Throws cli::UsageError for an unknown suite, listing the known ones.
std::vector<BenchProblem> suite_problems(const std::string& suite, const std::filesystem::path& data_dir);
const std::vector<std::string>& suite_names();

// Reads a problem file (docs/benchmarking.md). Relative paths are relative to the file's folder.
// Throws cgp::SourceError at the offending line and column.
std::vector<BenchProblem> read_problem_file(const std::filesystem::path& path);
// The same from text; `origin` names it in errors, `base` resolves relative paths.
std::vector<BenchProblem> parse_problem_text(const std::string& text, const std::string& origin,
                                             const std::filesystem::path& base);

} // namespace cgp::sweep
