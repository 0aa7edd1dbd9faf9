// isa_avx2.cpp: optimizer-file kernels for the AVX2 path (compiled with -mavx2 -mfma like the tape's;
// used only when the CPU has both; -ffp-contract=off and no fma call, so no fused operation is emitted).
#include "kernels_impl.hpp"

namespace cgp::optfile::kernels {

const PathKernels<float>* avx2_f32() noexcept
{
    static constexpr PathKernels<float> path = make_path<float, Simd<float, xsimd::fma3<xsimd::avx2>>>("avx2");
    return &path;
}

const PathKernels<double>* avx2_f64() noexcept
{
    static constexpr PathKernels<double> path = make_path<double, Simd<double, xsimd::fma3<xsimd::avx2>>>("avx2");
    return &path;
}

} // namespace cgp::optfile::kernels
