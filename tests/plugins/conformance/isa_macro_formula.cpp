// nonconforming_isa_macro_formula.so: SGD whose update depends on a preprocessor condition that holds
// in the AVX2 and AVX-512 compilations of the file and not in the baseline, as a definition or flag that
// reaches one variant only does: the variants halve the step. Built with its SIMD variants, so the
// AVX-512 or AVX2 variant computes another update than the scalar form. cgp-conformance must fail it in
// "simd_equals_scalar" and name that cause, not FMA contraction.
#include "sgd_parts.hpp"

struct IsaMacroFormula : LrOnly {
    static constexpr cgp::sdk::info info{"isa_macro_formula", "ISA macro formula", "0.0.1",
                                         "the SIMD variants compute another update than the baseline"};
    template <class V, class C>
    static void update(V& p, const V& g, auto&, const C& c)
    {
#if defined(__AVX2__) // the defect: true in the variants' compilations only
        p = p - V(c.lr / 2) * g;
#else
        p = p - V(c.lr) * g;
#endif
    }
};

CGP_REGISTER_OPTIMIZER(IsaMacroFormula)
