// closure_host.hpp: the closure (abi.h, cgp.closure/1) cgp-conformance serves a plugin that needs one.
// By default it is a local quadratic model around the step's own parameters p0 and gradients g0,
// loss(x) = sum_i g0_i (x_i - p0_i) + c_i (x_i - p0_i)^2 / 2, gradient g0 + c (x - p0), with gentle
// curvatures c_i = (1 + i mod 4) / 64 (exact in binary; they keep an f32 point's rounding, ulp(p),
// small beside the gradient, and their spread makes a quasi-Newton method iterate), computed in double
// and rounded once to the step's type: a pure function of the step's arguments, so every per-step
// check (SIMD = scalar, determinism, resume, f32 against f64) holds for a correct plugin.
// A check may set an objective of its own (in double, for either type: the convergence problems, the
// descent check's quadratic). It counts the evaluations, and the calls made outside a step, which it
// refuses. The loss at the step's own parameters (0 for the local model) is what the step's
// cgp.step_context/1 offers, as a training run's host offers the batch loss beside its gradients;
// computing it is no evaluation.
#pragma once

#include <cgp/sdk/abi.h>
#include <cgp/tape/aligned.hpp>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

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
    // The loss at the parameters of the step begin() started (the objective's, or the local model's 0).
    double origin_loss() const noexcept { return origin_loss_; }

    // Evaluations answer `objective` from now on (allocates its f32 buffers: call it outside a step).
    void set_objective(Objective objective);
    std::uint64_t evaluations() const noexcept { return evaluations_; } // in every step so far
    std::uint64_t outside() const noexcept { return outside_; }         // calls outside a step (refused)

private:
    static int evaluate(const cgp_closure_ext* self, double* loss, char* msg, std::size_t msg_size) noexcept;
    template <class T>
    double local_model() noexcept;
    template <class T>
    double objective_at(const T* x, T* g); // the objective at x (n_ elements), g its gradient
    struct Slot {
        cgp_closure_ext ext; // first member: evaluate's self is the slot
        ClosureHost* host;
    } slot_;
    AlignedArray<double> point_, gradient_, origin_; // room for kCapacity doubles (or floats)
    std::vector<double> x64_, g64_;                  // an f32 point and gradient in double (objective)
    const void* grads_ = nullptr;
    std::size_t n_ = 0;
    bool is_double_ = false, active_ = false;
    double origin_loss_ = 0.0;
    std::uint64_t evaluations_ = 0, outside_ = 0;
    Objective objective_;
};

} // namespace cgp::conformance
