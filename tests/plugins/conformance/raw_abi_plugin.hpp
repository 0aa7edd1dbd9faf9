// raw_abi_plugin.hpp: the boilerplate of a test plugin written against the bare C ABI (abi.h), for
// defects the C++ SDK would not let one write: a descriptor with one hyperparameter (lr) around a
// class's step function. The class provides
//   static constexpr const char* id, summary;
//   static constexpr std::uint32_t declared_states;
//   template <class T> static void step(const cgp_step_args& args, T* p, const T* g, T* const* state);
// and may provide
//   static constexpr double lr;                           // lr's default (else 0.01)
//   static constexpr std::uint32_t isa_variants;          // the descriptor's isa_variants (else 0)
//   static const char* simd_path(std::uint32_t flags);    // (else "scalar" / "sse2")
#pragma once

#include <cgp/sdk/abi.h>

#include <cstddef>
#include <cstdint>

template <class Impl>
struct RawAbiPlugin {
    static constexpr double default_lr()
    {
        if constexpr (requires { Impl::lr; })
            return Impl::lr;
        else
            return 0.01;
    }
    static constexpr std::uint32_t variants()
    {
        if constexpr (requires { Impl::isa_variants; })
            return Impl::isa_variants;
        else
            return 0;
    }
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", default_lr(), 0.0, 1.0, 0}};

    static std::uint32_t state_count(const double*) { return Impl::declared_states; }
    static int validate(const double*, char*, std::size_t) { return CGP_OK; }
    static int step_f32(const cgp_step_args* a, float* p, const float* g, float* const* s, char*, std::size_t)
    {
        Impl::template step<float>(*a, p, g, s);
        return CGP_OK;
    }
    static int step_f64(const cgp_step_args* a, double* p, const double* g, double* const* s, char*, std::size_t)
    {
        Impl::template step<double>(*a, p, g, s);
        return CGP_OK;
    }
    static const char* simd_path(std::uint32_t flags)
    {
        if constexpr (requires { Impl::simd_path(flags); })
            return Impl::simd_path(flags);
        else
            return (flags & CGP_STEP_SCALAR) ? "scalar" : "sse2";
    }

    static constexpr cgp_optimizer_descriptor descriptor = {
        sizeof(cgp_optimizer_descriptor),
        0,
        Impl::id,
        Impl::id,
        "0.0.1",
        Impl::summary,
        nullptr,
        1,
        variants(),
        hparams,
        0,
        0,
        &state_count,
        &validate,
        &step_f32,
        &step_f64,
        &simd_path,
        nullptr,
    };
    static const cgp_optimizer_descriptor* get_descriptor() { return &descriptor; }
};

#define CGP_TEST_RAW_ABI_PLUGIN(Impl)                                                                                  \
    extern "C" __attribute__((visibility("default"))) const cgp_plugin_entry_t cgp_plugin_entry = {                    \
        CGP_ABI_MAJOR, CGP_ABI_MINOR, 0u, 0u, &RawAbiPlugin<Impl>::get_descriptor};
