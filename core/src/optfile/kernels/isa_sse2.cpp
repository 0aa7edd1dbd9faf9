// isa_sse2.cpp: optimizer-file kernels for the SSE2 path (baseline x86-64; no extra flags).
#include "kernels_impl.hpp"

namespace cgp::optfile::kernels {

const PathKernels<float>* sse2_f32() noexcept
{
    static constexpr PathKernels<float> path = make_path<float, Simd<float, xsimd::sse2>>("sse2");
    return &path;
}

const PathKernels<double>* sse2_f64() noexcept
{
    static constexpr PathKernels<double> path = make_path<double, Simd<double, xsimd::sse2>>("sse2");
    return &path;
}

} // namespace cgp::optfile::kernels
