// hparam_sets.hpp: the hyperparameter sets the per-step checks run on: the defaults, each range
// endpoint with the others at their defaults (the nearest representable value inside an exclusive
// bound), and seeded random sets inside the ranges (log-uniform for ranges that span decades). Sets the
// plugin's own validate() refuses are left out.
#pragma once

#include <cgp/host/plugin.hpp>

#include <cstddef>
#include <string>
#include <vector>

namespace cgp::conformance {

struct HparamSet {
    std::string label;          // "the defaults", "lr=1000000 (upper end)", "random set 3: lr=... beta1=..."
    std::vector<double> values; // in schema order
};

// Defaults first, then the endpoints, then `random_sets` random sets.
std::vector<HparamSet> hparam_sets(const Plugin& plugin, std::size_t random_sets = 6);

// The set among `sets` whose state_count() is smallest, the first such set on ties (the defaults when
// none needs fewer arrays): the long-array lengths run there, since what they test (addressing over
// many SIMD blocks and the tail) does not depend on how many state arrays there are, and a plugin whose
// defaults keep hundreds of them (lbfgs: 202 at history_size 100) would need gigabytes for them.
const HparamSet& fewest_state_arrays(const Plugin& plugin, const std::vector<HparamSet>& sets);

// The defaults only, in the same form, for checks that run once.
HparamSet default_set(const Plugin& plugin);

// The lowest and highest value a hyperparameter accepts (inside exclusive bounds, whole for integers).
double lowest_accepted(const HyperParam& h);
double highest_accepted(const HyperParam& h);

} // namespace cgp::conformance
