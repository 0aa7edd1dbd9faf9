// Checks "determinism", "resume_from_copied_state" and "declared_state_only": a step depends only on
// its arguments (parameters, gradients, the state arrays it declared, hyperparameters and t), which is
// what lets the host checkpoint a run, resume it bit for bit, and run many trainings at once.
#include "check_support.hpp"
#include "checks.hpp"
#include "guarded_memory.hpp"

namespace cgp::conformance {

namespace {

constexpr std::size_t kLength = 67;
constexpr std::uint64_t kSteps = 20;

template <class T>
Arrays<T> starting_arrays(const Stepper& stepper)
{
    Rng rng(7);
    Arrays<T> a(kLength, stepper.state_count());
    fill_normal(a.params.span(), rng);
    return a;
}

// The gradient of step t (1-based), the same for every run.
template <class T>
void set_gradients(Arrays<T>& a, std::uint64_t t)
{
    Rng rng(100 + t);
    fill_gradients(a.grads.span(), rng);
}

template <class T>
void advance(const Stepper& stepper, Arrays<T>& a, std::uint64_t first, std::uint64_t last)
{
    for (std::uint64_t t = first; t <= last; ++t) {
        set_gradients(a, t);
        stepper.step(t, false, a);
    }
}

template <class T>
void check_repeatable(const Stepper& stepper)
{
    note_progress(fmt::format("{}: one run of {} steps, then two runs interleaved step by step", type_name<T>(), kSteps));
    Arrays<T> alone = starting_arrays<T>(stepper);
    advance(stepper, alone, 1, kSteps);
    Arrays<T> first = starting_arrays<T>(stepper), second = starting_arrays<T>(stepper);
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        advance(stepper, first, t, t);
        advance(stepper, second, t, t);
    }
    for (const Arrays<T>* again : {&first, &second}) {
        const std::string diff = first_difference(*again, alone, 0, "repeated run", "first run");
        if (!diff.empty())
            fail("{}, {} steps from the same inputs: {}; a step must depend only on its arguments (no global or "
                 "static variables, clocks or random numbers)",
                 type_name<T>(), kSteps, diff);
    }
}

template <class T>
void check_resumable(const Stepper& stepper)
{
    note_progress(fmt::format("{}: {} steps straight, and the same stopped halfway and continued on copies",
                              type_name<T>(), kSteps));
    Arrays<T> straight = starting_arrays<T>(stepper);
    advance(stepper, straight, 1, kSteps);
    Arrays<T> halfway = starting_arrays<T>(stepper);
    advance(stepper, halfway, 1, kSteps / 2);
    Arrays<T> resumed = halfway.clone();
    advance(stepper, resumed, kSteps / 2 + 1, kSteps);
    const std::string diff = first_difference(resumed, straight, 0, "resumed", "uninterrupted");
    if (!diff.empty())
        fail("{}: after copying parameters and state into new arrays at step {} and continuing to step {}: {}; keep "
             "everything a step needs in the state arrays it declares (never keyed by address)",
             type_name<T>(), kSteps / 2, kSteps, diff);
}

template <class T>
void step_with_forbidden_state(const Stepper& stepper, bool scalar)
{
    constexpr std::size_t kMaxState = 16;
    const std::size_t declared = stepper.state_count();
    note_progress(fmt::format("stepping {} length {} on the {} path with every state pointer past state_count() = {} "
                              "aimed at inaccessible memory; a crash here means the step touches state arrays it did "
                              "not declare",
                              type_name<T>(), kLength, path_name(scalar), declared));
    Rng rng(9);
    GuardedArray<T> params(kLength), grads(kLength);
    std::vector<GuardedArray<T>> state;
    for (std::size_t k = 0; k < declared; ++k)
        state.emplace_back(kLength);
    const InaccessibleRegion forbidden(padded_count<T>(kLength) * sizeof(T));
    GuardedArray<T*> table(kMaxState); // ends at an inaccessible page too
    for (std::size_t k = 0; k < kMaxState; ++k)
        table[k] = k < declared ? state[k].data() : static_cast<T*>(forbidden.data());
    fill_normal(params.span(), rng);
    for (std::uint64_t t = 1; t <= 3; ++t) {
        fill_gradients(grads.span(), rng);
        std::string message;
        const int status = stepper.try_step<T>(t, scalar, kLength, params.data(), grads.data(), table.data(), message);
        if (status != CGP_OK)
            fail("{} step {} returned error {}: {}", type_name<T>(), t, status, message.empty() ? "(no message)" : message);
    }
}

} // namespace

Outcome check_determinism(const Plugin& plugin)
{
    const Stepper stepper(plugin, plugin.defaults());
    check_repeatable<float>(stepper);
    check_repeatable<double>(stepper);
    return pass(fmt::format("{} steps on length {}, f32 and f64: three runs, two of them interleaved, bitwise equal",
                            kSteps, kLength));
}

Outcome check_resume_from_copied_state(const Plugin& plugin)
{
    const Stepper stepper(plugin, plugin.defaults());
    check_resumable<float>(stepper);
    check_resumable<double>(stepper);
    return pass(fmt::format("stopped at step {}, copied into new arrays and continued to step {}: bitwise equal to an "
                            "uninterrupted run (f32 and f64)",
                            kSteps / 2, kSteps));
}

Outcome check_declared_state_only(const Plugin& plugin)
{
    const Stepper stepper(plugin, plugin.defaults());
    for (bool scalar : {false, true}) {
        step_with_forbidden_state<float>(stepper, scalar);
        step_with_forbidden_state<double>(stepper, scalar);
    }
    return pass(fmt::format("3 steps per type and path with state_count() = {}: the other state pointers, aimed at "
                            "inaccessible memory, were left alone",
                            stepper.state_count()));
}

} // namespace cgp::conformance
