// adadelta.so: Adadelta (Zeiler 2012) as torch.optim.Adadelta.
//
//   d = maximize ? -g : g;  d <- d + weight_decay * p     (coupled L2 decay; state starts at 0)
//   v <- rho * v + (1 - rho) * d^2
//   delta = sqrt(u + eps) / sqrt(v + eps) * d
//   u <- rho * u + (1 - rho) * delta^2
//   p <- p - lr * delta
//
// Hyperparameters: lr 1.0, rho 0.9, eps 1e-6, weight_decay 0, maximize 0. State: v (torch's
// square_avg), u (acc_delta).
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct Adadelta {
    static constexpr cgp::sdk::info info{"adadelta", "Adadelta", "1.0.0",
                                         "Adadelta: steps of size sqrt(u + eps) / sqrt(v + eps) * g", "adadelta"};
    enum { lr, rho, eps, weight_decay, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "factor on the step delta", 1.0, 0.0, 1e6, 0},
        {"rho", "decay of the mean squares v and u", 0.9, 0.0, 1.0, 0},
        {"eps", "term added inside both square roots", 1e-6, 0.0, 1.0, 0},
        {"weight_decay", "coupled L2 weight decay: g += weight_decay * p", 0.0, 0.0, 1e3, 0},
        {"maximize", "1: climb the objective (step along +g)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 2;

    template <class T>
    struct constants {
        T lr, rho, one_minus_rho, eps, weight_decay;
        bool maximize;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[lr]),  static_cast<T>(hp[rho]),          static_cast<T>(1.0 - hp[rho]),
                static_cast<T>(hp[eps]), static_cast<T>(hp[weight_decay]), hp[maximize] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& v = s[0];
        V& u = s[1];
        const V d = cgp::plugins::torch_gradient(g, p, c.maximize, c.weight_decay);
        v = v * V(c.rho) + V(c.one_minus_rho) * d * d;
        const V delta = sqrt(u + V(c.eps)) / sqrt(v + V(c.eps)) * d;
        u = u * V(c.rho) + V(c.one_minus_rho) * delta * delta;
        p = p - V(c.lr) * delta;
    }
};

CGP_REGISTER_OPTIMIZER(Adadelta)
