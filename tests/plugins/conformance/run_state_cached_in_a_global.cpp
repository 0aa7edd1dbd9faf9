// nonconforming_run_state_cached_in_a_global.so: SGD with a warm-up over the steps it has counted in
// its run state (cgp.run_state/1), except that the count it reads back is a global copy it keeps "to
// save a lookup", not the host's run value: a run resumed from a saved run state, or a second run,
// starts from the global's count. cgp-conformance must fail it in "resume_from_copied_state".
#include <cgp/sdk/tensor_optimizer.hpp>

#include <algorithm>
#include <atomic>
#include <cstdint>

namespace {
std::atomic<double> steps_seen{0.0}; // the defect: the truth kept outside the host's run state
}

struct RunStateCachedInAGlobal {
    static constexpr cgp::sdk::info info{"run_state_cached_in_a_global", "Run state cached in a global", "0.0.1",
                                         "SGD warm-up whose step count is read back from a global"};
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0}};
    static constexpr unsigned max_state = 0;
    static constexpr unsigned run_state_size = 1; // steps counted

    static void begin_step(const double*, std::uint64_t, double* run)
    {
        steps_seen = steps_seen + 1.0;
        run[0] = steps_seen; // written, but never read back
    }

    template <class T>
    static void step(const cgp::sdk::tensor_step<T>& s)
    {
        const T rate = static_cast<T>(s.hp[lr] * std::min(1.0, steps_seen / 100.0));
        for (std::size_t i = 0; i < s.n; ++i)
            s.p[i] = s.p[i] - rate * s.g[i];
    }
};

CGP_REGISTER_TENSOR_OPTIMIZER(RunStateCachedInAGlobal)
