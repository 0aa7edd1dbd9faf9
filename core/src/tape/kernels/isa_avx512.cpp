// isa_avx512.cpp: kernel tables for the AVX-512F path (compiled with -mavx512f -mavx2 -mfma; used only when the CPU has AVX-512F).
#include "kernels_impl.hpp"

namespace cgp::kernels {

const Table<float>* table_f32_avx512() noexcept
{
    static constexpr Table<float> table = make_table<SimdPolicy<float, xsimd::avx512f, 6, 4, 4, 4>>("avx512");
    return &table;
}

const Table<double>* table_f64_avx512() noexcept
{
    static constexpr Table<double> table = make_table<SimdPolicy<double, xsimd::avx512f, 6, 4, 4, 4>>("avx512");
    return &table;
}

} // namespace cgp::kernels
