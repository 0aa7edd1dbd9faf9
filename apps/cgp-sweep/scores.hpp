// scores.hpp: what a benchmark measured per problem and optimizer, across the measurement seeds,
// and the tables and notes made of it.
//
// Per cell: the steps to the target (median over the seeds, +inf when most seeds missed it; mean,
// sd and bootstrap CI over the seeds that reached it), the seconds to the target, the final and the
// best test loss and the area under the test-loss curve (its mean over the steps). Everything but
// the seconds is a pure function of the benchmark's seed: results_text() is identical on every run
// and thread count, timing_text() is not.
#pragma once

#include "bench.hpp"
#include "measures.hpp"
#include "text.hpp"

#include <string>
#include <vector>

namespace cgp::sweep {

struct CellScore {
    std::size_t reached = 0;                         // seeds that reached the target
    double median_steps = 0.0, median_seconds = 0.0; // over every seed, a missed one counting as +inf
    Measure steps, seconds, final_loss, best_loss, auc, train_seconds;
    std::string chosen; // "lr=0.0123 beta1=0.91", or "defaults"
};

std::vector<CellScore> score_cells(const BenchSpec& spec, const BenchOutcome& outcome);

Table results_table(const BenchSpec& spec, const BenchOutcome& outcome, const std::vector<CellScore>& scores);
Table timing_table(const BenchSpec& spec, const BenchOutcome& outcome, const std::vector<CellScore>& scores);
// Per problem and measure (final test loss, steps to target): the optimizers within the seed
// spread of the best one, among those measured on every seed (reached the target, finished).
std::vector<std::string> spread_notes(const BenchSpec& spec, const std::vector<CellScore>& scores);

// The deterministic result of a benchmark, printed on stdout and written to table.txt: the results
// table, the seed-spread notes and the performance-profile table.
std::string results_text(const BenchSpec& spec, const BenchOutcome& outcome, const std::vector<CellScore>& scores);

// "0.0123 ± 0.0011 [0.0105, 0.0141]", "-" without values.
std::string measure_text(const Measure& m, const char* format = "{:.4g}");

} // namespace cgp::sweep
