// The benchmark protocol: tuning stages, selection and measurement, trials in parallel.
#include "bench.hpp"

#include "../common/cli.hpp"
#include "halving.hpp"
#include "ranks.hpp"
#if CGP_MPI
#include "mpi_bench.hpp"
#endif

#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <exception>
#include <mutex>
#include <thread>
#include <unistd.h>

namespace cgp::sweep {
namespace {

struct Job {
    std::size_t cell = 0;
    TrialKey key;
    TrialConfig config;
};

struct Pool {
    const BenchSpec& spec;
    const Journal& journal;
    unsigned jobs;
    bool show_progress, journal_only;
    BenchOutcome& outcome;

    // Runs the jobs (or reads them from the journal); results in the jobs' order. Returns false
    // when interrupted.
    bool run(const std::vector<Job>& todo, std::vector<TrialResult>& results, const std::string& stage)
    {
#if CGP_MPI
        if (ranks_active())
            return run_on_ranks(todo, results, stage);
#endif
        results.assign(todo.size(), {});
        std::atomic<std::size_t> next{0}, done{0}, reused{0};
        std::atomic<int> stop{0};
        std::mutex failure_mutex;
        std::exception_ptr failure;
        auto worker = [&] {
            while (stop.load(std::memory_order_relaxed) == 0) {
                const std::size_t i = next.fetch_add(1);
                if (i >= todo.size())
                    break;
                const Job& j = todo[i];
                const Cell& cell = outcome.cells[j.cell];
                try {
                    if (auto found = journal.find(j.key)) {
                        results[i] = std::move(*found);
                        reused.fetch_add(1);
                    } else if (journal_only) {
                        throw Error(fmt::format("trial {} is not in the journal {}: the benchmark has not finished\n"
                                                "hint: rerun the cgp-sweep bench command to finish it",
                                                j.key.id(), journal.folder().string()));
                    } else {
                        TrialResult r = run_trial(spec.problems[cell.problem], spec.optimizers[cell.optimizer], j.key,
                                                  j.config.hparams, &stop);
                        if (r.interrupted)
                            continue;
                        r.values = j.config.values;
                        journal.write(r);
                        results[i] = std::move(r);
                    }
                    done.fetch_add(1);
                } catch (const std::exception& e) {
                    const std::lock_guard lock(failure_mutex);
                    if (!failure)
                        failure = std::make_exception_ptr(Error(e.what()));
                    stop.store(-1);
                }
            }
        };
        const unsigned threads =
            static_cast<unsigned>(std::max<std::size_t>(1, std::min<std::size_t>(jobs, todo.size())));
        outcome.jobs = std::max(outcome.jobs, threads);
        std::vector<std::thread> pool;
        for (unsigned t = 0; t < threads; ++t)
            pool.emplace_back(worker);
        std::size_t shown = ~std::size_t{0};
        const bool interactive = ::isatty(2) == 1; // a counter on a terminal; one line per stage otherwise
        for (;;) {
            bool running = done.load() + 0 < todo.size() && stop.load() == 0;
            if (const int sig = cli::stop_signal().load(); sig != 0 && stop.load() == 0)
                stop.store(sig);
            if (show_progress && interactive && done.load() != shown) {
                shown = done.load();
                fmt::print(stderr, "\rcgp-sweep: {}: {}/{} trials", stage, shown, todo.size());
            }
            if (!running)
                break;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        for (std::thread& t : pool)
            t.join();
        if (show_progress)
            fmt::print(stderr, "{}cgp-sweep: {}: {}/{} trials{}\n", interactive ? "\r" : "", stage, done.load(),
                       todo.size(),
                       reused.load() ? fmt::format(" ({} from the journal)", reused.load()) : std::string());
        if (failure)
            std::rethrow_exception(failure);
        outcome.trials_reused += reused.load();
        outcome.trials_run += done.load() - reused.load();
        if (stop.load() > 0) {
            outcome.signal = stop.load();
            return false;
        }
        return true;
    }

#if CGP_MPI
    // The same stage across MPI ranks (mpi_bench.hpp); every rank gets every result.
    bool run_on_ranks(const std::vector<Job>& todo, std::vector<TrialResult>& results, const std::string& stage)
    {
        std::size_t recorded = 0; // trials rank 0 journalled in this stage, counted when it is interrupted too
        StageOnRanks s = run_stage_on_ranks(
            todo.size(), jobs, [&](std::size_t i) { return journal.find(todo[i].key); },
            [&](std::size_t i, const std::atomic<int>* stop) -> std::optional<TrialResult> {
                const Cell& cell = outcome.cells[todo[i].cell];
                TrialResult r = run_trial(spec.problems[cell.problem], spec.optimizers[cell.optimizer], todo[i].key,
                                          todo[i].config.hparams, stop);
                if (r.interrupted)
                    return std::nullopt;
                r.values = todo[i].config.values;
                return r;
            },
            [&](const TrialResult& r) {
                journal.write(r);
                ++recorded;
            },
            [&](std::size_t i) { return fmt::format("trial {}", todo[i].key.id()); });
        outcome.jobs = std::max(outcome.jobs, jobs * static_cast<unsigned>(rank_count()));
        outcome.trials_reused += s.reused;
        if (s.signal != 0) {
            outcome.trials_run += recorded;
            outcome.signal = s.signal;
            return false;
        }
        if (show_progress && is_rank0())
            fmt::print(stderr, "cgp-sweep: {}: {}/{} trials on {} ranks{}\n", stage, todo.size(), todo.size(),
                       rank_count(), s.reused ? fmt::format(" ({} from the journal)", s.reused) : std::string());
        outcome.trials_run += todo.size() - s.reused;
        results = std::move(s.results);
        return true;
    }
#endif
};

} // namespace

bool better_trial(const TrialResult& a, const TrialResult& b)
{
    if (a.steps_to_target.has_value() != b.steps_to_target.has_value())
        return a.steps_to_target.has_value();
    if (a.steps_to_target && *a.steps_to_target != *b.steps_to_target)
        return *a.steps_to_target < *b.steps_to_target;
    if (a.final_loss != b.final_loss)
        return a.final_loss < b.final_loss || (std::isfinite(a.final_loss) && !std::isfinite(b.final_loss));
    return a.key.index < b.key.index;
}

BenchOutcome run_bench(const BenchSpec& spec, const Journal& journal, unsigned jobs, bool show_progress,
                       bool journal_only)
{
    const auto start = std::chrono::steady_clock::now();
    BenchOutcome outcome;
    for (std::size_t p = 0; p < spec.problems.size(); ++p)
        for (std::size_t o = 0; o < spec.optimizers.size(); ++o) {
            Cell c;
            c.problem = p;
            c.optimizer = o;
            c.configurations = spec.budget;
            outcome.cells.push_back(std::move(c));
        }
    Pool pool{spec, journal, jobs, show_progress, journal_only, outcome};
    auto finish = [&] {
        outcome.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        return outcome;
    };
    auto key = [&](const Cell& c, std::string stage, std::size_t index, std::uint64_t steps, std::uint64_t seed,
                   Split split) {
        return TrialKey{spec.problems[c.problem].name,
                        spec.optimizers[c.optimizer]->id(),
                        std::move(stage),
                        index,
                        steps,
                        seed,
                        split};
    };
    auto config = [&](const Cell& c, std::size_t t) {
        return sample_trial(spec.search, *spec.optimizers[c.optimizer], spec.seed, spec.problems[c.problem].name, t);
    };

    // Tuning. Each cell's survivors: the configuration numbers still in the race.
    std::vector<std::vector<std::size_t>> alive(outcome.cells.size());
    for (std::size_t c = 0; c < outcome.cells.size(); ++c)
        for (std::size_t t = 0; t < spec.budget; ++t)
            alive[c].push_back(t);
    std::vector<std::vector<Rung>> rungs(outcome.cells.size());
    std::size_t most = 1;
    for (std::size_t c = 0; c < outcome.cells.size(); ++c) {
        const BenchProblem& p = spec.problems[outcome.cells[c].problem];
        rungs[c] = spec.method == Method::Random ? std::vector<Rung>{{p.steps, spec.budget}}
                                                 : halving_rungs(spec.budget, p.steps, spec.eta, p.eval_every);
        most = std::max(most, rungs[c].size());
    }
    for (std::size_t r = 0; r < most; ++r) {
        std::vector<Job> todo;
        for (std::size_t c = 0; c < outcome.cells.size(); ++c) {
            if (r >= rungs[c].size())
                continue;
            const Cell& cell = outcome.cells[c];
            const std::string stage = spec.method == Method::Random ? "tune" : fmt::format("rung{}", r);
            for (std::size_t t : alive[c])
                todo.push_back(
                    {c, key(cell, stage, t, rungs[c][r].steps, spec.seed, Split::Validation), config(cell, t)});
        }
        std::vector<TrialResult> results;
        const std::string stage =
            spec.method == Method::Random ? "tuning" : fmt::format("tuning, rung {}/{}", r + 1, most);
        if (!pool.run(todo, results, stage))
            return finish();
        // Survivors of each cell: the best by final validation loss (the last rung: by selection).
        std::vector<std::vector<const TrialResult*>> by_cell(outcome.cells.size());
        for (std::size_t i = 0; i < todo.size(); ++i) {
            Cell& cell = outcome.cells[todo[i].cell];
            cell.tuning_steps += results[i].key.steps;
            cell.tuning.push_back(results[i]);
        }
        for (std::size_t c = 0; c < outcome.cells.size(); ++c) {
            if (r >= rungs[c].size())
                continue;
            std::vector<const TrialResult*> here;
            for (const TrialResult& t : outcome.cells[c].tuning)
                if (t.key.stage == (spec.method == Method::Random ? "tune" : fmt::format("rung{}", r)))
                    here.push_back(&t);
            std::stable_sort(here.begin(), here.end(), [](const TrialResult* a, const TrialResult* b) {
                if (a->final_loss != b->final_loss)
                    return a->final_loss < b->final_loss ||
                           (std::isfinite(a->final_loss) && !std::isfinite(b->final_loss));
                return a->key.index < b->key.index;
            });
            if (r + 1 < rungs[c].size()) {
                alive[c].clear();
                for (std::size_t k = 0; k < rungs[c][r + 1].trials && k < here.size(); ++k)
                    alive[c].push_back(here[k]->key.index);
                std::sort(alive[c].begin(), alive[c].end());
            } else {
                const TrialResult* best = here.front();
                for (const TrialResult* t : here)
                    if (better_trial(*t, *best))
                        best = t;
                outcome.cells[c].chosen = static_cast<std::size_t>(best - outcome.cells[c].tuning.data());
            }
        }
    }

    // Measurement of each cell's chosen configuration on the test split.
    std::vector<Job> todo;
    for (std::size_t c = 0; c < outcome.cells.size(); ++c) {
        const Cell& cell = outcome.cells[c];
        const TrialResult& chosen = cell.tuning[cell.chosen];
        const TrialConfig cfg = config(cell, chosen.key.index);
        for (std::size_t s = 0; s < spec.seeds; ++s)
            todo.push_back({c,
                            key(cell, fmt::format("final{}", chosen.key.index), s, spec.problems[cell.problem].steps,
                                spec.seed + 1 + s, Split::Test),
                            cfg});
    }
    std::vector<TrialResult> results;
    if (!pool.run(todo, results, "measurement"))
        return finish();
    for (std::size_t i = 0; i < todo.size(); ++i)
        outcome.cells[todo[i].cell].finals.push_back(std::move(results[i]));
    return finish();
}

} // namespace cgp::sweep
