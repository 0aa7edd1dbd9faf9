// Where plugins are looked for, how an --optimizer value becomes a file, and plugin discovery.
#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/error.hpp>
#include <cgp/optfile/optfile.hpp>

#include <boost/dll/runtime_symbol_info.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <set>

// The install's plugin folder, relative to the program's folder's parent (lib/cgp/plugins), so an
// installed tree finds its plugins wherever it is moved. Only a build configured with an absolute
// CMAKE_INSTALL_LIBDIR gives an absolute folder, which is then searched as it is.
#ifndef CGP_PLUGIN_INSTALL_DIR
#define CGP_PLUGIN_INSTALL_DIR "lib/cgp/plugins"
#endif

namespace cgp {

namespace fs = std::filesystem;

std::vector<fs::path> plugin_search_path(const std::vector<fs::path>& plugin_dirs)
{
    std::vector<fs::path> out;
    for (const fs::path& dir : plugin_dirs)
        if (!dir.empty()) // an empty folder would make "adam.so" a bare name for the loader's own search
            out.push_back(dir);
    if (const char* env = std::getenv("CGP_PLUGIN_PATH")) {
        std::string_view rest(env);
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const std::string_view part = rest.substr(0, colon);
            if (!part.empty())
                out.emplace_back(part);
            if (colon == std::string_view::npos)
                break;
            rest.remove_prefix(colon + 1);
        }
    }
    std::error_code ec;
    const fs::path exe_dir = boost::dll::program_location(ec).parent_path();
    const fs::path install_dir(CGP_PLUGIN_INSTALL_DIR);
    if (!ec) {
        out.push_back(exe_dir / "plugins");
        if (install_dir.is_relative())
            out.push_back((exe_dir / ".." / install_dir).lexically_normal());
    }
    if (install_dir.is_absolute())
        out.push_back(install_dir);
    // Drop repeats, keep the first.
    std::vector<fs::path> unique;
    for (const auto& p : out)
        if (std::find(unique.begin(), unique.end(), p) == unique.end())
            unique.push_back(p);
    return unique;
}

fs::path resolve_plugin(std::string_view spec, const std::vector<fs::path>& search)
{
    if (spec.empty())
        throw Error("--optimizer needs a plugin name or path, e.g. --optimizer adam");
    std::error_code ec;
    // An optimizer file (.opt) is data the host compiles, not code: a path like any data file's.
    if (optfile::is_optimizer_file(spec))
        return fs::path(spec);
    // Only a value with a '/' is a file: a bare name never means a file of the current folder, so
    // running cgp in an untrusted folder cannot load that folder's code.
    if (spec.find('/') != std::string_view::npos)
        return fs::path(spec);
    std::string file(spec);
    if (file.size() < 3 || file.compare(file.size() - 3, 3, ".so") != 0)
        file += ".so";
    for (const fs::path& dir : search) {
        const fs::path candidate = dir / file;
        if (fs::is_regular_file(candidate, ec))
            return candidate;
    }
    std::string looked;
    for (const fs::path& dir : search)
        looked += fmt::format("\n  {}", dir.string());
    throw Error(fmt::format("optimizer '{}' not found: no {} in{}\nhint: cgp-run --list-optimizers shows the plugins "
                            "found; --plugin-dir DIR or CGP_PLUGIN_PATH adds folders",
                            spec, file, looked.empty() ? " (no folders to search)" : looked));
}

std::vector<fs::path> find_plugins(const std::vector<fs::path>& search)
{
    std::vector<fs::path> out;
    std::set<std::string> names;
    for (const fs::path& dir : search) {
        std::error_code ec;
        if (!fs::is_directory(dir, ec))
            continue;
        std::vector<fs::path> here;
        for (const auto& entry : fs::directory_iterator(dir, ec))
            if (entry.is_regular_file(ec) && entry.path().extension() == ".so")
                here.push_back(entry.path());
        std::sort(here.begin(), here.end());
        for (const auto& p : here)
            if (names.insert(p.filename().string()).second)
                out.push_back(p);
    }
    std::sort(out.begin(), out.end(), [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    return out;
}

} // namespace cgp
