// The MPI work queue: rank 0 hands tasks to whichever rank asks, gathers the results, stops all.
#include "mpi_queue.hpp"

#include "../common/cli.hpp"

#include <cgp/io/error.hpp>

#include <fmt/format.h>
#include <mpi.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <map>
#include <mutex>
#include <set>
#include <thread>

namespace cgp::sweep::mpi {
namespace {

int g_rank = 0, g_size = 1;
bool g_active = false;
bool g_failure_shared = false;

// Message kinds (the MPI tag). Every message is an 8-byte task number and a text.
enum Tag : int {
    kRequest = 1,     // worker -> 0: a thread is idle
    kAssign = 2,      // 0 -> worker: run this task
    kNoMore = 3,      // 0 -> worker: the queue is empty
    kStop = 4,        // 0 -> worker: stop (the text: the signal number, or -1 after a failure)
    kResult = 5,      // worker -> 0: a finished task and its result
    kFailed = 6,      // worker -> 0: a task failed (the text: the message)
    kInterrupted = 7, // worker -> 0: a signal stopped the rank (the text: the signal number)
    kDone = 8,        // worker -> 0: every thread of the rank has ended
    kFinish = 9,      // 0 -> worker: the queue is closed
};

struct Message {
    int source = 0, tag = 0;
    std::uint64_t task = 0;
    std::string text;
};

void send(int to, int tag, std::uint64_t task, const std::string& text = {})
{
    std::string buffer(8 + text.size(), '\0');
    std::memcpy(buffer.data(), &task, 8);
    std::memcpy(buffer.data() + 8, text.data(), text.size());
    MPI_Send(buffer.data(), static_cast<int>(buffer.size()), MPI_BYTE, to, tag, MPI_COMM_WORLD);
}

std::optional<Message> receive(int from, bool wait)
{
    MPI_Status status;
    int flag = 0;
    if (wait) {
        MPI_Probe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &status);
        flag = 1;
    } else {
        MPI_Iprobe(from, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &status);
    }
    if (!flag)
        return std::nullopt;
    int bytes = 0;
    MPI_Get_count(&status, MPI_BYTE, &bytes);
    std::string buffer(static_cast<std::size_t>(bytes), '\0');
    MPI_Recv(buffer.data(), bytes, MPI_BYTE, status.MPI_SOURCE, status.MPI_TAG, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    Message m;
    m.source = status.MPI_SOURCE;
    m.tag = status.MPI_TAG;
    if (buffer.size() >= 8) {
        std::memcpy(&m.task, buffer.data(), 8);
        m.text = buffer.substr(8);
    }
    return m;
}

void idle()
{
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// What a worker thread hands its rank's main thread.
struct Finished {
    std::size_t task = 0;
    int tag = kResult; // kResult, kFailed or kInterrupted
    std::string text;
};

struct Outbox {
    std::mutex mutex;
    std::deque<Finished> items;
    unsigned threads_done = 0;

    void push(Finished f)
    {
        const std::lock_guard lock(mutex);
        items.push_back(std::move(f));
    }
    std::deque<Finished> take(unsigned& done)
    {
        const std::lock_guard lock(mutex);
        done = threads_done;
        return std::exchange(items, {});
    }
};

void run_one(const Work& work, std::size_t task, std::atomic<int>& stop, Outbox& out)
{
    try {
        std::optional<std::string> r = work(task, &stop);
        if (r)
            out.push({task, kResult, std::move(*r)});
        else
            out.push({task, kInterrupted, std::to_string(stop.load() > 0 ? stop.load() : 0)});
    } catch (const std::exception& e) {
        out.push({task, kFailed, e.what()});
        stop.store(-1);
    }
}

std::string pack(const std::vector<std::string>& texts)
{
    std::string out;
    for (const std::string& t : texts) {
        const std::uint64_t n = t.size();
        out.append(reinterpret_cast<const char*>(&n), 8);
        out += t;
    }
    return out;
}

std::vector<std::string> unpack(const std::string& packed)
{
    std::vector<std::string> out;
    for (std::size_t at = 0; at + 8 <= packed.size();) {
        std::uint64_t n = 0;
        std::memcpy(&n, packed.data() + at, 8);
        out.push_back(packed.substr(at + 8, n));
        at += 8 + n;
    }
    return out;
}

// Rank 0: the queue, its own threads, and the other ranks' requests and results.
QueueOutcome lead(std::size_t count, unsigned threads, const Work& work,
                  const std::function<void(std::size_t, const std::string&)>& on_result,
                  const std::function<std::string(std::size_t)>& describe)
{
    QueueOutcome outcome;
    outcome.results.assign(count, {});
    std::vector<bool> have(count, false);
    std::atomic<std::size_t> next{0};
    std::atomic<int> stop{0};
    Outbox outbox;
    constexpr std::size_t kIdle = ~std::size_t{0};
    std::vector<std::atomic<std::size_t>> running(threads); // each local thread's task
    for (auto& r : running)
        r.store(kIdle);
    std::vector<std::thread> pool;
    for (unsigned j = 0; j < threads; ++j)
        pool.emplace_back([&, j] {
            while (stop.load() == 0) {
                const std::size_t t = next.fetch_add(1);
                if (t >= count)
                    break;
                running[j].store(t);
                run_one(work, t, stop, outbox);
                running[j].store(kIdle);
            }
            const std::lock_guard lock(outbox.mutex);
            ++outbox.threads_done;
        });
    std::map<int, std::set<std::size_t>> out; // tasks each rank is running
    std::set<int> done_ranks;
    std::optional<std::string> failure;
    bool stopped = false; // the other ranks were told to stop
    auto stop_all = [&](int why) {
        if (stopped)
            return;
        stopped = true;
        if (why > 0) { // said at once: the launcher may kill every rank soon after a signal
            std::string unfinished;
            for (const auto& r : running)
                if (const std::size_t t = r.load(); t != kIdle)
                    unfinished += fmt::format("\n  rank 0: {}", describe(t));
            for (const auto& [rank, tasks] : out)
                for (std::size_t t : tasks)
                    unfinished += fmt::format("\n  rank {}: {}", rank, describe(t));
            fmt::print(stderr, "cgp-sweep: stopping every rank on signal {}{}\n", why,
                       unfinished.empty() ? std::string() : "; unfinished:" + unfinished);
        }
        int expected = 0;
        stop.compare_exchange_strong(expected, why);
        for (int r = 1; r < g_size; ++r)
            if (done_ranks.count(r) == 0)
                send(r, kStop, 0, std::to_string(why));
    };
    auto handle = [&](int from, int tag, std::size_t task, const std::string& text) {
        if (tag == kRequest) {
            const std::size_t t = stop.load() == 0 ? next.fetch_add(1) : count;
            if (t >= count) {
                send(from, kNoMore, 0);
            } else {
                out[from].insert(t);
                send(from, kAssign, t);
            }
        } else if (tag == kResult) {
            out[from].erase(task);
            outcome.results[task] = text;
            have[task] = true;
            if (on_result)
                on_result(task, text);
        } else if (tag == kFailed) {
            out[from].erase(task);
            if (!failure)
                failure = fmt::format("rank {}, {}: {}", from, describe(task), text);
            stop_all(-1);
        } else if (tag == kInterrupted) {
            out[from].erase(task);
            const int sig = std::atoi(text.c_str());
            stop_all(sig > 0 ? sig : SIGINT);
        } else if (tag == kDone) {
            done_ranks.insert(from);
        }
    };
    unsigned local_done = 0;
    for (;;) {
        for (Finished& f : outbox.take(local_done))
            handle(0, f.tag, f.task, f.text);
        while (auto m = receive(MPI_ANY_SOURCE, false))
            handle(m->source, m->tag, static_cast<std::size_t>(m->task), m->text);
        if (const int sig = cli::stop_signal().load(); sig != 0)
            stop_all(sig);
        if (stop.load() != 0) // a failure of one of this rank's threads
            stop_all(stop.load());
        if (local_done == threads && static_cast<int>(done_ranks.size()) == g_size - 1) {
            unsigned again = 0;
            if (outbox.take(again).empty())
                break;
        }
        idle();
    }
    for (std::thread& t : pool)
        t.join();
    for (int r = 1; r < g_size; ++r)
        send(r, kFinish, 0);
    outcome.threads = threads * static_cast<unsigned>(g_size);
    if (!failure && stop.load() == 0)
        for (std::size_t t = 0; t < count; ++t)
            if (!have[t]) {
                failure = fmt::format("{} was handed out but no rank sent its result", describe(t));
                break;
            }
    int status = failure ? -1 : std::max(0, stop.load());
    share_status(status);
    if (failure)
        throw Error(*failure);
    outcome.signal = status;
    return outcome;
}

// Another rank: asks for tasks while a thread is idle, runs them, sends the results.
QueueOutcome follow(unsigned threads, const Work& work)
{
    std::mutex mutex;
    std::condition_variable ready;
    std::deque<std::size_t> queue;
    bool no_more = false;
    unsigned waiting = 0;
    std::atomic<int> stop{0};
    Outbox outbox;
    std::vector<std::thread> pool;
    for (unsigned j = 0; j < threads; ++j)
        pool.emplace_back([&] {
            for (;;) {
                std::size_t t = 0;
                {
                    std::unique_lock lock(mutex);
                    ++waiting;
                    ready.wait(lock, [&] { return !queue.empty() || no_more || stop.load() != 0; });
                    --waiting;
                    if (stop.load() != 0 || queue.empty())
                        break;
                    t = queue.front();
                    queue.pop_front();
                }
                run_one(work, t, stop, outbox);
            }
            const std::lock_guard lock(outbox.mutex);
            ++outbox.threads_done;
        });
    bool asked = false, told_signal = false;
    auto close = [&](int why) {
        const std::lock_guard lock(mutex);
        no_more = true;
        if (why != 0 && stop.load() == 0)
            stop.store(why);
        ready.notify_all();
    };
    unsigned local_done = 0;
    for (;;) {
        while (auto m = receive(0, false)) {
            if (m->tag == kAssign) {
                const std::lock_guard lock(mutex);
                queue.push_back(static_cast<std::size_t>(m->task));
                asked = false;
                ready.notify_one();
            } else if (m->tag == kNoMore) {
                asked = false;
                close(0);
            } else if (m->tag == kStop) {
                close(std::atoi(m->text.c_str()));
            }
        }
        if (stop.load() != 0) // a failure here, or a stop from rank 0: wake the idle threads
            close(0);
        if (const int sig = cli::stop_signal().load(); sig != 0 && !told_signal) {
            told_signal = true;
            close(sig);
            send(0, kInterrupted, 0, std::to_string(sig));
        }
        for (Finished& f : outbox.take(local_done))
            send(0, f.tag, f.task, f.text);
        {
            const std::lock_guard lock(mutex);
            if (!asked && !no_more && waiting > queue.size()) {
                send(0, kRequest, 0);
                asked = true;
            }
        }
        if (local_done == threads && !asked) {
            unsigned again = 0;
            std::deque<Finished> last = outbox.take(again);
            for (Finished& f : last)
                send(0, f.tag, f.task, f.text);
            break;
        }
        idle();
    }
    for (std::thread& t : pool)
        t.join();
    send(0, kDone, 0);
    while (receive(0, true)->tag != kFinish) {}
    const int status = share_status(0);
    QueueOutcome outcome;
    outcome.failed = status < 0;
    outcome.signal = status > 0 ? status : 0;
    return outcome;
}

} // namespace

bool launched()
{
    const auto more_than_one = [](const char* name) {
        const char* v = std::getenv(name);
        return v != nullptr && std::atoi(v) > 1;
    };
    // mpirun/mpiexec of Open MPI; a PMI-2 launcher (MPICH's, srun --mpi=pmi2); srun --mpi=pmix.
    return more_than_one("OMPI_COMM_WORLD_SIZE") || more_than_one("PMI_SIZE") ||
           (std::getenv("PMIX_RANK") != nullptr && more_than_one("SLURM_STEP_NUM_TASKS"));
}

Session::Session(int& argc, char**& argv)
{
    int provided = 0;
    MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
    MPI_Comm_rank(MPI_COMM_WORLD, &g_rank);
    MPI_Comm_size(MPI_COMM_WORLD, &g_size);
    // A rank that died makes sends to it fail, not rank 0 abort: rank 0 still reports.
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    g_active = g_size > 1;
}

Session::~Session()
{
    MPI_Finalize();
    g_active = false;
}

bool active()
{
    return g_active;
}
int rank()
{
    return g_rank;
}
int size()
{
    return g_size;
}

void abort_all(int status)
{
    MPI_Abort(MPI_COMM_WORLD, status);
    std::_Exit(status); // MPI_Abort does not return; this keeps the promise if it did
}

int share_status(int status)
{
    MPI_Bcast(&status, 1, MPI_INT, 0, MPI_COMM_WORLD);
    g_failure_shared = g_failure_shared || status != 0;
    return status;
}

bool failure_shared()
{
    return g_failure_shared;
}

std::string share_text(const std::string& text)
{
    std::uint64_t n = text.size();
    MPI_Bcast(&n, 1, MPI_UINT64_T, 0, MPI_COMM_WORLD);
    std::string out = g_rank == 0 ? text : std::string(n, '\0');
    MPI_Bcast(out.data(), static_cast<int>(n), MPI_BYTE, 0, MPI_COMM_WORLD);
    return out;
}

QueueOutcome run_queue(std::size_t count, unsigned threads, const Work& work,
                       const std::function<void(std::size_t, const std::string&)>& on_result,
                       const std::function<std::string(std::size_t)>& describe, bool share)
{
    threads = std::max(1u, threads);
    QueueOutcome outcome = g_rank == 0 ? lead(count, threads, work, on_result, describe) : follow(threads, work);
    if (share && outcome.signal == 0 && !outcome.failed) {
        const std::vector<std::string> all = unpack(share_text(g_rank == 0 ? pack(outcome.results) : std::string()));
        if (g_rank != 0)
            outcome.results = all;
    }
    return outcome;
}

} // namespace cgp::sweep::mpi
