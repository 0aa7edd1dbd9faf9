// rmsprop.so: RMSprop (Tieleman & Hinton 2012) in PyTorch's form: torch.optim.RMSprop without
// momentum, centering or weight decay. A cgp optimizer plugin built outside cgp's source tree.
//
//   v <- alpha * v + (1 - alpha) * g^2          (v starts at 0)
//   p <- p - lr * g / (sqrt(v) + eps)
//
// Hyperparameters: lr 1e-2, alpha 0.99, eps 1e-8. State: v. There is no bias correction, so the
// first step moves p by about lr / sqrt(1 - alpha) = 10 * lr against the sign of g.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct RmsProp {
    static constexpr cgp::sdk::info info{"rmsprop", "RMSprop", "0.1.0",
                                         "RMSprop: v = alpha*v + (1-alpha)*g^2; p -= lr*g/(sqrt(v)+eps)"};
    enum { lr, alpha, eps, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-2, 0.0, 1e6, 0},
        {"alpha", "decay of the mean square v", 0.99, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 0.0, 1.0, 0},
    };
    static constexpr unsigned max_state = 1;

    // Per-step values, converted once to the step's type T.
    template <class T>
    struct constants {
        T lr, alpha, one_minus_alpha, eps;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t /*t*/)
    {
        return {static_cast<T>(hp[lr]), static_cast<T>(hp[alpha]), static_cast<T>(1.0 - hp[alpha]),
                static_cast<T>(hp[eps])};
    }

    // The update of one element (V = float/double) or one SIMD batch (V = xsimd::batch).
    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& state, const C& c)
    {
        using namespace cgp::sdk::math;
        V& v = state[0];
        v = V(c.alpha) * v + V(c.one_minus_alpha) * (g * g);
        p = p - V(c.lr) * g / (sqrt(v) + V(c.eps));
    }
};

CGP_REGISTER_OPTIMIZER(RmsProp)
