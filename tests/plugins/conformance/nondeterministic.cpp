// nonconforming_nondeterministic.so: SGD with a learning-rate warm-up counted in a global variable
// instead of the step number t the host passes, so a second run (or a resumed one) takes other steps.
// cgp-conformance must fail it in the "determinism" check.
#include "sgd_parts.hpp"

#include <atomic>
#include <cstdint>

namespace {
std::atomic<std::uint64_t> calls_so_far{0}; // the defect: hidden state outside the state arrays
}

struct NonDeterministic : LrOnly {
    static constexpr cgp::sdk::info info{"nondeterministic", "Non-deterministic", "0.0.1",
                                         "warm-up counted in a global, not in t"};
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        const double calls = static_cast<double>(++calls_so_far);
        const double warmup = calls < 100 ? calls / 100 : 1.0;
        return {static_cast<T>(hp[0] * warmup)};
    }
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p - V(c.lr) * g;
    }
};

CGP_REGISTER_OPTIMIZER(NonDeterministic)
