// kernels_impl.hpp: the element-wise register program of an optimizer file, written once over a
// policy (Scalar<T> or Simd<T, Arch>) and instantiated in one translation unit per ISA (isa_scalar,
// isa_sse2, isa_avx2, isa_avx512), each compiled with only its own flags and -ffp-contract=off.
// Everything sits in an anonymous namespace (no inline function compiled with wide flags can be
// shared with another path); only the table function of each TU is visible.
//
// run_blocks(), the general route: one pass over the arrays in blocks of kBlock elements; each
// instruction is one loop over the block (chosen through a table once per block, never per
// element), of a length known when compiled, so unrolled whole. run(): the same with a run-time
// length, for the last, shorter block. fused(): a built-in program (builtin.hpp) unrolled at compile
// time into one loop whose values stay in SIMD registers. Every operation is exact, or (exp, log,
// tanh, pow) computed lane by lane with the C library, so all paths give the scalar path's bits.
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
struct Neg { template <class V> static V f(const V& a) noexcept { return -a; } };
struct Sqrt { template <class V> static V f(const V& a) noexcept { return sdk::math::sqrt(a); } };
struct Abs { template <class V> static V f(const V& a) noexcept { return sdk::math::abs(a); } };
struct Sign { template <class V> static V f(const V& a) noexcept { return sdk::math::sign(a); } };
// Lane by lane with the C library, the same function on every path.
struct Exp { template <class T> static T f(T a) noexcept { return std::exp(a); } };
struct Log { template <class T> static T f(T a) noexcept { return std::log(a); } };
struct Tanh { template <class T> static T f(T a) noexcept { return std::tanh(a); } };
// clang-format on

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

// The operation op of one register operand on vectors (not exp, log or tanh: lane by lane).
template <EOp op, class V>
[[gnu::always_inline]] inline V unary_op(const V& a) noexcept
{
    // clang-format off
    if constexpr (op == EOp::Copy) return a;
    else if constexpr (op == EOp::Neg) return Neg::f(a);
    else if constexpr (op == EOp::Sqrt) return Sqrt::f(a);
    else if constexpr (op == EOp::Abs) return Abs::f(a);
    else return Sign::f(a);
    // clang-format on
}

// The length of a run of an instruction: the block's, known when compiled (Len = Block), or any
// multiple of the lanes (Len = std::size_t, for the last, shorter block).
using Block = std::integral_constant<std::size_t, kBlock>;

// Instruction number K of the dispatch table (op * 3 + operand kinds) over [0, len) of the
// registers r; len is a multiple of P::lanes. Every operand is a pointer into L1 (the block's slice
// of p, g and the states, or a temporary), so a loop has no branch and, with the block's length, is
// unrolled whole.
template <class P, class T, class Len, unsigned K>
void instr(const ElemInstr& in, T* const* r, const T* c, Len len) noexcept
{
    using V = typename P::V;
    constexpr EOp op = static_cast<EOp>(K / 3);
    constexpr Operands kinds = static_cast<Operands>(K % 3);
    T* const d = r[in.dst];
    const auto each = [&](auto f) {
        for (std::size_t i = 0; i < len; i += P::lanes)
            P::store(d + i, f(i));
    };
    const auto lane_by_lane = [&](auto f) { // the C library, the same on every path
        for (std::size_t i = 0; i < len; ++i)
            d[i] = f(i);
    };
    if constexpr (op == EOp::Broadcast) {
        const V v(c[in.a]);
        each([&](std::size_t) { return v; });
    } else if constexpr (op == EOp::Select) {
        const T *s = r[in.a], *a = r[in.b], *b = r[in.c];
        each([&](std::size_t i) { return sdk::math::select(P::load(s + i) != V(0), P::load(a + i), P::load(b + i)); });
    } else if constexpr (op <= EOp::Tanh) { // one operand, a register
        const T* a = r[in.a];
        // clang-format off
        if constexpr (op == EOp::Exp) lane_by_lane([&](std::size_t i) { return Exp::f(a[i]); });
        else if constexpr (op == EOp::Log) lane_by_lane([&](std::size_t i) { return Log::f(a[i]); });
        else if constexpr (op == EOp::Tanh) lane_by_lane([&](std::size_t i) { return Tanh::f(a[i]); });
        else each([&](std::size_t i) { return unary_op<op>(P::load(a + i)); });
        // clang-format on
    } else if constexpr (op == EOp::Pow) {
        const T* a = kinds == Operands::ConstReg ? nullptr : r[in.a];
        const T* b = kinds == Operands::RegConst ? nullptr : r[in.b];
        const T ca = kinds == Operands::ConstReg ? c[in.a] : T(0), cb = kinds == Operands::RegConst ? c[in.b] : T(0);
        lane_by_lane([&](std::size_t i) {
            return std::pow(kinds == Operands::ConstReg ? ca : a[i], kinds == Operands::RegConst ? cb : b[i]);
        });
    } else if constexpr (kinds == Operands::RegReg) {
        const T *a = r[in.a], *b = r[in.b];
        each([&](std::size_t i) { return apply<op>(P::load(a + i), P::load(b + i)); });
    } else if constexpr (kinds == Operands::RegConst) {
        const T* a = r[in.a];
        const V b(c[in.b]);
        each([&](std::size_t i) { return apply<op>(P::load(a + i), b); });
    } else {
        const V a(c[in.a]);
        const T* b = r[in.b];
        each([&](std::size_t i) { return apply<op>(a, P::load(b + i)); });
    }
}

inline constexpr unsigned kInstrKinds = (static_cast<unsigned>(EOp::Select) + 1) * 3;

// The dispatch table: one entry per operation and operand kinds (a type of this anonymous
// namespace, so no symbol of it is shared with another path's translation unit).
template <class P, class T, class Len>
struct Table {
    void (*fn[kInstrKinds])(const ElemInstr&, T* const*, const T*, Len) noexcept;
};
template <class P, class T, class Len>
inline constexpr Table<P, T, Len> kTable = []<unsigned... K>(std::integer_sequence<unsigned, K...>)
{
    return Table<P, T, Len>{{&instr<P, T, Len, K>...}};
}
(std::make_integer_sequence<unsigned, kInstrKinds>{});

template <class P, class T, class Len>
[[gnu::always_inline]] inline void run_code(const ElemInstr* code, std::size_t n, T* const* r, const T* c,
                                            Len len) noexcept
{
    for (std::size_t k = 0; k < n; ++k) {
        const ElemInstr& in = code[k];
        kTable<P, T, Len>.fn[static_cast<unsigned>(in.op) * 3 + static_cast<unsigned>(in.kinds)](in, r, c, len);
    }
}

// Runs code[0 .. n) over elements [0, len) of the registers; len is a multiple of P::lanes.
template <class P, class T>
void run(const ElemInstr* code, std::size_t n, T* const* r, const T* c, std::size_t len) noexcept
{
    run_code<P>(code, n, r, c, len);
}

// Runs code[0 .. n) over elements [0, count) of p = arrays[0], g = arrays[1] and the states
// arrays[2 .. fixed), in blocks of kBlock elements (count a multiple of kBlock): one pass over
// memory, every instruction a loop over the block, whose slices and temporaries stay in L1.
template <class P, class T>
void run_blocks(const ElemInstr* code, std::size_t n, T* const* arrays, std::size_t fixed, const T* c,
                std::size_t count) noexcept
{
    alignas(64) T temps[kMaxTemps][kBlock];
    T* r[kMaxRegs] = {};
    for (std::size_t j = 0; j < kMaxTemps; ++j)
        r[kFixedRegs + j] = temps[j];
    for (std::size_t i = 0; i < count; i += kBlock) {
        for (std::size_t k = 0; k < fixed; ++k)
            r[k] = arrays[k] + i;
        run_code<P>(code, n, r, c, Block{});
    }
}

// One instruction of a fused program on one vector of every register (x: registers, cv: constants).
// (Always inlined, so that the registers x of fused() stay in SIMD registers.)
template <ElemInstr In, class V>
[[gnu::always_inline]] inline void fused_op(V* x, const V* cv) noexcept
{
    constexpr EOp op = In.op;
    static_assert(op != EOp::Exp && op != EOp::Log && op != EOp::Tanh && op != EOp::Pow,
                  "a built-in program uses no function the C library computes lane by lane");
    if constexpr (op == EOp::Broadcast)
        x[In.dst] = cv[In.a];
    else if constexpr (op <= EOp::Sign)
        x[In.dst] = unary_op<op>(x[In.a]);
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
        return PathKernels<T>{
            name, P::lanes, &run<P, T>, &run_blocks<P, T>, {&fused<P, T, std::tuple_element_t<I, Builtins>>...}};
    }
    (std::make_index_sequence<kBuiltinCount>{});
}

} // namespace
} // namespace cgp::optfile::kernels
