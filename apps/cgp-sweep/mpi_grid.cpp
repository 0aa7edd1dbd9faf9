// A grid sweep's runs through the MPI work queue, as run records.
#include "mpi_grid.hpp"

#include "mpi_queue.hpp"
#include "run_record.hpp"

#include <fmt/format.h>

#include <chrono>
#include <sstream>

namespace cgp::sweep {

RankOutcome run_sweep_on_ranks(const Plan& plan, unsigned jobs, const SweepWork& work)
{
    std::string list;
    if (mpi::rank() == 0)
        for (std::size_t t : work.tasks.value_or(std::vector<std::size_t>{}))
            list += fmt::format("{} ", t);
    std::vector<std::size_t> tasks;
    std::istringstream in(mpi::share_text(list));
    for (std::size_t t = 0; in >> t;)
        tasks.push_back(t);

    RankOutcome r;
    r.outcome.runs.resize(plan.points.size() * plan.seeds);
    const auto start = std::chrono::steady_clock::now();
    const mpi::QueueOutcome q = mpi::run_queue(
        tasks.size(), jobs,
        [&](std::size_t i, const std::atomic<int>* stop) -> std::optional<std::string> {
            const RunResult run = run_task(plan, tasks[i], stop);
            if (run.summary.reason == StopReason::Interrupted)
                return std::nullopt;
            return run_record_json(tasks[i], run);
        },
        [&](std::size_t i, const std::string& text) {
            RunResult run = parse_run_record(text, fmt::format("the record of {}", describe_task(plan, tasks[i])));
            if (work.finished)
                work.finished(tasks[i], run);
            r.outcome.runs[tasks[i]] = std::move(run);
        },
        [&](std::size_t i) { return describe_task(plan, tasks[i]); }, false);
    r.outcome.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    r.outcome.jobs = q.threads;
    r.outcome.signal = q.signal;
    r.failed = q.failed;
    return r;
}

} // namespace cgp::sweep
