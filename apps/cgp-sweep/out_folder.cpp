// OutFolder: lock, staging folder and whole-folder replacement for cgp-sweep --out.
#include "out_folder.hpp"

#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/file.h>
#include <unistd.h>
#include <vector>

namespace cgp::sweep {
namespace fs = std::filesystem;

namespace {

// What a sweep writes into its folder; a folder holding only these is an earlier sweep's.
constexpr std::array<std::string_view, 5> kSweepEntries = {"results.csv", "results.json", "table.txt", "runs", "plots"};

// Removes .NAME.staging-PID folders of sweeps that no longer run.
void remove_stale_staging(const fs::path& dir)
{
    const fs::path probe = beside(dir, ".staging-");
    const std::string prefix = probe.filename().string();
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(probe.parent_path(), ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0 ||
            name.find_first_not_of("0123456789", prefix.size()) != std::string::npos)
            continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && pid != ::getpid() && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH)
            fs::remove_all(entry.path(), ec);
    }
}

} // namespace

fs::path beside(const fs::path& dir, const std::string& suffix)
{
    const fs::path clean = dir.lexically_normal();
    const fs::path name = clean.has_filename() ? clean.filename() : clean.parent_path().filename();
    const fs::path parent = clean.has_filename() ? clean.parent_path() : clean.parent_path().parent_path();
    return (parent.empty() ? fs::path(".") : parent) / ("." + name.string() + suffix);
}

OutFolder::OutFolder(fs::path dir, bool force) : dir_(std::move(dir))
{
    const fs::path lock_file = beside(dir_, ".lock");
    lock_ = ::open(lock_file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);
    if (lock_ < 0)
        throw Error(fmt::format("--out {}: cannot create the lock file '{}': {}", dir_.string(), lock_file.string(),
                                std::strerror(errno)));
    if (::flock(lock_, LOCK_EX | LOCK_NB) != 0) {
        const int err = errno;
        ::close(lock_);
        lock_ = -1;
        if (err == EWOULDBLOCK)
            throw Error(fmt::format("--out {}: another cgp-sweep is writing this folder\nhint: wait for it to finish, "
                                    "or give this sweep another --out folder",
                                    dir_.string()));
        throw Error(
            fmt::format("--out {}: cannot lock '{}': {}", dir_.string(), lock_file.string(), std::strerror(err)));
    }
    remove_stale_staging(dir_);
    std::error_code ec;
    if (!fs::is_directory(dir_, ec))
        return;
    std::vector<std::string> foreign;
    bool earlier_sweep = false;
    for (const auto& entry : fs::directory_iterator(dir_, ec)) {
        const std::string name = entry.path().filename().string();
        if (std::find(kSweepEntries.begin(), kSweepEntries.end(), name) == kSweepEntries.end())
            foreign.push_back(name);
        else
            earlier_sweep = true;
    }
    std::sort(foreign.begin(), foreign.end());
    if (!foreign.empty())
        throw Error(fmt::format("--out {}: the folder holds files that are not a sweep's ({}{}); a sweep replaces "
                                "its folder whole\nhint: give --out a new or empty folder",
                                dir_.string(), foreign.front(), foreign.size() > 1 ? ", ..." : ""));
    if (earlier_sweep && !force)
        throw Error(fmt::format("--out {}: the folder holds the results of an earlier sweep\nhint: add --force to "
                                "replace them, or give --out another folder",
                                dir_.string()));
}

OutFolder::~OutFolder()
{
    std::error_code ec;
    if (!committed_ && !staging_.empty())
        fs::remove_all(staging_, ec);
    if (lock_ >= 0)
        ::close(lock_); // releases the lock; the lock file stays, for the next sweep to lock
}

const fs::path& OutFolder::staging()
{
    if (staging_.empty()) {
        const fs::path s = beside(dir_, fmt::format(".staging-{}", ::getpid()));
        std::error_code ec;
        fs::remove_all(s, ec);
        if (!fs::create_directory(s, ec))
            throw Error(fmt::format("--out {}: cannot create '{}': {}", dir_.string(), s.string(), ec.message()));
        staging_ = s;
    }
    return staging_;
}

void OutFolder::commit()
{
    const fs::path& s = staging();
    // The folder being replaced steps aside first (rename cannot replace a non-empty folder), and is
    // put back when the staging folder cannot take its place.
    const fs::path old = beside(dir_, fmt::format(".old-{}", ::getpid()));
    std::error_code ec;
    const bool had_folder = fs::is_directory(dir_, ec);
    if (had_folder && std::rename(dir_.c_str(), old.c_str()) != 0)
        throw Error(fmt::format("--out {}: cannot replace the folder: {}", dir_.string(), std::strerror(errno)));
    if (std::rename(s.c_str(), dir_.c_str()) != 0) {
        const int err = errno;
        if (had_folder)
            std::rename(old.c_str(), dir_.c_str());
        throw Error(fmt::format("--out {}: cannot put the results in place: {}", dir_.string(), std::strerror(err)));
    }
    committed_ = true;
    if (had_folder)
        fs::remove_all(old, ec);
}

} // namespace cgp::sweep
