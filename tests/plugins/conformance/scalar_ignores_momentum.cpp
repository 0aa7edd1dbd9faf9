// nonconforming_scalar_ignores_momentum.so: SGD with momentum whose scalar form hard-codes the default
// momentum 0.9 instead of reading the hyperparameter; the SIMD form reads it. At the defaults both
// forms agree, so only a run at other values shows it. cgp-conformance must fail it in the
// "simd_equals_scalar" check, saying the forms agree at the defaults.
#include "sgd_parts.hpp"

#include <type_traits>

struct ScalarIgnoresMomentum : LrMomentum {
    static constexpr cgp::sdk::info info{"scalar_ignores_momentum", "Scalar ignores momentum", "0.0.1",
                                         "the scalar form hard-codes momentum 0.9"};
    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        const auto mu = std::is_floating_point_v<V> ? decltype(c.mu)(0.9) : c.mu; // the defect
        s[0] = V(mu) * s[0] + g;
        p = p - V(c.lr) * s[0];
    }
};

CGP_REGISTER_OPTIMIZER(ScalarIgnoresMomentum)
