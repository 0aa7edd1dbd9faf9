// lion.so: Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), in the form of the
// paper's program and of optax.lion / lion-pytorch: a signed interpolated momentum step.
//
//   c = b1 * m + (1 - b1) * g                       (m starts at 0)
//   p <- p * (1 - lr * weight_decay)                (decoupled weight decay)
//   p <- p - lr * sign(c)
//   m <- b2 * m + (1 - b2) * g
//
// Hyperparameters: lr 1e-4, beta1 0.9, beta2 0.99, weight_decay 0 (the paper and lion-pytorch; optax
// defaults to 1e-3). State: m. Every element moves by exactly lr (or 0) per step when weight_decay = 0.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct Lion {
    static constexpr cgp::sdk::info info{"lion", "Lion", "1.0.0",
                                         "Lion: p -= lr * sign(b1*m + (1-b1)*g); m = b2*m + (1-b2)*g", "lion"};
    enum { lr, beta1, beta2, weight_decay, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate (the size of every step)", 1e-4, 0.0, 1e6, 0},
        {"beta1", "weight of m in the step direction", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the momentum m", 0.99, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"weight_decay", "decoupled weight decay: p *= 1 - lr * weight_decay", 0.0, 0.0, 1e3, 0},
    };
    static constexpr unsigned max_state = 1;

    template <class T>
    struct constants {
        T lr, decay, b1, one_minus_b1, b2, one_minus_b2;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[lr]),    static_cast<T>(1.0 - hp[lr] * hp[weight_decay]),
                static_cast<T>(hp[beta1]), static_cast<T>(1.0 - hp[beta1]),
                static_cast<T>(hp[beta2]), static_cast<T>(1.0 - hp[beta2])};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = s[0];
        const V direction = sign(V(c.b1) * m + V(c.one_minus_b1) * g);
        p = p * V(c.decay);
        p = p - V(c.lr) * direction;
        m = V(c.b2) * m + V(c.one_minus_b2) * g;
    }
};

CGP_REGISTER_OPTIMIZER(Lion)
