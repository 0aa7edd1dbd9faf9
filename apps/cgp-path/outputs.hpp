// outputs.hpp: command-line pieces cgp-path and cgp-landscape share: finite numbers in option
// values, and writing an output atomically.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace cgp::path {

// A finite number, spaces around it and a leading '+' allowed; false when the text is anything else.
bool parse_finite(std::string_view text, double& value);

// Writes text to path through AtomicFile (all or nothing).
void write_file(const std::filesystem::path& path, const std::string& text);

} // namespace cgp::path
