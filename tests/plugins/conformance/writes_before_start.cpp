// nonconforming_writes_before_start.so: SGD whose SIMD path updates an array shorter than its 8-lane
// block as one whole block ending at the last element, a common tail trick, so it reads and writes up
// to 7 elements before the array's start. cgp-conformance must fail it in the "lengths" check.
#include "raw_abi_plugin.hpp"

#include <cstddef>

struct WritesBeforeStart {
    static constexpr const char* id = "writes_before_start";
    static constexpr const char* summary = "SGD whose short-array block starts before the array";
    static constexpr std::uint32_t declared_states = 0;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        const T lr = static_cast<T>(args.hparams[0]);
        const auto n = static_cast<std::ptrdiff_t>(args.count);
        constexpr std::ptrdiff_t lanes = 8;
        const std::ptrdiff_t begin =
            (args.flags & CGP_STEP_SCALAR) == 0 && n > 0 && n < lanes ? n - lanes : 0; // the defect
        for (std::ptrdiff_t i = begin; i < n; ++i)
            p[i] = p[i] - lr * g[i];
    }
};

CGP_TEST_RAW_ABI_PLUGIN(WritesBeforeStart)
