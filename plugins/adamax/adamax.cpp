// adamax.so: Adamax (Kingma & Ba 2015, section 7.1) as torch.optim.Adamax: Adam with an infinity norm.
//
//   d = maximize ? -g : g;  d <- d + weight_decay * p    (coupled L2 decay; t = 1, 2, ...; state starts at 0)
//   m <- b1 * m + (1 - b1) * d
//   u <- max(b2 * u, |d| + eps)
//   p <- p - (lr / (1 - b1^t)) * m / u
//
// Hyperparameters: lr 2e-3, beta1 0.9, beta2 0.999, eps 1e-8, weight_decay 0, maximize 0. State: m, u.
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>

#include <cmath>
#include <cstdint>

struct Adamax {
    static constexpr cgp::sdk::info info{"adamax", "Adamax", "1.0.0",
                                         "Adam with the infinity norm: u = max(b2*u, |g| + eps)", "adamax"};
    enum { lr, beta1, beta2, eps, weight_decay, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 2e-3, 0.0, 1e6, 0},
        {"beta1", "decay of the first moment m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the infinity norm u", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to |g| in the norm", 1e-8, 0.0, 1.0, 0},
        {"weight_decay", "coupled L2 weight decay: g += weight_decay * p", 0.0, 0.0, 1e3, 0},
        {"maximize", "1: climb the objective (step along +g)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 2;

    template <class T>
    struct constants {
        T b1, one_minus_b1, b2, eps, neg_clr, weight_decay;
        bool maximize;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double bc1 = 1.0 - std::pow(hp[beta1], static_cast<double>(t));
        return {static_cast<T>(hp[beta1]), static_cast<T>(1.0 - hp[beta1]), static_cast<T>(hp[beta2]),
                static_cast<T>(hp[eps]),   static_cast<T>(-(hp[lr] / bc1)), static_cast<T>(hp[weight_decay]),
                hp[maximize] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = s[0];
        V& u = s[1];
        const V d = cgp::plugins::torch_gradient(g, p, c.maximize, c.weight_decay);
        m = m * V(c.b1) + V(c.one_minus_b1) * d;
        u = max(u * V(c.b2), abs(d) + V(c.eps));
        p = p + V(c.neg_clr) * m / u;
    }
};

CGP_REGISTER_OPTIMIZER(Adamax)
