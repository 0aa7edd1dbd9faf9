// Checks "no_allocation" and "fp_environment": what the contract forbids a plugin to do to the process
// around it. A step must not allocate (counted through malloc, see allocation_counter.hpp), and
// neither loading the plugin nor calling it may change the floating-point environment (flush-to-zero,
// rounding, exception masks), which would change every other computation of the host.
#include "allocation_counter.hpp"
#include "check_support.hpp"
#include "checks.hpp"
#include "fp_environment.hpp"

namespace cgp::conformance {

namespace {

const std::size_t kAllocationLengths[] = {1, 67, 4099};

// Allocations made by 3 steps of T on one path and length; the arrays are made before counting.
template <class T>
std::size_t allocations_in_steps(const Stepper& stepper, bool scalar, std::size_t n)
{
    Rng rng(51);
    Arrays<T> a(n, stepper.state_count());
    fill_normal(a.params.span(), rng);
    fill_gradients(a.grads.span(), rng);
    std::string message;
    std::size_t count = 0;
    for (std::uint64_t t = 1; t <= 3; ++t) {
        int status;
        {
            const AllocationCounter counter;
            status = stepper.try_step<T>(t, scalar, n, a.params.data(), a.grads.data(), a.state_ptrs.data(), message);
            count += counter.count();
        }
        if (status != CGP_OK)
            fail("{} step {} ({} path, length {}) returned error {}: {}", type_name<T>(), t, path_name(scalar), n,
                 status, message);
    }
    return count;
}

template <class T>
void expect_no_allocation(const Stepper& stepper)
{
    for (bool scalar : {false, true})
        for (std::size_t n : kAllocationLengths) {
            note_progress(fmt::format("counting allocations in {} steps, {} path, length {}", type_name<T>(),
                                      path_name(scalar), n));
            if (const std::size_t count = allocations_in_steps<T>(stepper, scalar, n); count > 0)
                fail("3 {} steps on the {} path, length {}, allocated {} time{} (malloc or new); a step must not "
                     "allocate: the likely cause is a std::vector, std::string or other container built inside "
                     "prepare() or update() (keep per-element values in the state arrays, per-step values in "
                     "constants), or an exception thrown and caught inside the step",
                     type_name<T>(), path_name(scalar), n, count, count == 1 ? "" : "s");
        }
}

std::string after_load_cause(const FpEnvironment& before, const FpEnvironment& after)
{
    if (turns_on_flush_to_zero(before, after))
        return "the likely cause: the plugin (or a library it brings in) was linked with -ffast-math, -Ofast or "
               "-funsafe-math-optimizations, which add crtfastmath.o, whose constructor switches flush-to-zero on for "
               "the whole process when the library loads; build with cgp_add_plugin and without those flags";
    return "the likely cause: a constructor in the plugin (a static object's initialiser, or "
           "__attribute__((constructor))) that calls fesetround, fesetenv, feenableexcept or _mm_setcsr";
}

template <class T>
void expect_environment_kept(const Stepper& stepper, bool scalar)
{
    note_progress(fmt::format("stepping {} on the {} path and comparing the floating-point environment", type_name<T>(),
                              path_name(scalar)));
    const FpEnvironment before = current_fp_environment();
    Rng rng(53);
    Arrays<T> a(67, stepper.state_count());
    fill_normal(a.params.span(), rng);
    for (std::uint64_t t = 1; t <= 3; ++t) {
        fill_gradients(a.grads.span(), rng);
        stepper.step(t, scalar, a);
    }
    const FpEnvironment after = current_fp_environment();
    if (!(after == before))
        fail("a {} step on the {} path changed the floating-point environment and left it changed: {}; a step must "
             "leave the caller's environment as it found it (do not call fesetround or _mm_setcsr in a step, or "
             "restore the environment with fesetenv before returning)",
             type_name<T>(), path_name(scalar), fp_environment_change(before, after));
}

} // namespace

Outcome check_no_allocation(const Plugin& plugin)
{
    {
        // The counter must see allocations, or a pass would mean nothing.
        const AllocationCounter probe;
        void* volatile p = std::malloc(16);
        std::free(p);
        if (probe.count() == 0)
            return skip("this build of cgp-conformance cannot count allocations (malloc is not interposed)");
    }
    const std::vector<HparamSet> sets = hparam_sets(plugin, 2);
    for_each_set(plugin, sets, [&](const HparamSet& set) {
        const Stepper stepper(plugin, set.values);
        expect_no_allocation<float>(stepper);
        expect_no_allocation<double>(stepper);
    });
    return pass(fmt::format("3 steps each in f32 and f64, both paths, lengths 1, 67 and 4099, at {} hyperparameter "
                            "sets: no allocation (malloc, calloc, realloc, aligned or new)",
                            sets.size()));
}

Outcome check_fp_environment(const Plugin& plugin)
{
    const FpEnvironment before = environment_before_load();
    const FpEnvironment loaded = current_fp_environment();
    if (!(loaded == before))
        fail("loading the plugin changed the floating-point environment of the whole process: {}; {}. Until this is "
             "fixed, other checks of this plugin may fail for this reason alone",
             fp_environment_change(before, loaded), after_load_cause(before, loaded));
    note_progress("calling validate(), state_count() and simd_path()");
    const Stepper stepper(plugin, plugin.defaults());
    (void)plugin.simd_path(false);
    (void)plugin.simd_path(true);
    if (const FpEnvironment now = current_fp_environment(); !(now == before))
        fail("validate(), state_count() or simd_path() changed the floating-point environment: {}",
             fp_environment_change(before, now));
    for (bool scalar : {false, true}) {
        expect_environment_kept<float>(stepper, scalar);
        expect_environment_kept<double>(stepper, scalar);
    }
    return pass("loading the plugin, validate(), state_count(), simd_path() and steps (f32 and f64, both paths) left "
                "MXCSR, the x87 control word and the rounding mode as they were");
}

} // namespace cgp::conformance
