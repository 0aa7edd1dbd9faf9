// adabelief.so: AdaBelief (Zhuang et al. 2020, "AdaBelief Optimizer: Adapting Stepsizes by the Belief
// in Observed Gradients"), the paper's Algorithm 2: Adam whose second moment s tracks the squared
// deviation of the gradient from its mean m (the "belief" in g), with eps added inside s. A cgp
// optimizer plugin built outside cgp's source tree.
//
//   m <- beta1 * m + (1 - beta1) * g                    (t = 1, 2, ...; m and s start at 0)
//   s <- beta2 * s + (1 - beta2) * (g - m)^2 + eps
//   p <- p - lr * (m / (1 - beta1^t)) / (sqrt(s / (1 - beta2^t)) + eps)
//
// Hyperparameters: lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-16 (the defaults of the authors'
// adabelief-pytorch 0.2). State: m, s. The bias corrections are computed once per step in double with
// pow(beta, t). Where the gradient is steady, g - m shrinks and the step grows towards lr * g /
// sqrt(eps / (1 - beta2)); where it jumps, s grows and the step shrinks.
#include <cgp/sdk/optimizer.hpp>

#include <cmath>
#include <cstdint>

struct AdaBelief {
    static constexpr cgp::sdk::info info{"adabelief", "AdaBelief", "0.1.0",
                                         "AdaBelief: Adam with s = beta2*s + (1-beta2)*(g-m)^2 + eps"};
    enum { lr, beta1, beta2, eps, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-3, 0.0, 1e6, 0},
        {"beta1", "decay of the mean m of the gradient", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of s, the mean squared deviation of the gradient from m", 0.999, 0.0, 1.0,
         CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to s every step and to the denominator", 1e-16, 1e-30, 1.0, 0},
    };
    static constexpr unsigned max_state = 2;

    // Per-step values, converted once to the step's type T.
    template <class T>
    struct constants {
        T b1, one_minus_b1, b2, one_minus_b2, eps;
        T step_size; // lr / (1 - beta1^t)
        T bc2;       // 1 - beta2^t
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double bc1 = 1.0 - std::pow(hp[beta1], static_cast<double>(t));
        const double bc2 = 1.0 - std::pow(hp[beta2], static_cast<double>(t));
        return {static_cast<T>(hp[beta1]), static_cast<T>(1.0 - hp[beta1]),
                static_cast<T>(hp[beta2]), static_cast<T>(1.0 - hp[beta2]),
                static_cast<T>(hp[eps]),   static_cast<T>(hp[lr] / bc1),
                static_cast<T>(bc2)};
    }

    // The update of one element (V = float/double) or one SIMD batch (V = xsimd::batch).
    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& state, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = state[0];
        V& s = state[1];
        m = V(c.b1) * m + V(c.one_minus_b1) * g;
        const V d = g - m;
        s = V(c.b2) * s + V(c.one_minus_b2) * (d * d) + V(c.eps);
        p = p - V(c.step_size) * m / (sqrt(s / V(c.bc2)) + V(c.eps));
    }
};

CGP_REGISTER_OPTIMIZER(AdaBelief)
