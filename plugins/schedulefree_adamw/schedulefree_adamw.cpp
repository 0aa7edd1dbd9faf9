// schedulefree_adamw.so: schedule-free AdamW (Defazio et al. 2024, "The Road Less Scheduled") as the
// authors' AdamWScheduleFree (facebookresearch/schedule_free, train mode). Three sequences: z (the
// base AdamW-like iterate), x (the weighted average of the z) and y = (1 - beta1) z + beta1 x, where
// the gradient is taken. The host trains at y: the parameters it steps, reports, saves in checkpoints
// and records in --trace are y. x, the point to evaluate at, is y + (1 - 1/beta1) (z - y) (the
// authors' eval(): p.lerp_(z, 1 - 1/beta1)); z is state array 0.
//
// Once per step (k = t - 1; run state lr_max, starting at -1, and weight_sum, starting at 0):
//   sched = (k + 1) / warmup_steps while k < warmup_steps, else 1
//   lr_t = lr * sched * sqrt(1 - beta2^(k+1))
//   lr_max <- max(lr_t, lr_max)
//   weight = (k + 1)^r * lr_max^weight_lr_power;   weight_sum <- weight_sum + weight
//   c = weight / weight_sum  (0 when weight_sum is 0)
// Per element (z starts as a copy of the initial parameters, v at 0):
//   v <- beta2 * v + (1 - beta2) * g^2
//   u = g / (sqrt(v) + eps) + weight_decay * y     (decay at y)
//   y <- lerp(y, z, c);   y <- y + lr_t * (beta1 * (1 - c) - 1) * u
//   z <- z - lr_t * u
// lerp(a, b, w) is torch.lerp's: a + w (b - a) for w < 0.5, else b - (b - a)(1 - w).
// Hyperparameters: the authors' defaults lr 0.0025, beta1 0.9, beta2 0.999, eps 1e-8, weight_decay 0,
// warmup_steps 0, r 0, weight_lr_power 2. Run state through cgp.run_state/1 (abi.h).
#include <cgp/sdk/tensor_optimizer.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>

struct ScheduleFreeAdamW {
    static constexpr cgp::sdk::info info{"schedulefree_adamw", "Schedule-free AdamW", "1.0.0",
                                         "AdamW without a schedule: gradient at y, z steps, x averages (Defazio 2024)",
                                         "schedulefree_adamw"};
    enum { lr, beta1, beta2, eps, weight_decay, warmup_steps, r, weight_lr_power, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate (after warmup, times sqrt(1 - beta2^t))", 0.0025, 0.0, 10.0, 0},
        {"beta1", "interpolation y = (1 - beta1) z + beta1 x", 0.9, 0.0, 1.0,
         CGP_HPARAM_MIN_EXCLUSIVE | CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of the second moment v", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 0.0, 1.0, CGP_HPARAM_MIN_EXCLUSIVE},
        {"weight_decay", "decay added to the direction at y: u += weight_decay * y", 0.0, 0.0, 1e3, 0},
        {"warmup_steps", "linear warmup of lr over this many steps (0: none)", 0.0, 0.0, 1e9, 0},
        {"r", "average weight grows as t^r", 0.0, 0.0, 100.0, 0},
        {"weight_lr_power", "average weight grows as lr_max^weight_lr_power", 2.0, 0.0, 100.0, 0},
    };
    static constexpr unsigned max_state = 2;
    enum { z, v };
    static constexpr unsigned run_state_size = 2;
    enum { lr_max, weight_sum };

    static void initial_state(const double*, cgp::sdk::initial_values<max_state>& init) { init.copy_of_params(z); }
    static void initial_run_state(const double*, double* run, double*) { run[lr_max] = -1.0; }

    struct schedule {
        double lr_t, weight;
    };
    // lr_t and the average's weight of step t, given lr_max after this step's update.
    static schedule at(const double* hp, std::uint64_t t, double max)
    {
        const double k = static_cast<double>(t - 1), warmup = hp[warmup_steps];
        const double sched = k < warmup ? (k + 1) / warmup : 1.0;
        const double lr_t = hp[lr] * sched * std::sqrt(1.0 - std::pow(hp[beta2], k + 1));
        return {lr_t, std::pow(k + 1, hp[r]) * std::pow(max, hp[weight_lr_power])};
    }
    static double learning_rate(const double* hp, std::uint64_t t) { return at(hp, t, 0.0).lr_t; }

    static void begin_step(const double* hp, std::uint64_t t, double* run)
    {
        run[lr_max] = std::max(learning_rate(hp, t), run[lr_max]);
        run[weight_sum] += at(hp, t, run[lr_max]).weight;
    }

    template <class T>
    static T lerp(T a, T b, T w)
    {
        return w < T(0.5) ? a + w * (b - a) : b - (b - a) * (T(1) - w);
    }

    template <class T>
    static void step(const cgp::sdk::tensor_step<T>& s)
    {
        const double* hp = s.hp;
        const schedule sc = at(hp, s.t, s.run[lr_max]);
        const double c = s.run[weight_sum] != 0.0 ? sc.weight / s.run[weight_sum] : 0.0;
        const T b2 = static_cast<T>(hp[beta2]), one_minus_b2 = static_cast<T>(1.0 - hp[beta2]);
        const T e = static_cast<T>(hp[eps]), wd = static_cast<T>(hp[weight_decay]), ck = static_cast<T>(c);
        const T y_rate = static_cast<T>(sc.lr_t * (hp[beta1] * (1.0 - c) - 1.0)), z_rate = static_cast<T>(sc.lr_t);
        T* zs = s.s[z];
        T* vs = s.s[v];
        for (std::size_t i = 0; i < s.n; ++i) {
            vs[i] = b2 * vs[i] + one_minus_b2 * (s.g[i] * s.g[i]);
            T u = s.g[i] / (std::sqrt(vs[i]) + e);
            if (wd != T(0))
                u = u + wd * s.p[i];
            s.p[i] = lerp(s.p[i], zs[i], ck) + y_rate * u;
            zs[i] = zs[i] - z_rate * u;
        }
    }
};

CGP_REGISTER_TENSOR_OPTIMIZER(ScheduleFreeAdamW)
