// The list of checks, in report order, and running one of them on a plugin file in a child process.
#include "check_support.hpp"
#include "checks.hpp"
#include "fp_environment.hpp"
#include "isolation.hpp"

#include <cgp/host/plugin.hpp>

namespace cgp::conformance {

namespace {

const Check kChecks[] = {
    {"loading", "entry symbol, ABI version and a complete descriptor, the same on every call", &check_loading},
    {"fp_environment", "loading and stepping leave the floating-point environment (FTZ, rounding, masks) alone",
     &check_fp_environment},
    {"hparam_defaults", "defaults accepted, and each hyperparameter changes the result", &check_hparam_defaults},
    {"hparam_validation", "out-of-range, NaN and infinite values refused with a message", &check_hparam_validation},
    {"lengths", "lengths 0-67 up to 262147 at many hyperparameter sets: finite results, nothing touched around arrays",
     &check_lengths},
    {"simd_equals_scalar", "SIMD and scalar paths agree on every length and set (bitwise, or within simd_max_ulp)",
     &check_simd_equals_scalar},
    {"isa_variants", "every SIMD variant built that the CPU runs agrees with the scalar path", &check_isa_variants},
    {"f32_agrees_with_f64", "the f32 update follows the f64 update, relative to its own size",
     &check_f32_agrees_with_f64},
    {"determinism", "bitwise the same result when runs repeat, interleave with other values, or run in two threads",
     &check_determinism},
    {"resume_from_copied_state", "continuing from copied parameters and state equals not stopping",
     &check_resume_from_copied_state},
    {"declared_state_only", "a step touches no state array past the state_count() it declared",
     &check_declared_state_only},
    {"no_allocation", "a step allocates no memory", &check_no_allocation},
    {"zero_gradient", "a zero gradient moves nothing, or exactly what the plugin declares", &check_zero_gradient},
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
    {"initial_state",
     "a declared initial state (cgp.initial_state/1) is well formed and pure, and stepping from it "
     "stays finite",
     &check_initial_state},
    {"closure",
     "a plugin that needs a closure (cgp.needs_closure/1) evaluates only inside its steps, and refuses a "
     "step without one",
     &check_closure},
    {"tensor_layouts",
     "a tensor-wise plugin steps each tensor of any layout as that tensor alone, and as its reference does",
     &check_tensor_layouts},
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

namespace {
std::chrono::milliseconds g_check_timeout = kDefaultTimeout;
} // namespace

std::chrono::milliseconds check_timeout()
{
    return g_check_timeout;
}

Outcome run_check(const std::filesystem::path& plugin_file, const Check& check, std::chrono::milliseconds timeout)
{
    g_check_timeout = timeout; // read by the check's own children, in the child this forks
    return run_isolated(
        [&]() -> Outcome {
            record_environment_before_load();
            note_progress("loading the plugin");
            const auto plugin = Plugin::load(plugin_file);
            const FpEnvironment loaded = current_fp_environment();
            note_progress(std::string("running check ") + std::string(check.name));
            Outcome outcome;
            try {
                outcome = check.run(*plugin);
            } catch (const CheckFailure& e) {
                outcome = {Status::Fail, e.what()};
            } catch (const Error& e) {
                outcome = {Status::Fail, e.what()};
            }
            // A plugin that changes the environment when it loads changes every result: say so where
            // the consequence shows, not only in the fp_environment check.
            if (outcome.status == Status::Fail && check.name != "fp_environment" &&
                !(loaded == environment_before_load()))
                outcome.detail += fmt::format(" (note: loading this plugin changed the floating-point environment: "
                                              "{}; see check fp_environment, which may explain this failure)",
                                              fp_environment_change(environment_before_load(), loaded));
            return outcome;
        },
        timeout);
}

} // namespace cgp::conformance
