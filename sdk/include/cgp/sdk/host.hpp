// cgp/sdk/host.hpp: what the host offers a step (abi.h, ABI 1.2), read in one line each:
//
//   for (const cgp_tensor& t : cgp::sdk::tensors(args)) ...        // the model's tensors, in order
//   const cgp::sdk::step_context ctx(args);                        // ctx.loss, ctx.planned_steps, ctx.seed
//   const cgp::sdk::run_values rv(args);                           // rv.run[j], rv.tensor(k)[j] (ABI 1.3)
//
// A host that offers an extension less (a 1.0 or 1.1 host, or a direct call without one) still gives
// an answer: one tensor "params" over the whole array; loss NaN, planned_steps 0, seed 0.
#pragma once

#include <cgp/sdk/abi.h>

#include <cstddef>
#include <cstdint>
#include <limits>

namespace cgp::sdk {

// The host's extension struct `id` of `version`, or nullptr when the host offers none (or one of
// another version or a smaller size than this SDK knows).
template <class Ext>
const Ext* host_extension(const cgp_step_args* args, const char* id, std::uint32_t version) noexcept
{
    constexpr std::size_t needed = offsetof(cgp_step_args, get_host_extension) + sizeof(args->get_host_extension);
    if (args == nullptr || args->struct_size < needed || args->get_host_extension == nullptr)
        return nullptr;
    const auto* ext = static_cast<const Ext*>(args->get_host_extension(args->host, id));
    if (ext == nullptr || ext->version != version || ext->struct_size < sizeof(Ext))
        return nullptr;
    return ext;
}

// The tensors of one step, iterable; a copy keeps its own fallback tensor.
class tensor_list {
public:
    explicit tensor_list(const cgp_step_args* args) noexcept
    {
        const auto* ext = host_extension<cgp_tensors_ext>(args, CGP_EXT_TENSORS, 1);
        if (ext != nullptr && ext->tensors != nullptr) {
            first_ = ext->tensors;
            size_ = ext->tensor_count;
            return;
        }
        whole_.name = "params";
        whole_.count = args != nullptr ? args->count : 0;
        whole_.rank = 1;
        whole_.kind = CGP_TENSOR_WEIGHT;
        whole_.shape[0] = whole_.count;
        whole_.hparams = args != nullptr ? args->hparams : nullptr;
        size_ = whole_.count > 0 ? 1 : 0;
    }
    tensor_list(const tensor_list& other) noexcept : first_(other.first_), size_(other.size_), whole_(other.whole_) {}
    tensor_list& operator=(const tensor_list&) = delete;

    const cgp_tensor* begin() const noexcept { return first_ != nullptr ? first_ : &whole_; }
    const cgp_tensor* end() const noexcept { return begin() + size_; }
    std::size_t size() const noexcept { return size_; }
    const cgp_tensor& operator[](std::size_t k) const noexcept { return begin()[k]; }

private:
    const cgp_tensor* first_ = nullptr; // the host's; null: whole_
    std::size_t size_ = 0;
    cgp_tensor whole_{};
};

inline tensor_list tensors(const cgp_step_args* args) noexcept
{
    return tensor_list(args);
}

// cgp.step_context/1, or its documented defaults when the host offers none.
struct step_context {
    double loss = std::numeric_limits<double>::quiet_NaN();
    std::uint64_t planned_steps = 0;
    std::uint64_t seed = 0;

    explicit step_context(const cgp_step_args* args) noexcept
    {
        if (const auto* ext = host_extension<cgp_step_context_ext>(args, CGP_EXT_STEP_CONTEXT, 1)) {
            loss = ext->loss;
            planned_steps = ext->planned_steps;
            seed = ext->seed;
        }
    }
};

// cgp.run_values/1: the run state the host keeps for a plugin that declares cgp.run_state/1. offered
// is false when the host offers none (the step must then refuse: it has nowhere to keep the state).
struct run_values {
    bool offered = false;
    double* run = nullptr;
    std::uint32_t run_count = 0;
    std::uint32_t per_tensor = 0;
    std::size_t tensor_count = 0;
    double* tensors = nullptr;

    explicit run_values(const cgp_step_args* args) noexcept
    {
        if (const auto* ext = host_extension<cgp_run_values_ext>(args, CGP_EXT_RUN_VALUES, 1)) {
            offered = true;
            run = ext->run;
            run_count = ext->run_count;
            per_tensor = ext->per_tensor;
            tensor_count = ext->tensor_count;
            tensors = ext->tensors;
        }
    }
    // Tensor k's per_tensor values (k < tensor_count), or nullptr when there are none.
    double* tensor(std::size_t k) const noexcept
    {
        return per_tensor == 0 || k >= tensor_count ? nullptr : tensors + k * per_tensor;
    }
};

} // namespace cgp::sdk
