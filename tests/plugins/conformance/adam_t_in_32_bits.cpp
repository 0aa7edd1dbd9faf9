// nonconforming_adam_t_in_32_bits.so: Adam, claiming the "adam" reference, whose bias corrections use
// the step number cut to 32 bits. Right for the first 4 billion steps; at t = 2^40 the cut t is 0, the
// correction 1 - beta^0 is 0 and the step infinite. cgp-conformance must fail it in the
// "reference_trajectory" check at t = 2^40.
#include <cgp/sdk/optimizer.hpp>

#include <cmath>
#include <cstdint>

struct AdamTIn32Bits {
    static constexpr cgp::sdk::info info{"adam_t_in_32_bits", "Adam, t in 32 bits", "0.0.1",
                                         "Adam whose bias corrections cut t to 32 bits", "adam"};
    enum { lr, beta1, beta2, eps, hparam_count };
    static constexpr cgp_hparam hparams[] = {
        {"lr", "learning rate", 1e-3, 0.0, 1.0, 0},
        {"beta1", "decay of m", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"beta2", "decay of v", 0.999, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
        {"eps", "term added to the denominator", 1e-8, 1e-12, 1.0, 0},
    };
    static constexpr unsigned max_state = 2;

    template <class T>
    struct constants {
        T b1, one_minus_b1, b2, one_minus_b2, step_size, sqrt_bc2, eps;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        const double t32 = static_cast<double>(static_cast<std::uint32_t>(t)); // the defect
        const double bc1 = 1.0 - std::pow(hp[1], t32), bc2 = 1.0 - std::pow(hp[2], t32);
        return {static_cast<T>(hp[1]),       static_cast<T>(1.0 - hp[1]), static_cast<T>(hp[2]),
                static_cast<T>(1.0 - hp[2]), static_cast<T>(hp[0] / bc1), static_cast<T>(std::sqrt(bc2)),
                static_cast<T>(hp[3])};
    }
    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        using namespace cgp::sdk::math;
        s[0] = V(c.b1) * s[0] + V(c.one_minus_b1) * g;
        s[1] = V(c.b2) * s[1] + V(c.one_minus_b2) * (g * g);
        p = p - V(c.step_size) * (s[0] / (sqrt(s[1]) / V(c.sqrt_bc2) + V(c.eps)));
    }
};

CGP_REGISTER_OPTIMIZER(AdamTIn32Bits)
