// rprop.so: Rprop (Riedmiller & Braun 1993) as torch.optim.Rprop: per-element step sizes that grow
// while the gradient keeps its sign and shrink when it flips; only the sign of the gradient is used.
//
//   d = maximize ? -g : g                                 (t = 1, 2, ...)
//   f = etaplus where d * e > 0, etaminus where d * e < 0, 1 elsewhere   (e: the previous d, 0 at t = 1)
//   s <- clamp(s * f, step_size_min, step_size_max)         (s = lr before the first step)
//   d <- 0 where d * e < 0                                  (after a flip: no move, and no flip next time)
//   p <- p - sign(d) * s
//   e <- d
//
// Hyperparameters: lr 1e-2, etaminus 0.5, etaplus 1.2, step_size_min 1e-6, step_size_max 50,
// maximize 0. State: e (torch's prev), s (step_size). State arrays start at zero, while torch starts
// the step sizes at lr: at t = 1 the update reads lr in place of s (s is written on every step, so
// from t = 2 on it holds the real step size).
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>
#include <string>

struct Rprop {
    static constexpr cgp::sdk::info info{
        "rprop", "Rprop", "1.0.0", "resilient backpropagation: per-element step sizes from gradient signs", "rprop"};
    enum { lr, etaminus, etaplus, step_size_min, step_size_max, maximize, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "initial step size", 1e-2, 0.0, 1e6, 0},
        {"etaminus", "step size factor after a sign change", 0.5, 0.0, 1.0,
         CGP_HPARAM_MIN_EXCLUSIVE | CGP_HPARAM_MAX_EXCLUSIVE},
        {"etaplus", "step size factor while the sign holds", 1.2, 1.0, 1e3, CGP_HPARAM_MIN_EXCLUSIVE},
        {"step_size_min", "smallest step size", 1e-6, 0.0, 1e6, 0},
        {"step_size_max", "largest step size", 50.0, 0.0, 1e6, 0},
        {"maximize", "1: climb the objective (step along +g)", 0.0, 0.0, 1.0, CGP_HPARAM_INTEGER},
    };
    static constexpr unsigned max_state = 2;

    static std::string validate(const double* hp)
    {
        if (hp[step_size_min] > hp[step_size_max])
            return "step_size_min must not exceed step_size_max";
        return "";
    }

    template <class T>
    struct constants {
        T lr, etaminus, etaplus, smin, smax;
        bool first, maximize;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        return {static_cast<T>(hp[lr]),
                static_cast<T>(hp[etaminus]),
                static_cast<T>(hp[etaplus]),
                static_cast<T>(hp[step_size_min]),
                static_cast<T>(hp[step_size_max]),
                t <= 1,
                hp[maximize] != 0.0};
    }

    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& previous = s[0];
        V& size = s[1];
        const V d = c.maximize ? V(-g) : g;
        const V agreement = d * previous;
        const V zero(0);
        const V factor = select(agreement > zero, V(c.etaplus), select(agreement < zero, V(c.etaminus), V(1)));
        const V before = c.first ? V(c.lr) : size;
        size = min(max(before * factor, V(c.smin)), V(c.smax));
        // A flip is d * e < 0 itself: comparing the factor with etaminus (torch's sign.eq(etaminus)) also
        // zeroes the first step's d when etaminus rounds to 1 in the plugin's type (f32 near 1).
        const V kept = select(agreement < zero, zero, d);
        p = p - sign(kept) * size;
        previous = kept;
    }
};

CGP_REGISTER_OPTIMIZER(Rprop)
