// adam.so: Adam (Kingma & Ba 2015), in PyTorch's form, with the course handout's form as an option.
//
//   m <- b1 * m + (1 - b1) * g                       (m, v start at 0; t = 1, 2, ...)
//   v <- b2 * v + (1 - b2) * g^2
//   m^ = m / (1 - b1^t),  v^ = v / (1 - b2^t)
//   p <- p - lr * m^ / (sqrt(v^) + eps)              eps_inside_sqrt = 0 (default, torch.optim.Adam)
//   p <- p - lr * m^ / sqrt(v^ + eps)                eps_inside_sqrt = 1 (CGP's HW3 handout)
//
// Hyperparameters: lr 1e-3, beta1 0.9, beta2 0.999, eps 1e-8, eps_inside_sqrt 0. State: m, v.
// The bias corrections are computed once per step in double precision with pow(beta, t), like
// PyTorch. With a constant gradient g, m^ = g and v^ = g^2 exactly in real arithmetic, so every step
// moves p by lr * g / (|g| + eps). With g = 0 the parameters never move.
#include <cgp/sdk/optimizer.hpp>

#include <cmath>
#include <cstdint>

struct Adam {
    static constexpr cgp::sdk::info info{"adam", "Adam", "1.0.0",
                                         "Adam with bias correction (PyTorch form; handout form as an option)",
                                         "adam"};
    enum { lr, beta1, beta2, eps, eps_inside_sqrt, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-3, 0.0, 1e6, 0},
        {"beta1", "decay of the first moment m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the second moment v", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 0.0, 1.0, 0},
        {"eps_inside_sqrt", "1: divide by sqrt(v^ + eps) (course handout) instead of sqrt(v^) + eps",
         0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 2;

    template <class T>
    struct constants {
        T b1, one_minus_b1, b2, one_minus_b2;
        T step_size;       // lr / (1 - b1^t)
        T sqrt_bc2;        // sqrt(1 - b2^t)
        T bc2;             // 1 - b2^t
        T eps;
        bool inside;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double bc1 = 1.0 - std::pow(hp[beta1], static_cast<double>(t));
        const double bc2 = 1.0 - std::pow(hp[beta2], static_cast<double>(t));
        return {static_cast<T>(hp[beta1]),       static_cast<T>(1.0 - hp[beta1]),
                static_cast<T>(hp[beta2]),       static_cast<T>(1.0 - hp[beta2]),
                static_cast<T>(hp[lr] / bc1),    static_cast<T>(std::sqrt(bc2)),
                static_cast<T>(bc2),       static_cast<T>(hp[eps]),
                hp[eps_inside_sqrt] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = s[0];
        V& v = s[1];
        m = V(c.b1) * m + V(c.one_minus_b1) * g;
        v = V(c.b2) * v + V(c.one_minus_b2) * (g * g);
        const V denom = c.inside ? sqrt(v / V(c.bc2) + V(c.eps)) : sqrt(v) / V(c.sqrt_bc2) + V(c.eps);
        p = p - V(c.step_size) * (m / denom);
    }
};

CGP_REGISTER_OPTIMIZER(Adam)
