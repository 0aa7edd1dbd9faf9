// The list of checks, in report order, and running one of them on a plugin file in a child process.
#include "check_support.hpp"
#include "checks.hpp"
#include "isolation.hpp"

#include <cgp/host/plugin.hpp>

namespace cgp::conformance {

namespace {

const Check kChecks[] = {
    {"loading", "entry symbol, ABI version and a complete descriptor, the same on every call", &check_loading},
    {"hparam_defaults", "defaults accepted, and each hyperparameter changes the result", &check_hparam_defaults},
    {"hparam_validation", "out-of-range, NaN and infinite values refused with a message", &check_hparam_validation},
    {"lengths", "lengths 0-67 and large odd ones: no error, finite results, nothing touched past the end",
     &check_lengths},
    {"simd_equals_scalar", "SIMD and scalar paths agree on every length (bitwise, or within simd_max_ulp)",
     &check_simd_equals_scalar},
    {"f32_agrees_with_f64", "single and double precision follow the same trajectory", &check_f32_agrees_with_f64},
    {"determinism", "the same inputs give bitwise the same result, also when runs interleave", &check_determinism},
    {"resume_from_copied_state", "continuing from copied parameters and state equals not stopping",
     &check_resume_from_copied_state},
    {"declared_state_only", "a step touches no state array past the state_count() it declared",
     &check_declared_state_only},
    {"zero_gradient", "a zero gradient leaves the parameters bitwise unchanged", &check_zero_gradient},
    {"descent", "20 steps on a quadratic lower it", &check_descent},
    {"converges_sphere", "converges on the sphere function within the step budget", &check_converges_sphere},
    {"converges_booth", "converges on Booth's function within the step budget", &check_converges_booth},
    {"converges_rosenbrock", "converges on the Rosenbrock function within the step budget",
     &check_converges_rosenbrock},
    {"converges_logistic_regression", "classifies separable data after logistic-regression training",
     &check_converges_logistic_regression},
    {"nonfinite_gradients", "NaN and infinite gradients cause no crash; the behaviour is reported",
     &check_nonfinite_gradients},
    {"reference_trajectory", "a declared algorithm matches the host's double-precision reference",
     &check_reference_trajectory},
    {"initial_state", "a declared initial state (cgp.initial_state/1) is well formed and pure, and stepping from it "
                      "stays finite",
     &check_initial_state},
};

} // namespace

std::string_view to_string(Status status)
{
    switch (status) {
    case Status::Pass: return "pass";
    case Status::Fail: return "fail";
    case Status::Skip: return "skip";
    }
    return "?";
}

std::span<const Check> all_checks()
{
    return kChecks;
}

const Check* find_check(std::string_view name)
{
    for (const Check& c : kChecks)
        if (c.name == name)
            return &c;
    return nullptr;
}

Outcome run_check(const std::filesystem::path& plugin_file, const Check& check, std::chrono::milliseconds timeout)
{
    return run_isolated(
        [&]() -> Outcome {
            note_progress("loading the plugin");
            const auto plugin = Plugin::load(plugin_file);
            note_progress(std::string("running check ") + std::string(check.name));
            try {
                return check.run(*plugin);
            } catch (const CheckFailure& e) {
                return {Status::Fail, e.what()};
            } catch (const Error& e) {
                return {Status::Fail, e.what()};
            }
        },
        timeout);
}

} // namespace cgp::conformance
