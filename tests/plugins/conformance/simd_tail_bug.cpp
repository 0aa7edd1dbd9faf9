// nonconforming_simd_tail_bug.so: SGD whose SIMD path handles whole xsimd batches and then stops one
// element short in the scalar tail, so the last element is never updated when the count is not a
// multiple of the batch width. The scalar path is right. cgp-conformance must fail it in the
// "simd_equals_scalar" check.
#include "raw_abi_plugin.hpp"

#include <xsimd/xsimd.hpp>

struct SimdTailBug {
    static constexpr const char* id = "simd_tail_bug";
    static constexpr const char* summary = "SGD whose SIMD tail misses the last element";
    static constexpr std::uint32_t declared_states = 0;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        const T lr = static_cast<T>(args.hparams[0]);
        const std::size_t n = args.count;
        std::size_t i = 0;
        if ((args.flags & CGP_STEP_SCALAR) == 0) {
            using batch = xsimd::batch<T, xsimd::default_arch>;
            for (; i + batch::size <= n; i += batch::size) {
                const batch pv = batch::load_unaligned(p + i), gv = batch::load_unaligned(g + i);
                (pv - batch(lr) * gv).store_unaligned(p + i);
            }
            for (; i + 1 < n; ++i) // the defect: should be i < n
                p[i] = p[i] - lr * g[i];
            return;
        }
        for (; i < n; ++i)
            p[i] = p[i] - lr * g[i];
    }
};

CGP_TEST_RAW_ABI_PLUGIN(SimdTailBug)
