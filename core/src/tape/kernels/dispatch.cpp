// The kernel table of each SIMD path: the one place that names every ISA's translation unit.
#include "kernels.hpp"

namespace cgp {
namespace kernels {

const Table<float>* table_f32(SimdPath path) noexcept
{
    switch (path) {
    case SimdPath::Scalar: return table_f32_scalar();
#if defined(__x86_64__)
    case SimdPath::Sse2: return table_f32_sse2();
    case SimdPath::Avx2: return table_f32_avx2();
    case SimdPath::Avx512: return table_f32_avx512();
#endif
    default: return nullptr;
    }
}

const Table<double>* table_f64(SimdPath path) noexcept
{
    switch (path) {
    case SimdPath::Scalar: return table_f64_scalar();
#if defined(__x86_64__)
    case SimdPath::Sse2: return table_f64_sse2();
    case SimdPath::Avx2: return table_f64_avx2();
    case SimdPath::Avx512: return table_f64_avx512();
#endif
    default: return nullptr;
    }
}

} // namespace kernels
} // namespace cgp
