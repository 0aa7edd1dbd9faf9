// Checks "determinism", "resume_from_copied_state" and "declared_state_only": a step depends only on
// its arguments (parameters, gradients, the state arrays it declared, hyperparameters and t), which is
// what lets the host checkpoint a run, resume it bit for bit, and run many trainings at once: one after
// another, interleaved with runs at other hyperparameters and gradients, or in two threads at once.
// Run at every hyperparameter set (defaults, range ends, random values).
#include <cgp/sdk/abi.h>
#include "check_support.hpp"
#include "checks.hpp"
#include "guarded_memory.hpp"

#include <thread>

namespace cgp::conformance {

namespace {

constexpr std::size_t kLength = 67;
constexpr std::uint64_t kSteps = 20;

// One run: its stepper, its starting values and its gradients (by seed), and its length.
struct Run {
    const Stepper* stepper;
    std::uint64_t seed;
    std::size_t length = kLength;
};

template <class T>
Arrays<T> starting_arrays(const Run& run)
{
    Rng rng(run.seed);
    Arrays<T> a(run.length, run.stepper->state_count());
    fill_normal(a.params.span(), rng);
    return a;
}

// The gradient of step t (1-based), the same for every run with this seed.
template <class T>
void set_gradients(Arrays<T>& a, const Run& run, std::uint64_t t)
{
    Rng rng(run.seed * 1000 + 100 + t);
    fill_gradients(a.grads.span(), rng);
}

template <class T>
void advance(const Run& run, Arrays<T>& a, std::uint64_t first, std::uint64_t last)
{
    for (std::uint64_t t = first; t <= last; ++t) {
        set_gradients(a, run, t);
        run.stepper->step(t, false, a);
    }
}

template <class T>
Arrays<T> alone(const Run& run, std::uint64_t steps = kSteps)
{
    Arrays<T> a = starting_arrays<T>(run);
    advance(run, a, 1, steps);
    return a;
}

template <class T>
void expect_equal(const Arrays<T>& got, const Arrays<T>& want, const std::string& how)
{
    const std::string diff = first_difference(got, want, 0, how, "run alone");
    if (!diff.empty())
        fail("{}, {} steps: {}; a step must depend only on its arguments (no global, static or thread-local "
             "variables such as a cache of per-step constants, no clocks or random numbers)",
             type_name<T>(), kSteps, diff);
}

// Two runs interleaved step by step, each against the same run alone.
template <class T>
void interleave(const Run& first, const Run& second, const std::string& how)
{
    const Arrays<T> first_alone = alone<T>(first), second_alone = alone<T>(second);
    Arrays<T> a = starting_arrays<T>(first), b = starting_arrays<T>(second);
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        advance(first, a, t, t);
        advance(second, b, t, t);
    }
    expect_equal(a, first_alone, how);
    expect_equal(b, second_alone, how);
}

template <class T>
void check_repeatable(const Stepper& stepper, const Stepper& other)
{
    note_progress(fmt::format("{}: runs alone, then two runs interleaved step by step (the same values, then "
                              "other hyperparameters and gradients)",
                              type_name<T>()));
    interleave<T>({&stepper, 7}, {&stepper, 7}, "repeated run");
    interleave<T>({&stepper, 7}, {&other, 8}, "run interleaved with another at other hyperparameters");
}

// Two long runs at once in two threads, each against the same run alone.
template <class T>
void check_threads(const Stepper& stepper, const Stepper& other)
{
    constexpr std::size_t kThreadLength = 4099;
    constexpr std::uint64_t kThreadSteps = 40;
    const Run first{&stepper, 17, kThreadLength}, second{&other, 18, kThreadLength};
    note_progress(fmt::format("{}: two runs of {} steps in two threads at once", type_name<T>(), kThreadSteps));
    const Arrays<T> first_alone = alone<T>(first, kThreadSteps), second_alone = alone<T>(second, kThreadSteps);
    Arrays<T> a = starting_arrays<T>(first), b = starting_arrays<T>(second);
    std::string failure;
    std::thread worker([&] {
        try {
            advance(second, b, 1, kThreadSteps);
        } catch (const std::exception& e) {
            failure = e.what();
        }
    });
    advance(first, a, 1, kThreadSteps);
    worker.join();
    if (!failure.empty())
        fail("{}", failure);
    expect_equal(a, first_alone, "run in one thread while another ran in a second thread");
    expect_equal(b, second_alone, "run in a second thread while another ran");
}

template <class T>
void check_resumable(const Stepper& stepper)
{
    note_progress(fmt::format("{}: {} steps straight, and the same stopped halfway and continued on copies",
                              type_name<T>(), kSteps));
    const Run run{&stepper, 7};
    const Arrays<T> straight = alone<T>(run);
    Arrays<T> halfway = alone<T>(run, kSteps / 2);
    Arrays<T> resumed = halfway.clone();
    advance(run, resumed, kSteps / 2 + 1, kSteps);
    const std::string diff = first_difference(resumed, straight, 0, "resumed", "uninterrupted");
    if (!diff.empty())
        fail("{}: after copying parameters and state into new arrays at step {} and continuing to step {}: {}; keep "
             "everything a step needs in the state arrays it declares (never keyed by address)",
             type_name<T>(), kSteps / 2, kSteps, diff);
}

template <class T>
void step_with_forbidden_state(const Stepper& stepper, bool scalar)
{
    constexpr std::size_t kMaxState = CGP_MAX_STATE_ARRAYS;
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
            fail("{} step {} returned error {}: {}", type_name<T>(), t, status,
                 message.empty() ? "(no message)" : message);
    }
}

} // namespace

Outcome check_determinism(const Plugin& plugin)
{
    const std::vector<HparamSet> sets = hparam_sets(plugin);
    for_each_set(plugin, sets, [&](const HparamSet& set) {
        // Each set runs beside the next one (the last beside the defaults).
        const HparamSet& next = (&set == &sets.back()) ? sets.front() : *(&set + 1);
        const Stepper stepper(plugin, set.values), other(plugin, next.values);
        check_repeatable<float>(stepper, other);
        check_repeatable<double>(stepper, other);
        if (&set == &sets.front()) {
            check_threads<float>(stepper, other);
            check_threads<double>(stepper, other);
        }
    });
    return pass(fmt::format("{} steps on length {}, f32 and f64, at {} hyperparameter sets: runs repeated, interleaved "
                            "with runs at other hyperparameters and gradients, and in two threads at once are bitwise "
                            "equal to each run alone",
                            kSteps, kLength, sets.size()));
}

Outcome check_resume_from_copied_state(const Plugin& plugin)
{
    const std::vector<HparamSet> sets = hparam_sets(plugin);
    for_each_set(plugin, sets, [&](const HparamSet& set) {
        const Stepper stepper(plugin, set.values);
        check_resumable<float>(stepper);
        check_resumable<double>(stepper);
    });
    return pass(fmt::format("stopped at step {}, copied into new arrays and continued to step {}: bitwise equal to an "
                            "uninterrupted run (f32 and f64, {} hyperparameter sets)",
                            kSteps / 2, kSteps, sets.size()));
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
