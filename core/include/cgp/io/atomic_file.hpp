// cgp/io/atomic_file.hpp: write a file so that it appears complete or not at all.
//
// Data goes to a temporary file beside the destination; commit() flushes it, fsyncs it, renames it
// over the destination and fsyncs the folder. Until then the destination is untouched, and a
// destroyed, uncommitted AtomicFile removes its temporary file. So a failed run never leaves a
// half-written output and never destroys the previous one. A replaced file keeps its mode.
//
// Only a missing path or a regular file is replaced by rename; a symbolic link to a regular file
// has its target replaced (the link stays). A character device or FIFO (/dev/stdout, /dev/null, a
// pipe) is written directly; any other kind of file is refused. Every write, flush and close is
// checked: a failure throws cgp::Error with the file's name and the system's reason.
//
// Temporary files are named .NAME.tmp-PID-N; creating an AtomicFile removes those of NAME left by
// processes that no longer exist (killed runs).
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace cgp {

class AtomicFile {
public:
    // Creates the temporary file (or opens a device or FIFO); throws cgp::Error when the folder is
    // not writable or the destination is of a kind that cannot be written.
    explicit AtomicFile(std::filesystem::path destination);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::string_view data);
    // Hands the data written so far to the system; throws cgp::Error when it cannot.
    void flush();
    // Makes the file visible at its destination. Throws cgp::Error on failure.
    void commit();
    const std::filesystem::path& destination() const noexcept { return destination_; }

private:
    [[noreturn]] void fail(std::string_view what, int err);
    std::filesystem::path destination_;
    std::filesystem::path target_;    // where the rename goes: the destination, or its link's target
    std::filesystem::path temporary_; // empty when writing directly
    std::FILE* file_ = nullptr;
    bool committed_ = false;
};

// Checks, before any work starts, that an output file can be created: its folder exists and is
// writable, the path is not a folder, and it is of a kind AtomicFile writes. Throws cgp::Error
// naming the option.
void check_output_path(const std::filesystem::path& path, std::string_view option);

// The same for an output folder: it exists and holds a writable place for `probe` (a file the
// program will write there), or it can be created in an existing writable folder.
void check_output_folder(const std::filesystem::path& dir, std::string_view option, std::string_view probe);

} // namespace cgp
