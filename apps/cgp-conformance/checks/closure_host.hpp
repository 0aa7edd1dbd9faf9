// closure_host.hpp: the closure (abi.h, cgp.closure/1) cgp-conformance serves a plugin that needs one.
// By default it is the local quadratic model around the step's own parameters p0 and gradients g0,
// loss(x) = g0.(x - p0) + c |x - p0|^2 / 2, gradient g0 + c (x - p0), with a gentle curvature c = 1/64
// (exact in binary; it keeps an f32 point's rounding, ulp(p), small beside the gradient): a pure
// function of the step's arguments, so every per-step check (SIMD = scalar, determinism, resume, f32
// against f64) holds for a correct plugin.
// A check may set an objective of its own (in double: the convergence problems). It counts the
// evaluations, and the calls made outside a step, which it refuses.
#pragma once

#include <cgp/sdk/abi.h>
#include <cgp/tape/aligned.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>

namespace cgp::conformance {

class ClosureHost {
public:
    using Objective = std::function<double(std::span<const double> x, std::span<double> g)>;
    // Elements a step may have: beyond the longest length a check steps (its buffers are made once).
    static constexpr std::size_t kCapacity = std::size_t{1} << 19;

    ClosureHost();
    ClosureHost(const ClosureHost&) = delete;
    ClosureHost& operator=(const ClosureHost&) = delete;

    // The struct to offer a step over n elements of T from params and grads (nullptr when n is over
    // kCapacity); it answers evaluations until end(). Does not allocate.
    template <class T>
    const cgp_closure_ext* begin(const T* params, const T* grads, std::size_t n) noexcept;
    void end() noexcept { active_ = false; }

    void set_objective(Objective objective) { objective_ = std::move(objective); }
    std::uint64_t evaluations() const noexcept { return evaluations_; } // in every step so far
    std::uint64_t outside() const noexcept { return outside_; }         // calls outside a step (refused)

private:
    static int evaluate(const cgp_closure_ext* self, double* loss, char* msg, std::size_t msg_size) noexcept;
    template <class T>
    double local_model() noexcept;
    struct Slot {
        cgp_closure_ext ext; // first member: evaluate's self is the slot
        ClosureHost* host;
    } slot_;
    AlignedArray<double> point_, gradient_, origin_; // room for kCapacity doubles (or floats)
    const void* grads_ = nullptr;
    std::size_t n_ = 0;
    bool is_double_ = false, active_ = false;
    std::uint64_t evaluations_ = 0, outside_ = 0;
    Objective objective_;
};

} // namespace cgp::conformance
