// mpi_queue.hpp: a sweep's tasks handed out across MPI ranks (mpirun -np N cgp-sweep ...).
//
// Every rank plans the same sweep from the same arguments. Rank 0 owns the queue: a rank with an
// idle thread asks for the next task and gets it, so fast and slow ranks stay busy; rank 0's own
// threads take tasks from the same queue. A task's result is a text (a run or trial record) sent
// to rank 0, which passes each one to on_result as it arrives (the journal) and keeps them all.
// A task that fails stops every rank, and rank 0 throws naming the rank and the task; a signal on
// any rank (Ctrl-C, the job's time limit) stops every rank, and no result is kept but the finished
// ones. Only each rank's main thread calls MPI (MPI_THREAD_FUNNELED).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace cgp::sweep::mpi {

// Whether this process was started by an MPI launcher (mpirun, mpiexec, srun) with several ranks.
bool launched();

// MPI for the life of the program, when launched: MPI_Init_thread, then MPI_Finalize.
class Session {
public:
    Session(int& argc, char**& argv);
    ~Session();
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

bool active(); // a Session with more than one rank
// Whether every rank knows that the sweep failed or stopped (a shared status or queue outcome
// that was not 0), so each can end on its own.
bool failure_shared();
// Ends every rank with this exit status (MPI_Abort): after a failure on one rank, when the others
// may be waiting for it.
[[noreturn]] void abort_all(int status);
int rank();
int size();

// Rank 0 broadcasts a status (0, or a failure) to the other ranks: they learn whether rank 0's
// checks (options, preflight, output folder) passed before any task is handed out.
int share_status(int status);
// Rank 0 broadcasts a text to every rank (results of a stage, for the next one).
std::string share_text(const std::string& text);

// Runs task i: its result text, or nullopt when stop interrupted it. Throws on failure.
using Work = std::function<std::optional<std::string>(std::size_t task, const std::atomic<int>* stop)>;

struct QueueOutcome {
    std::vector<std::string> results; // rank 0 (and every rank with share): one per task
    int signal = 0;                   // SIGINT/SIGTERM when interrupted
    bool failed = false;              // another rank's task failed (rank 0 throws instead)
    unsigned threads = 1;             // on all ranks together
};

// On every rank at once: tasks 0..count-1, `threads` worker threads per rank. On rank 0,
// on_result(task, text) runs on the main thread for each finished task; describe(task) names a
// task in messages. With share, every rank receives every result at the end.
QueueOutcome run_queue(std::size_t count, unsigned threads, const Work& work,
                       const std::function<void(std::size_t, const std::string&)>& on_result,
                       const std::function<std::string(std::size_t)>& describe, bool share);

} // namespace cgp::sweep::mpi
