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

// The set the longest lengths run at, since what they test (addressing over many SIMD blocks and the
// tail) does not depend on the hyperparameters, while running every set there would take minutes for
// an expensive plugin: among the sets whose state arrays at `length` f64 elements each fit in
// kLongArrayBytes, the one whose step took least time in seconds[i] (set i's time at a shorter length,
// measured by the caller); when none fits (a plugin whose every set keeps hundreds of arrays), the one
// with the fewest state arrays. The first such set on ties.
constexpr std::size_t kLongArrayBytes = std::size_t{64} << 20;
const HparamSet& long_array_set(const Plugin& plugin, const std::vector<HparamSet>& sets,
                                const std::vector<double>& seconds, std::size_t length);

// The defaults only, in the same form, for checks that run once.
HparamSet default_set(const Plugin& plugin);

// The lowest and highest value a hyperparameter accepts (inside exclusive bounds, whole for integers).
double lowest_accepted(const HyperParam& h);
double highest_accepted(const HyperParam& h);

} // namespace cgp::conformance
