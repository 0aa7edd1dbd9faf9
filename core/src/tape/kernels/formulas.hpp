// formulas.hpp: each operation's forward formula and its derivative, side by side, over a policy P
// (policies.hpp); one Formula<P, Op> per entry of the table of operations (cgp/language/ops.hpp).
// Included only by the ISA translation units, inside an anonymous namespace (see kernels_impl.hpp).
//
// A unary formula has
//   forward(a)            z = op(a)   (PowInt: forward(a, n), n its whole exponent)
//   grad(a, z) or grad(z) dz/da, given a and z, or from the output z alone; an op marked
//                         `activation` writes grad(z), as fused layers keep only their output;
// a binary one forward(a, b) and grad(a, b, z, da, db): both partial derivatives.
#pragma once

#include "policies.hpp"

#include <cgp/language/ops.hpp>

namespace cgp::kernels {
namespace {

template <class P, Op op>
struct Formula; // no formula: the op is a leaf of the graph

// Shorthands for the formulas below.
template <class P>
struct Math {
    using V = typename P::V;
    using T = typename P::Scalar;
    static V c(T x) noexcept { return P::set1(x); }
};

#define CGP_FORMULA(OP)                                                                                                \
    template <class P>                                                                                                 \
    struct Formula<P, Op::OP> : Math<P>
#define CGP_FORMULA_TYPES                                                                                              \
    using V = typename P::V;                                                                                           \
    using T = typename P::Scalar;                                                                                      \
    using Math<P>::c

// ---- binary --------------------------------------------------------------------------------

CGP_FORMULA(Add)
{
    CGP_FORMULA_TYPES;
    static V forward(V a, V b) noexcept
    {
        return a + b;
    }
    static void grad(V, V, V, V & da, V & db) noexcept
    {
        da = c(1);
        db = c(1);
    }
};

CGP_FORMULA(Sub)
{
    CGP_FORMULA_TYPES;
    static V forward(V a, V b) noexcept
    {
        return a - b;
    }
    static void grad(V, V, V, V & da, V & db) noexcept
    {
        da = c(1);
        db = -c(1);
    }
};

CGP_FORMULA(Mul)
{
    CGP_FORMULA_TYPES;
    static V forward(V a, V b) noexcept
    {
        return a * b;
    }
    static void grad(V a, V b, V, V & da, V & db) noexcept
    {
        da = b;
        db = a;
    }
};

CGP_FORMULA(Div)
{
    CGP_FORMULA_TYPES;
    static V forward(V a, V b) noexcept
    {
        return a / b;
    }
    static void grad(V, V b, V z, V & da, V & db) noexcept
    {
        da = c(1) / b;
        db = -z / b;
    }
};

CGP_FORMULA(Pow)
{
    CGP_FORMULA_TYPES;
    static V forward(V a, V b) noexcept
    {
        return P::pow(a, b);
    }
    static void grad(V a, V b, V z, V & da, V & db) noexcept
    {
        da = b * P::pow(a, b - c(1));
        db = z * P::log(a);
    }
};

// ---- unary ---------------------------------------------------------------------------------

CGP_FORMULA(PowInt)
{
    CGP_FORMULA_TYPES;
    // a^n by binary powering (exact sign for negative a).
    static V forward(V a, long n) noexcept
    {
        const bool invert = n < 0;
        unsigned long e = static_cast<unsigned long>(invert ? -n : n);
        V result = c(1);
        V base = a;
        while (e != 0) {
            if (e & 1u)
                result = result * base;
            e >>= 1;
            if (e != 0)
                base = base * base;
        }
        return invert ? c(1) / result : result;
    }
    static V grad(V a, V, long n) noexcept
    {
        return n == 0 ? c(0) : c(static_cast<T>(n)) * forward(a, n - 1);
    }
};

CGP_FORMULA(Neg)
{
    CGP_FORMULA_TYPES;
    static V forward(V a) noexcept
    {
        return -a;
    }
    static V grad(V) noexcept
    {
        return -c(1);
    }
};

CGP_FORMULA(Sigmoid)
{
    CGP_FORMULA_TYPES;
    static V forward(V a) noexcept
    {
        return c(1) / (c(1) + P::exp(-a));
    }
    static V grad(V z) noexcept
    {
        return z * (c(1) - z);
    }
};

CGP_FORMULA(Relu)
{
    CGP_FORMULA_TYPES;
    static V forward(V a) noexcept
    {
        return P::select(a > c(0), a, c(0));
    }
    static V grad(V z) noexcept
    {
        return P::select(z > c(0), c(1), c(0));
    } // relu'(0) = 0
};

CGP_FORMULA(Tanh)
{
    CGP_FORMULA_TYPES;
    static V forward(V a) noexcept
    {
        return P::tanh(a);
    }
    static V grad(V z) noexcept
    {
        return c(1) - z * z;
    }
};

CGP_FORMULA(Exp)
{
    CGP_FORMULA_TYPES;
    static V forward(V a) noexcept
    {
        return P::exp(a);
    }
    static V grad(V z) noexcept
    {
        return z;
    }
};

CGP_FORMULA(Log)
{
    CGP_FORMULA_TYPES;
    static V forward(V a) noexcept
    {
        return P::log(a);
    }
    static V grad(V a, V) noexcept
    {
        return c(1) / a;
    }
};

CGP_FORMULA(Sqrt)
{
    CGP_FORMULA_TYPES;
    static V forward(V a) noexcept
    {
        return P::sqrt(a);
    }
    static V grad(V z) noexcept
    {
        return c(0.5) / z;
    }
};

CGP_FORMULA(Abs)
{
    CGP_FORMULA_TYPES;
    static V forward(V a) noexcept
    {
        return P::select(a < c(0), -a, a);
    }
    static V grad(V a, V) noexcept
    {
        return P::select(a > c(0), c(1), P::select(a < c(0), -c(1), c(0)));
    }
};

CGP_FORMULA(Identity)
{
    CGP_FORMULA_TYPES;
    static V forward(V a) noexcept
    {
        return a;
    }
    static V grad(V) noexcept
    {
        return c(1);
    }
};

CGP_FORMULA(Softplus)
{
    CGP_FORMULA_TYPES;
    // log(1 + e^a) = max(a, 0) + log1p(e^-|a|): no overflow for large a, e^a's digits for very negative a.
    static V forward(V a) noexcept
    {
        return P::select(a > c(0), a, c(0)) + P::log1p(P::exp(P::select(a < c(0), a, -a)));
    }
    // sigmoid(a) = 1 - e^-z, through expm1 so that it keeps its digits where it is tiny.
    static V grad(V z) noexcept
    {
        return -P::expm1(-z);
    }
};

// ---- losses (the table of losses in ops.hpp) ------------------------------------------------
//
// An element-wise loss has value(y, t), its contribution for one output of one sample, and grad(y, t),
// d value / dy. Cross-entropy couples the outputs of a sample and has its own kernel
// (kernels_impl.hpp: softmax_cross_entropy). Mse is the tape's squared_error kernel.

template <class P, Loss loss>
struct LossFormula;

template <class P>
struct LossFormula<P, Loss::Bce> : Math<P> {
    CGP_FORMULA_TYPES;
    // softplus(y) - t*y = max(y, 0) - t*y + log1p(e^-|y|): y is the logit (BCEWithLogitsLoss).
    static V value(V y, V t) noexcept
    {
        return P::select(y > c(0), y, c(0)) - t * y + P::log1p(P::exp(P::select(y < c(0), y, -y)));
    }
    static V grad(V y, V t) noexcept { return c(1) / (c(1) + P::exp(-y)) - t; }
};

template <class P>
struct LossFormula<P, Loss::Huber> : Math<P> {
    CGP_FORMULA_TYPES;
    static V value(V y, V t) noexcept
    {
        const V e = y - t;
        const V a = P::select(e < c(0), -e, e);
        return P::select(a > c(1), a - c(0.5), c(0.5) * e * e);
    }
    static V grad(V y, V t) noexcept
    {
        const V e = y - t;
        return P::select(e > c(1), c(1), P::select(e < -c(1), -c(1), e));
    }
};

#undef CGP_FORMULA_TYPES
#undef CGP_FORMULA

} // namespace
} // namespace cgp::kernels
