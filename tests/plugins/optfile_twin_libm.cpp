// optfile_twin_libm.cpp: a plugin written with the same operations in the same order as the
// optimizer file tests/optfile/files/twin-libm.opt (exp, log, tanh, pow, a whole power); its scalar
// form calls the C library like the file's every path, so the tests require bitwise equal steps.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct TwinLibm {
    static constexpr cgp::sdk::info info{"twin-libm", "Twin libm", "1.0.0", "exp, log, tanh and pow in an update"};
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0}};
    static constexpr unsigned max_state = 1;
    static constexpr std::uint32_t simd_max_ulp = 1000; // xsimd's exp and log differ from the C library's
    template <class T>
    struct constants {
        T lr, decay, one, power;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[lr]), T(0.9), T(1), T(1.5)};
    }
    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        V& m = s[0];
        m = V(c.decay) * m + xsimd::tanh(g);
        p = p - V(c.lr) * exp(-abs(m)) * log(V(c.one) + abs(g)) + V(c.lr) * (g * g * g) -
            V(c.lr) * pow(abs(g), V(c.power));
    }
};
CGP_REGISTER_OPTIMIZER(TwinLibm)
