// mpi_grid.hpp: a grid sweep's runs across MPI ranks (mpirun -np N cgp-sweep ...).
//
// Every rank plans the sweep from the same arguments; rank 0 alone checks the output, runs the
// preflight and reads the journal, then tells the others whether to go on (share_status) and
// which runs are left. The runs go through the work queue (mpi_queue.hpp) as exact run records,
// so rank 0 writes the files a one-machine sweep writes, with the same numbers.
#pragma once

#include "runner.hpp"

namespace cgp::sweep {

// Called on every rank with the same plan; work.tasks matters on rank 0 only (the others receive
// it). Rank 0 gets the outcome with the runs of work.tasks filled, and work.finished called on
// its main thread for each; the other ranks get only signal (and failed). jobs: threads per rank.
struct RankOutcome {
    SweepOutcome outcome;
    bool failed = false; // another rank reported a failed run (rank 0 throws instead)
};
RankOutcome run_sweep_on_ranks(const Plan& plan, unsigned jobs, const SweepWork& work);

} // namespace cgp::sweep
