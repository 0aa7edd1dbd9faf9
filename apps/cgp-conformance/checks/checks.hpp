// checks.hpp: the check functions, one per named check (registered in registry.cpp). Each runs in
// the child process with the plugin loaded, and fails by throwing CheckFailure or cgp::Error.
#pragma once

#include "conformance.hpp"

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
// check_reference.cpp
Outcome check_reference_trajectory(const Plugin& plugin);
Outcome check_initial_state(const Plugin& plugin);

} // namespace cgp::conformance
