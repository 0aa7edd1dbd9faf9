// sgd.so: plain stochastic gradient descent, torch.optim.SGD with momentum 0.
//
//   d = maximize ? -g : g;  d <- d + weight_decay * p     (coupled weight decay, as torch.optim.SGD)
//   p <- p - lr * d
//
// Hyperparameters: lr 0.01, weight_decay 0, maximize 0. No state. Biases are parameters like any other.
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct Sgd {
    static constexpr cgp::sdk::info info{"sgd", "SGD", "1.0.0", "plain gradient descent: p -= lr*g", "sgd"};
    enum { lr, weight_decay, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 0.01, 0.0, 1e6, 0},
        {"weight_decay", "coupled L2 weight decay: g += weight_decay * p", 0.0, 0.0, 1e3, 0},
        {"maximize", "1: climb the objective (step along +g)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 0;

    template <class T>
    struct constants {
        T lr, weight_decay;
        bool maximize;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[lr]), static_cast<T>(hp[weight_decay]), hp[maximize] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        const V d = cgp::plugins::torch_gradient(g, p, c.maximize, c.weight_decay);
        p = p - V(c.lr) * d;
    }
};

CGP_REGISTER_OPTIMIZER(Sgd)
