// halving.hpp: the rungs of successive halving (Hyperband's inner loop, Li et al. 2018).
//
// With n configurations, a step budget S and a factor eta: rung i of R trains the survivors for
// S / eta^(R-1-i) steps, and the best max(1, floor(n_i / eta)) by validation loss go on to the next
// rung; the last rung trains for the full S. R is the largest count with n / eta^(R-1) >= 1 and a
// first rung of at least min_steps (one held-out measurement).
#pragma once

#include <cstdint>
#include <vector>

namespace cgp::sweep {

struct Rung {
    std::uint64_t steps = 0;
    std::size_t trials = 0; // configurations trained on this rung
};

std::vector<Rung> halving_rungs(std::size_t configurations, std::uint64_t steps, std::size_t eta,
                                std::uint64_t min_steps);

} // namespace cgp::sweep
