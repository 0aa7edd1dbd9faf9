// kernels_impl.hpp: the element-wise register program of an optimizer file, run over one block,
// written once over a policy (Scalar<T> or Simd<T, Arch>) and instantiated in one translation unit
// per ISA (isa_scalar, isa_sse2, isa_avx2, isa_avx512), each compiled with only its own flags and
// -ffp-contract=off. Everything sits in an anonymous namespace (no inline function compiled with
// wide flags can be shared with another path); only the table function of each TU is visible.
//
// Each instruction is one loop over the block, so the choice of operation is made once per block,
// never per element. Every operation is exact, or (exp, log, tanh, pow) computed lane by lane with
// the C library, so all paths give the scalar path's bits.
#pragma once

#include "kernels.hpp"

#include <cgp/sdk/math.hpp>

#include <cmath>
#include <cstddef>

namespace cgp::optfile::kernels {
namespace {

template <class T>
struct Scalar {
    using V = T;
    static constexpr std::size_t lanes = 1;
    static V load(const T* p) noexcept { return *p; }
    static void store(T* p, V v) noexcept { *p = v; }
};

template <class T, class Arch>
struct Simd {
    using V = xsimd::batch<T, Arch>;
    static constexpr std::size_t lanes = V::size;
    static V load(const T* p) noexcept { return V::load_unaligned(p); }
    static void store(T* p, const V& v) noexcept { v.store_unaligned(p); }
};

template <class V>
V one_if(const auto& mask) noexcept
{
    return sdk::math::select(mask, V(1), V(0));
}

// clang-format off
struct Add { template <class V> static V f(const V& a, const V& b) noexcept { return a + b; } };
struct Sub { template <class V> static V f(const V& a, const V& b) noexcept { return a - b; } };
struct Mul { template <class V> static V f(const V& a, const V& b) noexcept { return a * b; } };
struct Div { template <class V> static V f(const V& a, const V& b) noexcept { return a / b; } };
struct Min { template <class V> static V f(const V& a, const V& b) noexcept { return sdk::math::min(a, b); } };
struct Max { template <class V> static V f(const V& a, const V& b) noexcept { return sdk::math::max(a, b); } };
struct Lt { template <class V> static V f(const V& a, const V& b) noexcept { return one_if<V>(a < b); } };
struct Le { template <class V> static V f(const V& a, const V& b) noexcept { return one_if<V>(a <= b); } };
struct Gt { template <class V> static V f(const V& a, const V& b) noexcept { return one_if<V>(a > b); } };
struct Ge { template <class V> static V f(const V& a, const V& b) noexcept { return one_if<V>(a >= b); } };
struct Eq { template <class V> static V f(const V& a, const V& b) noexcept { return one_if<V>(a == b); } };
struct Ne { template <class V> static V f(const V& a, const V& b) noexcept { return one_if<V>(a != b); } };
struct Id { template <class V> static V f(const V& a) noexcept { return a; } };
struct Neg { template <class V> static V f(const V& a) noexcept { return -a; } };
struct Sqrt { template <class V> static V f(const V& a) noexcept { return sdk::math::sqrt(a); } };
struct Abs { template <class V> static V f(const V& a) noexcept { return sdk::math::abs(a); } };
struct Sign { template <class V> static V f(const V& a) noexcept { return sdk::math::sign(a); } };
// Lane by lane with the C library, the same function on every path.
struct Exp { template <class T> static T f(T a) noexcept { return std::exp(a); } };
struct Log { template <class T> static T f(T a) noexcept { return std::log(a); } };
struct Tanh { template <class T> static T f(T a) noexcept { return std::tanh(a); } };
// clang-format on

template <class P, class F, class T>
void unary(T* d, const T* a, std::size_t len) noexcept
{
    for (std::size_t i = 0; i < len; i += P::lanes)
        P::store(d + i, F::f(P::load(a + i)));
}

template <class F, class T>
void per_lane(T* d, const T* a, std::size_t len) noexcept
{
    for (std::size_t i = 0; i < len; ++i)
        d[i] = F::f(a[i]);
}

template <class P, class F, class T>
void binary(const ElemInstr& in, T* const* r, const T* c, std::size_t len) noexcept
{
    using V = typename P::V;
    T* d = r[in.dst];
    switch (in.kinds) {
    case Operands::RegReg: {
        const T* a = r[in.a];
        const T* b = r[in.b];
        for (std::size_t i = 0; i < len; i += P::lanes)
            P::store(d + i, F::f(P::load(a + i), P::load(b + i)));
        break;
    }
    case Operands::RegConst: {
        const T* a = r[in.a];
        const V b(c[in.b]);
        for (std::size_t i = 0; i < len; i += P::lanes)
            P::store(d + i, F::f(P::load(a + i), b));
        break;
    }
    case Operands::ConstReg: {
        const V a(c[in.a]);
        const T* b = r[in.b];
        for (std::size_t i = 0; i < len; i += P::lanes)
            P::store(d + i, F::f(a, P::load(b + i)));
        break;
    }
    }
}

template <class T>
void power(const ElemInstr& in, T* const* r, const T* c, std::size_t len) noexcept
{
    T* d = r[in.dst];
    const bool ca = in.kinds == Operands::ConstReg, cb = in.kinds == Operands::RegConst;
    const T* a = ca ? nullptr : r[in.a];
    const T* b = cb ? nullptr : r[in.b];
    for (std::size_t i = 0; i < len; ++i)
        d[i] = std::pow(ca ? c[in.a] : a[i], cb ? c[in.b] : b[i]);
}

// Runs code[0 .. n) over elements [0, len) of the registers; len is a multiple of P::lanes.
template <class P, class T>
void run(const ElemInstr* code, std::size_t n, T* const* r, const T* c, std::size_t len) noexcept
{
    using V = typename P::V;
    for (std::size_t k = 0; k < n; ++k) {
        const ElemInstr& in = code[k];
        T* d = r[in.dst];
        switch (in.op) {
        case EOp::Copy: unary<P, Id>(d, r[in.a], len); break;
        case EOp::Broadcast: {
            const V v(c[in.a]);
            for (std::size_t i = 0; i < len; i += P::lanes)
                P::store(d + i, v);
            break;
        }
        case EOp::Neg: unary<P, Neg>(d, r[in.a], len); break;
        case EOp::Sqrt: unary<P, Sqrt>(d, r[in.a], len); break;
        case EOp::Abs: unary<P, Abs>(d, r[in.a], len); break;
        case EOp::Sign: unary<P, Sign>(d, r[in.a], len); break;
        case EOp::Exp: per_lane<Exp>(d, r[in.a], len); break;
        case EOp::Log: per_lane<Log>(d, r[in.a], len); break;
        case EOp::Tanh: per_lane<Tanh>(d, r[in.a], len); break;
        case EOp::Add: binary<P, Add>(in, r, c, len); break;
        case EOp::Sub: binary<P, Sub>(in, r, c, len); break;
        case EOp::Mul: binary<P, Mul>(in, r, c, len); break;
        case EOp::Div: binary<P, Div>(in, r, c, len); break;
        case EOp::Min: binary<P, Min>(in, r, c, len); break;
        case EOp::Max: binary<P, Max>(in, r, c, len); break;
        case EOp::Lt: binary<P, Lt>(in, r, c, len); break;
        case EOp::Le: binary<P, Le>(in, r, c, len); break;
        case EOp::Gt: binary<P, Gt>(in, r, c, len); break;
        case EOp::Ge: binary<P, Ge>(in, r, c, len); break;
        case EOp::Eq: binary<P, Eq>(in, r, c, len); break;
        case EOp::Ne: binary<P, Ne>(in, r, c, len); break;
        case EOp::Pow: power(in, r, c, len); break;
        case EOp::Select: {
            const T* cond = r[in.a];
            const T* a = r[in.b];
            const T* b = r[in.c];
            for (std::size_t i = 0; i < len; i += P::lanes)
                P::store(d + i, sdk::math::select(P::load(cond + i) != V(0), P::load(a + i), P::load(b + i)));
            break;
        }
        }
    }
}

template <class T, class P>
constexpr PathKernels<T> make_path(const char* name) noexcept
{
    return {name, P::lanes, &run<P, T>};
}

} // namespace
} // namespace cgp::optfile::kernels
