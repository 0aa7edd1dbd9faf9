// nonconforming_allocates_in_step.so: SGD whose per-step set-up builds a std::vector (a table of
// learning-rate factors) on every step, so every step allocates. cgp-conformance must fail it in the
// "no_allocation" check.
#include "sgd_parts.hpp"

#include <numeric>
#include <vector>

struct AllocatesInStep : LrOnly {
    static constexpr cgp::sdk::info info{"allocates_in_step", "Allocates in step", "0.0.1",
                                         "builds a std::vector in every step"};
    template <class T>
    static constants<T> prepare(const double* hp, std::uint64_t)
    {
        const std::vector<double> factors(4, 0.25); // the defect: a heap allocation per step
        return {static_cast<T>(hp[0] * std::accumulate(factors.begin(), factors.end(), 0.0))};
    }
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
        p = p - V(c.lr) * g;
    }
};

CGP_REGISTER_OPTIMIZER(AllocatesInStep)
