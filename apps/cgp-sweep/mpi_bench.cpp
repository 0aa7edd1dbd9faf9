// A benchmark stage's trials through the MPI work queue, as journal records.
#include "mpi_bench.hpp"

#include "journal.hpp"
#include "mpi_queue.hpp"

#include <fmt/format.h>

#include <sstream>

namespace cgp::sweep {

StageOnRanks run_stage_on_ranks(
    std::size_t count, unsigned jobs, const std::function<std::optional<TrialResult>(std::size_t)>& find,
    const std::function<std::optional<TrialResult>(std::size_t, const std::atomic<int>*)>& run,
    const std::function<void(const TrialResult&)>& record, const std::function<std::string(std::size_t)>& describe)
{
    StageOnRanks stage;
    stage.results.resize(count);
    std::vector<bool> found(count, false);
    std::string missing;
    if (mpi::rank() == 0)
        for (std::size_t i = 0; i < count; ++i) {
            if (auto r = find(i)) {
                stage.results[i] = std::move(*r);
                found[i] = true;
                ++stage.reused;
            } else {
                missing += fmt::format("{} ", i);
            }
        }
    std::vector<std::size_t> todo;
    std::istringstream in(mpi::share_text(missing));
    for (std::size_t i = 0; in >> i;)
        todo.push_back(i);
    const mpi::QueueOutcome q = mpi::run_queue(
        todo.size(), jobs,
        [&](std::size_t k, const std::atomic<int>* stop) -> std::optional<std::string> {
            std::optional<TrialResult> r = run(todo[k], stop);
            if (!r)
                return std::nullopt;
            return trial_json(*r);
        },
        [&](std::size_t k, const std::string& text) {
            TrialResult r = parse_trial_json(text, describe(todo[k]));
            record(r);
            stage.results[todo[k]] = std::move(r);
        },
        [&](std::size_t k) { return describe(todo[k]); }, false);
    stage.signal = q.failed ? -1 : q.signal;
    if (stage.signal != 0)
        return stage;
    // Every rank needs the whole stage to choose the same survivors.
    std::string all;
    if (mpi::rank() == 0)
        for (const TrialResult& r : stage.results)
            all += trial_json(r); // one line each
    std::istringstream lines(mpi::share_text(all));
    std::size_t i = 0;
    for (std::string line; std::getline(lines, line) && i < count; ++i)
        if (mpi::rank() != 0)
            stage.results[i] = parse_trial_json(line, describe(i));
    return stage;
}

} // namespace cgp::sweep
