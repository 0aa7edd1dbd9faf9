// The sweep runner: a preflight of every model/data shape, then worker threads pulling runs.
#include "runner.hpp"

#include "progress.hpp"

#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>
#include <cgp/training/memory_estimate.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <string_view>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <set>
#include <thread>
#include <tuple>

namespace cgp::sweep {

void preflight(const Plan& plan)
{
    std::set<std::tuple<std::size_t, std::size_t, std::size_t, int>> seen;
    for (const Point& p : plan.points) {
        const auto shape =
            std::make_tuple(p.model, p.data.dataset_size, p.settings.batch_size, static_cast<int>(p.settings.dtype));
        if (!seen.insert(shape).second)
            continue;
        try {
            Experiment check(plan.models[p.model].spec, p.data, plan.optimizers[p.optimizer], p.hparams, p.settings);
        } catch (const Error& e) {
            throw Error(fmt::format("grid point '{}': {}", describe(plan, p), e.what()));
        }
    }
}

std::uint64_t parallel_memory(std::vector<std::uint64_t> estimates, unsigned jobs)
{
    const std::size_t n = std::min<std::size_t>(std::max(1u, jobs), estimates.size());
    std::partial_sort(estimates.begin(), estimates.begin() + static_cast<std::ptrdiff_t>(n), estimates.end(),
                      std::greater<>());
    std::uint64_t sum = 0;
    for (std::size_t i = 0; i < n; ++i)
        sum += estimates[i];
    return sum;
}

void check_parallel_memory(const std::vector<std::uint64_t>& estimates, unsigned jobs,
                           std::optional<std::uint64_t> available)
{
    if (const char* off = std::getenv("CGP_NO_MEMORY_CHECK"); off != nullptr && std::string_view(off) == "1")
        return;
    const std::size_t parallel = std::min<std::size_t>(std::max(1u, jobs), estimates.size());
    if (!available || parallel < 2)
        return; // one run at a time: each run checks its own memory
    const std::uint64_t need = parallel_memory(estimates, jobs);
    if (need <= *available)
        return;
    const auto gib = [](std::uint64_t b) { return fmt::format("{:.2f} GiB", static_cast<double>(b) / (1ull << 30)); };
    std::uint64_t per_run = 0;
    for (std::uint64_t e : estimates)
        per_run = std::max(per_run, e);
    const std::uint64_t fit = per_run == 0 ? parallel : std::max<std::uint64_t>(1, *available / per_run);
    throw Error(fmt::format("{} runs in parallel need about {} of memory together, more than the {} available (the "
                            "largest run needs about {})\nhint: run fewer at once (--jobs {}); "
                            "CGP_NO_MEMORY_CHECK=1 runs them anyway",
                            parallel, gib(need), gib(*available), gib(per_run), fit));
}

std::vector<std::uint64_t> run_estimates(const Plan& plan)
{
    std::vector<std::uint64_t> out;
    for (const Point& p : plan.points) {
        const std::uint64_t e = estimate_run_memory(plan.models[p.model].spec, p.data).total();
        out.insert(out.end(), plan.seeds, e);
    }
    return out;
}

RunResult run_task(const Plan& plan, std::size_t task, const std::atomic<int>* stop,
                   std::span<TrainObserver* const> observers)
{
    const std::size_t point = task / plan.seeds;
    const Point& p = plan.points[point];
    RunSettings settings = p.settings;
    settings.seed += task % plan.seeds;
    settings.train.stop_signal = stop;
    try {
        Experiment run(plan.models[p.model].spec, p.data, plan.optimizers[p.optimizer], p.hparams, settings);
        RunResult result{point, settings.seed, run.run(observers), std::nullopt};
        if (const EvalReport* e = run.evaluation())
            result.evaluation = *e;
        return result;
    } catch (const std::exception& e) {
        throw Error(fmt::format("{}: {}", describe_task(plan, task), e.what()));
    }
}

std::string describe_task(const Plan& plan, std::size_t task)
{
    const Point& p = plan.points[task / plan.seeds];
    return fmt::format("run '{}' seed {}", describe(plan, p), p.settings.seed + task % plan.seeds);
}

SweepOutcome run_sweep(const Plan& plan, unsigned jobs, bool show_progress, const SweepWork& work)
{
    const std::size_t seeds = plan.seeds;
    std::vector<std::size_t> todo = work.tasks.value_or(std::vector<std::size_t>{});
    if (!work.tasks)
        for (std::size_t t = 0; t < plan.points.size() * seeds; ++t)
            todo.push_back(t);
    const std::size_t tasks = todo.size();
    std::uint64_t iterations = 0;
    for (std::size_t t : todo)
        iterations += plan.points[t / seeds].settings.iterations;
    SweepProgress progress(stderr, tasks, iterations, show_progress);

    SweepOutcome outcome;
    outcome.jobs = static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(jobs, tasks)));
    outcome.runs.resize(plan.points.size() * seeds);
    std::atomic<std::size_t> next{0};
    // The main thread sleeps until every worker is done, waking at the progress line's rate to
    // redraw it and to pass on a signal (a signal handler cannot notify a condition variable).
    unsigned finished = 0;
    std::mutex finished_mutex;
    std::condition_variable finished_cv;
    std::atomic<int> stop{0}; // the runs' stop flag: a signal number, or -1 after a failure
    std::mutex failure_mutex;
    std::exception_ptr failure;

    auto worker = [&] {
        while (stop.load(std::memory_order_relaxed) == 0) {
            const std::size_t i = next.fetch_add(1);
            if (i >= tasks)
                break;
            const std::size_t t = todo[i];
            try {
                RunCounter counter(progress);
                TrainObserver* observers[] = {&counter};
                outcome.runs[t] = run_task(plan, t, &stop, observers);
                if (work.finished && outcome.runs[t].summary.reason != StopReason::Interrupted)
                    work.finished(t, outcome.runs[t]);
            } catch (const std::exception& e) {
                const std::lock_guard lock(failure_mutex);
                if (!failure)
                    failure = std::make_exception_ptr(Error(e.what()));
                stop.store(-1);
            }
        }
        {
            const std::lock_guard lock(finished_mutex);
            ++finished;
        }
        finished_cv.notify_one();
    };

    const auto start = std::chrono::steady_clock::now();
    std::vector<std::thread> threads;
    for (unsigned j = 0; j < outcome.jobs; ++j)
        threads.emplace_back(worker);
    for (std::unique_lock lock(finished_mutex);
         !finished_cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return finished == outcome.jobs; });) {
        if (const int sig = cli::stop_signal().load(); sig != 0 && stop.load() == 0)
            stop.store(sig);
        lock.unlock();
        progress.draw(false);
        lock.lock();
    }
    for (std::thread& t : threads)
        t.join();
    outcome.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (failure)
        std::rethrow_exception(failure);
    progress.draw(true);
    if (stop.load() > 0)
        outcome.signal = stop.load();
    return outcome;
}

} // namespace cgp::sweep
