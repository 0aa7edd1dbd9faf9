// Checks "lengths", "simd_equals_scalar" and "f32_agrees_with_f64": the update gives the same
// answer however the arrays are cut into SIMD blocks and tails, in both precisions, at every
// hyperparameter set (defaults, range endpoints, random values), and keeps to the memory the ABI gives
// it (reads up to the 64-byte rounding, writes only [0, count)).
#include "check_support.hpp"
#include "checks.hpp"
#include "guarded_memory.hpp"

#include <fmt/ranges.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <utility>

namespace cgp::conformance {

namespace {

// Longer than the largest realistic model's parameter vector, and odd, so every SIMD width has a tail.
constexpr std::size_t kLongest = 262'147;

// 0 to 67 (every tail of every SIMD width up to 16 lanes, several times) and large odd lengths, run at
// every set; kTimed, the longest of them, is where each set's cost is measured.
constexpr std::size_t kTimed = 4099;
std::vector<std::size_t> short_lengths()
{
    std::vector<std::size_t> n;
    for (std::size_t i = 0; i <= 67; ++i)
        n.push_back(i);
    n.push_back(1023);
    n.push_back(kTimed);
    return n;
}

// 65537 and kLongest, run at one set only (long_array_set: the cheapest at kTimed whose state fits).
const std::size_t kLongLengths[] = {65537, kLongest};

// Runs body(stepper, n) at every set for the short lengths, timing each set at kTimed, then at the
// set long_array_set picks for the long lengths (named by a failure, and by a crash's progress note);
// returns that set.
template <class Body>
const HparamSet& at_every_length(const Plugin& plugin, const std::vector<HparamSet>& sets, Body&& body)
{
    std::vector<double> seconds;
    for_each_set(plugin, sets, [&](const HparamSet& set) {
        const Stepper stepper(plugin, set.values);
        for (std::size_t n : short_lengths()) {
            const auto start = std::chrono::steady_clock::now();
            body(stepper, n);
            if (n == kTimed)
                seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        }
    });
    const HparamSet& longest_at = long_array_set(plugin, sets, seconds, kLongest);
    for_each_set(plugin, {longest_at}, [&](const HparamSet& set) {
        const Stepper stepper(plugin, set.values);
        for (std::size_t n : kLongLengths)
            body(stepper, n);
    });
    return longest_at;
}

constexpr std::uint64_t kLengthSteps = 3;

// The largest f32 value: an f64 result beyond it is correctly infinite in f32.
constexpr double kFloatMax = std::numeric_limits<float>::max();

template <class T>
bool leaves_f32_range(const Arrays<T>& a)
{
    auto beyond = [](const AlignedArray<T>& x) {
        for (std::size_t i = 0; i < x.size(); ++i)
            if (std::abs(static_cast<double>(x[i])) > kFloatMax)
                return true;
        return false;
    };
    bool out = beyond(a.params);
    for (const auto& s : a.state)
        out = out || beyond(s);
    return out;
}

// Whether the f64 run of step_guarded's f32 inputs (the same parameters and gradients, widened) leaves
// f32's range by step `last`: an infinite f32 result is then correct.
bool f64_leaves_f32_range(const Stepper& stepper, bool scalar, std::size_t n, std::uint64_t last)
{
    Rng rng(1000 + n);
    Arrays<float> single(n, stepper.state_count());
    Arrays<double> twice(n, stepper.state_count());
    fill_normal(single.params.span(), rng);
    for (std::size_t i = 0; i < n; ++i)
        twice.params[i] = single.params[i];
    for (std::uint64_t t = 1; t <= last; ++t) {
        fill_gradients(single.grads.span(), rng);
        for (std::size_t i = 0; i < n; ++i)
            twice.grads[i] = single.grads[i];
        stepper.step(t, scalar, twice);
        if (leaves_f32_range(twice))
            return true;
    }
    return false;
}

template <class T>
void step_guarded(const Stepper& stepper, bool scalar, std::size_t n, Placement placement, GuardedPool<T>& pool)
{
    const char* where_placed = placement == Placement::End ? "followed by" : "preceded by";
    note_progress(fmt::format("stepping {} length {} on the {} path, each array {} an inaccessible page",
                              type_name<T>(), n, path_name(scalar), where_placed));
    const std::string where = fmt::format("{} length {} ({} path)", type_name<T>(), n, path_name(scalar));
    Rng rng(1000 + n);
    const std::span<GuardedArray<T>> arrays = pool.take(stepper.state_count() + 2, n, placement);
    GuardedArray<T>& params = arrays[0];
    GuardedArray<T>& grads = arrays[1];
    const std::span<GuardedArray<T>> state = arrays.subspan(2);
    std::vector<T*> state_ptrs;
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
        auto check_markers = [&](const GuardedArray<T>& a, const std::string& name) {
            const std::string changed = a.changed_markers(name);
            if (!changed.empty())
                fail("{}: step {} wrote {}; write only [0, count) (the padding up to 64 bytes may be read, never "
                     "written, and nothing before element 0 may be touched)",
                     where, t, changed);
        };
        std::optional<bool> out_of_range; // whether the f64 run has left f32's range, asked once
        auto correctly_infinite = [&] {
            if (!out_of_range)
                out_of_range = std::is_same_v<T, float> && f64_leaves_f32_range(stepper, scalar, n, t);
            return *out_of_range;
        };
        auto check_finite = [&](const GuardedArray<T>& a, const std::string& name) {
            for (std::size_t i = 0; i < n; ++i)
                if (!std::isfinite(a[i]) && !correctly_infinite())
                    fail("{}: step {} made {}[{}] = {} from finite inputs; finite inputs at accepted "
                         "hyperparameters must give finite results (guard the division, or narrow the range)",
                         where, t, name, i, num(a[i]));
        };
        check_markers(grads, "grads");
        check_markers(params, "params");
        check_finite(params, "params");
        for (std::size_t k = 0; k < state.size(); ++k) {
            check_markers(state[k], fmt::format("state {}", k));
            check_finite(state[k], fmt::format("state {}", k));
        }
    }
}

// Where the SIMD and scalar results differ: in whole SIMD blocks or only in the tail, and by how much:
// in rounding units (epsilon times the element's change in the step plus epsilon times its value), where
// rounding differences are a few units and a different update many, and as a fraction of the change.
template <class T>
struct Differences {
    std::size_t in_blocks = 0, in_tail = 0;
    double worst_units = 0.0;     // infinity for NaN on one side
    double worst_of_change = 0.0; // largest difference over the element's change

    void add(const AlignedArray<T>& x, const AlignedArray<T>& y, const AlignedArray<T>& before, std::size_t full,
             std::uint64_t max_ulp)
    {
        constexpr double eps = std::numeric_limits<T>::epsilon();
        for (std::size_t i = 0; i < x.size(); ++i) {
            if (ulp_distance(x[i], y[i]) <= max_ulp)
                continue;
            ++(i < full ? in_blocks : in_tail);
            const double diff = std::abs(static_cast<double>(x[i]) - static_cast<double>(y[i]));
            const double change = std::abs(static_cast<double>(y[i]) - static_cast<double>(before[i]));
            const double units = diff / (eps * change + eps * std::abs(static_cast<double>(y[i])));
            worst_units = std::max(worst_units, std::isnan(units) ? std::numeric_limits<double>::infinity() : units);
            if (change > 0 && std::isfinite(diff))
                worst_of_change = std::max(worst_of_change, diff / change);
        }
    }
};

// Where SIMD and scalar results differ over 5 steps of length n (none when they agree).
// 5 steps of length n, each taken on both paths from the scalar path's last result;
// each(t, simd, scalar, before) sees every step.
template <class T, class Each>
void both_paths(const Stepper& stepper, std::size_t n, Each&& each)
{
    Rng rng(2000 + n);
    Arrays<T> trajectory(n, stepper.state_count()), simd(n, stepper.state_count()), scalar(n, stepper.state_count());
    fill_normal(trajectory.params.span(), rng);
    for (std::uint64_t t = 1; t <= 5; ++t) {
        fill_gradients(trajectory.grads.span(), rng);
        simd.copy_from(trajectory);
        scalar.copy_from(trajectory);
        stepper.step(t, false, simd);
        stepper.step(t, true, scalar);
        each(t, simd, scalar, trajectory);
        std::swap(trajectory, scalar);
    }
}

template <class T>
Differences<T> differences(const Stepper& stepper, std::size_t n, std::size_t lanes, std::uint64_t max_ulp)
{
    const std::size_t full = lanes > 0 ? n - n % lanes : n;
    Differences<T> d;
    both_paths<T>(stepper, n,
                  [&](std::uint64_t, const Arrays<T>& simd, const Arrays<T>& scalar, const Arrays<T>& before) {
                      d.add(simd.params, scalar.params, before.params, full, max_ulp);
                      for (std::size_t k = 0; k < simd.state.size(); ++k)
                          d.add(simd.state[k], scalar.state[k], before.state[k], full, max_ulp);
                  });
    return d;
}

// What a SIMD/scalar difference at length n most likely comes from: judged on a long array (many whole
// blocks and a tail), where a rounding difference shows in many places, by where and how large the
// differences are; on length n itself when the long array shows none.
template <class T>
std::string likely_cause(const Stepper& stepper, std::size_t n, std::uint64_t max_ulp, bool defaults_agreed)
{
    const std::string path = stepper.plugin().simd_path();
    const std::size_t lanes = simd_block_bytes(path) / sizeof(T);
    constexpr std::size_t kLong = 1027;
    std::size_t at = kLong;
    Differences<T> d = differences<T>(stepper, kLong, lanes, max_ulp);
    if (d.in_blocks + d.in_tail == 0) {
        at = n;
        d = differences<T>(stepper, n, lanes, max_ulp);
    }
    const std::size_t full = lanes > 0 ? at - at % lanes : at;
    std::string cause;
    if (d.in_blocks == 0 && full > 0)
        cause = fmt::format("at length {} only elements past the last whole {}-lane {} block (from {}) differ: the "
                            "SIMD path's tail is handled wrongly (loop bounds, or a tail written differently)",
                            at, lanes, path, full);
    else if (d.worst_units <= 8)
        cause = fmt::format("at length {}, {} elements differ, each by rounding only (at most {:.2g} units in the "
                            "last place of the value and its change): the forms round differently, most "
                            "likely a*b+c contracted into a fused multiply-add in one form only (build with "
                            "cgp_add_plugin, which passes -ffp-contract=off; xsimd::fma is fused on AVX2 but not on "
                            "SSE2 or AVX-512 in xsimd 8.1; std::fma is always fused), or a function that is not "
                            "correctly rounded (then declare simd_max_ulp)",
                            at, d.in_blocks + d.in_tail, d.worst_units);
    else
        cause = fmt::format("at length {}, {} elements differ, by up to {} of their change in the step: the {} form "
                            "computes another update than "
                            "the scalar form, which is more than rounding: a compile definition or option that reached "
                            "one variant only (cgp_add_plugin compiles the baseline and each SIMD variant separately), "
                            "code under #if on an ISA macro, or a hyperparameter one form ignores",
                            at, d.in_blocks + d.in_tail,
                            std::isinf(d.worst_units) ? std::string("a NaN on one side")
                                                      : fmt::format("{:.3g}", d.worst_of_change),
                            path);
    if (defaults_agreed)
        cause += "; the forms agree at the defaults, so look at what these values change";
    return cause;
}

template <class T>
void compare_paths(const Stepper& stepper, std::size_t n, std::uint64_t max_ulp, bool defaults_agreed)
{
    note_progress(fmt::format("comparing the SIMD and scalar paths on {} length {}", type_name<T>(), n));
    both_paths<T>(stepper, n, [&](std::uint64_t t, const Arrays<T>& simd, const Arrays<T>& scalar, const Arrays<T>&) {
        const std::string diff = first_difference(simd, scalar, max_ulp, "SIMD", "scalar");
        if (!diff.empty())
            fail("{} length {}, step {}: {} (the plugin declares simd_max_ulp {}); {}", type_name<T>(), n, t, diff,
                 max_ulp, likely_cause<T>(stepper, n, max_ulp, defaults_agreed));
    });
}

// Spacing of float values at x: what storing x in f32 may lose, twice over.
double f32_spacing(double x)
{
    const float f = static_cast<float>(x);
    return static_cast<double>(std::nextafter(std::abs(f), std::numeric_limits<float>::infinity())) - std::abs(f);
}

// One step in f32 and in f64 from the same (f32) parameters and state: the f32 update must follow the
// f64 update, relative to the update's own size; every f32 value may also be off by its rounding.
constexpr double kUpdateTolerance = 1e-4;

// Largest difference of one step, or nullopt when the f64 step leaves f32's range (nothing compared:
// an infinite f32 result is then correct).
std::optional<double> compare_one_step(const Stepper& stepper, Arrays<float>& single, std::uint64_t t,
                                       bool& several_evaluations)
{
    const std::size_t n = single.size();
    Arrays<double> twice(n, stepper.state_count());
    for (std::size_t i = 0; i < n; ++i) {
        twice.params[i] = single.params[i];
        twice.grads[i] = single.grads[i];
        for (std::size_t k = 0; k < single.state.size(); ++k)
            twice.state[k][i] = single.state[k][i];
    }
    twice.run = single.run;
    const Arrays<double> before = twice.clone();
    const auto evaluations = [&] { return stepper.closure() ? stepper.closure()->evaluations() : 0; };
    const std::uint64_t start = evaluations();
    stepper.step(t, false, single);
    const std::uint64_t f32_evaluations = evaluations() - start;
    stepper.step(t, false, twice);
    const std::uint64_t f64_evaluations = evaluations() - start - f32_evaluations;
    if (leaves_f32_range(twice))
        return std::nullopt;
    // A step that evaluates its closure more than once (L-BFGS's iterations and line search) evaluates at
    // f32 points whose rounding steers its stopping rules and line search: its f32 form takes a path of
    // its own, and is not compared (several_evaluations).
    if (f64_evaluations > 1 || f32_evaluations > 1) {
        several_evaluations = true;
        return 0.0;
    }
    double worst = 0.0;
    auto compare = [&](const AlignedArray<float>& got, const AlignedArray<double>& want,
                       const AlignedArray<double>& was, const std::string& name) {
        double scale = 0.0;
        for (std::size_t i = 0; i < n; ++i) {
            if (!std::isfinite(want[i]) || !std::isfinite(got[i]))
                fail("step {}: {}[{}] became {} in f32 and {} in f64 from finite inputs; finite inputs at accepted "
                     "hyperparameters must give finite results while the f64 values stay inside f32's range (an "
                     "intermediate overflows in f32; see the lengths check)",
                     t, name, i, num(got[i]), num(want[i]));
            scale = std::max(scale, std::abs(want[i] - was[i]));
        }
        for (std::size_t i = 0; i < n; ++i) {
            const double err = std::abs(static_cast<double>(got[i]) - want[i]);
            const double rounding = f32_spacing(want[i]);
            if (!(err <= kUpdateTolerance * scale + rounding))
                fail("step {}: {}[{}] moved by {} in f32 and by {} in f64, {:.3g} of the largest f64 change of {} "
                     "({:g} allowed, besides f32 rounding): the f32 update is computed with too little precision "
                     "(compute in double in prepare() what needs it: pow(beta, t), 1 - beta, bias corrections; "
                     "never round the update itself)",
                     t, name, i, num(static_cast<double>(got[i]) - was[i]), num(want[i] - was[i]),
                     scale > 0 ? (err - rounding) / scale : err, num(scale), kUpdateTolerance);
            if (scale > 0)
                worst = std::max(worst, std::max(0.0, err - rounding) / scale);
        }
    };
    compare(single.params, twice.params, before.params, "params");
    for (std::size_t k = 0; k < single.state.size(); ++k)
        compare(single.state[k], twice.state[k], before.state[k], fmt::format("state {}", k));
    return worst;
}

} // namespace

Outcome check_lengths(const Plugin& plugin)
{
    const std::vector<HparamSet> sets = hparam_sets(plugin);
    GuardedPool<float> singles;
    GuardedPool<double> doubles;
    const HparamSet& longest_at = at_every_length(plugin, sets, [&](const Stepper& stepper, std::size_t n) {
        for (bool scalar : {false, true})
            for (Placement placement : {Placement::End, Placement::Start}) {
                step_guarded<float>(stepper, scalar, n, placement, singles);
                step_guarded<double>(stepper, scalar, n, placement, doubles);
            }
    });
    return pass(fmt::format("{} steps on lengths 0-67, 1023 and 4099 (with {} also 65537 and {}: the set whose state "
                            "fits {} MiB there that took least time at length {}), f32 and f64, both paths, at {} "
                            "hyperparameter sets (defaults, range ends, random): finite results, markers before and "
                            "after every array untouched, no access beyond them",
                            kLengthSteps, longest_at.label, kLongest, kLongArrayBytes >> 20, kTimed, sets.size()));
}

LongestAt compare_simd_with_scalar(const Plugin& plugin)
{
    const std::uint64_t max_ulp = plugin.descriptor().simd_max_ulp;
    const std::vector<HparamSet> sets = hparam_sets(plugin);
    const HparamSet& longest_at = at_every_length(plugin, sets, [&](const Stepper& stepper, std::size_t n) {
        const bool defaults_agreed = stepper.hparams() != sets.front().values;
        compare_paths<float>(stepper, n, max_ulp, defaults_agreed);
        compare_paths<double>(stepper, n, max_ulp, defaults_agreed);
    });
    return {sets.size(), longest_at.label};
}

Outcome check_simd_equals_scalar(const Plugin& plugin)
{
    const std::uint64_t max_ulp = plugin.descriptor().simd_max_ulp;
    const LongestAt compared = compare_simd_with_scalar(plugin);
    return pass(fmt::format("5 steps on lengths 0-67, 1023, 4099 (with {} also 65537 and {}: the set whose state fits "
                            "{} MiB there that took least time at length {}), f32 and f64, at {} hyperparameter sets: "
                            "{} path {} the scalar path",
                            compared.label, kLongest, kLongArrayBytes >> 20, kTimed, compared.sets, plugin.simd_path(),
                            max_ulp == 0 ? "bitwise equal to" : "within " + num(max_ulp) + " ULP of"));
}

Outcome check_f32_agrees_with_f64(const Plugin& plugin)
{
    constexpr std::size_t n = 67;
    constexpr std::uint64_t kSteps = 10;
    const std::vector<HparamSet> sets = hparam_sets(plugin);
    double worst = 0.0;
    std::vector<std::string> left;
    std::size_t compared = 0, several_evaluations = 0;
    for_each_set(plugin, sets, [&](const HparamSet& set) {
        const Stepper stepper(plugin, set.values);
        Rng rng(3);
        Arrays<float> single(n, stepper.state_count());
        fill_normal(single.params.span(), rng);
        for (std::uint64_t t = 1; t <= kSteps; ++t) {
            note_progress(fmt::format("step {} in f32 and f64 from the same values", t));
            fill_gradients(single.grads.span(), rng);
            bool several = false;
            const std::optional<double> err = compare_one_step(stepper, single, t, several);
            if (several) {
                ++several_evaluations;
                break;
            }
            ++compared;
            if (!err) {
                left.push_back(fmt::format("{} at step {}", set.label, t));
                break;
            }
            worst = std::max(worst, *err);
        }
    });
    if (compared == 0 && several_evaluations > 0)
        return skip("every step evaluates the plugin's closure more than once (iterations, a line search), at f32 "
                    "points whose rounding steers its stopping rules: its f32 form takes a path of its own; its f32 "
                    "runs are held to finite results by the lengths check");
    return pass(fmt::format(
        "{} steps on length {} at {} hyperparameter sets, each from the same values in f32 and "
        "f64: the f32 change of every parameter and state element is within {:g} of the largest "
        "f64 change (besides f32 rounding); largest {:.2g}{}",
        kSteps, n, sets.size(), kUpdateTolerance, worst,
        left.empty() ? std::string()
                     : fmt::format("; compared until the f64 run left f32's range with {}", fmt::join(left, ", "))));
}

} // namespace cgp::conformance
