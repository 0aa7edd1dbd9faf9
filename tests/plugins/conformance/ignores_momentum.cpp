// nonconforming_ignores_momentum.so: SGD with momentum whose step hard-codes the momentum factor 0.9
// instead of reading the hyperparameter (both forms), so it is right at the defaults only.
// cgp-conformance must fail it in the "hparam_defaults" check, which changes momentum and sees
// nothing change.
#include "sgd_parts.hpp"

#include <cgp/sdk/optimizer.hpp>

struct IgnoresMomentum : LrMomentum {
    static constexpr cgp::sdk::info info{"ignores_momentum", "IgnoresMomentum", "0.0.1",
                                         "SGD with momentum that never reads its momentum hyperparameter"};
    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        s[0] = V(0.9) * s[0] + g; // the defect: 0.9 in place of c.mu
        p = p - V(c.lr) * s[0];
    }
};

CGP_REGISTER_OPTIMIZER(IgnoresMomentum)
