// read_input_file: regular files only, refused by type before reading, and bounded in size.
#include <cgp/io/error.hpp>
#include <cgp/io/read_file.hpp>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace cgp {

namespace {

const char* type_name(mode_t m)
{
    if (S_ISDIR(m))
        return "a folder";
    if (S_ISFIFO(m))
        return "a FIFO (named pipe)";
    if (S_ISCHR(m))
        return "a character device";
    if (S_ISBLK(m))
        return "a block device";
    if (S_ISSOCK(m))
        return "a socket";
    return "not a regular file";
}

std::string size_text(std::uint64_t bytes)
{
    if (bytes >= (1ull << 30))
        return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / static_cast<double>(1ull << 30));
    if (bytes >= (1ull << 20))
        return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(1ull << 20));
    return fmt::format("{} bytes", bytes);
}

} // namespace

std::string read_input_file(const std::filesystem::path& path, std::string_view what, std::uint64_t limit,
                            std::string_view hint)
{
    const auto cannot_open = [&](int err) {
        return Error(fmt::format("cannot open {} '{}': {}{}", what, path.string(), std::strerror(err),
                                 hint.empty() ? "" : fmt::format("\nhint: {}", hint)));
    };
    const auto refuse = [&](const struct stat& st) {
        if (!S_ISREG(st.st_mode))
            throw Error(fmt::format("{} '{}' is {}, not a regular file\nhint: give a file; cgp reads the whole {} "
                                    "before it starts",
                                    what, path.string(), type_name(st.st_mode), what));
        const auto size = static_cast<std::uint64_t>(st.st_size);
        if (size > limit)
            throw Error(fmt::format("{} '{}' is {}, more than the {} a {} may have\nhint: is it the right "
                                    "file? docs/reliability.md lists the size limits of cgp's inputs",
                                    what, path.string(), size_text(size), size_text(limit), what));
    };
    // By type first, without opening: opening a FIFO for reading would wait for a writer.
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        throw cannot_open(errno);
    refuse(st);
    // O_NONBLOCK: a file swapped for a FIFO after the check does not block the open either.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw cannot_open(errno);
    const std::unique_ptr<int, void (*)(int*)> closer(new int(fd), [](int* f) {
        ::close(*f);
        delete f;
    });
    if (::fstat(fd, &st) != 0)
        throw cannot_open(errno);
    refuse(st);
    std::string content;
    content.reserve(static_cast<std::size_t>(st.st_size));
    char buffer[1 << 16];
    while (true) {
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw Error(fmt::format("cannot read {} '{}': {}", what, path.string(), std::strerror(errno)));
        if (n == 0)
            break;
        content.append(buffer, static_cast<std::size_t>(n));
        if (content.size() > limit)
            throw Error(fmt::format("{} '{}' grew past the {} a {} may have while it was read", what, path.string(),
                                    size_text(limit), what));
    }
    return content;
}

} // namespace cgp
