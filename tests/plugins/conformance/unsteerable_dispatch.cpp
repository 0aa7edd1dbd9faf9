// nonconforming_unsteerable_dispatch.so: a correct SGD with AVX2 and AVX-512 variants whose dispatch
// picks the widest one the CPU has and ignores CGP_ISA_DISABLE (as the SDK's did before it honoured
// it). cgp-conformance cannot steer it to a narrower variant: --variant avx2 must fail with a message
// that says so (on a CPU with AVX-512), and the isa_variants check skips the variants it cannot test.
#include "raw_abi_plugin.hpp"

struct UnsteerableDispatch {
    static constexpr const char* id = "unsteerable_dispatch";
    static constexpr const char* summary = "SGD whose variant choice ignores CGP_ISA_DISABLE";
    static constexpr std::uint32_t declared_states = 0;
    static constexpr std::uint32_t isa_variants = CGP_ISA_AVX2 | CGP_ISA_FMA3 | CGP_ISA_AVX512F;

    static const char* variant()
    {
        static const char* const chosen = [] {
            __builtin_cpu_init();
            if (__builtin_cpu_supports("avx512f"))
                return "avx512f";
            if (__builtin_cpu_supports("avx2"))
                return "avx2";
            return "sse2";
        }();
        return chosen;
    }
    static const char* simd_path(std::uint32_t flags) { return (flags & CGP_STEP_SCALAR) ? "scalar" : variant(); }

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        const T lr = static_cast<T>(args.hparams[0]);
        for (std::size_t i = 0; i < args.count; ++i)
            p[i] = p[i] - lr * g[i];
    }
};

CGP_TEST_RAW_ABI_PLUGIN(UnsteerableDispatch)
