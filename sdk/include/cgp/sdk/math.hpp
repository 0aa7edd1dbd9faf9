// cgp/sdk/math.hpp: the operations an update may use, one spelling for scalars and SIMD batches.
//
// A plugin's update() is a template over V, which is float/double (scalar form) or an
// xsimd::batch (SIMD forms). The functions below accept both, so the update is written once.
// sqrt, abs, min, max, select and sign are exact (IEEE correctly rounded or bit operations): an
// update built only from them and + - * / gives bitwise the same result in every form, which
// cgp-conformance checks. exp, log and pow use different algorithms in the scalar and the SIMD forms;
// a plugin using them must declare its bound in `simd_max_ulp`.
#pragma once

#include <xsimd/xsimd.hpp>

#include <cmath>
#include <cstddef>
#include <type_traits>

namespace cgp::sdk {

// Number of elements one V holds.
template <class V>
struct vec_lanes : std::integral_constant<std::size_t, 1> {
};
template <class T, class A>
struct vec_lanes<xsimd::batch<T, A>> : std::integral_constant<std::size_t, xsimd::batch<T, A>::size> {
};

template <class V, class T>
inline V vec_load(const T* p) noexcept
{
    if constexpr (std::is_arithmetic_v<V>)
        return *p;
    else
        return V::load_unaligned(p);
}

template <class T>
inline void vec_store(T* p, const T& v) noexcept
{
    *p = v;
}
template <class T, class A>
inline void vec_store(T* p, const xsimd::batch<T, A>& v) noexcept
{
    v.store_unaligned(p);
}

namespace math {

template <class V>
inline V sqrt(const V& x) noexcept
{
    return xsimd::sqrt(x);
}

template <class V>
inline V abs(const V& x) noexcept
{
    return xsimd::abs(x);
}

// select(c, a, b): a where c holds, b elsewhere. c comes from a comparison of V values.
template <class C, class V>
inline V select(const C& c, const V& a, const V& b) noexcept
{
    if constexpr (std::is_arithmetic_v<V>)
        return c ? a : b;
    else
        return xsimd::select(c, a, b);
}

// min/max with the SIMD instructions' semantics in both forms: min(a, b) = a < b ? a : b.
template <class V>
inline V min(const V& a, const V& b) noexcept
{
    return select(a < b, a, b);
}
template <class V>
inline V max(const V& a, const V& b) noexcept
{
    return select(a > b, a, b);
}

// sign(x): -1, 0 or +1 (0 for zero and NaN).
template <class V>
inline V sign(const V& x) noexcept
{
    const V zero(0), one(1);
    return select(x > zero, one, select(x < zero, -one, zero));
}

// Not bitwise equal between the forms (declare simd_max_ulp when used).
template <class V>
inline V exp(const V& x) noexcept
{
    return xsimd::exp(x);
}
template <class V>
inline V log(const V& x) noexcept
{
    return xsimd::log(x);
}
template <class V>
inline V pow(const V& x, const V& y) noexcept
{
    return xsimd::pow(x, y);
}

} // namespace math
} // namespace cgp::sdk
