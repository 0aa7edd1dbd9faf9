// kernels_impl.hpp: the element-wise register program of an optimizer file, run over one block,
// written once over a policy (Scalar<T> or Simd<T, Arch>) and instantiated in one translation unit
// per ISA (isa_scalar, isa_sse2, isa_avx2, isa_avx512), each compiled with only its own flags and
// -ffp-contract=off. Everything sits in an anonymous namespace (no inline function compiled with
// wide flags can be shared with another path); only the table function of each TU is visible.
//
// run(): each instruction is one loop over the block, so the choice of operation is made once per
// block, never per element. fused(): a built-in program (builtin.hpp) unrolled at compile time into
// one loop whose values stay in SIMD registers. Every operation is exact, or (exp, log, tanh, pow) computed lane by lane with
// the C library, so all paths give the scalar path's bits.
#pragma once

#include "builtin.hpp"
#include "kernels.hpp"

#include <cgp/sdk/math.hpp>

#include <cmath>
#include <cstddef>
#include <iterator>
#include <type_traits>
#include <utility>

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

// The binary operation op on vectors.
template <EOp op, class V>
[[gnu::always_inline]] inline V apply(const V& a, const V& b) noexcept
{
    // clang-format off
    if constexpr (op == EOp::Add) return Add::f(a, b);
    else if constexpr (op == EOp::Sub) return Sub::f(a, b);
    else if constexpr (op == EOp::Mul) return Mul::f(a, b);
    else if constexpr (op == EOp::Div) return Div::f(a, b);
    else if constexpr (op == EOp::Min) return Min::f(a, b);
    else if constexpr (op == EOp::Max) return Max::f(a, b);
    else if constexpr (op == EOp::Lt) return Lt::f(a, b);
    else if constexpr (op == EOp::Le) return Le::f(a, b);
    else if constexpr (op == EOp::Gt) return Gt::f(a, b);
    else if constexpr (op == EOp::Ge) return Ge::f(a, b);
    else if constexpr (op == EOp::Eq) return Eq::f(a, b);
    else return Ne::f(a, b);
    // clang-format on
}

// One instruction of a fused program on one vector of every register (x: registers, cv: constants).
// (Always inlined, so that the registers x of fused() stay in SIMD registers.)
template <ElemInstr In, class V>
[[gnu::always_inline]] inline void fused_op(V* x, const V* cv) noexcept
{
    constexpr EOp op = In.op;
    static_assert(op != EOp::Exp && op != EOp::Log && op != EOp::Tanh && op != EOp::Pow,
                  "a built-in program uses no function the C library computes lane by lane");
    if constexpr (op == EOp::Copy)
        x[In.dst] = x[In.a];
    else if constexpr (op == EOp::Broadcast)
        x[In.dst] = cv[In.a];
    else if constexpr (op == EOp::Neg)
        x[In.dst] = Neg::f(x[In.a]);
    else if constexpr (op == EOp::Sqrt)
        x[In.dst] = Sqrt::f(x[In.a]);
    else if constexpr (op == EOp::Abs)
        x[In.dst] = Abs::f(x[In.a]);
    else if constexpr (op == EOp::Sign)
        x[In.dst] = Sign::f(x[In.a]);
    else if constexpr (op == EOp::Select)
        x[In.dst] = sdk::math::select(x[In.a] != V(0), x[In.b], x[In.c]);
    else {
        const V a = In.kinds == Operands::ConstReg ? cv[In.a] : x[In.a];
        const V b = In.kinds == Operands::RegConst ? cv[In.b] : x[In.b];
        x[In.dst] = apply<op>(a, b);
    }
}

// A built-in program (builtin.hpp) over elements [0, len) of p = r[0], g = r[1] and the states
// r[2 ..], in one pass: each vector is loaded once, runs every instruction in registers, and is
// stored once. len is a multiple of P::lanes. Same operations, same order: the interpreter's bits.
template <class P, class T, class Prog>
void fused(T* const* r, const T* c, std::size_t len) noexcept
{
    using V = typename P::V;
    constexpr std::size_t n = std::size(Prog::code);
    constexpr std::size_t s = Prog::states;
    constexpr std::size_t consts = [] {
        std::size_t k = 0;
        for (const ElemInstr& in : Prog::code) {
            if (in.op == EOp::Broadcast || in.kinds == Operands::ConstReg)
                k = k > in.a + 1u ? k : in.a + 1u;
            if (in.kinds == Operands::RegConst)
                k = k > in.b + 1u ? k : in.b + 1u;
        }
        return k > 0 ? k : 1;
    }();
    V cv[consts];
    for (std::size_t k = 0; k < consts; ++k)
        cv[k] = V(c[k]);
    T* const p = r[0];
    const T* const g = r[1];
    for (std::size_t i = 0; i < len; i += P::lanes) {
        V x[kMaxRegs];
        x[0] = P::load(p + i);
        x[1] = P::load(g + i);
        for (std::size_t k = 0; k < s; ++k)
            x[2 + k] = P::load(r[2 + k] + i);
        [&]<std::size_t... K>(std::index_sequence<K...>)
        {
            (fused_op<Prog::code[K]>(x, cv), ...);
        }
        (std::make_index_sequence<n>{});
        P::store(p + i, x[0]);
        for (std::size_t k = 0; k < s; ++k)
            P::store(r[2 + k] + i, x[2 + k]);
    }
}

template <class T, class P>
constexpr PathKernels<T> make_path(const char* name) noexcept
{
    return [name]<std::size_t... I>(std::index_sequence<I...>)
    {
        return PathKernels<T>{name, P::lanes, &run<P, T>, {&fused<P, T, std::tuple_element_t<I, Builtins>>...}};
    }
    (std::make_index_sequence<kBuiltinCount>{});
}

} // namespace
} // namespace cgp::optfile::kernels
