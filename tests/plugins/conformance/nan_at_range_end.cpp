// nonconforming_nan_at_range_end.so: SGD whose step is divided by (1 - damping), with damping allowed
// up to 1 inclusive: at damping = 1, an accepted value, every step is infinite. cgp-conformance must
// fail it in the "lengths" check at that endpoint.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct NanAtRangeEnd {
    static constexpr cgp::sdk::info info{"nan_at_range_end", "NaN at the range end", "0.0.1",
                                         "p -= lr*g/(1 - damping), damping in [0, 1]"};
    enum { lr, damping, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0},
                                             {"damping", "damping (the defect: 1 is allowed)", 0.5, 0.0, 1.0, 0}};
    static constexpr unsigned max_state = 0;

    template <class T>
    struct constants {
        T lr, scale;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[0]), static_cast<T>(1.0 / (1.0 - hp[1]))};
    }
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p - V(c.lr) * (V(c.scale) * g);
    }
};

CGP_REGISTER_OPTIMIZER(NanAtRangeEnd)
