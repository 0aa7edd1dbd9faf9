// Option values and output files shared by cgp-path and cgp-landscape.
#include "outputs.hpp"

#include <cgp/io/atomic_file.hpp>

#include <charconv>
#include <cmath>

namespace cgp::path {

bool parse_finite(std::string_view part, double& v)
{
    while (!part.empty() && part.front() == ' ')
        part.remove_prefix(1);
    while (!part.empty() && part.back() == ' ')
        part.remove_suffix(1);
    if (!part.empty() && part.front() == '+')
        part.remove_prefix(1);
    const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    return !part.empty() && ec == std::errc() && end == part.data() + part.size() && std::isfinite(v);
}

void write_file(const std::filesystem::path& path, const std::string& text)
{
    AtomicFile f(path);
    f.write(text);
    f.commit();
}

} // namespace cgp::path
