// cgp/data/bounded_draw.hpp: uniform integers in [0, n) from random bits, without division (the
// CGP sampler's draw of a sample within its class).
#pragma once

#include <cstdint>

namespace cgp {

// Uniform integers in [0, n) from 63 uniform random bits, without division: Lemire's
// multiply-shift with rejection ("Fast random integer generation in an interval", 2019) for
// 63-bit words. x * n spans [0, n * 2^63); its top bits are the result and its low 63 bits decide
// rejection against 2^63 mod n, computed once here, so a draw is one multiplication and a compare.
class BoundedDraw {
public:
    explicit BoundedDraw(std::uint64_t n) noexcept : n_(n), reject_below_(n > 1 ? (std::uint64_t{1} << 63) % n : 0) {}

    // x in [0, 2^63): sets out and returns true, or returns false (probability < n / 2^63) when x
    // must be replaced by fresh bits.
    bool map(std::uint64_t x, std::uint64_t& out) const noexcept
    {
        const u128 m = static_cast<u128>(x) * n_;
        if ((static_cast<std::uint64_t>(m) & kLow63) < reject_below_)
            return false;
        out = static_cast<std::uint64_t>(m >> 63);
        return true;
    }

private:
    __extension__ typedef unsigned __int128 u128;
    static constexpr std::uint64_t kLow63 = (std::uint64_t{1} << 63) - 1;
    std::uint64_t n_;
    std::uint64_t reject_below_;
};

} // namespace cgp
