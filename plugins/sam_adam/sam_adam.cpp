// sam_adam.so: Sharpness-Aware Minimization (Foret et al. 2021) over Adam, as the authors' PyTorch SAM
// (davda54/sam) wrapping torch.optim.Adam: the gradient is taken again at the worst point p + e of a
// rho-ball around p (../sam/perturbation.hpp), and Adam steps p with that gradient. (Why two plugins:
// see sam.cpp.) Needs the host's closure (cgp.closure/1): two evaluations of the batch per step.
//
// Per step (t = 1, 2, ...; m and v start at 0):
//   g' = the gradient of the batch loss at p + e,  e = rho / (||a * g|| + 1e-12) * a^2 * g
//        (a = |p| when adaptive, ASAM; else 1)
//   m <- beta1 m + (1 - beta1) g';   v <- beta2 v + (1 - beta2) g'^2
//   p <- p - (lr / (1 - beta1^t)) * (m / (sqrt(v) / sqrt(1 - beta2^t) + eps))      (torch.optim.Adam)
// Hyperparameters: lr 0.001, rho 0.01, adaptive 0, beta1 0.9, beta2 0.999, eps 1e-8.
#include "../sam/perturbation.hpp"

#include <cmath>
#include <cstdint>

struct SamAdam {
    static constexpr cgp::sdk::info info{"sam_adam", "SAM (Adam)", "1.0.0",
                                         "sharpness-aware minimization over Adam (Foret 2021)"};
    enum { lr, rho, adaptive, beta1, beta2, eps, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate of Adam", 0.001, 0.0, 10.0, 0},
        {"rho", "radius of the neighbourhood whose worst point the gradient is taken at", 0.01, 0.0, 10.0, 0},
        {"adaptive", "1: ASAM, the neighbourhood scaled by |p| per element", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
        {"beta1", "decay of the first moment m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the second moment v", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 0.0, 1.0, CGP_HPARAM_MIN_EXCLUSIVE},
    };
    static constexpr unsigned max_state = 2;
    enum { m, v };

    template <class T>
    static void step(const cgp::sdk::closure_step<T>& s)
    {
        const double* hp = s.hp;
        const T* g = sam::gradient_at_the_worst_point(s, hp[rho], hp[adaptive] != 0.0);
        const double t = static_cast<double>(s.t);
        const T b1 = static_cast<T>(hp[beta1]), b2 = static_cast<T>(hp[beta2]);
        const T one_minus_b1 = static_cast<T>(1.0 - hp[beta1]), one_minus_b2 = static_cast<T>(1.0 - hp[beta2]);
        const T step_size = static_cast<T>(hp[lr] / (1.0 - std::pow(hp[beta1], t)));
        const T sqrt_bc2 = static_cast<T>(std::sqrt(1.0 - std::pow(hp[beta2], t))), e = static_cast<T>(hp[eps]);
        T* ms = s.s[m];
        T* vs = s.s[v];
        for (std::size_t i = 0; i < s.n; ++i) {
            ms[i] = b1 * ms[i] + one_minus_b1 * g[i];
            vs[i] = b2 * vs[i] + one_minus_b2 * (g[i] * g[i]);
            s.p[i] = s.p[i] - step_size * (ms[i] / (std::sqrt(vs[i]) / sqrt_bc2 + e));
        }
    }
};

CGP_REGISTER_CLOSURE_OPTIMIZER(SamAdam)
