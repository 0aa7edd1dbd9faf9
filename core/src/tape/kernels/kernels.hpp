// kernels.hpp: the batch kernels the tape runs, as one table of function pointers per SIMD path.
//
// Layout conventions, shared by every kernel:
//   - a column is one value per batch sample, 64-byte aligned, N elements long where N (the padded
//     batch) is a multiple of 16 floats / 8 doubles, so SIMD loops need no tail;
//   - B <= N is the true batch size: lanes B..N-1 are padding, never read by a reduction (sums over
//     the batch are masked to the first B lanes), so whatever the padding holds cannot leak;
//   - a matrix of columns is passed as an array of row pointers (rows need not be adjacent).
// Kernels never allocate. The tables are built in isa_*.cpp, one translation unit per ISA.
//
// Element-wise and activation kernels come one per operation of the table of operations
// (cgp/language/ops.hpp): the op is chosen once per kernel call, never inside a loop.
#pragma once

#include <cgp/language/ops.hpp>
#include <cgp/tape/simd.hpp>

#include <array>

#include <cstddef>
#include <cstdint>

namespace cgp::kernels {

// An operand of an element-wise kernel: a column, or one value for the whole batch.
// Exactly one of the two pointers is set.
template <class T>
struct Operand {
    const T* col = nullptr;
    const T* scalar = nullptr;
};

// The kernels of one operation; those that do not apply to it are null (unary ones for unary ops,
// binary ones for binary ops, the layer pair for ops marked `activation`).
template <class T>
struct OpKernels {
    // z[0:n) = op(a[0:n)); arg is the exponent of PowInt.
    void (*unary)(double arg, std::size_t n, const T* a, T* z);
    // da[0:n) += op'(a, z) * dz.
    void (*unary_backward)(double arg, std::size_t n, const T* a, const T* z, const T* dz, T* da);
    // z[0:n) = a op b.
    void (*binary)(std::size_t n, Operand<T> a, Operand<T> b, T* z);
    // Adds the gradient of a op b to ga / gb (either may be null): a column operand's gradient is a
    // column (n elements); a scalar operand's is one value, summed over the first B lanes.
    void (*binary_backward)(std::size_t n, std::size_t B, Operand<T> a, Operand<T> b, const T* z, const T* dz, T* ga,
                            T* gb);
    // Y[i][0:N) = op(Y[i][0:N) + bias[i]) for i < M; bias may be null.
    void (*bias_act)(std::size_t M, std::size_t N, T* const* Y, const T* bias);
    // dZ[i][0:N) = dY[i][0:N) * op'(Y[i][0:N)); sums[i] = sum_{b<B} dZ[i][b] when sums is set.
    void (*act_backward)(std::size_t M, std::size_t N, std::size_t B, const T* const* Y, const T* const* dY,
                         T* const* dZ, T* sums);
};

template <class T>
struct Table {
    const char* name;

    // C[i][0:N) = (accumulate ? C[i][0:N) : 0) + sum_{p<K} A[i*a_rs + p*a_cs] * B[p][0:N), i < M.
    void (*gemm)(std::size_t M, std::size_t N, std::size_t K, const T* A, std::ptrdiff_t a_rs, std::ptrdiff_t a_cs,
                 const T* const* B, T* const* C, bool accumulate);
    // C[i*c_rs + j*c_cs] += sum_{b<K} A[i][b] * B[j][b], i < M, j < N (K is a true batch size).
    void (*gemm_dot)(std::size_t M, std::size_t N, std::size_t K, const T* const* A, const T* const* B, T* C,
                     std::ptrdiff_t c_rs, std::ptrdiff_t c_cs);
    // Indexed by Op.
    std::array<OpKernels<T>, kOpCount> ops;
    const OpKernels<T>& op(Op o) const noexcept { return ops[static_cast<std::size_t>(o)]; }
    // Returns sum_{b<B} (y-t)^2 and, when dy is set, writes dy[b] = scale*(y-t) for b < B and 0 up to N.
    T (*squared_error)(std::size_t N, std::size_t B, const T* y, const T* t, T* dy, T scale);
    // Indexed by Loss: sum_{b<B} sum_{o<O} loss(y[o][b], t[o][b]) and, when dy is set, dy[o][b] =
    // scale * d loss / d y[o][b] for b < B and 0 up to N. Mse's entry is null (squared_error above).
    std::array<T (*)(std::size_t N, std::size_t B, std::size_t O, const T* const* y, const T* const* t, T* const* dy,
                     T scale),
               kLossCount>
        losses;
    // dst[0:N) = value.
    void (*fill)(std::size_t N, T value, T* dst);
    // sum_{b<B} x[b].
    T (*sum)(std::size_t B, const T* x);
};

// The table for a resolved path (not Auto); null when this build has no such path.
const Table<float>* table_f32(SimdPath path) noexcept;
const Table<double>* table_f64(SimdPath path) noexcept;

template <class T>
const Table<T>* table(SimdPath path) noexcept
{
    if constexpr (sizeof(T) == sizeof(float))
        return table_f32(path);
    else
        return table_f64(path);
}

// Defined in the ISA translation units (those absent from the build are never referenced).
const Table<float>* table_f32_scalar() noexcept;
const Table<double>* table_f64_scalar() noexcept;
const Table<float>* table_f32_sse2() noexcept;
const Table<double>* table_f64_sse2() noexcept;
const Table<float>* table_f32_avx2() noexcept;
const Table<double>* table_f64_avx2() noexcept;
const Table<float>* table_f32_avx512() noexcept;
const Table<double>* table_f64_avx512() noexcept;

} // namespace cgp::kernels
