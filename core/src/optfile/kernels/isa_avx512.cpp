// isa_avx512.cpp: optimizer-file kernels for the AVX-512F path (compiled with -mavx512f -mavx2 -mfma; used only when the CPU has AVX-512F).
#include "kernels_impl.hpp"

namespace cgp::optfile::kernels {

const PathKernels<float>* avx512_f32() noexcept
{
    static constexpr PathKernels<float> path = make_path<float, Simd<float, xsimd::avx512f>>("avx512f");
    return &path;
}

const PathKernels<double>* avx512_f64() noexcept
{
    static constexpr PathKernels<double> path = make_path<double, Simd<double, xsimd::avx512f>>("avx512f");
    return &path;
}

} // namespace cgp::optfile::kernels
