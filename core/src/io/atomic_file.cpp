// AtomicFile: temporary file + fsync + rename, so outputs appear whole or not at all.
#include <cgp/io/atomic_file.hpp>
#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <unistd.h>

namespace cgp {
namespace fs = std::filesystem;

namespace {

fs::path folder_of(const fs::path& p)
{
    return p.has_parent_path() ? p.parent_path() : fs::path(".");
}

} // namespace

AtomicFile::AtomicFile(fs::path destination) : destination_(std::move(destination))
{
    // A unique name beside the destination, created with O_EXCL and mode 0666 so the umask applies
    // as it would to any new file (mkstemp would force 0600).
    static std::atomic<unsigned> counter{0};
    const fs::path folder = folder_of(destination_);
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        temporary_ = folder / fmt::format(".{}.tmp-{}-{}", destination_.filename().string(), ::getpid(),
                                          counter.fetch_add(1));
        fd = ::open(temporary_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        throw Error(fmt::format("cannot create '{}': {}", destination_.string(), std::strerror(errno)));
    file_ = ::fdopen(fd, "wb");
    if (file_ == nullptr) {
        ::close(fd);
        ::unlink(temporary_.c_str());
        throw Error(fmt::format("cannot create '{}': {}", destination_.string(), std::strerror(errno)));
    }
}

AtomicFile::~AtomicFile()
{
    if (file_ != nullptr)
        std::fclose(file_);
    if (!committed_)
        ::unlink(temporary_.c_str());
}

void AtomicFile::write(std::string_view data)
{
    if (file_ == nullptr)
        throw Error(fmt::format("'{}' is already committed", destination_.string()));
    if (std::fwrite(data.data(), 1, data.size(), file_) != data.size())
        throw Error(fmt::format("cannot write '{}': {}", destination_.string(), std::strerror(errno)));
}

void AtomicFile::flush()
{
    if (file_ != nullptr)
        std::fflush(file_);
}

void AtomicFile::commit()
{
    if (committed_)
        return;
    const bool ok = std::fflush(file_) == 0 && ::fsync(::fileno(file_)) == 0;
    const int err = errno;
    std::fclose(file_);
    file_ = nullptr;
    if (!ok)
        throw Error(fmt::format("cannot write '{}': {}", destination_.string(), std::strerror(err)));
    if (std::rename(temporary_.c_str(), destination_.c_str()) != 0)
        throw Error(fmt::format("cannot write '{}': {}", destination_.string(), std::strerror(errno)));
    committed_ = true;
    const int dir = ::open(folder_of(destination_).c_str(), O_RDONLY | O_DIRECTORY);
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
    const fs::path folder = folder_of(path);
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
