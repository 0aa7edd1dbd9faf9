// adamw.so: AdamW (Loshchilov & Hutter 2019) as torch.optim.AdamW: Adam with decoupled weight decay.
//
//   d = maximize ? -g : g                                (t = 1, 2, ...; state starts at 0)
//   p <- p * (1 - lr * weight_decay)                     (decoupled: the decay does not enter m or v)
//   m <- b1 * m + (1 - b1) * d
//   v <- b2 * v + (1 - b2) * d^2
//   u = amsgrad ? (w <- max(w, v)) : v
//   p <- p - (lr / (1 - b1^t)) * m / (sqrt(u) / sqrt(1 - b2^t) + eps)
//
// Hyperparameters: lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, weight_decay 0.01 (torch's default),
// amsgrad 0, maximize 0. State: m, v, and w with amsgrad. Products and quotients are rounded in torch's order.
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>

#include <cmath>
#include <cstdint>

struct AdamW {
    static constexpr cgp::sdk::info info{
        "adamw", "AdamW", "1.0.0", "Adam with decoupled weight decay: p *= 1 - lr*wd, then the Adam step", "adamw"};
    enum { lr, beta1, beta2, eps, weight_decay, amsgrad, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-3, 0.0, 1e6, 0},
        {"beta1", "decay of the first moment m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the second moment v", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 0.0, 1.0, 0},
        {"weight_decay", "decoupled weight decay: p *= 1 - lr * weight_decay", 1e-2, 0.0, 1e3, 0},
        {"amsgrad", "1: AMSGrad, divide by the largest v seen", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
        {"maximize", "1: climb the objective (step along +g)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 3;
    static std::uint32_t state_count(const double* hp) { return hp[amsgrad] != 0.0 ? 3 : 2; }

    template <class T>
    struct constants {
        T decay; // 1 - lr * weight_decay
        T b1, one_minus_b1, b2, one_minus_b2, neg_step_size, sqrt_bc2, eps;
        bool amsgrad, maximize;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double bc1 = 1.0 - std::pow(hp[beta1], static_cast<double>(t));
        const double bc2 = 1.0 - std::pow(hp[beta2], static_cast<double>(t));
        return {static_cast<T>(1.0 - hp[lr] * hp[weight_decay]),
                static_cast<T>(hp[beta1]),
                static_cast<T>(1.0 - hp[beta1]),
                static_cast<T>(hp[beta2]),
                static_cast<T>(1.0 - hp[beta2]),
                static_cast<T>(-(hp[lr] / bc1)),
                static_cast<T>(std::sqrt(bc2)),
                static_cast<T>(hp[eps]),
                hp[amsgrad] != 0.0,
                hp[maximize] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = s[0];
        V& v = s[1];
        const V d = c.maximize ? V(-g) : g;
        p = p * V(c.decay);
        cgp::plugins::torch_moments(m, v, d, c);
        if (c.amsgrad)
            s[2] = max(s[2], v);
        const V& u = c.amsgrad ? s[2] : v;
        p = p + V(c.neg_step_size) * m / (sqrt(u) / V(c.sqrt_bc2) + V(c.eps));
    }
};

CGP_REGISTER_OPTIMIZER(AdamW)
