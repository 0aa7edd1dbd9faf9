// Saving and restoring the complete Rng state as text (engine state plus the cached normal).
#include <cgp/io/error.hpp>
#include <cgp/data/rng.hpp>

#include <fmt/format.h>

#include <sstream>

namespace cgp {

std::string Rng::save() const
{
    std::ostringstream out;
    out << engine_ << ' ' << (has_cached_ ? 1 : 0) << ' ' << fmt::format("{:a}", cached_);
    return out.str();
}

void Rng::restore(const std::string& state)
{
    std::istringstream in(state);
    std::mt19937_64 engine;
    int has = 0;
    std::string cached;
    in >> engine >> has >> cached;
    if (!in || (has != 0 && has != 1))
        throw Error("random generator state is malformed");
    engine_ = engine;
    has_cached_ = has == 1;
    cached_ = std::strtod(cached.c_str(), nullptr);
}

} // namespace cgp
