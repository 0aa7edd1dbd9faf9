/* sgdm_1_0.c: an optimizer plugin written in plain C against the frozen ABI 1.0 header
 * (frozen/cgp/sdk/abi_1_0.h), as a plugin built before ABI 1.1 was. The tests load it, train and
 * resume with it and run cgp-conformance on it in the current host: growth must never break it.
 *
 *   v <- mu * v + g;  p <- p - lr * v      (torch.optim.SGD with momentum; v starts at 0)
 *
 * Hyperparameters: lr 0.01, momentum 0.9. State: v. Scalar code only. */
#include <cgp/sdk/abi_1_0.h>

#include <stddef.h>
#include <stdint.h>

static const cgp_hparam hparams[] = {
    {"lr", "learning rate", 0.01, 0.0, 1e6, 0},
    {"momentum", "momentum factor mu", 0.9, 0.0, 1.0, CGP_HPARAM_MAX_EXCLUSIVE},
};

static uint32_t state_count(const double* hp)
{
    (void)hp;
    return 1;
}

static int validate(const double* hp, char* msg, size_t msg_size)
{
    (void)hp;
    (void)msg;
    (void)msg_size;
    return CGP_OK;
}

/* The update, once per type: step_f32 (float) and step_f64 (double). */
#define SGDM_STEP(name, T)                                                                                             \
    static int name(const cgp_step_args* a, T* p, const T* g, T* const* s, char* msg, size_t msg_size)                 \
    {                                                                                                                  \
        const T lr = (T)a->hparams[0], mu = (T)a->hparams[1];                                                          \
        T* v = a->count > 0 ? s[0] : NULL;                                                                             \
        (void)msg;                                                                                                     \
        (void)msg_size;                                                                                                \
        for (size_t i = 0; i < a->count; ++i) {                                                                        \
            v[i] = mu * v[i] + g[i];                                                                                   \
            p[i] = p[i] - lr * v[i];                                                                                   \
        }                                                                                                              \
        return CGP_OK;                                                                                                 \
    }
SGDM_STEP(step_f32, float)
SGDM_STEP(step_f64, double)

static const char* simd_path(uint32_t flags)
{
    (void)flags;
    return "scalar";
}

static const cgp_optimizer_descriptor descriptor = {
    sizeof(cgp_optimizer_descriptor), /* 112: the 1.0 descriptor */
    0u,
    "sgdm10",
    "SGD with momentum (ABI 1.0, C)",
    "1.0.0",
    "SGD with momentum built against the frozen ABI 1.0 header: v = mu*v + g; p -= lr*v",
    "sgd-momentum",
    2u,
    0u,
    hparams,
    0u,
    0u,
    &state_count,
    &validate,
    &step_f32,
    &step_f64,
    &simd_path,
};

static const cgp_optimizer_descriptor* get_descriptor(void)
{
    return &descriptor;
}

__attribute__((visibility("default")))
const cgp_plugin_entry_t cgp_plugin_entry = {CGP_ABI_MAJOR, CGP_ABI_MINOR, 0u, 0u, &get_descriptor};
