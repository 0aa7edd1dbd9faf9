// sgdplus.so: SGD with momentum ("SGD+"), the form of CGP's course handout and of PyTorch.
//
//   v <- mu * v + g          (v starts at 0)
//   p <- p - lr * v
//
// Hyperparameters: lr (default 0.01), momentum mu in [0, 1) (default 0.9). State: v.
// This is torch.optim.SGD(momentum=mu, dampening=0, nesterov=False, weight_decay=0): PyTorch
// starts its buffer at g on step 1, which equals mu*0 + g. With a constant gradient,
// v_t = g (1 - mu^t) / (1 - mu). Biases get momentum like any other parameter.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct SgdPlus {
    static constexpr cgp::sdk::info info{"sgdplus", "SGD+ (momentum)", "1.0.0",
                                         "SGD with momentum: v = mu*v + g; p -= lr*v", "sgd-momentum"};
    enum { lr, momentum, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 0.01, 0.0, 1e6, 0},
        {"momentum", "momentum factor mu", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
    };
    static constexpr unsigned max_state = 1;

    template <class T>
    struct constants {
        T lr, mu;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[lr]), static_cast<T>(hp[momentum])};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        V& v = s[0];
        v = V(c.mu) * v + g;
        p = p - V(c.lr) * v;
    }
};

CGP_REGISTER_OPTIMIZER(SgdPlus)
