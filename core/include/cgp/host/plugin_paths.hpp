// cgp/host/plugin_paths.hpp: where plugins are looked for, and how an --optimizer value becomes a file.
#pragma once

#include <filesystem>
#include <string_view>
#include <vector>

namespace cgp {

// Where plugins are looked for, in order: each --plugin-dir, each entry of CGP_PLUGIN_PATH, the
// folder `plugins` next to the program, and the install's plugin folder relative to the program
// (<program>/../lib/cgp/plugins), so a moved install finds its own plugins and never the old place's.
std::vector<std::filesystem::path> plugin_search_path(const std::vector<std::filesystem::path>& plugin_dirs);

// --optimizer value to a file: a path when it contains a '/' (./adam.so for the current folder), else
// a name such as "adam" or "adam.so" looked up only along the search path, never in the current
// folder. A value ending in .opt is an optimizer file, a path relative to the working folder like any
// data file's. Throws cgp::Error listing where it looked.
std::filesystem::path resolve_plugin(std::string_view spec, const std::vector<std::filesystem::path>& search);

// Every *.so file along the search path (first occurrence of each file name), sorted by name.
std::vector<std::filesystem::path> find_plugins(const std::vector<std::filesystem::path>& search);

} // namespace cgp
