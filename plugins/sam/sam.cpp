// sam.so: Sharpness-Aware Minimization (Foret et al. 2021) over SGD with momentum, as the authors'
// PyTorch SAM (davda54/sam) wrapping torch.optim.SGD: the gradient is taken again at the worst point
// p + e of a rho-ball around p (perturbation.hpp), and SGD steps p with that gradient. Two plugins,
// this one and sam_adam, rather than one with a base switch: each has only the hyperparameters its
// update reads (cgp-conformance's hparam_defaults holds every one to changing the result), and the
// ascent step they share is one header. Needs the host's closure (cgp.closure/1): two evaluations of
// the batch per step (the host's own at p, and one at p + e).
//
// Per step (t = 1, 2, ...; b starts at 0):
//   g' = the gradient of the batch loss at p + e,  e = rho / (||a * g|| + 1e-12) * a^2 * g
//        (a = |p| when adaptive, ASAM; else 1)
//   b <- g' at t = 1, else momentum * b + g'          (torch.optim.SGD, dampening 0)
//   p <- p - lr * b
// Hyperparameters: lr 0.01, rho 0.01, adaptive 0, momentum 0.
#include "perturbation.hpp"

#include <cstdint>

struct Sam {
    static constexpr cgp::sdk::info info{"sam", "SAM (SGD)", "1.0.0",
                                         "sharpness-aware minimization over SGD with momentum (Foret 2021)"};
    enum { lr, rho, adaptive, momentum, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate of SGD", 0.01, 0.0, 10.0, 0},
        {"rho", "radius of the neighbourhood whose worst point the gradient is taken at", 0.01, 0.0, 10.0, 0},
        {"adaptive", "1: ASAM, the neighbourhood scaled by |p| per element", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
        {"momentum", "SGD's momentum factor", 0.0, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
    };
    static constexpr unsigned max_state = 1;
    enum { b };

    template <class T>
    static void step(const cgp::sdk::closure_step<T>& s)
    {
        const T* g = sam::gradient_at_the_worst_point(s, s.hp[rho], s.hp[adaptive] != 0.0);
        const T rate = static_cast<T>(s.hp[lr]), mu = static_cast<T>(s.hp[momentum]);
        T* buf = s.s[b];
        for (std::size_t i = 0; i < s.n; ++i) {
            buf[i] = s.t == 1 ? g[i] : mu * buf[i] + g[i];
            s.p[i] = s.p[i] - rate * buf[i];
        }
    }
};

CGP_REGISTER_CLOSURE_OPTIMIZER(Sam)
