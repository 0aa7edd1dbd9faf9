// cgp/sdk/powers.hpp: bias corrections 1 - beta^t for an optimizer's per-step constants.
#pragma once

#include <cmath>
#include <cstdint>

namespace cgp::sdk {

// 1 - pow(beta, t) for beta in [0, 1) and steps t = 1, 2, ..., bitwise what that expression gives,
// without calling pow once the result is provably 1: ln(beta) <= beta - 1, so beta^t <=
// exp(-t (1 - beta)), and t (1 - beta) >= 45 (rounding in that product included) puts beta^t, and
// pow's result within an ulp of it, below 2^-64, under the half ulp 2^-54 that 1 - x needs to round
// to anything but 1. Past that step (450 for beta 0.9) the pow call, which takes glibc's slow path
// once beta^t underflows, is skipped.
inline double one_minus_pow(double beta, std::uint64_t t) noexcept
{
    const double steps = static_cast<double>(t);
    if (beta >= 0.0 && beta < 1.0 && steps * (1.0 - beta) >= 45.0)
        return 1.0;
    return 1.0 - std::pow(beta, steps);
}

} // namespace cgp::sdk
