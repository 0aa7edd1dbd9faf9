// adagrad.so: Adagrad (Duchi, Hazan & Singer 2011) in PyTorch 1.13's form, torch.optim.Adagrad with
// every option it has for dense tensors.
//
//   g <- -g                                   maximize = 1
//   g <- g + weight_decay * p                 (coupled L2, as torch)
//   clr = lr / (1 + (t - 1) * lr_decay)       (in double, once per step)
//   sum <- sum + g^2                          sum starts at initial_accumulator_value
//   p <- p - clr * g / (sqrt(sum) + eps)
//
// Hyperparameters: lr 1e-2, lr_decay 0, weight_decay 0, initial_accumulator_value 0, eps 1e-10,
// maximize 0. State: sum. Its start value comes through "cgp.initial_state/1" (initial_state()
// below), so no t == 1 special case is needed. One difference from torch: eps = 0 is refused, since a
// coordinate whose gradient and accumulator are both 0 would then give 0/0.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct Adagrad {
    static constexpr cgp::sdk::info info{"adagrad", "Adagrad", "1.0.0",
                                         "Adagrad (torch.optim.Adagrad): sum += g^2; p -= lr_t*g/(sqrt(sum)+eps)",
                                         "adagrad"};
    enum { lr, lr_decay, weight_decay, initial_accumulator_value, eps, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-2, 0.0, 1e6, 0},
        {"lr_decay", "learning-rate decay: step t uses lr / (1 + (t-1)*lr_decay)", 0.0, 0.0, 1e6, 0},
        {"weight_decay", "L2 penalty added to the gradient (weight_decay * p)", 0.0, 0.0, 1e6, 0},
        {"initial_accumulator_value", "start value of the sum of squared gradients", 0.0, 0.0, 1e6, 0},
        {"eps", "term added to the denominator", 1e-10, 0.0, 1.0, CGP_HPARAM_MIN_EXCLUSIVE},
        {"maximize", "1: maximize the objective instead of minimizing it", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 1;
    enum { sum };

    static void initial_state(const double* hp, cgp::sdk::initial_values<max_state>& init)
    {
        init.constant(sum, hp[initial_accumulator_value]);
    }

    template <class T>
    struct constants {
        T clr, wd, eps, sign;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double clr = hp[lr] / (1.0 + static_cast<double>(t - 1) * hp[lr_decay]);
        return {static_cast<T>(clr), static_cast<T>(hp[weight_decay]), static_cast<T>(hp[eps]),
                static_cast<T>(hp[maximize] != 0.0 ? -1.0 : 1.0)};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        const V d = V(c.sign) * g + V(c.wd) * p;
        s[sum] = s[sum] + d * d;
        p = p - V(c.clr) * (d / (sqrt(s[sum]) + V(c.eps)));
    }
};

CGP_REGISTER_OPTIMIZER(Adagrad)
