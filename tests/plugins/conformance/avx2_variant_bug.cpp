// nonconforming_avx2_variant_bug.so: SGD with three SIMD variants, chosen once at run time like the
// SDK's, except that this dispatch honours CGP_ISA_DISABLE: AVX-512 when the CPU has it, else AVX2,
// else SSE2. The AVX2 variant takes a 1.5 times longer step (as if a definition had reached that
// variant's compilation only). On an AVX-512 machine every check but one steps AVX-512 and passes;
// cgp-conformance must fail it in the "isa_variants" check, which selects the AVX2 variant.
#include "raw_abi_plugin.hpp"

#include <cstdlib>
#include <cstring>

struct Avx2VariantBug {
    static constexpr const char* id = "avx2_variant_bug";
    static constexpr const char* summary = "SGD whose AVX2 variant steps 1.5 times too far";
    static constexpr std::uint32_t declared_states = 0;
    static constexpr std::uint32_t isa_variants = CGP_ISA_AVX2 | CGP_ISA_FMA3 | CGP_ISA_AVX512F;

    static const char* variant()
    {
        static const char* const chosen = [] {
            const char* off = std::getenv("CGP_ISA_DISABLE");
            auto allowed = [&](const char* name) { return off == nullptr || std::strstr(off, name) == nullptr; };
            __builtin_cpu_init();
            if (__builtin_cpu_supports("avx512f") && allowed("avx512f"))
                return "avx512f";
            if (__builtin_cpu_supports("avx2") && allowed("avx2"))
                return "avx2";
            return "sse2";
        }();
        return chosen;
    }
    static const char* simd_path(std::uint32_t flags) { return (flags & CGP_STEP_SCALAR) ? "scalar" : variant(); }

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        const bool avx2 = (args.flags & CGP_STEP_SCALAR) == 0 && std::strcmp(variant(), "avx2") == 0;
        const T lr = static_cast<T>(args.hparams[0]) * (avx2 ? T(1.5) : T(1)); // the defect
        for (std::size_t i = 0; i < args.count; ++i)
            p[i] = p[i] - lr * g[i];
    }
};

CGP_TEST_RAW_ABI_PLUGIN(Avx2VariantBug)
