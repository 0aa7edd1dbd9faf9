// nonconforming_bfloat16_update.so: SGD for small learning rates whose f32 form rounds the update
// lr*g to bfloat16 precision (8 significant bits) before applying it; f64 is exact. Relative to the
// parameters the error is tiny (the update is small), relative to the update it is 0.4%.
// cgp-conformance must fail it in the "f32_agrees_with_f64" check.
#include "raw_abi_plugin.hpp"

#include <bit>

struct Bfloat16Update {
    static constexpr const char* id = "bfloat16_update";
    static constexpr const char* summary = "SGD whose f32 update is rounded to bfloat16";
    static constexpr std::uint32_t declared_states = 0;
    static constexpr double lr = 1e-6;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        const T lr = static_cast<T>(args.hparams[0]);
        for (std::size_t i = 0; i < args.count; ++i) {
            T u = lr * g[i];
            if constexpr (sizeof(T) == 4)
                u = std::bit_cast<float>(std::bit_cast<std::uint32_t>(u) & 0xffff0000u); // the defect
            p[i] = p[i] - u;
        }
    }
};

CGP_TEST_RAW_ABI_PLUGIN(Bfloat16Update)
