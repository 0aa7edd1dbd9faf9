// growth_plugin.cpp: one source, compiled once per GROWTH_<kind> definition, each a plugin that tests
// how the host follows abi.h's growth rule, checks extensions, and refuses a plugin before any of its
// code runs (see tests/unit/plugin_growth_test.cpp). Written against the raw C ABI.
//
// Every variant has a constructor that writes the file named by $CGP_TEST_MARKER when the library is
// loaded: the file's absence proves a refused plugin's code never ran.
#include <cgp/sdk/abi.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

__attribute__((constructor)) void mark_loaded()
{
    if (const char* path = std::getenv("CGP_TEST_MARKER"))
        if (std::FILE* f = std::fopen(path, "w")) {
            std::fputs("constructor ran\n", f);
            std::fclose(f);
        }
}

std::uint32_t state_count(const double*)
{
    return 1;
}
int validate(const double*, char*, std::size_t)
{
    return CGP_OK;
}
// p <- p - lr * g; the one state array is left as it starts.
template <class T>
int step(const cgp_step_args* a, T* p, const T* g, T* const*, char*, std::size_t)
{
    for (std::size_t i = 0; i < a->count; ++i)
        p[i] -= static_cast<T>(a->hparams[0]) * g[i];
    return CGP_OK;
}
int step_f32(const cgp_step_args* a, float* p, const float* g, float* const* s, char* m, std::size_t n)
{
    return step(a, p, g, s, m, n);
}
int step_f64(const cgp_step_args* a, double* p, const double* g, double* const* s, char* m, std::size_t n)
{
    return step(a, p, g, s, m, n);
}
const char* simd_path(std::uint32_t)
{
    return "scalar";
}

const cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0}};

// The state array starts at 0.25 (cgp.initial_state/1).
int initial_state(const double*, std::uint32_t count, std::uint32_t* kinds, double* values, char*, std::size_t)
{
    for (std::uint32_t k = 0; k < count; ++k) {
#if defined(GROWTH_bad_initial_kind)
        kinds[k] = 9;
#else
        kinds[k] = CGP_INITIAL_CONSTANT;
#endif
        values[k] = 0.25;
    }
    return CGP_OK;
}

const cgp_initial_state_ext initial_state_ext = {
#if defined(GROWTH_ext_too_small)
    8,
#else
    sizeof(cgp_initial_state_ext),
#endif
#if defined(GROWTH_ext_bad_version)
    2,
#else
    1,
#endif
    &initial_state};

#if defined(GROWTH_tensor_hparams_bad_version)
const cgp_tensor_hparams_ext tensor_hparams_ext = {sizeof(cgp_tensor_hparams_ext), 3};
#endif

const void* get_extension(const char* id)
{
#if defined(GROWTH_tensor_hparams_bad_version)
    if (std::strcmp(id, CGP_EXT_TENSOR_HPARAMS) == 0)
        return &tensor_hparams_ext;
#endif
    return std::strcmp(id, CGP_EXT_INITIAL_STATE) == 0 ? &initial_state_ext : nullptr;
}

// What a later minor might append to the descriptor; this host must ignore it.
struct descriptor_later {
    cgp_optimizer_descriptor base;
    std::uint64_t (*some_later_field)(void);
    std::uint64_t another_later_field;
};

std::uint64_t later(void)
{
    std::abort(); // this host never calls what it does not know
}

const descriptor_later descriptor = {
    {
        sizeof(descriptor_later),
        0,
        "growth",
        "Growth",
        "0.0.1",
        "a plugin from a later minor version",
        "future-algorithm",
        1,
        0,
        hparams,
        0,
        0,
        &state_count,
        &validate,
        &step_f32,
        &step_f64,
        &simd_path,
        &get_extension,
    },
    &later,
    ~std::uint64_t{0},
};

const cgp_optimizer_descriptor* get_descriptor()
{
    return &descriptor.base;
}

} // namespace

extern "C" __attribute__((visibility("default"))) const cgp_plugin_entry_t cgp_plugin_entry = {
#if defined(GROWTH_abi_7)
    7, 0,
#else
    CGP_ABI_MAJOR, CGP_ABI_MINOR + 1,
#endif
#if defined(GROWTH_needs_avx2)
    CGP_ISA_AVX2,
#else
    0,
#endif
    0, &get_descriptor};
