// kernels_impl.hpp: the batch kernels, written once over a policy P (policies.hpp) and turned into a
// Table by make_table<P>(); the element-wise and activation kernels once per operation, over its
// Formula (formulas.hpp). Included only by the ISA translation units (isa_*.cpp).
//
// Everything here sits in an anonymous namespace, so each ISA translation unit gets its own private
// copy and no inline function compiled with AVX flags can be picked by the linker for the SSE2 or
// scalar path (the weak-symbol trap of multi-ISA builds; tests/unit/isa_symbols_test checks it).
#pragma once

#include "formulas.hpp"
#include "kernels.hpp"
#include "policies.hpp"

#include <cstddef>
#include <utility>

namespace cgp::kernels {
namespace {

// ---- calling a formula ---------------------------------------------------------------------

// z = op(a), with the exponent n for the ops that take one.
template <class F, class V>
inline V apply(V a, long n) noexcept
{
    if constexpr (requires { F::forward(a, n); })
        return F::forward(a, n);
    else
        return F::forward(a);
}

// dz/da from a and z, whichever form the formula is written in.
template <class F, class V>
inline V partial(V a, V z, long n) noexcept
{
    if constexpr (requires { F::grad(a, z, n); })
        return F::grad(a, z, n);
    else if constexpr (requires { F::grad(a, z); })
        return F::grad(a, z);
    else
        return F::grad(z);
}

// ---- matrix kernels --------------------------------------------------------------------------

// One MR x NV register tile of gemm: rows C[0..MR), vectors j .. j + NV*lanes.
template <class P, std::size_t MR, std::size_t NV>
inline void gemm_tile(std::size_t K, const typename P::Scalar* A, std::ptrdiff_t a_rs, std::ptrdiff_t a_cs,
                      const typename P::Scalar* const* B, std::size_t j, typename P::Scalar* const* C,
                      bool accumulate) noexcept
{
    using V = typename P::V;
    using T = typename P::Scalar;
    constexpr std::size_t L = P::lanes;
    V acc[MR][NV];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 16
        for (std::size_t v = 0; v < NV; ++v)
            acc[r][v] = accumulate ? P::load(C[r] + j + v * L) : P::set1(T(0));
    for (std::size_t p = 0; p < K; ++p) {
        const T* b = B[p] + j;
        const T* a = A + static_cast<std::ptrdiff_t>(p) * a_cs;
        V bv[NV];
#pragma GCC unroll 16
        for (std::size_t v = 0; v < NV; ++v)
            bv[v] = P::load(b + v * L);
#pragma GCC unroll 16
        for (std::size_t r = 0; r < MR; ++r) {
            const V ar = P::set1(a[static_cast<std::ptrdiff_t>(r) * a_rs]);
#pragma GCC unroll 16
            for (std::size_t v = 0; v < NV; ++v)
                acc[r][v] = P::fma(ar, bv[v], acc[r][v]);
        }
    }
#pragma GCC unroll 16
    for (std::size_t r = 0; r < MR; ++r)
#pragma GCC unroll 16
        for (std::size_t v = 0; v < NV; ++v)
            P::store(C[r] + j + v * L, acc[r][v]);
}

// Rows [i, M) in tiles of MR, then the remainder with smaller tiles.
template <class P, std::size_t NV, std::size_t R = P::MR>
inline void gemm_rows(std::size_t M, std::size_t K, const typename P::Scalar* A, std::ptrdiff_t a_rs,
                      std::ptrdiff_t a_cs, const typename P::Scalar* const* B, std::size_t j,
                      typename P::Scalar* const* C, bool accumulate) noexcept
{
    std::size_t i = 0;
    for (; i + R <= M; i += R)
        gemm_tile<P, R, NV>(K, A + static_cast<std::ptrdiff_t>(i) * a_rs, a_rs, a_cs, B, j, C + i, accumulate);
    if constexpr (R > 1) {
        if (i < M)
            gemm_rows<P, NV, R - 1>(M - i, K, A + static_cast<std::ptrdiff_t>(i) * a_rs, a_rs, a_cs, B, j, C + i,
                                    accumulate);
    }
}

template <class P>
void gemm(std::size_t M, std::size_t N, std::size_t K, const typename P::Scalar* A, std::ptrdiff_t a_rs,
          std::ptrdiff_t a_cs, const typename P::Scalar* const* B, typename P::Scalar* const* C,
          bool accumulate) noexcept
{
    constexpr std::size_t L = P::lanes;
    constexpr std::size_t block = P::NV * L;
    std::size_t j = 0;
    for (; j + block <= N; j += block)
        gemm_rows<P, P::NV>(M, K, A, a_rs, a_cs, B, j, C, accumulate);
    for (; j < N; j += L)
        gemm_rows<P, 1>(M, K, A, a_rs, a_cs, B, j, C, accumulate);
}

// One DM x DN tile of gemm_dot: dot products of rows A[0..DM) with rows B[0..DN) over K lanes.
template <class P, std::size_t DM, std::size_t DN>
inline void dot_tile(std::size_t K, const typename P::Scalar* const* A, const typename P::Scalar* const* B,
                     typename P::Scalar* C, std::ptrdiff_t c_rs, std::ptrdiff_t c_cs) noexcept
{
    using V = typename P::V;
    using T = typename P::Scalar;
    constexpr std::size_t L = P::lanes;
    V acc[DM][DN];
#pragma GCC unroll 16
    for (std::size_t r = 0; r < DM; ++r)
#pragma GCC unroll 16
        for (std::size_t c = 0; c < DN; ++c)
            acc[r][c] = P::set1(T(0));
    std::size_t b = 0;
    for (; b + L <= K; b += L) {
        V av[DM], bv[DN];
#pragma GCC unroll 16
        for (std::size_t r = 0; r < DM; ++r)
            av[r] = P::load(A[r] + b);
#pragma GCC unroll 16
        for (std::size_t c = 0; c < DN; ++c)
            bv[c] = P::load(B[c] + b);
#pragma GCC unroll 16
        for (std::size_t r = 0; r < DM; ++r)
#pragma GCC unroll 16
            for (std::size_t c = 0; c < DN; ++c)
                acc[r][c] = P::fma(av[r], bv[c], acc[r][c]);
    }
    if (b < K) {
        const auto mask = P::lane_below(K - b);
        const V zero = P::set1(T(0));
        V av[DM], bv[DN];
        for (std::size_t r = 0; r < DM; ++r)
            av[r] = P::select(mask, P::load(A[r] + b), zero);
        for (std::size_t c = 0; c < DN; ++c)
            bv[c] = P::select(mask, P::load(B[c] + b), zero);
        for (std::size_t r = 0; r < DM; ++r)
            for (std::size_t c = 0; c < DN; ++c)
                acc[r][c] = P::fma(av[r], bv[c], acc[r][c]);
    }
    for (std::size_t r = 0; r < DM; ++r)
        for (std::size_t c = 0; c < DN; ++c)
            C[static_cast<std::ptrdiff_t>(r) * c_rs + static_cast<std::ptrdiff_t>(c) * c_cs] += P::hsum(acc[r][c]);
}

template <class P, std::size_t DM>
inline void dot_rows(std::size_t i, std::size_t N, std::size_t K, const typename P::Scalar* const* A,
                     const typename P::Scalar* const* B, typename P::Scalar* C, std::ptrdiff_t c_rs,
                     std::ptrdiff_t c_cs) noexcept
{
    std::size_t j = 0;
    for (; j + P::DN <= N; j += P::DN)
        dot_tile<P, DM, P::DN>(K, A + i, B + j,
                               C + static_cast<std::ptrdiff_t>(i) * c_rs + static_cast<std::ptrdiff_t>(j) * c_cs, c_rs,
                               c_cs);
    for (; j < N; ++j)
        dot_tile<P, DM, 1>(K, A + i, B + j,
                           C + static_cast<std::ptrdiff_t>(i) * c_rs + static_cast<std::ptrdiff_t>(j) * c_cs, c_rs,
                           c_cs);
}

template <class P>
void gemm_dot(std::size_t M, std::size_t N, std::size_t K, const typename P::Scalar* const* A,
              const typename P::Scalar* const* B, typename P::Scalar* C, std::ptrdiff_t c_rs,
              std::ptrdiff_t c_cs) noexcept
{
    std::size_t i = 0;
    for (; i + P::DM <= M; i += P::DM)
        dot_rows<P, P::DM>(i, N, K, A, B, C, c_rs, c_cs);
    for (; i < M; ++i)
        dot_rows<P, 1>(i, N, K, A, B, C, c_rs, c_cs);
}

// ---- layer activations -----------------------------------------------------------------------

template <class P, Op op>
void bias_act(std::size_t M, std::size_t N, typename P::Scalar* const* Y, const typename P::Scalar* bias) noexcept
{
    using T = typename P::Scalar;
    using F = Formula<P, op>;
    for (std::size_t i = 0; i < M; ++i) {
        const auto b = P::set1(bias != nullptr ? bias[i] : T(0));
        T* y = Y[i];
        for (std::size_t k = 0; k < N; k += P::lanes)
            P::store(y + k, F::forward(P::load(y + k) + b));
    }
}

template <class P, Op op>
void act_backward(std::size_t M, std::size_t N, std::size_t B, const typename P::Scalar* const* Y,
                  const typename P::Scalar* const* dY, typename P::Scalar* const* dZ, typename P::Scalar* sums) noexcept
{
    using V = typename P::V;
    using T = typename P::Scalar;
    using F = Formula<P, op>;
    for (std::size_t i = 0; i < M; ++i) {
        V total = P::set1(T(0));
        for (std::size_t k = 0; k < N; k += P::lanes) {
            const V dz = P::load(dY[i] + k) * F::grad(P::load(Y[i] + k));
            P::store(dZ[i] + k, dz);
            if (k < B)
                total = total + P::select(P::lane_below(B - k), dz, P::set1(T(0)));
        }
        if (sums != nullptr)
            sums[i] = P::hsum(total);
    }
}

// ---- element-wise kernels --------------------------------------------------------------------

template <class P, Op op>
void unary(double arg, std::size_t n, const typename P::Scalar* a, typename P::Scalar* z) noexcept
{
    using F = Formula<P, op>;
    const long e = static_cast<long>(arg);
    for (std::size_t k = 0; k < n; k += P::lanes)
        P::store(z + k, apply<F>(P::load(a + k), e));
}

template <class P, Op op>
void unary_backward(double arg, std::size_t n, const typename P::Scalar* a, const typename P::Scalar* z,
                    const typename P::Scalar* dz, typename P::Scalar* da) noexcept
{
    using F = Formula<P, op>;
    const long e = static_cast<long>(arg);
    for (std::size_t k = 0; k < n; k += P::lanes)
        P::store(da + k, P::fma(partial<F>(P::load(a + k), P::load(z + k), e), P::load(dz + k), P::load(da + k)));
}

template <class P>
inline typename P::V operand_at(const Operand<typename P::Scalar>& o, std::size_t k) noexcept
{
    return o.col != nullptr ? P::load(o.col + k) : P::set1(*o.scalar);
}

template <class P, Op op>
void binary(std::size_t n, Operand<typename P::Scalar> a, Operand<typename P::Scalar> b, typename P::Scalar* z) noexcept
{
    using F = Formula<P, op>;
    for (std::size_t k = 0; k < n; k += P::lanes)
        P::store(z + k, F::forward(operand_at<P>(a, k), operand_at<P>(b, k)));
}

template <class P, Op op>
void binary_backward(std::size_t n, std::size_t B, Operand<typename P::Scalar> a, Operand<typename P::Scalar> b,
                     const typename P::Scalar* z, const typename P::Scalar* dz, typename P::Scalar* ga,
                     typename P::Scalar* gb) noexcept
{
    using V = typename P::V;
    using T = typename P::Scalar;
    using F = Formula<P, op>;
    const bool a_col = a.col != nullptr, b_col = b.col != nullptr;
    V sum_a = P::set1(T(0)), sum_b = P::set1(T(0));
    for (std::size_t k = 0; k < n; k += P::lanes) {
        V pa = P::set1(T(0)), pb = P::set1(T(0));
        F::grad(operand_at<P>(a, k), operand_at<P>(b, k), P::load(z + k), pa, pb);
        const V d = P::load(dz + k);
        if (ga != nullptr) {
            if (a_col)
                P::store(ga + k, P::fma(pa, d, P::load(ga + k)));
            else if (k < B)
                sum_a = sum_a + P::select(P::lane_below(B - k), pa * d, P::set1(T(0)));
        }
        if (gb != nullptr) {
            if (b_col)
                P::store(gb + k, P::fma(pb, d, P::load(gb + k)));
            else if (k < B)
                sum_b = sum_b + P::select(P::lane_below(B - k), pb * d, P::set1(T(0)));
        }
    }
    if (ga != nullptr && !a_col)
        *ga += P::hsum(sum_a);
    if (gb != nullptr && !b_col)
        *gb += P::hsum(sum_b);
}

// The kernels of one op, chosen by its entry in the table of operations.
template <class P, Op op>
constexpr OpKernels<typename P::Scalar> op_kernels() noexcept
{
    constexpr OpInfo info = op_info(op);
    OpKernels<typename P::Scalar> k{};
    if constexpr (info.arity == 1) {
        k.unary = &unary<P, op>;
        k.unary_backward = &unary_backward<P, op>;
    }
    if constexpr (info.arity == 2) {
        k.binary = &binary<P, op>;
        k.binary_backward = &binary_backward<P, op>;
    }
    if constexpr (info.activation) {
        static_assert(
            requires(typename P::V z) { Formula<P, op>::grad(z); },
            "an op marked `activation` writes its derivative from its output: grad(z)");
        k.bias_act = &bias_act<P, op>;
        k.act_backward = &act_backward<P, op>;
    }
    return k;
}

template <class P, std::size_t... I>
constexpr std::array<OpKernels<typename P::Scalar>, kOpCount> all_op_kernels(std::index_sequence<I...>) noexcept
{
    return {op_kernels<P, static_cast<Op>(I)>()...};
}

// ---- loss and helpers ------------------------------------------------------------------------

template <class P>
typename P::Scalar squared_error(std::size_t N, std::size_t B, const typename P::Scalar* y, const typename P::Scalar* t,
                                 typename P::Scalar* dy, typename P::Scalar scale) noexcept
{
    using V = typename P::V;
    using T = typename P::Scalar;
    const V s = P::set1(scale), zero = P::set1(T(0));
    V total = zero;
    for (std::size_t k = 0; k < N; k += P::lanes) {
        const auto mask = P::lane_below(k < B ? B - k : 0);
        const V e = P::select(mask, P::load(y + k) - P::load(t + k), zero);
        total = P::fma(e, e, total);
        if (dy != nullptr)
            P::store(dy + k, s * e);
    }
    return P::hsum(total);
}

// An element-wise loss over O outputs (LossFormula<P, L>).
template <class P, Loss L>
typename P::Scalar elementwise_loss(std::size_t N, std::size_t B, std::size_t O, const typename P::Scalar* const* y,
                                    const typename P::Scalar* const* t, typename P::Scalar* const* dy,
                                    typename P::Scalar scale) noexcept
{
    using V = typename P::V;
    using T = typename P::Scalar;
    using F = LossFormula<P, L>;
    const V s = P::set1(scale), zero = P::set1(T(0));
    V total = zero;
    for (std::size_t o = 0; o < O; ++o)
        for (std::size_t k = 0; k < N; k += P::lanes) {
            const auto mask = P::lane_below(k < B ? B - k : 0);
            const V yk = P::load(y[o] + k), tk = P::load(t[o] + k);
            total = total + P::select(mask, F::value(yk, tk), zero);
            if (dy != nullptr)
                P::store(dy[o] + k, P::select(mask, s * F::grad(yk, tk), zero));
        }
    return P::hsum(total);
}

// Softmax cross-entropy over the O outputs of each sample, from the logits y, with a stable
// log-sum-exp: loss = lse(y) - sum_o t_o y_o (for targets summing to 1), d/dy_o = softmax_o * sum t - t_o.
template <class P>
typename P::Scalar softmax_cross_entropy(std::size_t N, std::size_t B, std::size_t O,
                                         const typename P::Scalar* const* y, const typename P::Scalar* const* t,
                                         typename P::Scalar* const* dy, typename P::Scalar scale) noexcept
{
    using V = typename P::V;
    using T = typename P::Scalar;
    const V s = P::set1(scale), zero = P::set1(T(0));
    V total = zero;
    for (std::size_t k = 0; k < N; k += P::lanes) {
        const auto mask = P::lane_below(k < B ? B - k : 0);
        V m = P::select(mask, P::load(y[0] + k), zero);
        for (std::size_t o = 1; o < O; ++o) {
            const V yo = P::select(mask, P::load(y[o] + k), zero);
            m = P::select(yo > m, yo, m);
        }
        V sum = zero, tsum = zero, ty = zero;
        for (std::size_t o = 0; o < O; ++o) {
            const V yo = P::select(mask, P::load(y[o] + k), zero);
            const V to = P::select(mask, P::load(t[o] + k), zero);
            sum = sum + P::exp(yo - m);
            tsum = tsum + to;
            ty = P::fma(to, yo, ty);
        }
        const V lse = m + P::log(sum);
        total = total + P::select(mask, lse * tsum - ty, zero);
        if (dy != nullptr)
            for (std::size_t o = 0; o < O; ++o) {
                const V yo = P::select(mask, P::load(y[o] + k), zero);
                const V to = P::select(mask, P::load(t[o] + k), zero);
                P::store(dy[o] + k, P::select(mask, s * (P::exp(yo - lse) * tsum - to), zero));
            }
    }
    return P::hsum(total);
}

template <class P>
void fill(std::size_t N, typename P::Scalar value, typename P::Scalar* dst) noexcept
{
    const auto v = P::set1(value);
    for (std::size_t k = 0; k < N; k += P::lanes)
        P::store(dst + k, v);
}

template <class P>
typename P::Scalar sum(std::size_t B, const typename P::Scalar* x) noexcept
{
    using V = typename P::V;
    using T = typename P::Scalar;
    V total = P::set1(T(0));
    for (std::size_t k = 0; k < B; k += P::lanes)
        total = total + P::select(P::lane_below(B - k), P::load(x + k), P::set1(T(0)));
    return P::hsum(total);
}

template <class P>
constexpr Table<typename P::Scalar> make_table(const char* name) noexcept
{
    static_assert(kLossCount == 4, "a new loss needs its kernel in the table below");
    return Table<typename P::Scalar>{
        name,
        &gemm<P>,
        &gemm_dot<P>,
        all_op_kernels<P>(std::make_index_sequence<kOpCount>{}),
        &squared_error<P>,
        {nullptr, &elementwise_loss<P, Loss::Bce>, &softmax_cross_entropy<P>, &elementwise_loss<P, Loss::Huber>},
        &fill<P>,
        &sum<P>,
    };
}

} // namespace
} // namespace cgp::kernels
