// asgd.so: averaged SGD (Polyak & Juditsky 1992; Bottou's decaying step) as torch.optim.ASGD.
//
//   d = maximize ? -g : g;  d <- d + weight_decay * p     (coupled L2 decay; t = 1, 2, ...)
//   eta_t = lr / (1 + lambd * lr * (t - 1))^alpha           (eta_1 = lr)
//   mu_t  = 1 / max(1, t - 1 - t0)                          (mu_1 = 1)
//   p <- p * (1 - lambd * eta_t)
//   p <- p - eta_t * d
//   a <- mu_t = 1 ? p : a + (p - a) * mu_t                  (the running average of the iterates)
//
// Hyperparameters: lr 1e-2, lambd 1e-4, alpha 0.75, t0 1e6, weight_decay 0, maximize 0. State: a
// (torch's ax). Torch keeps eta and mu as per-step values computed from the previous step number;
// they depend on t only, so prepare() computes them in closed form. torch's default t0 of 1e6 starts
// the averaging after a million steps (pass --t0 0 to average from the start). The decay term moves
// the parameters with a zero gradient (p *= 1 - lambd * eta), as torch's does.
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

struct Asgd {
    static constexpr cgp::sdk::info info{"asgd", "ASGD", "1.0.0",
                                         "averaged SGD with a decaying step; the average is kept as state", "asgd"};
    enum { lr, lambd, alpha, t0, weight_decay, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-2, 0.0, 1e6, 0},
        {"lambd", "decay term: p *= 1 - lambd * eta, and eta = lr / (1 + lambd*lr*(t-1))^alpha", 1e-4, 0.0, 1e3, 0},
        {"alpha", "power of the step-size decay", 0.75, 0.0, 1e3, 0},
        {"t0", "averaging starts after step t0 + 1", 1e6, 0.0, 1e15, 0},
        {"weight_decay", "coupled L2 weight decay: g += weight_decay * p", 0.0, 0.0, 1e3, 0},
        {"maximize", "1: climb the objective (step along +g)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 1;

    template <class T>
    struct constants {
        T decay, neg_eta, mu, weight_decay;
        bool copy, maximize; // copy: mu_t = 1
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double before = static_cast<double>(t) - 1.0; // the step number torch's eta and mu come from
        const double eta = t <= 1 ? hp[lr] : hp[lr] / std::pow(1.0 + hp[lambd] * hp[lr] * before, hp[alpha]);
        const double mu = t <= 1 ? 1.0 : 1.0 / std::max(1.0, before - hp[t0]);
        return {static_cast<T>(1.0 - hp[lambd] * eta),
                static_cast<T>(-eta),
                static_cast<T>(mu),
                static_cast<T>(hp[weight_decay]),
                mu == 1.0,
                hp[maximize] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        V& a = s[0];
        const V d = cgp::plugins::torch_gradient(g, p, c.maximize, c.weight_decay);
        p = p * V(c.decay);
        p = p + V(c.neg_eta) * d;
        a = c.copy ? p : V(a + (p - a) * V(c.mu));
    }
};

CGP_REGISTER_OPTIMIZER(Asgd)
