// lamb.so: LAMB (You et al. 2020, "Large Batch Optimization for Deep Learning") as optax.lamb: Adam's
// direction plus weight decay, scaled per tensor by the trust ratio ||p|| / ||u||.
//
// Per tensor (cgp.tensors/1; t = 1, 2, ...; m and v start at 0):
//   m <- b1 * m + (1 - b1) * g
//   v <- b2 * v + (1 - b2) * g^2
//   u = (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps) + weight_decay * p
//   r = ||p|| / ||u||, or 1 when either norm is 0       (optax.scale_by_trust_ratio)
//   p <- p - lr * r * u
// The norms are sums of squares in double over the tensor, p being the parameters the step starts
// from. Hyperparameters: lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-6, weight_decay 0 (optax's defaults).
#include <cgp/sdk/tensor_optimizer.hpp>

#include <cmath>
#include <cstdint>

struct Lamb {
    static constexpr cgp::sdk::info info{"lamb", "LAMB", "1.0.0",
                                         "Adam direction with per-tensor trust ratio ||p||/||u|| (optax.lamb)", "lamb"};
    enum { lr, beta1, beta2, eps, weight_decay, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate: each step moves a tensor by at most lr * ||p||", 1e-3, 0.0, 10.0, 0},
        {"beta1", "decay of the first moment m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the second moment v", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-6, 0.0, 1.0, 0},
        {"weight_decay", "decoupled decay added to the direction: u += weight_decay * p", 0.0, 0.0, 1e3, 0},
    };
    static constexpr unsigned max_state = 2;

    // The direction u of element i, from the moments already updated.
    template <class T>
    static T direction(T m, T v, T p, T bc1, T bc2, T eps, T wd)
    {
        return (m / bc1) / (std::sqrt(v / bc2) + eps) + wd * p;
    }

    template <class T>
    static void step(const cgp::sdk::tensor_step<T>& s)
    {
        const double* hp = s.hp;
        const T b1 = static_cast<T>(hp[beta1]), b2 = static_cast<T>(hp[beta2]);
        const T one_minus_b1 = static_cast<T>(1.0 - hp[beta1]), one_minus_b2 = static_cast<T>(1.0 - hp[beta2]);
        const T bc1 = static_cast<T>(1.0 - std::pow(hp[beta1], static_cast<double>(s.t)));
        const T bc2 = static_cast<T>(1.0 - std::pow(hp[beta2], static_cast<double>(s.t)));
        const T e = static_cast<T>(hp[eps]), wd = static_cast<T>(hp[weight_decay]);
        T* m = s.s[0];
        T* v = s.s[1];
        double p_norm = 0.0, u_norm = 0.0;
        for (std::size_t i = 0; i < s.n; ++i) {
            m[i] = b1 * m[i] + one_minus_b1 * s.g[i];
            v[i] = b2 * v[i] + one_minus_b2 * (s.g[i] * s.g[i]);
            const double u = direction(m[i], v[i], s.p[i], bc1, bc2, e, wd);
            p_norm += static_cast<double>(s.p[i]) * static_cast<double>(s.p[i]);
            u_norm += u * u;
        }
        const double ratio = p_norm > 0.0 && u_norm > 0.0 ? std::sqrt(p_norm) / std::sqrt(u_norm) : 1.0;
        const T scale = static_cast<T>(hp[lr] * ratio);
        for (std::size_t i = 0; i < s.n; ++i)
            s.p[i] = s.p[i] - scale * direction(m[i], v[i], s.p[i], bc1, bc2, e, wd);
    }
};

CGP_REGISTER_TENSOR_OPTIMIZER(Lamb)
