// mpi_bench.hpp: one stage of the benchmark protocol's trials across MPI ranks.
//
// Every rank runs the protocol (bench.hpp) from the same definition and reaches the same stages.
// In each stage rank 0 reads the finished trials from the journal, the other trials go through
// the work queue (mpi_queue.hpp) as trial records, rank 0 journals each as it arrives, and every
// rank receives every trial of the stage, so all of them choose the same survivors next.
#pragma once

#include "trial.hpp"

#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cgp::sweep {

struct StageOnRanks {
    std::vector<TrialResult> results; // every trial of the stage, on every rank
    std::size_t reused = 0;           // read from the journal
    int signal = 0;                   // SIGINT/SIGTERM when interrupted, -1 after another rank's failure
};

// find(i): trial i from the journal (called on rank 0); run(i, stop): trains it (nullopt when
// interrupted); record: journals a finished trial (rank 0); describe(i) names it in messages.
// Rank 0 throws cgp::Error naming the rank and the trial when one fails.
StageOnRanks run_stage_on_ranks(
    std::size_t count, unsigned jobs, const std::function<std::optional<TrialResult>(std::size_t)>& find,
    const std::function<std::optional<TrialResult>(std::size_t, const std::atomic<int>*)>& run,
    const std::function<void(const TrialResult&)>& record, const std::function<std::string(std::size_t)>& describe);

} // namespace cgp::sweep
