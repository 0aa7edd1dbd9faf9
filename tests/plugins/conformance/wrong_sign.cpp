// nonconforming_wrong_sign.so: SGD with the sign of the step flipped (p += lr*g), so it climbs the
// loss. cgp-conformance must fail it in the "descent" check.
#include <cgp/sdk/optimizer.hpp>

#include <cstdint>

struct WrongSign {
    static constexpr cgp::sdk::info info{"wrong_sign", "Wrong sign", "0.0.1", "climbs the gradient: p += lr*g"};
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0}};
    static constexpr unsigned max_state = 0;

    template <class T>
    struct constants {
        T lr;
    };
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        return {static_cast<T>(hp[lr])};
    }
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p + V(c.lr) * g;
    }
};

CGP_REGISTER_OPTIMIZER(WrongSign)
