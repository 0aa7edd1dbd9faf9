// cgp/sdk/tensor_optimizer.hpp: write an optimizer that works tensor by tensor (per-tensor norms and
// trust ratios as LAMB and LARS, shapes as Adafactor) as one C++ class and one macro.
//
// The class provides, as for CGP_REGISTER_OPTIMIZER (optimizer.hpp): info, the hyperparameter enum
// ending in hparam_count, hparams[], max_state, and optionally state_count(hp), validate(hp) and
// initial_state(hp, init). Instead of an element-wise update() it provides
//   template <class T> static void step(const cgp::sdk::tensor_step<T>& s);
// which the macro calls once per tensor of the step (cgp::sdk::tensors(args), host.hpp), in the
// model's order, with the tensor's own slices of the parameters, gradients and state. The step is
// written in plain T (float or double) loops. A class with run state (run_state_size, plugin_glue.hpp)
// may also provide
//   static void begin_step(const double* hp, std::uint64_t t, double* run);
// called once per step before the tensors, to update the per-run values; each tensor_step then has
// s.run (the per-run values) and s.tensor_run (this tensor's values). Such a plugin's step refuses a
// host that offers no cgp.run_values/1. The step is written in plain T (float or double) loops: there are no SIMD variants, so the scalar form and
// the "SIMD" form are the same code (simd_path "scalar"). Nothing here allocates.
#pragma once

#include <cgp/sdk/host.hpp>
#include <cgp/sdk/optimizer.hpp>

#include <cstddef>
#include <cstdint>

namespace cgp::sdk {

// One tensor of one step.
template <class T>
struct tensor_step {
    const cgp_tensor& tensor;     // name, shape, kind
    std::size_t n;                // elements: tensor.count
    T* p;                         // the tensor's parameters (updated in place)
    const T* g;                   // its gradients
    T* const* s;                  // state_count arrays, each at the tensor's first element
    unsigned state_count;         // how many of s are in use
    const double* hp;             // this tensor's hyperparameters, schema order (per tensor with --group)
    std::uint64_t t;              // the step, 1-based
    const step_context& context;  // the batch loss, planned steps, seed
    const tensor_list& tensors;   // every tensor of the step (this one is tensors[k] for some k)
    double* run = nullptr;        // the per-run state (cgp.run_state/1), after begin_step; else null
    double* tensor_run = nullptr; // this tensor's run state; null without tensor_state_size
};

} // namespace cgp::sdk

#if !defined(CGP_SDK_VARIANT)

namespace cgp::sdk::detail {

template <class Opt>
struct tensor_glue : glue_common<Opt> {
    using base = glue_common<Opt>;

    template <class T>
    static int step(const cgp_step_args* args, T* p, const T* g, T* const* s, char* msg, std::size_t msg_size) noexcept
    {
        return guarded(msg, msg_size, "unknown exception in step", [&]() -> int {
            unsigned ns = 0;
            if (const int status = base::check_step(args, p, g, ns, msg, msg_size); status != CGP_OK)
                return status;
            const step_context context(args);
            const tensor_list list(args);
            const run_values rv(args);
            if constexpr (has_run_state<Opt>) {
                if (!rv.offered || rv.run_count != Opt::run_state_size || rv.per_tensor != tensor_state_size<Opt>() ||
                    (rv.per_tensor > 0 && rv.tensor_count != list.size())) {
                    write_message(msg, msg_size,
                                  "this optimizer keeps run state: the host must offer cgp.run_values/1 (ABI 1.3) "
                                  "with the sizes its cgp.run_state/1 declares");
                    return CGP_ERR_UNSUPPORTED;
                }
                if constexpr (requires { Opt::begin_step(args->hparams, args->step, rv.run); })
                    Opt::begin_step(args->hparams, args->step, rv.run);
            }
            std::size_t index = 0;
            for (const cgp_tensor& t : list) {
                if (t.offset > args->count || t.count > args->count - t.offset) {
                    write_message(msg, msg_size, "a tensor lies outside the arrays");
                    return CGP_ERR_INVALID_ARGUMENT;
                }
                T* slices[Opt::max_state > 0 ? Opt::max_state : 1] = {};
                for (unsigned k = 0; k < ns; ++k)
                    slices[k] = s[k] + t.offset;
                const double* hp = t.hparams != nullptr ? t.hparams : args->hparams; // the tensor's own (--group)
                Opt::template step<T>(tensor_step<T>{t, t.count, p + t.offset, g + t.offset, slices, ns, hp, args->step,
                                                     context, list, rv.run, rv.tensor(index++)});
            }
            return CGP_OK;
        });
    }
    static const char* simd_path(std::uint32_t) noexcept { return "scalar"; }

    static constexpr cgp_optimizer_descriptor desc = base::describe(0u, 0u, &base::template step_f32<tensor_glue>,
                                                                    &base::template step_f64<tensor_glue>, &simd_path);
    static const cgp_optimizer_descriptor* descriptor() noexcept { return &desc; }
};

template <class Opt>
concept has_tensor_step = requires(const tensor_step<float>& f, const tensor_step<double>& d)
{
    Opt::template step<float>(f);
    Opt::template step<double>(d);
};

} // namespace cgp::sdk::detail

#define CGP_REGISTER_TENSOR_OPTIMIZER(Class)                                                                           \
    static_assert(::cgp::sdk::detail::has_tensor_step<Class>,                                                          \
                  "Class needs 'template <class T> static void step(const cgp::sdk::tensor_step<T>& s)'");             \
    extern "C" __attribute__((visibility("default")))                                                                  \
    const cgp_plugin_entry_t cgp_plugin_entry = {CGP_ABI_MAJOR, CGP_ABI_MINOR, ::cgp::sdk::detail::compiled_isa(), 0u, \
                                                 &::cgp::sdk::detail::tensor_glue<Class>::descriptor};

#else
// A variant translation unit of a tensor optimizer has nothing to add (no SIMD kernels).
#define CGP_REGISTER_TENSOR_OPTIMIZER(Class)
#endif
