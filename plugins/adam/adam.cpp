// adam.so: Adam (Kingma & Ba 2015) as torch.optim.Adam, with the course handout's form as an option.
//
//   d = maximize ? -g : g;  d <- d + weight_decay * p   (coupled L2 decay; t = 1, 2, ...; state starts at 0)
//   m <- b1 * m + (1 - b1) * d
//   v <- b2 * v + (1 - b2) * d^2
//   u = amsgrad ? (w <- max(w, v)) : v                  (AMSGrad keeps the largest v seen, w)
//   p <- p - (lr / (1 - b1^t)) * m / (sqrt(u) / sqrt(1 - b2^t) + eps)   eps_inside_sqrt = 0 (torch.optim.Adam)
//   p <- p - (lr / (1 - b1^t)) * m / sqrt(u / (1 - b2^t) + eps)         eps_inside_sqrt = 1 (CGP's HW3 handout)
//
// Hyperparameters: lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, eps_inside_sqrt 0, amsgrad 0,
// weight_decay 0, maximize 0. State: m, v, and w with amsgrad. The bias corrections are computed once
// per step in double with pow(beta, t), and every product and quotient is rounded in torch's order
// (addcmul: (c*a)*b, addcdiv: (c*a)/b), so f64 runs follow torch.optim.Adam to the last bits
// (one_minus_pow skips pow only where 1 - beta^t is provably 1). With a constant gradient g, every
// step moves p by lr * g / (|g| + eps) in real arithmetic.
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>
#include <cgp/sdk/powers.hpp>

#include <cmath>
#include <cstdint>

struct Adam {
    static constexpr cgp::sdk::info info{"adam", "Adam", "1.0.0",
                                         "Adam with bias correction (PyTorch form; handout form as an option)", "adam"};
    enum { lr, beta1, beta2, eps, eps_inside_sqrt, amsgrad, weight_decay, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-3, 0.0, 1e6, 0},
        {"beta1", "decay of the first moment m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the second moment v", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 0.0, 1.0, 0},
        {"eps_inside_sqrt", "1: divide by sqrt(v^ + eps) (course handout) instead of sqrt(v^) + eps", 0.0, 0.0, 1.0,
         CGP_HPARAM_INTEGER},
        {"amsgrad", "1: AMSGrad, divide by the largest v seen", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
        {"weight_decay", "coupled L2 weight decay: g += weight_decay * p", 0.0, 0.0, 1e3, 0},
        {"maximize", "1: climb the objective (step along +g)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 3;
    static std::uint32_t state_count(const double* hp) { return hp[amsgrad] != 0.0 ? 3 : 2; }

    template <class T>
    struct constants {
        T b1, one_minus_b1, b2, one_minus_b2;
        T neg_step_size; // -lr / (1 - b1^t)
        T sqrt_bc2;      // sqrt(1 - b2^t)
        T bc2;           // 1 - b2^t
        T eps, weight_decay;
        bool inside, amsgrad, maximize;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double bc1 = cgp::sdk::one_minus_pow(hp[beta1], t);
        const double bc2 = cgp::sdk::one_minus_pow(hp[beta2], t);
        return {static_cast<T>(hp[beta1]),
                static_cast<T>(1.0 - hp[beta1]),
                static_cast<T>(hp[beta2]),
                static_cast<T>(1.0 - hp[beta2]),
                static_cast<T>(-(hp[lr] / bc1)),
                static_cast<T>(std::sqrt(bc2)),
                static_cast<T>(bc2),
                static_cast<T>(hp[eps]),
                static_cast<T>(hp[weight_decay]),
                hp[eps_inside_sqrt] != 0.0,
                hp[amsgrad] != 0.0,
                hp[maximize] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = s[0];
        V& v = s[1];
        const V d = cgp::plugins::torch_gradient(g, p, c.maximize, c.weight_decay);
        cgp::plugins::torch_moments(m, v, d, c);
        if (c.amsgrad)
            s[2] = max(s[2], v);
        const V& u = c.amsgrad ? s[2] : v;
        const V denom = c.inside ? sqrt(u / V(c.bc2) + V(c.eps)) : sqrt(u) / V(c.sqrt_bc2) + V(c.eps);
        p = p + V(c.neg_step_size) * m / denom;
    }
};

CGP_REGISTER_OPTIMIZER(Adam)
