// radam.so: RAdam (Liu et al. 2020) as torch.optim.RAdam: Adam whose adaptive step is switched on,
// and scaled by a rectification term, once the variance of v can be estimated.
//
//   d = g + weight_decay * p                            (coupled L2 decay; t = 1, 2, ...; state starts at 0)
//   m <- b1 * m + (1 - b1) * d
//   v <- b2 * v + (1 - b2) * d^2
//   rho_inf = 2 / (1 - b2) - 1,  rho_t = rho_inf - 2 t b2^t / (1 - b2^t)
//   rho_t > 5:  r = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t))
//               p <- p - (m / (1 - b1^t)) * lr * (sqrt(1 - b2^t) / (sqrt(v) + eps)) * r
//   otherwise:  p <- p - (m / (1 - b1^t)) * lr                       (an SGD-with-momentum step)
//
// Hyperparameters: lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, weight_decay 0. State: m, v. Torch
// 1.13's RAdam has no maximize option, so neither has this plugin. With the defaults, rho_t > 5 from
// t = 6 on.
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>

#include <cmath>
#include <cstdint>

struct RAdam {
    static constexpr cgp::sdk::info info{"radam", "RAdam", "1.0.0",
                                         "rectified Adam: SGD with momentum until the variance of v is known", "radam"};
    enum { lr, beta1, beta2, eps, weight_decay, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-3, 0.0, 1e6, 0},
        {"beta1", "decay of the first moment m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the second moment v", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 0.0, 1.0, 0},
        {"weight_decay", "coupled L2 weight decay: g += weight_decay * p", 0.0, 0.0, 1e3, 0},
    };
    static constexpr unsigned max_state = 2;

    template <class T>
    struct constants {
        T b1, one_minus_b1, b2, one_minus_b2, bc1, lr, sqrt_bc2, eps, rect, weight_decay;
        bool adaptive; // rho_t > 5
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double tt = static_cast<double>(t);
        const double b2t = std::pow(hp[beta2], tt);
        const double bc1 = 1.0 - std::pow(hp[beta1], tt);
        const double bc2 = 1.0 - b2t;
        const double rho_inf = 2.0 / (1.0 - hp[beta2]) - 1.0;
        const double rho_t = rho_inf - 2.0 * tt * b2t / bc2;
        const bool adaptive = rho_t > 5.0;
        const double rect =
            adaptive ? std::sqrt((rho_t - 4.0) * (rho_t - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho_t))
                     : 0.0;
        return {static_cast<T>(hp[beta1]),
                static_cast<T>(1.0 - hp[beta1]),
                static_cast<T>(hp[beta2]),
                static_cast<T>(1.0 - hp[beta2]),
                static_cast<T>(bc1),
                static_cast<T>(hp[lr]),
                static_cast<T>(std::sqrt(bc2)),
                static_cast<T>(hp[eps]),
                static_cast<T>(rect),
                static_cast<T>(hp[weight_decay]),
                adaptive};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = s[0];
        V& v = s[1];
        const V d = cgp::plugins::torch_gradient(g, p, false, c.weight_decay);
        cgp::plugins::torch_moments(m, v, d, c);
        const V corrected = m / V(c.bc1) * V(c.lr);
        p = c.adaptive ? V(p - corrected * (V(c.sqrt_bc2) / (sqrt(v) + V(c.eps))) * V(c.rect)) : V(p - corrected);
    }
};

CGP_REGISTER_OPTIMIZER(RAdam)
