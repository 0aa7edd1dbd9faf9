// grid_journal.hpp: the grid mode's record of finished runs, so an interrupted sweep resumes.
//
// The journal is a folder beside the output (.NAME.journal for --out NAME, a folder or a shard
// file): sweep.txt holds the sweep's fingerprint (sweep_identity.hpp), run-T.json task T's run
// record (run_record.hpp), each written whole through AtomicFile the moment the run finishes. A
// rerun of the same sweep reads those runs back instead of training them again; a journal of
// another sweep (a different fingerprint) is cleared. The journal is removed once the output is
// written whole.
#pragma once

#include "runner.hpp"

#include <atomic>
#include <filesystem>
#include <map>
#include <string>

namespace cgp::sweep {

class GridJournal {
public:
    // Opens (creating when missing) the journal beside `out`. Throws cgp::Error when it cannot.
    GridJournal(const std::filesystem::path& out, const std::string& fingerprint);
    // The finished runs recorded, by task, each checked against the plan (tasks < `tasks`).
    std::map<std::size_t, RunResult> read(std::size_t tasks) const;
    // Records a finished run (thread-safe: one file per task). A record that cannot be written
    // (a full disk) does not stop the sweep: the first failure is said on stderr, and that run
    // would be trained again on a resume.
    void write(std::size_t task, const RunResult& run) const;
    // Removes the journal (after the output is in place).
    void remove() const;
    const std::filesystem::path& folder() const noexcept { return folder_; }
    bool cleared() const noexcept { return cleared_; } // an earlier sweep's journal was cleared

private:
    std::filesystem::path folder_;
    bool cleared_ = false;
    mutable std::atomic<bool> warned_{false};
};

} // namespace cgp::sweep
