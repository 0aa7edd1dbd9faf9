// policies.hpp: how the generic kernels see a "vector": the scalar policy (V = T, one lane) and the
// xsimd policy (V = xsimd::batch<T, Arch>), with the register-tile sizes chosen per ISA.
// Included only by the ISA translation units, inside an anonymous namespace (see kernels_impl.hpp).
#pragma once

#include <xsimd/xsimd.hpp>

#include <cmath>
#include <cstddef>

namespace cgp::kernels {
namespace {

template <class T>
struct ScalarPolicy {
    using Scalar = T;
    using V = T;
    using Mask = bool;
    static constexpr std::size_t lanes = 1;
    // gemm register tile: MR rows x NV vectors; gemm_dot tile: DM x DN dot products.
    static constexpr std::size_t MR = 4, NV = 4, DM = 2, DN = 4;

    static V load(const T* p) noexcept { return *p; }
    static void store(T* p, V v) noexcept { *p = v; }
    static V set1(T x) noexcept { return x; }
    static V fma(V a, V b, V c) noexcept { return a * b + c; }
    static T hsum(V v) noexcept { return v; }
    static V select(Mask m, V a, V b) noexcept { return m ? a : b; }
    static Mask lane_below(std::size_t count) noexcept { return count > 0; }
    static V exp(V x) noexcept { return std::exp(x); }
    static V log(V x) noexcept { return std::log(x); }
    static V log1p(V x) noexcept { return std::log1p(x); }
    static V expm1(V x) noexcept { return std::expm1(x); }
    static V sqrt(V x) noexcept { return std::sqrt(x); }
    static V tanh(V x) noexcept { return std::tanh(x); }
    static V pow(V x, V y) noexcept { return std::pow(x, y); }
};

template <class T, class Arch, std::size_t MRows, std::size_t NVecs, std::size_t DRows, std::size_t DCols>
struct SimdPolicy {
    using Scalar = T;
    using V = xsimd::batch<T, Arch>;
    using Mask = xsimd::batch_bool<T, Arch>;
    static constexpr std::size_t lanes = V::size;
    static constexpr std::size_t MR = MRows, NV = NVecs, DM = DRows, DN = DCols;

    static V load(const T* p) noexcept { return V::load_aligned(p); }
    static void store(T* p, V v) noexcept { v.store_aligned(p); }
    static V set1(T x) noexcept { return V(x); }
    static V fma(V a, V b, V c) noexcept { return xsimd::fma(a, b, c); }
    // Horizontal sum, lanes added in order (xsimd 8.1's hadd for AVX-512F floats needs AVX512DQ).
    static T hsum(V v) noexcept
    {
        alignas(64) T lane[lanes];
        v.store_aligned(lane);
        T s = lane[0];
        for (std::size_t i = 1; i < lanes; ++i)
            s += lane[i];
        return s;
    }
    static V select(Mask m, V a, V b) noexcept { return xsimd::select(m, a, b); }
    // Lanes [0, count) set (count may exceed the lane count).
    static Mask lane_below(std::size_t count) noexcept
    {
        alignas(64) static constexpr T iota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
        return V::load_aligned(iota) < V(static_cast<T>(count < lanes ? count : lanes));
    }
    static V exp(V x) noexcept { return xsimd::exp(x); }
    static V log(V x) noexcept { return xsimd::log(x); }
    static V log1p(V x) noexcept { return xsimd::log1p(x); }
    static V expm1(V x) noexcept { return xsimd::expm1(x); }
    static V sqrt(V x) noexcept { return xsimd::sqrt(x); }
    static V tanh(V x) noexcept { return xsimd::tanh(x); }
    static V pow(V x, V y) noexcept { return xsimd::pow(x, y); }
};

} // namespace
} // namespace cgp::kernels
