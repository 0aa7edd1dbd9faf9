// cgp/host/host_extensions.hpp: the extensions the host offers a plugin's step (abi.h, ABI 1.2-1.3):
// "cgp.tensors/1" (the model's tensors), "cgp.step_context/1" (batch loss, planned steps, seed) and
// "cgp.run_values/1" (the storage of the run state a plugin declares through cgp.run_state/1) and
// "cgp.closure/1" (evaluations at other parameters, for a plugin that declares cgp.needs_closure/1).
#pragma once

#include <cgp/sdk/abi.h>
#include <cgp/training/optimizer.hpp>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <vector>

namespace cgp {

// A hyperparameter value of its own (--group): index in schema order, and the value.
struct HparamOverride {
    std::size_t index = 0;
    double value = 0.0;
};

// One tensor to offer, as the host's model describes it.
struct HostTensor {
    std::string name;
    std::size_t offset = 0, count = 0;
    std::uint32_t kind = CGP_TENSOR_WEIGHT;
    std::vector<std::size_t> shape; // at most 4 entries; empty: rank 0
};

// The structs a step's get_host_extension returns, owned by one optimizer of one run. Set up before
// training (allocates); bind() and set_loss() do not allocate.
class HostExtensions {
public:
    HostExtensions();
    HostExtensions(const HostExtensions&) = delete; // the ext structs point into this object
    HostExtensions& operator=(const HostExtensions&) = delete;

    // The model's tensors; they must tile [0, total) in order (throws cgp::Error otherwise). A step
    // over another element count (or none set) is offered one tensor "params" [count].
    void set_tensors(const std::vector<HostTensor>& tensors);
    void set_run(std::uint64_t planned_steps, std::uint64_t seed) noexcept;
    // Per-tensor hyperparameters (after set_tensors): set_of_tensor[k] is an index into sets, or -1
    // (the step's values). A set's value replaces the step's value; when the step's value is
    // scheduled away from base, the set's value is scaled by the same factor (step value / base).
    void set_groups(std::vector<double> base, std::vector<std::vector<HparamOverride>> sets,
                    std::vector<int> set_of_tensor);
    bool has_groups() const noexcept { return !sets_.empty(); }
    void set_loss(double loss) noexcept { context_.loss = loss; }
    // The run state (cgp.run_state/1): per_run values, then per_tensor values for each tensor, all
    // starting at the initial values given (run_initial: per_run, tensor_initial: per_tensor). Sized
    // for the tensors set now and again by set_tensors (which refills the initial values).
    void declare_run_state(std::vector<double> run_initial, std::vector<double> tensor_initial);
    bool has_run_state() const noexcept { return has_run_state_; }
    // The run state as stored: per_run values, then tensor-major per_tensor values. Checkpoints save
    // and restore it; empty for a plugin without cgp.run_state/1.
    std::span<double> run_values() noexcept { return run_values_; }
    std::span<const double> run_values() const noexcept { return run_values_; }

    // The closure the steps may evaluate through cgp.closure/1 from now on (nullptr: none offered).
    void set_closure(Closure* closure) noexcept { closure_.source = closure; }
    bool has_closure() const noexcept { return closure_.source != nullptr; }

    // Points args.host and args.get_host_extension here for a step over `count` elements; the step's
    // closure answers evaluations until end_step().
    void bind(cgp_step_args& args, std::size_t count) noexcept;
    void end_step() noexcept { closure_.active = false; }
    // Evaluations the last (or current) step made through cgp.closure/1.
    std::uint64_t step_evaluations() const noexcept { return closure_.ext.evaluations; }

    const cgp_step_context_ext& step_context() const noexcept { return context_; }
    std::size_t tensor_count() const noexcept { return tensors_.size(); }

private:
    static const void* lookup(const void* host, const char* id) noexcept;
    static int evaluate(const cgp_closure_ext* self, double* loss, char* msg, std::size_t msg_size) noexcept;
    struct ClosureSlot {
        cgp_closure_ext ext{}; // first member: evaluate's self is the slot
        Closure* source = nullptr;
        bool active = false; // inside the step bind() began
    };
    void fill_run_state();
    std::vector<std::string> names_;
    std::vector<cgp_tensor> tensors_;
    std::size_t total_ = 0;
    const double* bound_hparams_ = nullptr; // what the tensors' hparams point at now
    std::vector<double> base_;
    std::vector<std::vector<HparamOverride>> sets_;
    std::vector<std::vector<double>> set_values_;
    std::vector<int> set_of_tensor_;
    cgp_tensor whole_{};
    cgp_tensors_ext tensors_ext_{};
    cgp_step_context_ext context_{};
    bool has_run_state_ = false;
    std::vector<double> run_initial_, tensor_initial_, run_values_;
    cgp_run_values_ext run_ext_{};
    ClosureSlot closure_;
};

} // namespace cgp
