// AtomicFile: temporary file + fsync + rename, so outputs appear whole or not at all; devices and
// FIFOs written directly; every write checked.
#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace cgp {
namespace fs = std::filesystem;

namespace {

fs::path folder_of(const fs::path& p)
{
    return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

// How an output path is written.
struct OutputPlan {
    bool direct = false; // open and write in place (a character device or FIFO)
    fs::path target;     // for a rename: the path replaced (the destination or its link's target)
    mode_t mode = 0;     // the mode of the file replaced; 0 when there is none
    std::string refusal; // why this path cannot be an output; empty when it can
};

const char* kind_of(mode_t m)
{
    if (S_ISDIR(m))
        return "a folder";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

OutputPlan plan_output(const fs::path& path)
{
    OutputPlan plan;
    plan.target = path;
    struct stat link {};
    if (::lstat(path.c_str(), &link) != 0)
        return plan; // missing: created by rename
    if (S_ISREG(link.st_mode)) {
        plan.mode = link.st_mode & 07777;
        return plan;
    }
    struct stat st {};
    if (S_ISLNK(link.st_mode)) {
        if (::stat(path.c_str(), &st) != 0) {
            plan.refusal = "is a symbolic link to a missing file; give the file itself";
            return plan;
        }
        std::error_code ec;
        const fs::path resolved = fs::canonical(path, ec);
        // A regular file behind a link is replaced at its own place, the link kept. Links such as
        // /dev/stdout name an open file of the process: written directly, never replaced.
        if (S_ISREG(st.st_mode) && !ec && resolved.string().rfind("/proc/", 0) != 0 &&
            path.lexically_normal().string().rfind("/dev/", 0) != 0 &&
            path.lexically_normal().string().rfind("/proc/", 0) != 0) {
            plan.target = resolved;
            plan.mode = st.st_mode & 07777;
            return plan;
        }
    } else {
        st = link;
    }
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode) || S_ISREG(st.st_mode)) {
        plan.direct = true;
        return plan;
    }
    plan.refusal = fmt::format("is {}; give a regular file name", kind_of(st.st_mode));
    return plan;
}

// Removes .NAME.tmp-PID-N files beside `target` whose process no longer exists.
void remove_stale_temporaries(const fs::path& target)
{
    const std::string prefix = "." + target.filename().string() + ".tmp-";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(folder_of(target), ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const std::string rest = name.substr(prefix.size());
        const std::size_t dash = rest.find('-');
        if (dash == 0 || dash == std::string::npos || rest.find_first_not_of("0123456789-") != std::string::npos)
            continue;
        const long pid = std::strtol(rest.substr(0, dash).c_str(), nullptr, 10);
        if (pid <= 0 || pid == ::getpid())
            continue;
        if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH && entry.is_regular_file(ec))
            ::unlink(entry.path().c_str());
    }
}

} // namespace

AtomicFile::AtomicFile(fs::path destination) : destination_(std::move(destination))
{
    const OutputPlan plan = plan_output(destination_);
    if (!plan.refusal.empty())
        throw Error(fmt::format("cannot write '{}': it {}", destination_.string(), plan.refusal));
    target_ = plan.target;
    int fd = -1;
    if (plan.direct) {
        fd = ::open(destination_.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
        if (fd < 0)
            fail("cannot open", errno);
    } else {
        remove_stale_temporaries(target_);
        // A unique name beside the file replaced, created with O_EXCL and mode 0666 so the umask
        // applies as it would to any new file (mkstemp would force 0600); a replaced file's mode is
        // kept.
        static std::atomic<unsigned> counter{0};
        const fs::path folder = folder_of(target_);
        for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
            temporary_ =
                folder / fmt::format(".{}.tmp-{}-{}", target_.filename().string(), ::getpid(), counter.fetch_add(1));
            fd = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
            if (fd < 0 && errno != EEXIST)
                break;
        }
        if (fd < 0) {
            const int err = errno;
            temporary_.clear();
            fail("cannot create", err);
        }
        if (plan.mode != 0 && ::fchmod(fd, plan.mode) != 0) {
            const int err = errno;
            ::close(fd);
            ::unlink(temporary_.c_str());
            temporary_.clear();
            fail("cannot create", err);
        }
    }
    file_ = ::fdopen(fd, "wb");
    if (file_ == nullptr) {
        const int err = errno;
        ::close(fd);
        if (!temporary_.empty())
            ::unlink(temporary_.c_str());
        temporary_.clear();
        fail("cannot create", err);
    }
}

AtomicFile::~AtomicFile()
{
    if (file_ != nullptr)
        std::fclose(file_);
    if (!committed_ && !temporary_.empty())
        ::unlink(temporary_.c_str());
}

void AtomicFile::fail(std::string_view what, int err)
{
    throw Error(fmt::format("{} '{}': {}", what, destination_.string(), std::strerror(err)));
}

void AtomicFile::write(std::string_view data)
{
    if (file_ == nullptr)
        throw Error(fmt::format("'{}' is already committed", destination_.string()));
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size())
        fail("cannot write", errno);
}

void AtomicFile::flush()
{
    if (file_ != nullptr && std::fflush(file_) != 0)
        fail("cannot write", errno);
}

void AtomicFile::commit()
{
    if (committed_)
        return;
    if (file_ == nullptr)
        throw Error(fmt::format("'{}' could not be written", destination_.string()));
    int err = 0;
    if (std::fflush(file_) != 0 || (!temporary_.empty() && ::fsync(::fileno(file_)) != 0))
        err = errno;
    if (std::fclose(file_) != 0 && err == 0)
        err = errno;
    file_ = nullptr;
    if (err != 0)
        fail("cannot write", err);
    if (temporary_.empty()) {
        committed_ = true;
        return;
    }
    if (std::rename(temporary_.c_str(), target_.c_str()) != 0)
        fail("cannot write", errno);
    committed_ = true;
    const int dir = ::open(folder_of(target_).c_str(), O_RDONLY | O_DIRECTORY);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void check_output_path(const fs::path& path, std::string_view option)
{
    std::error_code ec;
    if (path.empty())
        throw Error(fmt::format("{} needs a file name", option));
    if (fs::is_directory(path, ec))
        throw Error(fmt::format("{} {}: is a folder; give a file name", option, path.string()));
    const OutputPlan plan = plan_output(path);
    if (!plan.refusal.empty())
        throw Error(fmt::format("{} {}: {}", option, path.string(), plan.refusal));
    if (plan.direct) {
        if (::access(path.c_str(), W_OK) != 0)
            throw Error(fmt::format("{} {}: not writable", option, path.string()));
        return;
    }
    const fs::path folder = folder_of(plan.target);
    if (!fs::is_directory(folder, ec))
        throw Error(fmt::format("{} {}: folder '{}' does not exist", option, path.string(), folder.string()));
    if (::access(folder.c_str(), W_OK) != 0)
        throw Error(fmt::format("{} {}: folder '{}' is not writable", option, path.string(), folder.string()));
}

void check_output_folder(const fs::path& dir, std::string_view option, std::string_view probe)
{
    std::error_code ec;
    if (dir.empty())
        throw Error(fmt::format("{} needs a folder name", option));
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw Error(fmt::format("{} {}: exists and is not a folder; give a folder name", option, dir.string()));
    if (fs::is_directory(dir, ec)) {
        check_output_path(dir / probe, option);
        return;
    }
    const fs::path parent = folder_of(dir);
    if (!fs::is_directory(parent, ec))
        throw Error(fmt::format("{} {}: folder '{}' does not exist", option, dir.string(), parent.string()));
    if (::access(parent.c_str(), W_OK) != 0)
        throw Error(fmt::format("{} {}: folder '{}' is not writable", option, dir.string(), parent.string()));
}

} // namespace cgp
