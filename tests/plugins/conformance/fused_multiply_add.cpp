// nonconforming_fused_multiply_add.so: SGD whose SIMD path computes p - lr*g as one fused multiply-add
// (std::fma, one rounding) while the scalar path rounds the product and the difference separately: the
// paths differ in the last bit now and then, as when a compiler contracts a*b+c in one variant only, or
// xsimd::fma fuses on AVX2 but not on SSE2 or AVX-512 (xsimd 8.1). cgp-conformance must fail it in
// "simd_equals_scalar" and name fused multiply-add as the likely cause.
#include "raw_abi_plugin.hpp"

#include <cmath>

struct FusedMultiplyAdd {
    static constexpr const char* id = "fused_multiply_add";
    static constexpr const char* summary = "SGD whose SIMD path uses a fused multiply-add";
    static constexpr std::uint32_t declared_states = 0;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        const T lr = static_cast<T>(args.hparams[0]);
        const bool simd = (args.flags & CGP_STEP_SCALAR) == 0;
        for (std::size_t i = 0; i < args.count; ++i)
            p[i] = simd ? std::fma(-lr, g[i], p[i]) : p[i] - lr * g[i]; // the defect: one rounding, not two
    }
};

CGP_TEST_RAW_ABI_PLUGIN(FusedMultiplyAdd)
