/* abi_layout.c: compiles the plugin contract as strict C11 (it must stay a C header) and freezes the
 * layout of its structures on LP64 systems: a change that moves a field breaks every plugin built
 * before it, so it must come with a new ABI major version, and this file says so at build time. */
#include <cgp/sdk/abi.h>

#include <stddef.h>

#if defined(__LP64__)
_Static_assert(CGP_ABI_MAJOR == 1, "the layouts below are ABI 1's; a new major version checks its own");
_Static_assert(sizeof(cgp_hparam) == 48, "cgp_hparam changed size");
_Static_assert(offsetof(cgp_hparam, flags) == 40, "cgp_hparam changed layout");
_Static_assert(sizeof(cgp_step_args) == 48, "cgp_step_args changed size");
_Static_assert(offsetof(cgp_step_args, hparams) == 24, "cgp_step_args changed layout");
_Static_assert(offsetof(cgp_step_args, host) == 32, "ABI 1.2 appends host right after the 1.0 step arguments");
_Static_assert(offsetof(cgp_step_args, get_host_extension) == 40, "cgp_step_args changed layout");
_Static_assert(sizeof(cgp_tensor) == 72, "cgp_tensor changed size");
_Static_assert(offsetof(cgp_tensor, hparams) == 64, "cgp_tensor changed layout");
_Static_assert(sizeof(cgp_tensor_hparams_ext) == 8, "cgp_tensor_hparams_ext changed size");
_Static_assert(offsetof(cgp_tensor, rank) == 24 && offsetof(cgp_tensor, shape) == 32, "cgp_tensor changed layout");
_Static_assert(sizeof(cgp_tensors_ext) == 24, "cgp_tensors_ext changed size");
_Static_assert(offsetof(cgp_tensors_ext, tensors) == 16, "cgp_tensors_ext changed layout");
_Static_assert(sizeof(cgp_step_context_ext) == 32, "cgp_step_context_ext changed size");
_Static_assert(offsetof(cgp_step_context_ext, seed) == 24, "cgp_step_context_ext changed layout");
_Static_assert(sizeof(cgp_optimizer_descriptor) == 120, "cgp_optimizer_descriptor changed size");
_Static_assert(offsetof(cgp_optimizer_descriptor, get_extension) == CGP_DESCRIPTOR_SIZE_1_0,
               "ABI 1.1 appends get_extension right after the 1.0 descriptor");
_Static_assert(offsetof(cgp_optimizer_descriptor, hparams) == 56, "cgp_optimizer_descriptor changed layout");
_Static_assert(offsetof(cgp_optimizer_descriptor, simd_max_ulp) == 64, "cgp_optimizer_descriptor changed layout");
_Static_assert(offsetof(cgp_optimizer_descriptor, state_count) == 72, "cgp_optimizer_descriptor changed layout");
_Static_assert(offsetof(cgp_optimizer_descriptor, step_f32) == 88, "cgp_optimizer_descriptor changed layout");
_Static_assert(offsetof(cgp_optimizer_descriptor, simd_path) == 104, "cgp_optimizer_descriptor changed layout");
_Static_assert(sizeof(cgp_initial_state_ext) == 16, "cgp_initial_state_ext changed size");
_Static_assert(offsetof(cgp_initial_state_ext, initial_state) == 8, "cgp_initial_state_ext changed layout");
_Static_assert(sizeof(cgp_plugin_entry_t) == 24, "cgp_plugin_entry_t changed size");
_Static_assert(offsetof(cgp_plugin_entry_t, get_descriptor) == 16, "cgp_plugin_entry_t changed layout");
#endif

int cgp_abi_layout_checked(void)
{
    return (int)CGP_ABI_MINOR;
}
