// nonconforming_wrong_sign.so: SGD with the sign of the step flipped (p += lr*g), so it climbs the
// loss. cgp-conformance must fail it in the "descent" check.
#include "sgd_parts.hpp"

struct WrongSign : LrOnly {
    static constexpr cgp::sdk::info info{"wrong_sign", "Wrong sign", "0.0.1", "climbs the gradient: p += lr*g"};
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p + V(c.lr) * g;
    }
};

CGP_REGISTER_OPTIMIZER(WrongSign)
