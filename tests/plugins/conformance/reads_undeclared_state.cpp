// nonconforming_reads_undeclared_state.so: an AMSGrad-like update that declares one state array (the
// moving mean square v) but also keeps the running maximum of v in a second one it never declared,
// state[1]. The host passes only the arrays a plugin declares, so state[1] is someone else's memory.
// cgp-conformance must fail it in the "declared_state_only" check.
#include "raw_abi_plugin.hpp"

#include <cmath>

struct ReadsUndeclaredState {
    static constexpr const char* id = "reads_undeclared_state";
    static constexpr const char* summary = "declares 1 state array, uses 2";
    static constexpr std::uint32_t declared_states = 1; // the defect: step uses 2

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const* state)
    {
        T* v = state[0];
        T* v_max = state[1];
        const T lr = static_cast<T>(args.hparams[0]);
        for (std::size_t i = 0; i < args.count; ++i) {
            v[i] = T(0.99) * v[i] + T(0.01) * g[i] * g[i];
            v_max[i] = v_max[i] > v[i] ? v_max[i] : v[i];
            p[i] = p[i] - lr * g[i] / (std::sqrt(v_max[i]) + T(1e-8));
        }
    }
};

CGP_TEST_RAW_ABI_PLUGIN(ReadsUndeclaredState)
