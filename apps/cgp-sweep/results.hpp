// results.hpp: a sweep's results per grid point (mean and spread over the seeds), as the table
// printed on stdout, results.csv, results.json and one loss-record CSV per run.
//
// results.csv columns: model, optimizer, one column per --grid key (in the order given; '-' where
// a hyperparameter does not apply to the optimizer), seeds, final_loss, final_loss_sd, min_loss,
// min_loss_sd, min_iteration, seconds, iterations_per_second, stop, runs. Losses are means over
// the seeds, *_sd the sample standard deviation (0 with one seed); min_iteration, seconds and
// iterations_per_second are means. stop is "completed", or how many runs stopped early and why.
// runs lists the point's loss-record files (runs/*.csv, columns iteration,loss,window).
#pragma once

#include "grid.hpp"
#include "runner.hpp"
#include "selection.hpp"

#include <string>
#include <vector>

namespace cgp::sweep {

struct PointResult {
    std::size_t point = 0;
    Stat final_loss, min_loss, min_iteration, seconds, rate;
    std::string stop;                   // "completed", "non-finite 2/5", ...
    std::vector<const RunResult*> runs; // one per seed
    HeldOutResult heldout;              // with held-out data (selection.hpp)
};

std::vector<PointResult> summarize(const Plan& plan, const SweepOutcome& outcome);

std::string results_table(const Plan& plan, const std::vector<PointResult>& results);
std::string results_csv(const Plan& plan, const std::vector<PointResult>& results);
std::string results_json(const Plan& plan, const std::vector<PointResult>& results, const SweepOutcome& outcome,
                         const std::string& command);

// "runs/multi-neuron_adam_lr=1e-2_seed0.csv": a run's loss record, relative to the output folder.
std::string run_file_name(const Plan& plan, const Point& point, std::uint64_t seed);
std::string run_csv(const TrainSummary& summary);

} // namespace cgp::sweep
