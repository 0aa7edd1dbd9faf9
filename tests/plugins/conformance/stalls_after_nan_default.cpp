// nonconforming_stalls_after_nan_default.so: SGD whose step is a million times too short, and whose
// step size at learning rates above 1 (the default is 10) is the square root of a negative number: the
// first convergence attempt (the defaults) ends in a NaN loss, every other one stalls with a finite
// loss. cgp-conformance must fail the convergence checks and report the best finite attempt, not the
// NaN one, and say in "descent" that the update is not finite at the defaults.
#include "sgd_parts.hpp"

#include <cmath>

struct StallsAfterNanDefault : LrOnly {
    static constexpr cgp::sdk::info info{"stalls_after_nan_default", "Stalls", "0.0.1",
                                         "steps a million times too short; NaN at the default lr"};
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 10.0, 0.0, 100.0, 0}};
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        const double warmup = hp[0] > 1.0 ? std::sqrt(1.0 - hp[0]) : 1.0; // the defect: NaN above 1
        return {static_cast<T>(hp[0] * 1e-6 * warmup)};                   // and a million times too short
    }
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p - V(c.lr) * g;
    }
};

CGP_REGISTER_OPTIMIZER(StallsAfterNanDefault)
