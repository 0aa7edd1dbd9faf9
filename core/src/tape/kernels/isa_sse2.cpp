// isa_sse2.cpp: kernel tables for the SSE2 path (baseline x86-64; no extra compiler flags).
#include "kernels_impl.hpp"

namespace cgp::kernels {

const Table<float>* table_f32_sse2() noexcept
{
    static constexpr Table<float> table = make_table<SimdPolicy<float, xsimd::sse2, 4, 2, 2, 4>>("sse2");
    return &table;
}

const Table<double>* table_f64_sse2() noexcept
{
    static constexpr Table<double> table = make_table<SimdPolicy<double, xsimd::sse2, 4, 2, 2, 4>>("sse2");
    return &table;
}

} // namespace cgp::kernels
