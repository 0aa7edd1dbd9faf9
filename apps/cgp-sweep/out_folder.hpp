// out_folder.hpp: cgp-sweep's --out folder, written whole or not at all, by one sweep at a time.
//
// The sweep takes a lock (flock on .NAME.lock beside the folder) before it runs, so a second sweep
// into the same folder is refused at once. Results are written into a staging folder beside it
// (.NAME.staging-PID) that replaces the folder in one rename when everything is written; a failure
// removes the staging folder and leaves the previous folder as it was. A folder that holds an
// earlier sweep's results is replaced only with --force; a folder holding anything else is never
// replaced. Staging folders of sweeps that were killed are removed.
#pragma once

#include <filesystem>
#include <string>

namespace cgp::sweep {

// ".NAME<suffix>" in the folder that holds dir: where a sweep keeps its lock, staging folder and journal.
std::filesystem::path beside(const std::filesystem::path& dir, const std::string& suffix);

class OutFolder {
public:
    // Checks the folder and takes the lock; throws cgp::Error when it is refused.
    OutFolder(std::filesystem::path dir, bool force);
    ~OutFolder();
    OutFolder(const OutFolder&) = delete;
    OutFolder& operator=(const OutFolder&) = delete;

    // The folder to write into (created on first call).
    const std::filesystem::path& staging();
    // Puts the staging folder in place of the folder. Throws cgp::Error on failure.
    void commit();

private:
    std::filesystem::path dir_, staging_;
    int lock_ = -1;
    bool committed_ = false;
};

} // namespace cgp::sweep
