// rmsprop.so: RMSprop (Tieleman & Hinton 2012) as torch.optim.RMSprop, with every option.
//
//   d = maximize ? -g : g;  d <- d + weight_decay * p     (coupled L2 decay; state starts at 0)
//   v <- alpha * v + (1 - alpha) * d^2
//   centered = 1: a <- alpha * a + (1 - alpha) * d;  q = sqrt(v - a^2) + eps
//   centered = 0: q = sqrt(v) + eps
//   momentum > 0: b <- momentum * b + d / q;  p <- p - lr * b
//   momentum = 0: p <- p - lr * d / q
//
// Hyperparameters: lr 1e-2, alpha 0.99, eps 1e-8, weight_decay 0, momentum 0, centered 0, maximize 0.
// State: v, then b when momentum > 0, then a when centered (torch's square_avg, momentum_buffer,
// grad_avg).
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct RmsProp {
    static constexpr cgp::sdk::info info{"rmsprop", "RMSprop", "1.0.0",
                                         "RMSprop: v = alpha*v + (1-alpha)*g^2; p -= lr*g/(sqrt(v)+eps)", "rmsprop"};
    enum { lr, alpha, eps, weight_decay, momentum, centered, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-2, 0.0, 1e6, 0},
        {"alpha", "decay of the mean square v", 0.99, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 0.0, 1.0, 0},
        {"weight_decay", "coupled L2 weight decay: g += weight_decay * p", 0.0, 0.0, 1e3, 0},
        {"momentum", "momentum of the buffer b (0: no buffer)", 0.0, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"centered", "1: divide by the standard deviation, sqrt(v - a^2), a the mean gradient", 0.0, 0.0, 1.0,
         CGP_HPARAM_INTEGER},
        {"maximize", "1: climb the objective (step along +g)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 3;
    static std::uint32_t state_count(const double* hp)
    {
        return 1u + (hp[momentum] > 0.0 ? 1u : 0u) + (hp[centered] != 0.0 ? 1u : 0u);
    }

    template <class T>
    struct constants {
        T lr, neg_lr, alpha, one_minus_alpha, eps, weight_decay, momentum;
        unsigned buffer, mean; // state indices of b (1) and a (1 or 2); 0: not kept
        bool maximize;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        const unsigned buffer = hp[momentum] > 0.0 ? 1u : 0u;
        const unsigned mean = hp[centered] != 0.0 ? buffer + 1u : 0u;
        return {static_cast<T>(hp[lr]),
                static_cast<T>(-hp[lr]),
                static_cast<T>(hp[alpha]),
                static_cast<T>(1.0 - hp[alpha]),
                static_cast<T>(hp[eps]),
                static_cast<T>(hp[weight_decay]),
                static_cast<T>(hp[momentum]),
                buffer,
                mean,
                hp[maximize] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& v = s[0];
        const V d = cgp::plugins::torch_gradient(g, p, c.maximize, c.weight_decay);
        v = v * V(c.alpha) + V(c.one_minus_alpha) * d * d;
        V q;
        if (c.mean != 0) {
            V& a = c.buffer != 0 ? s[2] : s[1]; // after b when b is kept
            a = a * V(c.alpha) + V(c.one_minus_alpha) * d;
            q = sqrt(v - a * a) + V(c.eps);
        } else {
            q = sqrt(v) + V(c.eps);
        }
        if (c.buffer != 0) {
            V& b = s[1];
            b = b * V(c.momentum) + d / q;
            p = p - V(c.lr) * b;
        } else {
            p = p + V(c.neg_lr) * d / q;
        }
    }
};

CGP_REGISTER_OPTIMIZER(RmsProp)
