// cgp/io/read_file.hpp: the one function every loader reads its input file with, and the limits.
//
// An input must be a regular file (a FIFO, device or folder is refused by its type before it is
// opened for reading, so /dev/zero cannot fill memory and a FIFO cannot block), no larger than the
// limit of its kind. Messages name the file, what it is for, its size and the limit.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace cgp {

// Largest inputs cgp reads, generous for every real use (docs/reliability.md lists them).
inline constexpr std::uint64_t kModelFileLimit = 64ull << 20; // 64 MiB of expressions
inline constexpr std::uint64_t kConfigFileLimit = 1ull << 20; // 1 MiB of option = value lines
inline constexpr std::uint64_t kCsvFileLimit = 4ull << 30;    // 4 GiB of numbers
// A checkpoint is bounded by its own header (the length it announces must be the file's), so its
// read is limited by the file's size only.
inline constexpr std::uint64_t kNoLimit = ~std::uint64_t{0};

// The whole content of `path`. `what` names the file's role in messages ("model file", "CSV file");
// `hint` (may be empty) is added when the file cannot be opened. Throws cgp::Error.
std::string read_input_file(const std::filesystem::path& path, std::string_view what, std::uint64_t limit,
                            std::string_view hint = {});

} // namespace cgp
