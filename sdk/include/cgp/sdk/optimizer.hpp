// cgp/sdk/optimizer.hpp: write an optimizer plugin as one C++ class and one macro.
//
// The class holds the description, the hyperparameter schema and the update written once, generic
// over the value type V: V is a plain float/double in the scalar form and an xsimd batch in the SIMD
// forms. CGP_REGISTER_OPTIMIZER(Class) turns it into the C contract of abi.h: it exports the entry
// symbol, runs the update over the arrays in SIMD batches (the last, partial one through a
// lane-sized copy), picks the best SIMD variant the CPU has (when cgp_add_plugin compiled the file
// for several), and turns exceptions into status codes. Nothing here allocates inside a step.
//
// The class must provide (CGP_REGISTER_OPTIMIZER checks each when the plugin compiles, and names
// the member that is missing; see plugin_checks.hpp):
//   static constexpr cgp::sdk::info info{id, name, version, summary, algorithm-or-nullptr};
//   enum { lr, ..., hparam_count };                     // one enumerator per hparams[] entry, then
//                                                       // hparam_count: the lengths must agree
//   static constexpr cgp_hparam hparams[] = {{name, help, default, min, max, flags}, ...};
//   static constexpr unsigned max_state = K;            // upper bound of state arrays (0..256)
//   template <class T> struct constants { ... };        // per-step values, computed once per step
//   template <class T> static constants<T> prepare(const double* hp, std::uint64_t t);
//   template <class V, class C>
//   static void update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c);
// and may provide:
//   static std::uint32_t state_count(const double* hp);   // default: max_state
//   static std::string validate(const double* hp);        // "" when valid; default: always valid
//   static constexpr std::uint32_t simd_max_ulp = N;      // default 0: SIMD equals scalar bitwise
//   static void initial_state(const double* hp, cgp::sdk::initial_values<max_state>& init);
//                                                         // offers "cgp.initial_state/1": state
//                                                         // arrays start at init.constant(k, value)
//                                                         // or init.copy_of_params(k); default 0
//
// In update(), index the state with constants (s[0], s[m]): an index past max_state is a compile
// error (state_index_past_max_state). Use the operators + - * / and the functions of
// cgp/sdk/math.hpp (sqrt, abs, min, max, select, ...): they work for both V kinds, so the scalar and
// SIMD forms are one text. See plugins/adam/adam.cpp and plugins/adagrad/adagrad.cpp (initial
// state) for complete examples.
#pragma once

#include <cgp/sdk/abi.h>
#include <cgp/sdk/math.hpp>
#include <cgp/sdk/state.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <string>
#include <type_traits>

namespace cgp::sdk {

// The descriptive part of a plugin (strings with static storage duration).
struct info {
    const char* id;
    const char* name;
    const char* version;
    const char* summary;
    const char* algorithm = nullptr;
};

namespace detail {

// Copies text into the host's message buffer, always NUL-terminated.
inline void write_message(char* msg, std::size_t msg_size, const char* text) noexcept
{
    if (msg == nullptr || msg_size == 0)
        return;
    std::size_t n = std::strlen(text);
    if (n >= msg_size)
        n = msg_size - 1;
    std::memcpy(msg, text, n);
    msg[n] = '\0';
}

template <class Opt, class = void>
struct has_state_count : std::false_type {
};
template <class Opt>
struct has_state_count<Opt, std::void_t<decltype(Opt::state_count(nullptr))>> : std::true_type {
};

template <class Opt, class = void>
struct has_validate : std::false_type {
};
template <class Opt>
struct has_validate<Opt, std::void_t<decltype(Opt::validate(nullptr))>> : std::true_type {
};

template <class Opt, class = void>
struct declared_ulp : std::integral_constant<std::uint32_t, 0> {
};
template <class Opt>
struct declared_ulp<Opt, std::void_t<decltype(Opt::simd_max_ulp)>>
    : std::integral_constant<std::uint32_t, Opt::simd_max_ulp> {
};

template <class Opt>
std::uint32_t state_count(const double* hp) noexcept
{
    if constexpr (has_state_count<Opt>::value)
        return Opt::state_count(hp);
    else
        return Opt::max_state;
}

// Applies Opt::update to elements [begin, end) in steps of `lanes`, with NS state arrays.
// V is the value type (T or an xsimd batch); Load/Store move V between memory and registers.
template <class Opt, class V, std::size_t Lanes, unsigned NS, class T, class C>
inline void apply(std::size_t begin, std::size_t end, T* p, const T* g, T* const* s, const C& c) noexcept
{
    for (std::size_t i = begin; i < end; i += Lanes) {
        V pv = vec_load<V>(p + i);
        V gv = vec_load<V>(g + i);
        // Every declared index is in bounds; arrays past NS (unused with these hyperparameters) are 0.
        V sv[Opt::max_state > 0 ? Opt::max_state : 1] = {};
        for (unsigned k = 0; k < NS; ++k)
            sv[k] = vec_load<V>(s[k] + i);
        states<V, Opt::max_state> sview(sv);
        Opt::update(pv, gv, sview, c);
        vec_store(p + i, pv);
        for (unsigned k = 0; k < NS; ++k)
            vec_store(s[k] + i, sv[k]);
    }
}

// Applies Opt::update to the last elements [begin, n), fewer than one V holds, through one V: they
// are copied into lane-sized local arrays whose other lanes repeat element n - 1 (so every lane
// computes a value the update also computes for a real element), updated, and copied back. Each
// lane computes what the SIMD blocks compute, so short arrays (13 parameters, 16 lanes) take the
// SIMD route too, with the same per-element guarantee against the scalar form (simd_max_ulp).
template <class Opt, class V, unsigned NS, class T, class C>
inline void apply_tail(std::size_t begin, std::size_t n, T* p, const T* g, T* const* s, const C& c) noexcept
{
    constexpr std::size_t lanes = vec_lanes<V>::value;
    constexpr unsigned arrays = Opt::max_state > 0 ? Opt::max_state : 1;
    alignas(64) T lp[lanes], lg[lanes], ls[arrays][lanes];
    T* lsp[arrays];
    const std::size_t rest = n - begin;
    for (std::size_t j = 0; j < lanes; ++j) {
        const std::size_t i = begin + (j < rest ? j : rest - 1);
        lp[j] = p[i];
        lg[j] = g[i];
        for (unsigned k = 0; k < NS; ++k)
            ls[k][j] = s[k][i];
    }
    for (unsigned k = 0; k < arrays; ++k)
        lsp[k] = ls[k];
    apply<Opt, V, lanes, NS>(0, lanes, lp, lg, lsp, c);
    for (std::size_t j = 0; j < rest; ++j) {
        p[begin + j] = lp[j];
        for (unsigned k = 0; k < NS; ++k)
            s[k][begin + j] = ls[k][j];
    }
}

// Runs the update in V-sized blocks over the largest multiple of the lane count, then the rest
// through one V (apply_tail); returns n, where the scalar tail would start. NS is made a
// compile-time constant so the state loop unrolls.
template <class Opt, class V, class T, class C>
inline std::size_t apply_blocks(std::size_t n, T* p, const T* g, T* const* s, unsigned ns, const C& c) noexcept
{
    constexpr std::size_t lanes = vec_lanes<V>::value;
    const std::size_t full = n - n % lanes;
    [&]<unsigned... K>(std::integer_sequence<unsigned, K...>)
    {
        (void)((ns == K ? (apply<Opt, V, lanes, K>(0, full, p, g, s, c),
                           full < n ? apply_tail<Opt, V, K>(full, n, p, g, s, c) : void(), true)
                        : false) ||
               ...);
    }
    (std::make_integer_sequence<unsigned, Opt::max_state + 1>{});
    return n;
}

// A SIMD variant compiled in its own translation unit: processes the full blocks and returns where
// the tail starts.
template <class T>
using variant_fn = std::size_t (*)(const void* constants, std::size_t n, T* p, const T* g, T* const* s, unsigned ns);

} // namespace detail
} // namespace cgp::sdk

// ---- what CGP_REGISTER_OPTIMIZER expands to ------------------------------------------------------
//
// cgp_add_plugin() compiles the plugin source once as the baseline (no CGP_SDK_VARIANT; it defines
// the entry symbol) and once per extra ISA with CGP_SDK_VARIANT set to avx2 or avx512f (these define
// only the hidden block-kernels). The baseline finds the variants through weak hidden symbols, so a
// build without them still links and simply has no such path.

#define CGP_SDK_HIDDEN __attribute__((visibility("hidden")))

#if defined(CGP_SDK_VARIANT)

#include <xsimd/xsimd.hpp>

#define CGP_SDK_CAT2(a, b) a##b
#define CGP_SDK_CAT(a, b) CGP_SDK_CAT2(a, b)

#define CGP_REGISTER_OPTIMIZER(Class)                                                                                  \
    extern "C" CGP_SDK_HIDDEN std::size_t CGP_SDK_CAT(cgp_sdk_blocks_f32_, CGP_SDK_VARIANT)(                           \
        const void* c, std::size_t n, float* p, const float* g, float* const* s, unsigned ns)                          \
    {                                                                                                                  \
        using V = xsimd::batch<float, xsimd::default_arch>;                                                            \
        return ::cgp::sdk::detail::apply_blocks<Class, V>(                                                             \
            n, p, g, s, ns, *static_cast<const typename Class::template constants<float>*>(c));                        \
    }                                                                                                                  \
    extern "C" CGP_SDK_HIDDEN std::size_t CGP_SDK_CAT(cgp_sdk_blocks_f64_, CGP_SDK_VARIANT)(                           \
        const void* c, std::size_t n, double* p, const double* g, double* const* s, unsigned ns)                       \
    {                                                                                                                  \
        using V = xsimd::batch<double, xsimd::default_arch>;                                                           \
        return ::cgp::sdk::detail::apply_blocks<Class, V>(                                                             \
            n, p, g, s, ns, *static_cast<const typename Class::template constants<double>*>(c));                       \
    }

#else

#include <cgp/sdk/plugin_glue.hpp>

#define CGP_REGISTER_OPTIMIZER(Class)                                                                                  \
    static_assert(::cgp::sdk::detail::check_plugin_class<Class>());                                                    \
    extern "C" __attribute__((visibility("default")))                                                                  \
    const cgp_plugin_entry_t cgp_plugin_entry = {CGP_ABI_MAJOR, CGP_ABI_MINOR, ::cgp::sdk::detail::compiled_isa(), 0u, \
                                                 &::cgp::sdk::detail::glue<Class>::descriptor};
#endif
