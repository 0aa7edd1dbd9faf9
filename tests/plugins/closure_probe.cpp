// closure_probe.cpp: a closure plugin (SGD on the gradient at p + 0.01 g) whose cgp.needs_closure/1
// struct the host must refuse, built twice: CLOSURE_bad_version (the struct says version 2) and
// CLOSURE_too_small (struct_size 4, smaller than version 1's struct).
#include <cgp/sdk/closure_optimizer.hpp>

#include <cstdint>
#include <cstring>

namespace {

struct ClosureProbe {
    static constexpr cgp::sdk::info info{"closure_probe", "Closure probe", "0.0.1",
                                         "SGD on the gradient at p + 0.01 g, with a malformed cgp.needs_closure/1"};
    enum { lr, hparam_count };
    static constexpr cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0}};
    static constexpr unsigned max_state = 0;

    template <class T>
    static void step(const cgp::sdk::closure_step<T>& s)
    {
        for (std::size_t i = 0; i < s.n; ++i)
            s.point[i] = s.p[i] + T(0.01) * s.g[i];
        s.evaluate();
        for (std::size_t i = 0; i < s.n; ++i)
            s.p[i] = s.p[i] - static_cast<T>(s.hp[lr]) * s.gradient[i];
    }
};

#if defined(CLOSURE_too_small)
const cgp_needs_closure_ext needs_closure = {4u, 1u};
#else
const cgp_needs_closure_ext needs_closure = {sizeof(cgp_needs_closure_ext), 2u};
#endif

const void* get_extension(const char* id)
{
    return id != nullptr && std::strcmp(id, CGP_EXT_NEEDS_CLOSURE) == 0 ? &needs_closure : nullptr;
}

cgp_optimizer_descriptor with_malformed_extension()
{
    cgp_optimizer_descriptor d = *cgp::sdk::detail::closure_glue<ClosureProbe>::descriptor();
    d.get_extension = &get_extension;
    return d;
}

const cgp_optimizer_descriptor descriptor = with_malformed_extension();

const cgp_optimizer_descriptor* get_descriptor()
{
    return &descriptor;
}

} // namespace

extern "C" __attribute__((visibility("default")))
const cgp_plugin_entry_t cgp_plugin_entry = {CGP_ABI_MAJOR, CGP_ABI_MINOR, 0u, 0u, &get_descriptor};
