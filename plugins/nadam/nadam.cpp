// nadam.so: NAdam (Dozat 2016) as torch.optim.NAdam in PyTorch 1.13: Adam with Nesterov momentum and a
// momentum schedule.
//
//   d = g + weight_decay * p                           (coupled L2 decay; t = 1, 2, ...; state starts at 0)
//   mu_t = b1 * (1 - 0.5 * 0.96^(t * momentum_decay))
//   P_t = mu_1 * mu_2 * ... * mu_t                      (torch's running mu_product)
//   m <- b1 * m + (1 - b1) * d
//   v <- b2 * v + (1 - b2) * d^2
//   q = sqrt(v / (1 - b2^t)) + eps
//   p <- p - lr * (1 - mu_t) / (1 - P_t) * d / q
//   p <- p - lr * mu_{t+1} / (1 - P_t * mu_t * mu_{t+1}) * m / q   (torch 1.13 multiplies mu_t in twice)
//
// Hyperparameters: lr 2e-3, beta1 0.9, beta2 0.999, eps 1e-8, weight_decay 0, momentum_decay 4e-3.
// State: m, v. Torch 1.13's NAdam has no maximize option, so neither has this plugin.
//
// P_t without a running product (prepare() sees only t): P_t = b1^t Q_t with Q_t = prod_k (1 - a r^k),
// a = 1/2, r = 0.96^momentum_decay. From log(1 - x) = -sum_n x^n / n,
//   log Q_t = -sum_{n>=1} (a r)^n / n * (1 - r^(n t)) / (1 - r^n),
// every term positive, the ratio computed as expm1(n t L) / expm1(n L) with L = momentum_decay * log 0.96
// (t when L = 0). The terms fall at least like 2^-n, so the sum stops within 55 terms at any t: O(1)
// per step, within 1e-12 relative of the running product while it is representable (the torch parity
// test checks the steps it gives against t-step products up to t = 20000).
#include "../common/torch_steps.hpp"

#include <cgp/sdk/optimizer.hpp>

#include <cmath>
#include <cstdint>

struct NAdam {
    static constexpr cgp::sdk::info info{"nadam", "NAdam", "1.0.0",
                                         "Adam with Nesterov momentum and torch's momentum schedule", "nadam"};
    enum { lr, beta1, beta2, eps, weight_decay, momentum_decay, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 2e-3, 0.0, 1e6, 0},
        {"beta1", "decay of the first moment m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the second moment v", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 0.0, 1.0, 0},
        {"weight_decay", "coupled L2 weight decay: g += weight_decay * p", 0.0, 0.0, 1e3, 0},
        {"momentum_decay", "psi of mu_t = beta1 * (1 - 0.5 * 0.96^(t * psi))", 4e-3, 0.0, 1e3, 0},
    };
    static constexpr unsigned max_state = 2;

    // mu_1 * ... * mu_t, by the series above. expm1(n L) and expm1(n t L) follow from n - 1 by
    // e^(a+b) - 1 = (e^a - 1) + (e^b - 1) + (e^a - 1)(e^b - 1), and (r/2)^n by products: a few
    // operations per term.
    static double mu_product(double b1, double psi, std::uint64_t t)
    {
        const double tt = static_cast<double>(t);
        const double L = psi * std::log(0.96);
        const double x = 0.5 * std::exp(L), e1 = std::expm1(L), et = std::expm1(tt * L);
        double en = e1, ent = et, xn = x, sum = 0.0;
        for (int n = 1; n <= 200; ++n) {
            const double term = xn / n * (L == 0.0 ? tt : ent / en);
            sum += term;
            if (term <= 1e-17 * sum)
                break;
            en = en + e1 + en * e1;
            ent = ent + et + ent * et;
            xn *= x;
        }
        return std::exp(tt * std::log(b1) - sum);
    }

    static double mu_at(double b1, double psi, double t) { return b1 * (1.0 - 0.5 * std::pow(0.96, t * psi)); }

    template <class T>
    struct constants {
        T b1, one_minus_b1, b2, one_minus_b2, bc2, eps, weight_decay;
        T c_grad; // -lr * (1 - mu_t) / (1 - P_t)
        T c_m;    // -lr * mu_{t+1} / (1 - P_t mu_t mu_{t+1})
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double tt = static_cast<double>(t);
        const double bc2 = 1.0 - std::pow(hp[beta2], tt);
        const double mu = mu_at(hp[beta1], hp[momentum_decay], tt);
        const double mu_next = mu_at(hp[beta1], hp[momentum_decay], tt + 1.0);
        const double product = mu_product(hp[beta1], hp[momentum_decay], t);
        const double product_next = product * mu * mu_next;
        return {static_cast<T>(hp[beta1]),
                static_cast<T>(1.0 - hp[beta1]),
                static_cast<T>(hp[beta2]),
                static_cast<T>(1.0 - hp[beta2]),
                static_cast<T>(bc2),
                static_cast<T>(hp[eps]),
                static_cast<T>(hp[weight_decay]),
                static_cast<T>(-hp[lr] * (1.0 - mu) / (1.0 - product)),
                static_cast<T>(-hp[lr] * mu_next / (1.0 - product_next))};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = s[0];
        V& v = s[1];
        const V d = cgp::plugins::torch_gradient(g, p, false, c.weight_decay);
        cgp::plugins::torch_moments(m, v, d, c);
        const V q = sqrt(v / V(c.bc2)) + V(c.eps);
        p = p + V(c.c_grad) * d / q;
        p = p + V(c.c_m) * m / q;
    }
};

CGP_REGISTER_OPTIMIZER(NAdam)
