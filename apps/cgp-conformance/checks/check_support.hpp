// check_support.hpp: what the checks share: failing with a message, arrays allocated as the host
// allocates them, a stepper that calls a plugin's step functions directly, random inputs, and
// comparisons in units in the last place (ULP).
#pragma once

#include "closure_host.hpp"
#include "conformance.hpp"
#include "hparam_sets.hpp"
#include "isolation.hpp"

#include <cgp/tape/aligned.hpp>
#include <cgp/io/error.hpp>
#include <cgp/host/extension.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/data/rng.hpp>

#include <fmt/format.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace cgp::conformance {

// Thrown by a check to fail with a message; run_check turns it into a failed Outcome.
class CheckFailure : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

template <class... Args>
[[noreturn]] void fail(fmt::format_string<Args...> format, Args&&... args)
{
    throw CheckFailure(fmt::format(format, std::forward<Args>(args)...));
}

inline Outcome pass(std::string detail)
{
    return {Status::Pass, std::move(detail)};
}
inline Outcome skip(std::string detail)
{
    return {Status::Skip, std::move(detail)};
}

template <class T>
constexpr const char* type_name()
{
    return std::is_same_v<T, float> ? "f32" : "f64";
}
inline const char* path_name(bool scalar)
{
    return scalar ? "scalar" : "SIMD";
}

// Parameters, gradients and zeroed state arrays of n elements, allocated as the host allocates them
// (64-byte aligned, rounded up to 64 bytes).
template <class T>
struct Arrays {
    AlignedArray<T> params, grads;
    std::vector<AlignedArray<T>> state;
    std::vector<T*> state_ptrs;
    std::vector<double> run; // the run state (cgp.run_state/1), set by Stepper::step at t = 1

    Arrays(std::size_t n, std::size_t states);
    std::size_t size() const { return params.size(); }
    // The same contents in freshly allocated arrays (other addresses).
    Arrays clone() const;
    // The contents of `other` (of the same size and state count) copied into these arrays, as clone()
    // would copy them, without allocating.
    void copy_from(const Arrays& other);
};

// A plugin bound to hyperparameter values, stepped through its descriptor's functions.
class Stepper {
public:
    // Throws cgp::Error when the host's range checks or the plugin's validate() refuse the values.
    Stepper(const Plugin& plugin, std::vector<double> hparams);

    const Plugin& plugin() const { return plugin_; }
    const std::vector<double>& hparams() const { return hparams_; }
    std::size_t state_count() const { return state_count_; }

    // One call of step_f32/step_f64; returns its status and the plugin's message. A plugin with run
    // state (cgp.run_state/1) is offered cgp.run_values/1 over `run` (per_run, then per_tensor values
    // for the one tensor of a step without a model), or, when run is null, over a copy of the initial
    // values made for this call: each such call then steps from a fresh run state.
    template <class T>
    int try_step(std::uint64_t t, bool scalar, std::size_t n, T* params, const T* grads, T* const* state,
                 std::string& message, double* run = nullptr) const;
    const RunStateDeclaration& run_state() const { return run_state_; }
    // The closure (cgp.closure/1) offered to every step of a plugin that needs one (needs_closure);
    // nullptr for any other plugin.
    ClosureHost* closure() const { return closure_.get(); }
    // One step on Arrays; any status but CGP_OK fails the check. At t = 1 it first fills the state
    // arrays as a training run does (zero, or the plugin's cgp.initial_state/1 declaration from the
    // current parameters), so every check starts where a run starts.
    template <class T>
    void step(std::uint64_t t, bool scalar, Arrays<T>& a) const;

private:
    const Plugin& plugin_;
    std::vector<double> hparams_;
    std::size_t state_count_ = 0;
    InitialState initial_;
    RunStateDeclaration run_state_;
    std::unique_ptr<ClosureHost> closure_;
};

// Normal values times `scale`.
template <class T>
void fill_normal(std::span<T> out, Rng& rng, double scale = 1.0);
// Gradient-like values of varied size: normal values, each times 10^u with u uniform in [-2, 1].
template <class T>
void fill_gradients(std::span<T> out, Rng& rng);

// Distance in ULP between two values: 0 when their bits are equal or both are NaN; UINT64_MAX when
// only one is NaN.
template <class T>
std::uint64_t ulp_distance(T a, T b);

// The first element of `a` and `b` (params and every state array) further apart than max_ulp, as
// "params[8] = 0.25 (SIMD) vs 0.2500001 (scalar), 1 ULP apart"; empty when there is none.
template <class T>
std::string first_difference(const Arrays<T>& a, const Arrays<T>& b, std::uint64_t max_ulp, std::string_view a_name,
                             std::string_view b_name);

// max_i |a_i - b_i| / max_i |b_i|; 0 when both are all zero, infinity when anything is not finite.
double normwise_error(std::span<const double> a, std::span<const double> b);

// Hyperparameters as "lr=0.01 momentum=0.9".
std::string format_hparams(const Plugin& plugin, std::span<const double> values);
// The defaults with one hyperparameter set to `value`; nullopt when the plugin has no such name.
std::optional<std::vector<double>> defaults_with(const Plugin& plugin, std::string_view name, double value);

// Runs body(set) for each set; a failure is reported with the set it happened with ("with lr=1e+06
// (its upper end) (lr=1000000 momentum=0.9): ..."), and so is a crash or hang (ProgressContext).
template <class Body>
void for_each_set(const Plugin& plugin, const std::vector<HparamSet>& sets, Body&& body)
{
    for (const HparamSet& set : sets) {
        const std::string with = set.label == "the defaults" || set.label.starts_with("random")
                                     ? fmt::format("with {}", set.label)
                                     : fmt::format("with {} ({})", set.label, format_hparams(plugin, set.values));
        const ProgressContext context(with); // a crash or hang names the set too
        try {
            body(set);
        } catch (const std::exception& e) {
            throw CheckFailure(fmt::format("{}: {}", with, e.what()));
        }
    }
}

// Bytes in one SIMD block of the named code path ("avx512f" 64, "avx2" and "avx" 32, "sse*" and
// "neon" 16), 0 when the name is not known.
std::size_t simd_block_bytes(std::string_view path);

// A number for a report: shortest form that reads back as the same value.
template <class T>
std::string num(T value)
{
    return fmt::format("{}", value);
}

} // namespace cgp::conformance
