// nonconforming_chunk_remainder_bug.so: SGD whose SIMD path works through the arrays in chunks of
// 100,000 elements (for the cache) and forgets the elements after the last whole chunk, so arrays
// longer than 100,000 are only partly updated. The scalar path is right. Lengths up to 65,537 do not
// show it; cgp-conformance must fail it in the "simd_equals_scalar" check at length 262,147.
#include "raw_abi_plugin.hpp"

struct ChunkRemainderBug {
    static constexpr const char* id = "chunk_remainder_bug";
    static constexpr const char* summary = "SGD whose SIMD path drops the part after the last 100000-element chunk";
    static constexpr std::uint32_t declared_states = 0;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        const T lr = static_cast<T>(args.hparams[0]);
        const std::size_t n = args.count;
        constexpr std::size_t chunk = 100'000;
        const std::size_t end = (args.flags & CGP_STEP_SCALAR) != 0 || n <= chunk ? n : n / chunk * chunk; // the defect
        for (std::size_t i = 0; i < end; ++i)
            p[i] = p[i] - lr * g[i];
    }
};

CGP_TEST_RAW_ABI_PLUGIN(ChunkRemainderBug)
