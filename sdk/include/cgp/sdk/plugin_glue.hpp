// cgp/sdk/plugin_glue.hpp: the descriptor and step functions CGP_REGISTER_OPTIMIZER builds from a
// plugin class (baseline translation unit only; see optimizer.hpp). Not included directly.
#pragma once

#include <cgp/sdk/abi.h>
#include <cgp/sdk/host.hpp>
#include <cgp/sdk/plugin_checks.hpp>
#include <cgp/sdk/state.hpp>

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <iterator>
#include <string>

// SIMD block kernels from the variant translation units; null when cgp_add_plugin built none.
extern "C" {
__attribute__((weak, visibility("hidden"))) std::size_t cgp_sdk_blocks_f32_avx2(const void*, std::size_t, float*,
                                                                                const float*, float* const*, unsigned);
__attribute__((weak, visibility("hidden"))) std::size_t cgp_sdk_blocks_f64_avx2(const void*, std::size_t, double*,
                                                                                const double*, double* const*,
                                                                                unsigned);
__attribute__((weak, visibility("hidden"))) std::size_t cgp_sdk_blocks_f32_avx512f(const void*, std::size_t, float*,
                                                                                   const float*, float* const*,
                                                                                   unsigned);
__attribute__((weak, visibility("hidden"))) std::size_t cgp_sdk_blocks_f64_avx512f(const void*, std::size_t, double*,
                                                                                   const double*, double* const*,
                                                                                   unsigned);
}

namespace cgp::sdk::detail {

// Instruction sets this translation unit's code may use unconditionally (its compiler flags).
constexpr std::uint32_t compiled_isa() noexcept
{
    std::uint32_t isa = 0;
#if defined(__SSE2__)
    isa |= CGP_ISA_SSE2;
#endif
#if defined(__SSE4_2__)
    isa |= CGP_ISA_SSE4_2;
#endif
#if defined(__AVX__)
    isa |= CGP_ISA_AVX;
#endif
#if defined(__AVX2__)
    isa |= CGP_ISA_AVX2;
#endif
#if defined(__FMA__)
    isa |= CGP_ISA_FMA3;
#endif
#if defined(__AVX512F__)
    isa |= CGP_ISA_AVX512F;
#endif
#if defined(__AVX512BW__)
    isa |= CGP_ISA_AVX512BW;
#endif
#if defined(__ARM_NEON)
    isa |= CGP_ISA_NEON;
#endif
    return isa;
}

// SIMD variants cgp_add_plugin compiled besides the baseline (it defines CGP_SDK_VARIANTS).
constexpr std::uint32_t built_variants() noexcept
{
#if defined(CGP_SDK_VARIANTS)
    return CGP_SDK_VARIANTS;
#else
    return 0;
#endif
}

// The SIMD variant a step takes on this CPU, chosen once.
struct variant_choice {
    variant_fn<float> f32 = nullptr; // null: use the baseline batch type of this translation unit
    variant_fn<double> f64 = nullptr;
    const char* name = nullptr;
    std::uint32_t isa = 0;
};

// The instruction sets CGP_ISA_DISABLE names (comma or space separated, as the host reads it: sse2
// sse4.2 avx avx2 fma3 avx512f avx512bw); unknown words disable nothing.
inline std::uint32_t disabled_isa() noexcept
{
    static constexpr struct {
        const char* name;
        std::uint32_t bit;
    } names[] = {{"sse2", CGP_ISA_SSE2},        {"sse4.2", CGP_ISA_SSE4_2}, {"avx", CGP_ISA_AVX},
                 {"avx2", CGP_ISA_AVX2},        {"fma3", CGP_ISA_FMA3},     {"avx512f", CGP_ISA_AVX512F},
                 {"avx512bw", CGP_ISA_AVX512BW}};
    const char* text = std::getenv("CGP_ISA_DISABLE");
    std::uint32_t off = 0;
    while (text != nullptr && *text != '\0') {
        const std::size_t length = std::strcspn(text, ", ");
        for (const auto& n : names)
            if (std::strlen(n.name) == length && std::strncmp(text, n.name, length) == 0)
                off |= n.bit;
        text += length + (text[length] != '\0');
    }
    return off;
}

// The widest variant this CPU runs whose instruction sets (those its code is compiled for)
// CGP_ISA_DISABLE does not name; read once, at the first step.
inline const variant_choice& best_variant() noexcept
{
    static const variant_choice choice = [] {
        variant_choice c;
#if defined(__x86_64__) || defined(__i386__)
        __builtin_cpu_init();
        const std::uint32_t off = disabled_isa();
        constexpr std::uint32_t avx2_code = CGP_ISA_AVX | CGP_ISA_AVX2 | CGP_ISA_FMA3;
        if (cgp_sdk_blocks_f32_avx512f != nullptr && __builtin_cpu_supports("avx512f") &&
            (off & (avx2_code | CGP_ISA_AVX512F)) == 0)
            return variant_choice{&cgp_sdk_blocks_f32_avx512f, &cgp_sdk_blocks_f64_avx512f, "avx512f", CGP_ISA_AVX512F};
        if (cgp_sdk_blocks_f32_avx2 != nullptr && __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
            (off & avx2_code) == 0)
            return variant_choice{&cgp_sdk_blocks_f32_avx2, &cgp_sdk_blocks_f64_avx2, "avx2",
                                  CGP_ISA_AVX2 | CGP_ISA_FMA3};
#endif
        c.name = xsimd::default_arch::name();
        return c;
    }();
    return choice;
}

// Runs body() and turns an exception into CGP_ERR_INTERNAL with its message: nothing crosses the C
// boundary as an exception.
template <class Body>
int guarded(char* msg, std::size_t msg_size, const char* unknown, Body&& body) noexcept
{
    try {
        return body();
    } catch (const std::exception& e) {
        write_message(msg, msg_size, e.what());
    } catch (...) {
        write_message(msg, msg_size, unknown);
    }
    return CGP_ERR_INTERNAL;
}

template <class Opt>
concept has_initial_state = requires(const double* hp, initial_values<Opt::max_state>& init)
{
    Opt::initial_state(hp, init);
};

// A class with run state (cgp.run_state/1) declares
//   static constexpr unsigned run_state_size = R;        // doubles per run
//   static constexpr unsigned tensor_state_size = K;     // doubles per tensor (optional, default 0)
//   static void initial_run_state(const double* hp, double* run, double* tensor);  // optional: 0
template <class Opt>
concept has_run_state = requires
{
    Opt::run_state_size;
};

template <class Opt>
constexpr unsigned tensor_state_size() noexcept
{
    if constexpr (requires { Opt::tensor_state_size; })
        return Opt::tensor_state_size;
    else
        return 0;
}

template <class Opt>
concept has_initial_run_state = requires(const double* hp, double* run, double* tensor)
{
    Opt::initial_run_state(hp, run, tensor);
};

// What both glues (element-wise here, tensor-wise in tensor_optimizer.hpp) build alike.
template <class Opt>
struct glue_common {
    static constexpr std::uint32_t hparam_count = static_cast<std::uint32_t>(std::size(Opt::hparams));

    static std::uint32_t state_count_fn(const double* hp) noexcept { return detail::state_count<Opt>(hp); }

    static int validate_fn(const double* hp, char* msg, std::size_t msg_size) noexcept
    {
        return guarded(msg, msg_size, "unknown exception in validate", [&]() -> int {
            if constexpr (has_validate<Opt>::value) {
                const std::string problem = Opt::validate(hp);
                if (!problem.empty()) {
                    write_message(msg, msg_size, problem.c_str());
                    return CGP_ERR_INVALID_ARGUMENT;
                }
            }
            if (detail::state_count<Opt>(hp) > Opt::max_state) {
                write_message(msg, msg_size, "state_count() exceeds the class's max_state");
                return CGP_ERR_INTERNAL;
            }
            return CGP_OK;
        });
    }

    static int initial_state_fn(const double* hp, std::uint32_t count, std::uint32_t* kinds, double* values, char* msg,
                                std::size_t msg_size) noexcept
    {
        return guarded(msg, msg_size, "unknown exception in initial_state", [&]() -> int {
            initial_values<Opt::max_state> init(count, kinds, values);
            if constexpr (has_initial_state<Opt>)
                Opt::initial_state(hp, init);
            return CGP_OK;
        });
    }
    static constexpr cgp_initial_state_ext initial_state_ext = {sizeof(cgp_initial_state_ext), 1u, &initial_state_fn};

    static int run_sizes_fn(const double*, [[maybe_unused]] std::uint32_t* per_run,
                            [[maybe_unused]] std::uint32_t* per_tensor, char*, std::size_t) noexcept
    {
        if constexpr (has_run_state<Opt>) {
            *per_run = Opt::run_state_size;
            *per_tensor = tensor_state_size<Opt>();
        }
        return CGP_OK;
    }
    static int run_initial_fn(const double* hp, double* run, std::uint32_t per_run, double* tensor,
                              std::uint32_t per_tensor, char* msg, std::size_t msg_size) noexcept
    {
        return guarded(msg, msg_size, "unknown exception in initial_run_state", [&]() -> int {
            for (std::uint32_t j = 0; j < per_run; ++j)
                run[j] = 0.0;
            for (std::uint32_t j = 0; j < per_tensor; ++j)
                tensor[j] = 0.0;
            if constexpr (has_initial_run_state<Opt>)
                Opt::initial_run_state(hp, run, tensor);
            return CGP_OK;
        });
    }
    static constexpr cgp_run_state_ext run_state_ext = {sizeof(cgp_run_state_ext), 1u, &run_sizes_fn, &run_initial_fn};
    static constexpr cgp_tensor_hparams_ext tensor_hparams_ext = {sizeof(cgp_tensor_hparams_ext), 1u};

    // The extensions the class declares through its members.
    static const void* get_extension(const char* id) noexcept
    {
        if (id == nullptr)
            return nullptr;
        if constexpr (has_initial_state<Opt>)
            if (std::strcmp(id, CGP_EXT_INITIAL_STATE) == 0)
                return &initial_state_ext;
        if constexpr (has_run_state<Opt>)
            if (std::strcmp(id, CGP_EXT_RUN_STATE) == 0)
                return &run_state_ext;
        if (std::strcmp(id, CGP_EXT_TENSOR_HPARAMS) == 0)
            return &tensor_hparams_ext; // the step reads each tensor's values (CGP_STEP_TENSOR_HPARAMS)
        return nullptr;
    }

    // The checks every step starts with; on CGP_OK, ns is the number of state arrays in use.
    template <class T>
    static int check_step(const cgp_step_args* args, const T* p, const T* g, unsigned& ns, char* msg,
                          std::size_t msg_size) noexcept
    {
        if (args == nullptr || (args->count > 0 && (p == nullptr || g == nullptr))) {
            write_message(msg, msg_size, "step called with a null argument");
            return CGP_ERR_INVALID_ARGUMENT;
        }
        ns = detail::state_count<Opt>(args->hparams);
        if (ns > Opt::max_state) {
            write_message(msg, msg_size, "state_count() exceeds the class's max_state");
            return CGP_ERR_INTERNAL;
        }
        return CGP_OK;
    }

    // The C step functions of a glue G (G::step<T> does the work).
    template <class G>
    static int step_f32(const cgp_step_args* a, float* p, const float* g, float* const* s, char* msg,
                        std::size_t msg_size) noexcept
    {
        return G::template step<float>(a, p, g, s, msg, msg_size);
    }
    template <class G>
    static int step_f64(const cgp_step_args* a, double* p, const double* g, double* const* s, char* msg,
                        std::size_t msg_size) noexcept
    {
        return G::template step<double>(a, p, g, s, msg, msg_size);
    }

    // The descriptor of Opt with these step functions.
    static constexpr cgp_optimizer_descriptor describe(std::uint32_t variants, std::uint32_t ulp, cgp_step_f32_fn f32,
                                                       cgp_step_f64_fn f64, const char* (*path)(std::uint32_t))
    {
        return {sizeof(cgp_optimizer_descriptor),
                0u,
                Opt::info.id,
                Opt::info.name,
                Opt::info.version,
                Opt::info.summary,
                Opt::info.algorithm,
                hparam_count,
                variants,
                Opt::hparams,
                ulp,
                0u,
                &state_count_fn,
                &validate_fn,
                f32,
                f64,
                path,
                &get_extension};
    }
};

template <class Opt>
struct glue : glue_common<Opt> {
    using base = glue_common<Opt>;
    static_assert(!has_run_state<Opt>, "run state (run_state_size) needs the tensor glue: include "
                                       "cgp/sdk/tensor_optimizer.hpp and use CGP_REGISTER_TENSOR_OPTIMIZER");

    template <class T, unsigned... K>
    static void scalar_tail(std::size_t begin, std::size_t n, T* p, const T* g, T* const* s, unsigned ns,
                            const typename Opt::template constants<T>& c,
                            std::integer_sequence<unsigned, K...>) noexcept
    {
        (void)((ns == K ? (apply<Opt, T, 1, K>(begin, n, p, g, s, c), true) : false) || ...);
    }

    template <class T>
    static int step(const cgp_step_args* args, T* p, const T* g, T* const* s, char* msg, std::size_t msg_size) noexcept
    {
        return guarded(msg, msg_size, "unknown exception in step", [&]() -> int {
            unsigned ns = 0;
            if (const int status = base::check_step(args, p, g, ns, msg, msg_size); status != CGP_OK)
                return status;
            const std::size_t n = args->count;
            if (n == 0)
                return CGP_OK;
            if ((args->flags & CGP_STEP_TENSOR_HPARAMS) == 0) {
                run_range<T>(args->flags, args->hparams, args->step, n, p, g, s, ns);
                return CGP_OK;
            }
            // Per-tensor hyperparameters: each run of consecutive tensors sharing values is one range.
            const tensor_list list(args);
            for (std::size_t k = 0; k < list.size();) {
                const double* hp = list[k].hparams != nullptr ? list[k].hparams : args->hparams;
                const std::size_t begin = list[k].offset;
                std::size_t end = begin + list[k].count;
                for (++k; k < list.size() && list[k].hparams == hp && list[k].offset == end; ++k)
                    end += list[k].count;
                if (begin > n || end > n) {
                    write_message(msg, msg_size, "a tensor lies outside the arrays");
                    return CGP_ERR_INVALID_ARGUMENT;
                }
                T* slices[Opt::max_state > 0 ? Opt::max_state : 1] = {};
                for (unsigned j = 0; j < ns; ++j)
                    slices[j] = s[j] + begin;
                run_range<T>(args->flags, hp, args->step, end - begin, p + begin, g + begin, slices, ns);
            }
            return CGP_OK;
        });
    }

    // The update over n elements with these hyperparameters: SIMD blocks and the partial last block
    // (unless CGP_STEP_SCALAR), or the scalar form.
    template <class T>
    static void run_range(std::uint32_t flags, const double* hp, std::uint64_t t, std::size_t n, T* p, const T* g,
                          T* const* s, unsigned ns)
    {
        const typename Opt::template constants<T> c = Opt::template prepare<T>(hp, t);
        std::size_t done = 0;
        if ((flags & CGP_STEP_SCALAR) == 0) {
            variant_fn<T> fn;
            if constexpr (std::is_same_v<T, float>)
                fn = best_variant().f32;
            else
                fn = best_variant().f64;
            if (fn != nullptr)
                done = fn(&c, n, p, g, s, ns);
            else
                done = apply_blocks<Opt, xsimd::batch<T, xsimd::default_arch>>(n, p, g, s, ns, c);
        }
        scalar_tail<T>(done, n, p, g, s, ns, c, std::make_integer_sequence<unsigned, Opt::max_state + 1>{});
    }

    static const char* simd_path(std::uint32_t flags) noexcept
    {
        return (flags & CGP_STEP_SCALAR) != 0 ? "scalar" : best_variant().name;
    }

    static constexpr cgp_optimizer_descriptor desc =
        base::describe(built_variants(), declared_ulp<Opt>::value, &base::template step_f32<glue>,
                       &base::template step_f64<glue>, &simd_path);

    static const cgp_optimizer_descriptor* descriptor() noexcept { return &desc; }
};

} // namespace cgp::sdk::detail
