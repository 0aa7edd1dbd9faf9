// The memory-bandwidth reference of cgp-bench: a one-thread STREAM triad.
#include "bench.hpp"

#include <cgp/tape/aligned.hpp>

namespace cgp::bench {

double triad_bandwidth(const Settings& s)
{
    const std::size_t n = s.quick ? (std::size_t{1} << 22) : (std::size_t{1} << 25); // 32 MiB / 256 MiB per array
    AlignedArray<double> a(n), b(n), c(n);
    for (std::size_t i = 0; i < n; ++i) {
        b[i] = 1.0 + static_cast<double>(i % 7);
        c[i] = 2.0;
    }
    const double scalar = 3.0;
    HarnessOptions h = s.harness;
    h.sample_seconds = std::max(h.sample_seconds, 0.05);
    const Timing t = measure(
        [&] {
            double* __restrict pa = a.data();
            const double* __restrict pb = b.data();
            const double* __restrict pc = c.data();
            for (std::size_t i = 0; i < n; ++i)
                pa[i] = pb[i] + scalar * pc[i];
            keep(pa[n / 2]);
        },
        h);
    return 3.0 * 8.0 * static_cast<double>(n) / t.median;
}

} // namespace cgp::bench
