// nonconforming_nan_on_some_lengths.so: normalised SGD, p -= lr * g / rms(g), whose mean square is
// summed over whole blocks of 8 elements only and divided by their number of elements: with fewer than
// 8 elements that is 0/0, and every parameter becomes NaN. cgp-conformance must fail it in the
// "lengths" check.
#include "raw_abi_plugin.hpp"

#include <cmath>

struct NanOnSomeLengths {
    static constexpr const char* id = "nan_on_some_lengths";
    static constexpr const char* summary = "normalised SGD that divides 0/0 below 8 elements";
    static constexpr std::uint32_t declared_states = 0;

    template <class T>
    static void step(const cgp_step_args& args, T* p, const T* g, T* const*)
    {
        const std::size_t whole = args.count / 8 * 8; // the defect: the tail is left out of the mean
        T sum = 0;
        for (std::size_t i = 0; i < whole; ++i)
            sum += g[i] * g[i];
        const T rms = std::sqrt(sum / static_cast<T>(whole));
        const T lr = static_cast<T>(args.hparams[0]);
        for (std::size_t i = 0; i < args.count; ++i)
            p[i] = p[i] - lr * g[i] / rms;
    }
};

CGP_TEST_RAW_ABI_PLUGIN(NanOnSomeLengths)
