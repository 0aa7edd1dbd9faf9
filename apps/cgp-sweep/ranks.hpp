// ranks.hpp: which MPI rank this process is, in builds with and without MPI (CGP_MPI), for the
// hooks of the grid and bench modes: without MPI, or outside mpirun, the process is rank 0 of 1.
#pragma once

#if CGP_MPI
#include "mpi_queue.hpp"
#endif

namespace cgp::sweep {

inline bool ranks_active()
{
#if CGP_MPI
    return mpi::active();
#else
    return false;
#endif
}

inline bool is_rank0()
{
#if CGP_MPI
    return mpi::rank() == 0;
#else
    return true;
#endif
}

inline int rank_count()
{
#if CGP_MPI
    return mpi::size();
#else
    return 1;
#endif
}

// Rank 0's verdict on its own checks (0: go on), sent to every rank when on_ranks.
inline int share_verdict([[maybe_unused]] bool on_ranks, int status)
{
#if CGP_MPI
    return on_ranks ? mpi::share_status(status) : status;
#else
    return status;
#endif
}

// Every rank plans the sweep from the same arguments, so a bad option fails on all of them. Each
// rank calls plan_shared once its plan is made (failed: it threw) and gets whether rank 0 failed:
// then rank 0 alone says why, and the others end quietly. Without ranks: false.
inline bool& plan_was_shared()
{
    static bool shared = false;
    return shared;
}
inline bool plan_shared(bool failed)
{
    plan_was_shared() = true;
    return share_verdict(ranks_active(), failed ? 1 : 0) != 0;
}

} // namespace cgp::sweep
