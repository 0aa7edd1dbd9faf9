// nonconforming_writes_padding.so: SGD whose SIMD path runs whole 64-byte blocks over the padding past
// the last element and writes the results there; the ABI allows reading the padding, never writing
// it. The value written is computed from the padding's own contents. cgp-conformance must fail it in
// the "lengths" check.
#include "raw_abi_plugin.hpp"

struct WritesPadding {
    static constexpr const char* id = "writes_padding";
    static constexpr const char* summary = "SGD whose SIMD path writes the padding";
    static constexpr std::uint32_t declared_states = 0;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        const T lr = static_cast<T>(args.hparams[0]);
        constexpr std::size_t per_block = 64 / sizeof(T);
        const std::size_t n = args.count;
        const std::size_t end =
            (args.flags & CGP_STEP_SCALAR) == 0 ? (n + per_block - 1) / per_block * per_block : n; // the defect
        for (std::size_t i = 0; i < end; ++i)
            p[i] = p[i] - lr * g[i];
    }
};

CGP_TEST_RAW_ABI_PLUGIN(WritesPadding)
