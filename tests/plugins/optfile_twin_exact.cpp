// optfile_twin_exact.cpp: a plugin written with the same operations in the same order as the
// optimizer file tests/optfile/files/twin.opt (the exact operations: + - * /, sqrt, abs, sign, min,
// max, clip, select, comparisons), so the tests can require bitwise equal steps on every path.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct Twin {
    static constexpr cgp::sdk::info info{"twin", "Twin", "1.0.0", "the exact operations of optimizer files"};
    enum { lr, beta, lo, hi, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 0.01, 0.0, 1.0, 0},
        {"beta", "decay of m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"lo", "lower clip", -0.5, -10.0, 0.0, 0},
        {"hi", "upper clip", 0.5, 0.0, 10.0, 0},
    };
    static constexpr unsigned max_state = 2;
    template <class T>
    struct constants {
        T lr, beta, one_minus_beta, lo, hi, half, tiny, neg_tenth_lr, zero, one;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[lr]),
                static_cast<T>(hp[beta]),
                static_cast<T>(1.0 - hp[beta]),
                static_cast<T>(hp[lo]),
                static_cast<T>(hp[hi]),
                T(0.5),
                T(1e-8),
                static_cast<T>(-(hp[lr] * 0.1)),
                T(0),
                T(1)};
    }
    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = s[0];
        V& top = s[1];
        m = V(c.beta) * m + V(c.one_minus_beta) * g;
        top = max(top, abs(g));
        const V clipped = min(max(g, V(c.lo)), V(c.hi));
        const V chosen = select(select(g > V(c.zero), V(c.one), V(c.zero)) != V(c.zero), clipped,
                                min(max(g, V(c.lo)), V(c.hi)) * V(c.half));
        p = p - V(c.lr) * chosen / (sqrt(top) + V(c.tiny));
        p = p + V(c.neg_tenth_lr) * sign(m);
        p = p - V(c.lr) * select(m <= top, V(c.one), V(c.zero)) * V(c.tiny);
    }
};
CGP_REGISTER_OPTIMIZER(Twin)
