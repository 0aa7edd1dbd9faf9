// Successive halving: the rung sizes and step budgets.
#include "halving.hpp"

#include <algorithm>

namespace cgp::sweep {

std::vector<Rung> halving_rungs(std::size_t configurations, std::uint64_t steps, std::size_t eta,
                                std::uint64_t min_steps)
{
    std::size_t rungs = 1;
    for (std::size_t n = configurations; n >= eta; n /= eta) {
        std::uint64_t first = steps;
        for (std::size_t i = 0; i < rungs; ++i)
            first /= eta;
        if (first < std::max<std::uint64_t>(1, min_steps))
            break;
        ++rungs;
    }
    std::vector<Rung> out;
    std::size_t n = configurations;
    for (std::size_t i = 0; i < rungs; ++i) {
        std::uint64_t s = steps;
        for (std::size_t k = i + 1; k < rungs; ++k)
            s /= eta;
        out.push_back({s, n});
        n = std::max<std::size_t>(1, n / eta);
    }
    return out;
}

} // namespace cgp::sweep
