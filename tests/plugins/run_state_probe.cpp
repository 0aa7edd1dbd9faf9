// run_state_probe.so: plain SGD that keeps run state through cgp.run_state/1 (abi.h 1.3): `width`
// values per run (run[0] counts the steps, the others stay at their initial 0.5) and one per tensor
// (the sum of that tensor's gradients so far), so tests can see the host store, save and restore it.
// Built also with RUN_STATE_bad_version, RUN_STATE_too_small and RUN_STATE_too_many: extension structs
// the host must refuse.
#include <cgp/sdk/abi.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace {

const cgp_hparam hparams[] = {{"lr", "learning rate", 0.01, 0.0, 1.0, 0},
                              {"width", "run state values per run", 2.0, 1.0, 8.0, CGP_HPARAM_INTEGER}};

std::uint32_t state_count(const double*)
{
    return 0;
}
int validate(const double*, char*, std::size_t)
{
    return CGP_OK;
}

const cgp_run_values_ext* run_values(const cgp_step_args* a)
{
    if (a->struct_size < sizeof(cgp_step_args) || a->get_host_extension == nullptr)
        return nullptr;
    return static_cast<const cgp_run_values_ext*>(a->get_host_extension(a->host, CGP_EXT_RUN_VALUES));
}

const cgp_tensors_ext* tensors(const cgp_step_args* a)
{
    return static_cast<const cgp_tensors_ext*>(a->get_host_extension(a->host, CGP_EXT_TENSORS));
}

template <class T>
int step(const cgp_step_args* a, T* p, const T* g, T* const*, char* msg, std::size_t msg_size)
{
    const cgp_run_values_ext* rv = run_values(a);
    if (rv == nullptr) {
        std::strncpy(msg, "run_state_probe needs cgp.run_values/1", msg_size - 1);
        return CGP_ERR_UNSUPPORTED;
    }
    rv->run[0] += 1.0;
    const cgp_tensors_ext* ts = tensors(a);
    for (std::size_t k = 0; k < rv->tensor_count && ts != nullptr && k < ts->tensor_count; ++k)
        for (std::size_t i = ts->tensors[k].offset; i < ts->tensors[k].offset + ts->tensors[k].count; ++i)
            rv->tensors[k] += static_cast<double>(g[i]);
    for (std::size_t i = 0; i < a->count; ++i)
        p[i] = p[i] - static_cast<T>(a->hparams[0]) * g[i];
    return CGP_OK;
}

int step_f32(const cgp_step_args* a, float* p, const float* g, float* const* s, char* m, std::size_t n)
{
    return step<float>(a, p, g, s, m, n);
}
int step_f64(const cgp_step_args* a, double* p, const double* g, double* const* s, char* m, std::size_t n)
{
    return step<double>(a, p, g, s, m, n);
}
const char* simd_path(std::uint32_t)
{
    return "scalar";
}

int sizes(const double* hp, std::uint32_t* per_run, std::uint32_t* per_tensor, char*, std::size_t)
{
#if defined(RUN_STATE_too_many)
    (void)hp;
    *per_run = CGP_RUN_STATE_MAX + 1;
#else
    *per_run = static_cast<std::uint32_t>(hp[1]);
#endif
    *per_tensor = 1;
    return CGP_OK;
}

int initial(const double*, double* run, std::uint32_t per_run, double* tensor, std::uint32_t per_tensor, char*,
            std::size_t)
{
    for (std::uint32_t j = 0; j < per_run; ++j)
        run[j] = j == 0 ? 0.0 : 0.5;
    for (std::uint32_t j = 0; j < per_tensor; ++j)
        tensor[j] = 0.0;
    return CGP_OK;
}

const cgp_run_state_ext run_state_ext = {
#if defined(RUN_STATE_too_small)
    8,
#else
    sizeof(cgp_run_state_ext),
#endif
#if defined(RUN_STATE_bad_version)
    2,
#else
    1,
#endif
    &sizes, &initial};

const void* get_extension(const char* id)
{
    return id != nullptr && std::strcmp(id, CGP_EXT_RUN_STATE) == 0 ? &run_state_ext : nullptr;
}

const cgp_optimizer_descriptor descriptor = {sizeof(cgp_optimizer_descriptor),
                                             0,
                                             "run_state_probe",
                                             "Run state probe",
                                             "1.0.0",
                                             "SGD that keeps a step count and per-tensor gradient sums as run state",
                                             nullptr,
                                             2,
                                             0,
                                             hparams,
                                             0,
                                             0,
                                             &state_count,
                                             &validate,
                                             &step_f32,
                                             &step_f64,
                                             &simd_path,
                                             &get_extension};

const cgp_optimizer_descriptor* get_descriptor()
{
    return &descriptor;
}

} // namespace

extern "C" __attribute__((visibility("default")))
const cgp_plugin_entry_t cgp_plugin_entry = {CGP_ABI_MAJOR, CGP_ABI_MINOR, 0u, 0u, &get_descriptor};
