// text.hpp: cgp-sweep's text helpers: comma-separated option lists, aligned text tables, and
// text files written whole (AtomicFile).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace cgp::sweep {

// "sgd, adam,," -> {"sgd", "adam"}: items trimmed, empty ones dropped.
std::vector<std::string> split_commas(const std::string& text);

// A table as rows of cells, the first row its header.
using Table = std::vector<std::vector<std::string>>;
// Columns two spaces apart, cells from column numeric_from on right-aligned, no trailing spaces.
// Widths count characters, not bytes ('±' is one column).
std::string aligned(const Table& table, std::size_t numeric_from);

// Writes the file through AtomicFile: complete or not at all. Throws cgp::Error.
void write_text_file(const std::filesystem::path& path, const std::string& text);

} // namespace cgp::sweep
