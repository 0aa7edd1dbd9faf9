// Checks "zero_gradient", "descent" and "nonfinite_gradients": what the update does to a loss. A zero
// gradient must not move anything, a few steps must go downhill, and NaN or infinite gradients must
// not crash the plugin (what they do to the parameters is reported, not judged).
#include "check_support.hpp"
#include "checks.hpp"
#include "problems.hpp"

#include <cmath>
#include <limits>
#include <tuple>

namespace cgp::conformance {

namespace {

template <class T>
void check_still(const Stepper& stepper, bool scalar)
{
    constexpr std::size_t n = 67;
    constexpr std::uint64_t kSteps = 20;
    note_progress(fmt::format("{} steps of zero gradient, {} {} path", kSteps, type_name<T>(), path_name(scalar)));
    Rng rng(21);
    Arrays<T> a(n, stepper.state_count());
    fill_normal(a.params.span(), rng);
    const std::vector<T> start(a.params.data(), a.params.data() + n);
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        stepper.step(t, scalar, a);
        for (std::size_t i = 0; i < n; ++i)
            if (ulp_distance(a.params[i], start[i]) != 0)
                fail("{} {} path: params[{}] moved from {} to {} at step {} with a zero gradient (zero state at the "
                     "start); with no gradient the update must leave the parameters as they are",
                     type_name<T>(), path_name(scalar), i, num(start[i]), num(a.params[i]), t);
    }
}

// Loss before and after kSteps steps on the problem, in precision T.
template <class T>
std::pair<double, double> descend(const Stepper& stepper, const Problem& problem, std::uint64_t steps)
{
    const std::vector<double> x0 = problem.initial_point();
    const std::size_t n = x0.size();
    Arrays<T> a(n, stepper.state_count());
    for (std::size_t i = 0; i < n; ++i)
        a.params[i] = static_cast<T>(x0[i]);
    std::vector<double> x(n), g(n);
    auto current = [&] {
        for (std::size_t i = 0; i < n; ++i)
            x[i] = a.params[i];
    };
    current();
    const double before = problem.loss(x);
    for (std::uint64_t t = 1; t <= steps; ++t) {
        problem.gradient(x, g);
        for (std::size_t i = 0; i < n; ++i)
            a.grads[i] = static_cast<T>(g[i]);
        stepper.step(t, false, a);
        current();
    }
    return {before, problem.loss(x)};
}

const char* classify(double before, double after)
{
    if (std::isnan(after))
        return "NaN";
    if (std::isinf(after))
        return after > 0 ? "+inf" : "-inf";
    return after == before ? "unchanged" : "finite";
}

// One step with NaN, +inf and -inf gradients at elements 1, 2, 3, then finite steps; describes the result.
template <class T>
std::string nonfinite_run(const Stepper& stepper, bool scalar)
{
    constexpr std::size_t n = 16;
    constexpr std::uint64_t kSteps = 5;
    note_progress(fmt::format("stepping {} {} path with NaN, +inf and -inf gradients", type_name<T>(), path_name(scalar)));
    Rng rng(31);
    Arrays<T> a(n, stepper.state_count());
    fill_normal(a.params.span(), rng);
    Arrays<T> clean = a.clone();
    const std::vector<T> start(a.params.data(), a.params.data() + n);
    std::string first_step;
    std::string refused;
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        fill_gradients(a.grads.span(), rng);
        for (std::size_t i = 0; i < n; ++i)
            clean.grads[i] = a.grads[i];
        if (t == 1) {
            a.grads[1] = std::numeric_limits<T>::quiet_NaN();
            a.grads[2] = std::numeric_limits<T>::infinity();
            a.grads[3] = -std::numeric_limits<T>::infinity();
        }
        std::string message;
        const int status =
            stepper.try_step<T>(t, scalar, n, a.params.data(), a.grads.data(), a.state_ptrs.data(), message);
        if (status != CGP_OK && message.empty())
            fail("{} {} path: step {} returned error {} without a message", type_name<T>(), path_name(scalar), t, status);
        if (status != CGP_OK && refused.empty())
            refused = fmt::format("step {} refused with error {}: {}", t, status, message);
        stepper.step(t, scalar, clean);
        if (t == 1)
            first_step = fmt::format("NaN gradient -> parameter {}, +inf -> {}, -inf -> {}",
                                     classify(start[1], a.params[1]), classify(start[2], a.params[2]),
                                     classify(start[3], a.params[3]));
    }
    bool others_unaffected = true;
    for (std::size_t i = 0; i < n; ++i)
        if (i < 1 || i > 3)
            others_unaffected = others_unaffected && ulp_distance(a.params[i], clean.params[i]) == 0;
    return fmt::format("{} at step 1; after {} steps the other elements are {}{}", first_step, kSteps,
                       others_unaffected ? "unaffected" : "affected too (the update mixes elements)",
                       refused.empty() ? "; no error returned" : "; " + refused);
}

} // namespace

Outcome check_zero_gradient(const Plugin& plugin)
{
    const Stepper stepper(plugin, plugin.defaults());
    for (bool scalar : {false, true}) {
        check_still<float>(stepper, scalar);
        check_still<double>(stepper, scalar);
    }
    return pass("20 steps of zero gradient from the starting state left every parameter bitwise unchanged (f32 and f64, both "
                "paths)");
}

Outcome check_descent(const Plugin& plugin)
{
    constexpr std::uint64_t kSteps = 20;
    const Stepper stepper(plugin, plugin.defaults());
    const auto problem = make_quadratic(67, 4);
    note_progress("descending the quadratic in f64");
    const auto [before64, after64] = descend<double>(stepper, *problem, kSteps);
    note_progress("descending the quadratic in f32");
    const auto [before32, after32] = descend<float>(stepper, *problem, kSteps);
    for (const auto& [type, before, after] : {std::tuple{"f64", before64, after64}, std::tuple{"f32", before32, after32}})
        if (!(after < before))
            fail("{}: {} steps with the defaults ({}) took the quadratic's loss from {:.6g} to {:.6g}; the update "
                 "must move against the gradient (p -= ..., not p += ...)",
                 type, kSteps, format_hparams(plugin, stepper.hparams()), before, after);
    return pass(fmt::format("{} steps with the defaults: loss {:.6g} -> {:.6g} (f64), {:.6g} -> {:.6g} (f32)", kSteps,
                            before64, after64, before32, after32));
}

Outcome check_nonfinite_gradients(const Plugin& plugin)
{
    const Stepper stepper(plugin, plugin.defaults());
    const std::string report = nonfinite_run<double>(stepper, false);
    nonfinite_run<double>(stepper, true);
    nonfinite_run<float>(stepper, false);
    nonfinite_run<float>(stepper, true);
    return pass("no crash (f32 and f64, both paths); f64: " + report);
}

} // namespace cgp::conformance
