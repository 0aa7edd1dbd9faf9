// Checks "lengths", "simd_equals_scalar" and "f32_agrees_with_f64": the update gives the same
// answer however the arrays are cut into SIMD blocks and tails, in both precisions, and keeps to the
// memory the ABI gives it (reads up to the 64-byte rounding, writes only [0, count)).
#include "check_support.hpp"
#include "checks.hpp"
#include "guarded_memory.hpp"

#include <cmath>
#include <cstring>

namespace cgp::conformance {

namespace {

// 0 to 67 (every tail of every SIMD width up to 16 lanes, several times) and a few large odd lengths.
std::vector<std::size_t> lengths_to_test()
{
    std::vector<std::size_t> n;
    for (std::size_t i = 0; i <= 67; ++i)
        n.push_back(i);
    for (std::size_t big : {1023, 4099, 65537})
        n.push_back(big);
    return n;
}

constexpr std::uint64_t kLengthSteps = 3;

template <class T>
void step_guarded(const Stepper& stepper, bool scalar, std::size_t n)
{
    note_progress(fmt::format("stepping {} length {} on the {} path, each array followed by an inaccessible page",
                              type_name<T>(), n, path_name(scalar)));
    const std::string where = fmt::format("{} length {} ({} path)", type_name<T>(), n, path_name(scalar));
    Rng rng(1000 + n);
    GuardedArray<T> params(n), grads(n);
    std::vector<GuardedArray<T>> state;
    std::vector<T*> state_ptrs;
    for (std::size_t k = 0; k < stepper.state_count(); ++k)
        state.emplace_back(n);
    for (auto& s : state)
        state_ptrs.push_back(s.data());
    fill_normal(params.span(), rng);
    for (std::uint64_t t = 1; t <= kLengthSteps; ++t) {
        fill_gradients(grads.span(), rng);
        std::vector<T> grads_before(grads.data(), grads.data() + n);
        std::string message;
        const int status = stepper.try_step<T>(t, scalar, n, params.data(), grads.data(), state_ptrs.data(), message);
        if (status != CGP_OK)
            fail("{}: step {} returned error {}: {}", where, t, status, message.empty() ? "(no message)" : message);
        if (n > 0 && std::memcmp(grads_before.data(), grads.data(), n * sizeof(T)) != 0)
            fail("{}: step {} changed the gradients, which are read-only", where, t);
        auto check_padding = [&](const GuardedArray<T>& a, const std::string& name) {
            const std::size_t i = a.first_changed_padding();
            if (i < a.padded_size())
                fail("{}: step {} wrote {}[{}], past the last element {}; write only [0, count)", where, t, name, i,
                     n == 0 ? std::string("(there is none)") : std::to_string(n - 1));
        };
        auto check_finite = [&](const GuardedArray<T>& a, const std::string& name) {
            for (std::size_t i = 0; i < n; ++i)
                if (!std::isfinite(a[i]))
                    fail("{}: step {} made {}[{}] = {} from finite inputs", where, t, name, i, num(a[i]));
        };
        check_padding(grads, "grads");
        check_padding(params, "params");
        check_finite(params, "params");
        for (std::size_t k = 0; k < state.size(); ++k) {
            check_padding(state[k], fmt::format("state {}", k));
            check_finite(state[k], fmt::format("state {}", k));
        }
    }
}

template <class T>
void compare_paths(const Stepper& stepper, std::size_t n, std::uint64_t max_ulp)
{
    note_progress(fmt::format("comparing the SIMD and scalar paths on {} length {}", type_name<T>(), n));
    Rng rng(2000 + n);
    Arrays<T> trajectory(n, stepper.state_count());
    fill_normal(trajectory.params.span(), rng);
    for (std::uint64_t t = 1; t <= 5; ++t) {
        fill_gradients(trajectory.grads.span(), rng);
        Arrays<T> simd = trajectory.clone(), scalar = trajectory.clone();
        stepper.step(t, false, simd);
        stepper.step(t, true, scalar);
        const std::string diff = first_difference(simd, scalar, max_ulp, "SIMD", "scalar");
        if (!diff.empty())
            fail("{} length {}, step {}: {}; {}", type_name<T>(), n, t, diff,
                 max_ulp == 0 ? std::string("the plugin declares simd_max_ulp 0 (bitwise equal): build its update "
                                            "from + - * / sqrt abs min max select, with cgp_add_plugin (no FMA "
                                            "contraction)")
                              : fmt::format("the plugin declares simd_max_ulp {}", max_ulp));
        trajectory = std::move(scalar);
    }
}

} // namespace

Outcome check_lengths(const Plugin& plugin)
{
    const Stepper stepper(plugin, plugin.defaults());
    const std::vector<std::size_t> lengths = lengths_to_test();
    for (bool scalar : {false, true})
        for (std::size_t n : lengths) {
            step_guarded<float>(stepper, scalar, n);
            step_guarded<double>(stepper, scalar, n);
        }
    return pass(fmt::format("{} steps on {} lengths (0-67, 1023, 4099, 65537), f32 and f64, both paths: finite "
                            "results, padding untouched, no access past the allocation",
                            kLengthSteps, lengths.size()));
}

Outcome check_simd_equals_scalar(const Plugin& plugin)
{
    const Stepper stepper(plugin, plugin.defaults());
    const std::uint64_t max_ulp = plugin.descriptor().simd_max_ulp;
    const std::vector<std::size_t> lengths = lengths_to_test();
    for (std::size_t n : lengths) {
        compare_paths<float>(stepper, n, max_ulp);
        compare_paths<double>(stepper, n, max_ulp);
    }
    return pass(fmt::format("5 steps on {} lengths, f32 and f64: {} path {} the scalar path", lengths.size(),
                            plugin.simd_path(), max_ulp == 0 ? "bitwise equal to" : "within " + num(max_ulp) + " ULP of"));
}

Outcome check_f32_agrees_with_f64(const Plugin& plugin)
{
    constexpr std::size_t n = 67;
    constexpr std::uint64_t kSteps = 10;
    constexpr double kTolerancePerStep = 1e-6;
    const Stepper stepper(plugin, plugin.defaults());
    Rng rng(3);
    Arrays<float> single(n, stepper.state_count());
    Arrays<double> twice(n, stepper.state_count());
    fill_normal(single.params.span(), rng);
    for (std::size_t i = 0; i < n; ++i)
        twice.params[i] = single.params[i];
    double worst = 0.0;
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        note_progress(fmt::format("step {} in f32 and f64", t));
        fill_gradients(single.grads.span(), rng);
        for (std::size_t i = 0; i < n; ++i)
            twice.grads[i] = single.grads[i];
        stepper.step(t, false, single);
        stepper.step(t, false, twice);
        const double tolerance = kTolerancePerStep * static_cast<double>(t);
        auto compare = [&](const AlignedArray<float>& a, const AlignedArray<double>& b, const std::string& name) {
            const std::vector<double> widened(a.data(), a.data() + n);
            const double err = normwise_error(widened, b.span());
            worst = std::max(worst, err);
            if (!(err <= tolerance))
                fail("step {}: {} in f32 differs from f64 by {:.3g} (largest difference over largest value), more "
                     "than {:.3g}",
                     t, name, err, tolerance);
        };
        compare(single.params, twice.params, "params");
        for (std::size_t k = 0; k < single.state.size(); ++k)
            compare(single.state[k], twice.state[k], fmt::format("state {}", k));
    }
    return pass(fmt::format("{} steps on length {}: largest relative difference {:.2g} (allowed {:g} per step)", kSteps,
                            n, worst, kTolerancePerStep));
}

} // namespace cgp::conformance
