// sgd.so: plain stochastic gradient descent.
//
//   p <- p - lr * g
//
// Hyperparameters: lr (default 0.01). No state. This is torch.optim.SGD with momentum 0 and
// weight_decay 0. Biases are parameters like any other.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct Sgd {
    static constexpr cgp::sdk::info info{"sgd", "SGD", "1.0.0", "plain gradient descent: p -= lr*g", "sgd"};
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 0.01, 0.0, 1e6, 0},
    };
    static constexpr unsigned max_state = 0;

    template <class T>
    struct constants {
        T lr;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[lr])};
    }

    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p - V(c.lr) * g;
    }
};

CGP_REGISTER_OPTIMIZER(Sgd)
