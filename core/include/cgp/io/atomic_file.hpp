// cgp/io/atomic_file.hpp: write a file so that it appears complete or not at all.
//
// Data goes to a temporary file beside the destination; commit() flushes it, fsyncs it, renames it
// over the destination and fsyncs the folder. Until then the destination is untouched, and a
// destroyed, uncommitted AtomicFile removes its temporary file. So a failed run never leaves a
// half-written output and never destroys the previous one.
#pragma once

#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace cgp {

class AtomicFile {
public:
    // Creates the temporary file; throws cgp::Error when the folder is not writable.
    explicit AtomicFile(std::filesystem::path destination);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;

    void write(std::string_view data);
    void flush();
    // Makes the file visible at its destination. Throws cgp::Error on failure.
    void commit();
    const std::filesystem::path& destination() const noexcept { return destination_; }

private:
    std::filesystem::path destination_;
    std::filesystem::path temporary_;
    std::FILE* file_ = nullptr;
    bool committed_ = false;
};

// Checks, before any work starts, that an output file can be created: its folder exists and is
// writable, and the path is not a folder. Throws cgp::Error naming the option.
void check_output_path(const std::filesystem::path& path, std::string_view option);

// The same for an output folder: it exists and holds a writable place for `probe` (a file the
// program will write there), or it can be created in an existing writable folder.
void check_output_folder(const std::filesystem::path& dir, std::string_view option, std::string_view probe);

} // namespace cgp
