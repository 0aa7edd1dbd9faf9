// Check "closure": a plugin that declares cgp.needs_closure/1 evaluates the loss only inside a step:
// 20 steps in f32 and f64 (both paths) through the conformance host's closure (closure_host.hpp) make
// evaluations, counted and reported per step; no evaluation is requested outside them (after the
// steps, while the host calls the plugin's other functions); and a step offered no closure fails with
// a message instead of crashing. Without the extension the check is skipped.
#include "check_support.hpp"
#include "checks.hpp"

namespace cgp::conformance {

namespace {

constexpr std::size_t kLength = 67;
constexpr std::uint64_t kSteps = 20;

template <class T>
void step_through_the_closure(const Stepper& stepper, bool scalar)
{
    note_progress(fmt::format("{} steps of {} {} path through the closure", kSteps, type_name<T>(), path_name(scalar)));
    Rng rng(61);
    Arrays<T> a(kLength, stepper.state_count());
    fill_normal(a.params.span(), rng);
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        fill_gradients(a.grads.span(), rng);
        const std::uint64_t before = stepper.closure()->evaluations();
        stepper.step(t, scalar, a);
        if (stepper.closure()->evaluations() == before)
            fail("{} {} path: step {} evaluated nothing through cgp.closure/1, though the plugin declares "
                 "cgp.needs_closure/1; a plugin that does not evaluate should not declare it (the host then refuses "
                 "it where no closure can be served)",
                 type_name<T>(), path_name(scalar), t);
    }
}

template <class T>
std::string step_without_a_closure(const Stepper& stepper)
{
    Rng rng(62);
    Arrays<T> a(kLength, stepper.state_count());
    fill_normal(a.params.span(), rng);
    fill_gradients(a.grads.span(), rng);
    cgp_step_args args{};
    args.struct_size = sizeof args;
    args.step = 1;
    args.count = kLength;
    args.hparams = stepper.hparams().data();
    char msg[512] = {0};
    int status;
    if constexpr (std::is_same_v<T, float>)
        status = stepper.plugin().descriptor().step_f32(&args, a.params.data(), a.grads.data(), a.state_ptrs.data(),
                                                        msg, sizeof msg);
    else
        status = stepper.plugin().descriptor().step_f64(&args, a.params.data(), a.grads.data(), a.state_ptrs.data(),
                                                        msg, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    if (status == CGP_OK)
        fail("{}: a step offered no cgp.closure/1 returned CGP_OK; it cannot have evaluated anything, so it must "
             "refuse (CGP_ERR_UNSUPPORTED with a message)",
             type_name<T>());
    if (msg[0] == '\0')
        fail("{}: a step offered no cgp.closure/1 returned error {} without a message", type_name<T>(), status);
    return msg;
}

} // namespace

Outcome check_closure(const Plugin& plugin)
{
    if (!needs_closure(plugin))
        return skip("the plugin offers no cgp.needs_closure/1: its steps evaluate nothing");
    const Stepper stepper(plugin, plugin.defaults());
    for (bool scalar : {false, true}) {
        step_through_the_closure<float>(stepper, scalar);
        step_through_the_closure<double>(stepper, scalar);
    }
    const std::uint64_t evaluations = stepper.closure()->evaluations();
    note_progress("calling the plugin's other functions after the steps");
    plugin.validate(stepper.hparams());
    (void)plugin.state_count(stepper.hparams());
    (void)plugin.descriptor().simd_path(0);
    if (const std::uint64_t outside = stepper.closure()->outside(); outside > 0)
        fail("{} evaluation{} requested outside a step (after it returned, from the plugin's other functions or "
             "another thread), refused by the host: a plugin keeps no pointer to cgp.closure/1 after its step "
             "returns; evaluate only inside the step it was given to",
             outside, outside == 1 ? " was" : "s were");
    const std::string refused = step_without_a_closure<double>(stepper);
    step_without_a_closure<float>(stepper);
    return pass(fmt::format("{} steps in f32 and f64, both paths: {} evaluations through cgp.closure/1 ({:.2g} per "
                            "step), none outside a step; a step offered no closure refuses: \"{}\"",
                            4 * kSteps, evaluations, static_cast<double>(evaluations) / (4.0 * kSteps), refused));
}

} // namespace cgp::conformance
