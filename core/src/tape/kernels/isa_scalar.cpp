// isa_scalar.cpp: kernel tables for the scalar path: the same kernels with one value per "vector", compiled with
// -fno-tree-vectorize so it stays scalar (the reference for tests and the baseline for cgp-bench).
#include "kernels_impl.hpp"

namespace cgp::kernels {

const Table<float>* table_f32_scalar() noexcept
{
    static constexpr Table<float> table = make_table<ScalarPolicy<float>>("scalar");
    return &table;
}

const Table<double>* table_f64_scalar() noexcept
{
    static constexpr Table<double> table = make_table<ScalarPolicy<double>>("scalar");
    return &table;
}

} // namespace cgp::kernels
