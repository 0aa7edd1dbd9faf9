// nonconforming_hang.so: SGD whose per-step set-up never returns after step 10 (a loop whose exit
// condition cannot be met). cgp-conformance must stop it at the time limit and fail the check that
// runs 20 steps ("determinism"), then go on with the next check.
#include "sgd_parts.hpp"

#include <cstdint>

struct Hang : LrOnly {
    static constexpr cgp::sdk::info info{"hang", "Hang", "0.0.1", "never returns from a step after step 10"};
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t t)
    {
        volatile std::uint64_t k = 0;
        while (t > 10) // the defect: spins for ever
            k = k + 1;
        return {static_cast<T>(hp[0])};
    }
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p - V(c.lr) * g;
    }
};

CGP_REGISTER_OPTIMIZER(Hang)
