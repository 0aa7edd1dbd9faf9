// broken_plugin.cpp: one source, compiled once per BROKEN_<kind> definition, each a plugin with one
// defect the host must refuse (see tests/unit/plugin_host_test.cpp). Written against the raw C ABI.
#include <cgp/sdk/abi.h>

#include <cstddef>
#include <cstdint>

namespace {

std::uint32_t state_count(const double*)
{
#if defined(BROKEN_too_many_states)
    return CGP_MAX_STATE_ARRAYS + 1;
#else
    return 0;
#endif
}
int validate(const double*, char*, std::size_t)
{
    return CGP_OK;
}
int step_f32(const cgp_step_args*, float*, const float*, float* const*, char*, std::size_t)
{
    return CGP_OK;
}
int step_f64(const cgp_step_args*, double*, const double*, double* const*, char*, std::size_t)
{
    return CGP_OK;
}
const char* simd_path(std::uint32_t)
{
    return "scalar";
}

#if defined(BROKEN_duplicate_hparam)
const cgp_hparam hparams[] = {{"lr", "learning rate", 0.1, 0.0, 1.0, 0}, {"lr", "again", 0.1, 0.0, 1.0, 0}};
#elif defined(BROKEN_default_out_of_range)
const cgp_hparam hparams[] = {{"lr", "learning rate", 2.0, 0.0, 1.0, 0}};
#elif defined(BROKEN_bad_hparam_name)
const cgp_hparam hparams[] = {{"Beta1", "decay", 0.9, 0.0, 1.0, 0}};
#else
const cgp_hparam hparams[] = {{"lr", "learning rate", 0.1, 0.0, 1.0, 0}};
#endif

const cgp_optimizer_descriptor descriptor = {
#if defined(BROKEN_small_descriptor)
    64,
#else
    sizeof(cgp_optimizer_descriptor),
#endif
    0,
    "broken",
#if defined(BROKEN_missing_name)
    nullptr,
#else
    "Broken",
#endif
    "0.0.1",
    "a deliberately broken plugin",
    nullptr,
    static_cast<std::uint32_t>(sizeof hparams / sizeof hparams[0]),
    0,
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

const cgp_optimizer_descriptor* get_descriptor()
{
#if defined(BROKEN_null_descriptor)
    return nullptr;
#else
    return &descriptor;
#endif
}

} // namespace

#if defined(BROKEN_no_entry)
extern "C" __attribute__((visibility("default"))) int some_other_function()
{
    return 1;
}
#else
extern "C" __attribute__((visibility("default"))) const cgp_plugin_entry_t cgp_plugin_entry = {
#if defined(BROKEN_wrong_abi)
    CGP_ABI_MAJOR + 1, 0,
#else
    CGP_ABI_MAJOR, CGP_ABI_MINOR,
#endif
#if defined(BROKEN_needs_isa)
#if defined(__x86_64__)
    CGP_ISA_NEON,
#else
    CGP_ISA_AVX512F,
#endif
#else
    0,
#endif
    0, &get_descriptor};
#endif
