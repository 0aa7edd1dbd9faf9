// cgp/sdk/closure_optimizer.hpp: write an optimizer whose step evaluates the loss at parameters of its
// own choosing (SAM's perturbed point, a line search; abi.h, cgp.closure/1) as one C++ class and one
// macro.
//
// The class provides, as for CGP_REGISTER_TENSOR_OPTIMIZER (tensor_optimizer.hpp): info, the
// hyperparameter enum ending in hparam_count, hparams[], max_state, and optionally state_count(hp),
// validate(hp), initial_state(hp, init) and run state (run_state_size, initial_run_state; plugin_glue.hpp).
// Its update is
//   template <class T> static void step(const cgp::sdk::closure_step<T>& s);
// called once per step over the whole parameter array: write s.point[0 .. s.n), call s.evaluate()
// (the batch loss there; s.gradient then holds the gradient there), as often as the update needs.
// The macro offers cgp.needs_closure/1, so a host that cannot serve a closure refuses the plugin
// before training; a step given no cgp.closure/1 returns CGP_ERR_UNSUPPORTED. Plain T loops: no SIMD
// variants (simd_path "scalar"). Nothing here allocates.
#pragma once

#include <cgp/sdk/host.hpp>
#include <cgp/sdk/optimizer.hpp>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>

namespace cgp::sdk {

// The host refused an evaluation (its message, truncated): the step fails with that message.
class closure_error : public std::exception {
public:
    explicit closure_error(const char* msg) noexcept { detail::write_message(text_, sizeof text_, msg); }
    const char* what() const noexcept override { return text_; }

private:
    char text_[256] = {0};
};

// One step of a closure optimizer.
template <class T>
struct closure_step {
    std::size_t n;               // elements
    T* p;                        // the parameters (updated in place)
    const T* g;                  // the gradients at p
    T* const* s;                 // state_count arrays of n elements
    unsigned state_count;        // how many of s are in use
    const double* hp;            // the hyperparameters, schema order
    std::uint64_t t;             // the step, 1-based
    const step_context& context; // the batch loss at p, planned steps, seed
    double* run;                 // the per-run state (cgp.run_state/1), after begin_step; else null
    T* point;                    // the host's buffer: where evaluate() evaluates
    const T* gradient;           // the host's buffer: the gradient at point after evaluate()
    const cgp_closure_ext& closure;

    // The batch loss at point; gradient then holds the gradient there. Throws closure_error.
    double evaluate() const
    {
        char msg[256] = {0};
        double loss = 0.0;
        if (closure.evaluate(&closure, &loss, msg, sizeof msg) != CGP_OK)
            throw closure_error(msg[0] != '\0' ? msg : "the host's closure failed");
        return loss;
    }
};

} // namespace cgp::sdk

#if !defined(CGP_SDK_VARIANT)

namespace cgp::sdk::detail {

template <class Opt>
struct closure_glue : glue_common<Opt> {
    using base = glue_common<Opt>;

    template <class T>
    static int step(const cgp_step_args* args, T* p, const T* g, T* const* s, char* msg, std::size_t msg_size) noexcept
    {
        return guarded(msg, msg_size, "unknown exception in step", [&]() -> int {
            unsigned ns = 0;
            if (const int status = base::check_step(args, p, g, ns, msg, msg_size); status != CGP_OK)
                return status;
            const auto* closure = host_extension<cgp_closure_ext>(args, CGP_EXT_CLOSURE, 1);
            if (closure == nullptr || closure->evaluate == nullptr ||
                (args->count > 0 && (closure->point == nullptr || closure->gradient == nullptr))) {
                write_message(msg, msg_size,
                              "this optimizer evaluates the loss inside its steps: the host must offer cgp.closure/1 "
                              "(ABI 1.4), as cgp-run, cgp-sweep and cgp.train do");
                return CGP_ERR_UNSUPPORTED;
            }
            const step_context context(args);
            const run_values rv(args);
            if constexpr (has_run_state<Opt>) {
                if (!rv.offered || rv.run_count != Opt::run_state_size) {
                    write_message(msg, msg_size,
                                  "this optimizer keeps run state: the host must offer cgp.run_values/1 (ABI 1.3) "
                                  "with the sizes its cgp.run_state/1 declares");
                    return CGP_ERR_UNSUPPORTED;
                }
                if constexpr (requires { Opt::begin_step(args->hparams, args->step, rv.run); })
                    Opt::begin_step(args->hparams, args->step, rv.run);
            }
            if (args->count == 0)
                return CGP_OK;
            Opt::template step<T>(closure_step<T>{args->count, p, g, s, ns, args->hparams, args->step, context, rv.run,
                                                  static_cast<T*>(closure->point),
                                                  static_cast<const T*>(closure->gradient), *closure});
            return CGP_OK;
        });
    }
    static const char* simd_path(std::uint32_t) noexcept { return "scalar"; }

    static constexpr cgp_needs_closure_ext needs_closure_ext = {sizeof(cgp_needs_closure_ext), 1u};
    // The common extensions, and cgp.needs_closure/1.
    static const void* get_extension(const char* id) noexcept
    {
        if (id != nullptr && std::strcmp(id, CGP_EXT_NEEDS_CLOSURE) == 0)
            return &needs_closure_ext;
        return base::get_extension(id);
    }
    static constexpr cgp_optimizer_descriptor describe() noexcept
    {
        cgp_optimizer_descriptor d = base::describe(0u, 0u, &base::template step_f32<closure_glue>,
                                                    &base::template step_f64<closure_glue>, &simd_path);
        d.get_extension = &get_extension;
        return d;
    }
    static constexpr cgp_optimizer_descriptor desc = describe();
    static const cgp_optimizer_descriptor* descriptor() noexcept { return &desc; }
};

template <class Opt>
concept has_closure_step = requires(const closure_step<float>& f, const closure_step<double>& d)
{
    Opt::template step<float>(f);
    Opt::template step<double>(d);
};

} // namespace cgp::sdk::detail

#define CGP_REGISTER_CLOSURE_OPTIMIZER(Class)                                                                          \
    static_assert(::cgp::sdk::detail::has_closure_step<Class>,                                                         \
                  "Class needs 'template <class T> static void step(const cgp::sdk::closure_step<T>& s)'");            \
    extern "C" __attribute__((visibility("default")))                                                                  \
    const cgp_plugin_entry_t cgp_plugin_entry = {CGP_ABI_MAJOR, CGP_ABI_MINOR, ::cgp::sdk::detail::compiled_isa(), 0u, \
                                                 &::cgp::sdk::detail::closure_glue<Class>::descriptor};

#else
// A variant translation unit of a closure optimizer has nothing to add (no SIMD kernels).
#define CGP_REGISTER_CLOSURE_OPTIMIZER(Class)
#endif
