// checks.hpp: the check functions, one per named check (registered in registry.cpp). Each runs in
// the child process with the plugin loaded, and fails by throwing CheckFailure or cgp::Error.
#pragma once

#include "conformance.hpp"

#include <string>

namespace cgp::conformance {

// check_loading.cpp
Outcome check_loading(const Plugin& plugin);
// check_hparams.cpp
Outcome check_hparam_defaults(const Plugin& plugin);
Outcome check_hparam_validation(const Plugin& plugin);
// check_lengths.cpp
Outcome check_lengths(const Plugin& plugin);
Outcome check_simd_equals_scalar(const Plugin& plugin);
Outcome check_f32_agrees_with_f64(const Plugin& plugin);
// Steps the SIMD path (the variant the plugin picks) and the scalar path side by side at every
// hyperparameter set and length, failing at the first difference; returns how many sets it ran and
// the one the longest lengths ran at.
struct LongestAt {
    std::size_t sets = 0;
    std::string label;
};
LongestAt compare_simd_with_scalar(const Plugin& plugin);
// check_state.cpp
Outcome check_determinism(const Plugin& plugin);
Outcome check_resume_from_copied_state(const Plugin& plugin);
Outcome check_declared_state_only(const Plugin& plugin);
// check_behaviour.cpp
Outcome check_zero_gradient(const Plugin& plugin);
Outcome check_descent(const Plugin& plugin);
Outcome check_nonfinite_gradients(const Plugin& plugin);
// check_convergence.cpp
Outcome check_converges_sphere(const Plugin& plugin);
Outcome check_converges_booth(const Plugin& plugin);
Outcome check_converges_rosenbrock(const Plugin& plugin);
Outcome check_converges_logistic_regression(const Plugin& plugin);
// check_environment.cpp
Outcome check_no_allocation(const Plugin& plugin);
Outcome check_fp_environment(const Plugin& plugin);
// check_variants.cpp
Outcome check_isa_variants(const Plugin& plugin);
// check_reference.cpp
Outcome check_reference_trajectory(const Plugin& plugin);
Outcome check_initial_state(const Plugin& plugin);
Outcome check_closure(const Plugin& plugin);
// check_tensor_layouts.cpp
Outcome check_tensor_layouts(const Plugin& plugin);

} // namespace cgp::conformance
