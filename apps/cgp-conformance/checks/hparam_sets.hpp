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

// The defaults only, in the same form, for checks that run once.
HparamSet default_set(const Plugin& plugin);

// The lowest and highest value a hyperparameter accepts (inside exclusive bounds, whole for integers).
double lowest_accepted(const HyperParam& h);
double highest_accepted(const HyperParam& h);

} // namespace cgp::conformance
