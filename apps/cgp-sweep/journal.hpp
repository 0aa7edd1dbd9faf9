// journal.hpp: the benchmark's record of finished trials, DIR/trials/KEY.json, one file per trial.
//
// Each file is written whole through AtomicFile (temporary file, fsync, rename) the moment its
// trial finishes, so a benchmark killed at any moment leaves only complete trials, and a rerun
// reads them instead of training again. Because a trial's file name is its key and its content a
// pure function of the key, several processes (MPI ranks on a shared folder) may fill one journal:
// two writers of the same trial write the same content, and a rename never exposes half a file.
#pragma once

#include "trial.hpp"

#include <filesystem>
#include <optional>

namespace cgp::sweep {

class Journal {
public:
    explicit Journal(std::filesystem::path folder); // DIR/trials, created when missing
    // The finished trial with this key, or nullopt. Throws cgp::Error naming a damaged file.
    std::optional<TrialResult> find(const TrialKey& key) const;
    void write(const TrialResult& result) const;
    const std::filesystem::path& folder() const noexcept { return folder_; }

private:
    std::filesystem::path folder_;
};

// A trial as JSON text, and back (for the journal and its tests).
std::string trial_json(const TrialResult& r);
TrialResult parse_trial_json(const std::string& text, const std::string& origin);

} // namespace cgp::sweep
