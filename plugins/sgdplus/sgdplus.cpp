// sgdplus.so: SGD with momentum ("SGD+"), torch.optim.SGD with all its options.
//
//   d = maximize ? -g : g;  d <- d + weight_decay * p     (coupled weight decay)
//   b <- d                                   at t = 1 (torch copies d into the buffer), or when mu = 0
//   b <- mu * b + (1 - dampening) * d        at t > 1
//   p <- p - lr * (d + mu * b)               nesterov = 1
//   p <- p - lr * b                          nesterov = 0
//
// Hyperparameters: lr 0.01, momentum mu in [0, 1) 0.9, dampening 0, nesterov 0, weight_decay 0,
// maximize 0. State: b. Nesterov needs mu > 0 and dampening 0 (torch refuses it otherwise). With the
// defaults and a constant gradient, b_t = g (1 - mu^t) / (1 - mu).
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>

#include <cstdint>
#include <string>

struct SgdPlus {
    static constexpr cgp::sdk::info info{"sgdplus", "SGD+ (momentum)", "1.0.0",
                                         "SGD with momentum: v = mu*v + g; p -= lr*v", "sgd-momentum"};
    enum { lr, momentum, dampening, nesterov, weight_decay, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 0.01, 0.0, 1e6, 0},
        {"momentum", "momentum factor mu", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"dampening", "the buffer adds (1 - dampening) * g from step 2 on", 0.0, 0.0, 1.0, 0},
        {"nesterov", "1: Nesterov momentum, p -= lr * (g + mu * v)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
        {"weight_decay", "coupled L2 weight decay: g += weight_decay * p", 0.0, 0.0, 1e3, 0},
        {"maximize", "1: climb the objective (step along +g)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 1;

    static std::string validate(const double* hp)
    {
        if (hp[nesterov] != 0.0 && (hp[momentum] <= 0.0 || hp[dampening] != 0.0))
            return "nesterov = 1 needs momentum > 0 and dampening = 0 (as torch.optim.SGD)";
        return "";
    }

    template <class T>
    struct constants {
        T lr, mu, keep; // keep = 1 - dampening
        T weight_decay;
        bool first; // the buffer takes d itself
        bool nesterov, maximize;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        return {static_cast<T>(hp[lr]),
                static_cast<T>(hp[momentum]),
                static_cast<T>(1.0 - hp[dampening]),
                static_cast<T>(hp[weight_decay]),
                t <= 1 || hp[momentum] == 0.0,
                hp[nesterov] != 0.0,
                hp[maximize] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        V& b = s[0];
        const V d = cgp::plugins::torch_gradient(g, p, c.maximize, c.weight_decay);
        b = c.first ? d : V(b * V(c.mu) + V(c.keep) * d);
        p = p - V(c.lr) * (c.nesterov ? V(d + V(c.mu) * b) : b);
    }
};

CGP_REGISTER_OPTIMIZER(SgdPlus)
