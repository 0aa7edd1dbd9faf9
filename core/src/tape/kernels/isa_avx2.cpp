// isa_avx2.cpp: kernel tables for the AVX2+FMA path (compiled with -mavx2 -mfma; used only when the CPU has both).
#include "kernels_impl.hpp"

namespace cgp::kernels {

const Table<float>* table_f32_avx2() noexcept
{
    static constexpr Table<float> table = make_table<SimdPolicy<float, xsimd::fma3<xsimd::avx2>, 6, 2, 2, 4>>("avx2");
    return &table;
}

const Table<double>* table_f64_avx2() noexcept
{
    static constexpr Table<double> table = make_table<SimdPolicy<double, xsimd::fma3<xsimd::avx2>, 6, 2, 2, 4>>("avx2");
    return &table;
}

} // namespace cgp::kernels
