// nonconforming_crash.so: SGD that reads the first gradient before looking at the count, so an empty
// step (count 0, whose arrays hold no element) dereferences memory it was not given and crashes.
// cgp-conformance must fail it in the "lengths" check and carry on with the other checks.
#include "raw_abi_plugin.hpp"

struct Crash {
    static constexpr const char* id = "crash";
    static constexpr const char* summary = "crashes on an empty step";
    static constexpr std::uint32_t declared_states = 0;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        volatile T first = g[0]; // the defect: element 0 exists only when count > 0
        (void)first;
        const T lr = static_cast<T>(args.hparams[0]);
        for (std::size_t i = 0; i < args.count; ++i)
            p[i] = p[i] - lr * g[i];
    }
};

CGP_TEST_RAW_ABI_PLUGIN(Crash)
