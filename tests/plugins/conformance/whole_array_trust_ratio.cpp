// nonconforming_whole_array_trust_ratio.so: a LARS-like step that reads cgp.tensors/1 (to leave biases
// unscaled) but takes its trust ratio ||p|| / ||g|| over the whole array instead of over each tensor:
// one tensor's step then depends on every other tensor. The check tensor_layouts must catch it.
//   r = ||p|| / ||g|| over all elements (1 when either is 0); per tensor: p -= lr * r * g, a bias p -= lr * g
#include "raw_abi_plugin.hpp"

#include <cgp/sdk/host.hpp>

#include <cmath>
#include <cstdint>

struct WholeArrayTrustRatio {
    static constexpr const char* id = "nonconforming_whole_array_trust_ratio";
    static constexpr const char* summary = "trust ratio over the whole array, not per tensor";
    static constexpr std::uint32_t declared_states = 0;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        double p_norm = 0.0, g_norm = 0.0;
        for (std::size_t i = 0; i < args.count; ++i) { // the defect: the whole array, not each tensor
            p_norm += static_cast<double>(p[i]) * static_cast<double>(p[i]);
            g_norm += static_cast<double>(g[i]) * static_cast<double>(g[i]);
        }
        const double r = p_norm > 0.0 && g_norm > 0.0 ? std::sqrt(p_norm) / std::sqrt(g_norm) : 1.0;
        const double lr = args.hparams[0];
        for (const cgp_tensor& t : cgp::sdk::tensors(&args)) {
            const T scale = static_cast<T>(t.kind == CGP_TENSOR_BIAS ? lr : lr * r);
            for (std::size_t i = t.offset; i < t.offset + t.count; ++i)
                p[i] = p[i] - scale * g[i];
        }
    }
};

CGP_TEST_RAW_ABI_PLUGIN(WholeArrayTrustRatio)
