// crash_in_training.so: plain SGD that writes through a null pointer at step 40, the way a buggy
// plugin crashes in the middle of a run; cgp-run must say which plugin and which step crashed.
#include "conformance/raw_abi_plugin.hpp"

// The defect, kept out of the sanitizers' reach so that a sanitized build crashes the same way
// (UndefinedBehaviorSanitizer would otherwise report the null store and exit instead).
template <class T>
__attribute__((noinline, no_sanitize("undefined", "address"))) void write_through_null()
{
    volatile T* volatile nowhere = nullptr;
    *nowhere = T(1);
}

struct CrashInTraining {
    static constexpr const char* id = "crash_in_training";
    static constexpr const char* summary = "crashes at step 40";
    static constexpr std::uint32_t declared_states = 0;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        if (args.step == 40)
            write_through_null<T>(); // the defect
        const T lr = static_cast<T>(args.hparams[0]);
        for (std::size_t i = 0; i < args.count; ++i)
            p[i] = p[i] - lr * g[i];
    }
};

CGP_TEST_RAW_ABI_PLUGIN(CrashInTraining)
