// nonconforming_cached_constants.so: SGD with momentum that caches its per-step constants in a static
// variable keyed by the step number t. Two runs at the same hyperparameters, even interleaved, agree;
// a run interleaved with another at other hyperparameters reuses the other run's constants.
// cgp-conformance must fail it in the "determinism" check.
#include "sgd_parts.hpp"

struct CachedConstants : LrMomentum {
    static constexpr cgp::sdk::info info{"cached_constants", "Cached constants", "0.0.1",
                                         "per-step constants cached by t in a static variable"};
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        static std::uint64_t cached_t = 0; // the defect: hidden state shared by every run
        static constants<T> cached{};
        if (t != cached_t) {
            cached = LrMomentum::prepare<T>(hp, t);
            cached_t = t;
        }
        return cached;
    }
    template <class V, class C>
    static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c)
    {
        s[0] = V(c.mu) * s[0] + g;
        p = p - V(c.lr) * s[0];
    }
};

CGP_REGISTER_OPTIMIZER(CachedConstants)
