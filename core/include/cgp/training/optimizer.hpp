// cgp/training/optimizer.hpp: what the training loop needs from an optimizer: how many per-parameter state
// arrays it wants, and a step over flat parameter, gradient and state arrays. Plugins (plugin.hpp)
// implement it; tests may implement it directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace cgp {

// Which of a plugin's forms runs the steps: its SIMD form (the widest this CPU runs) or its scalar form.
enum class OptimizerForm { Simd, Scalar };
// "simd", "scalar".
std::string_view to_string(OptimizerForm f) noexcept;
// Parses an --optimizer-form value; throws cgp::Error naming the accepted values.
OptimizerForm parse_optimizer_form(std::string_view text);

// Evaluates the loss and gradients of the current batch at parameters of the optimizer's choosing,
// inside a step (torch.optim's closure; abi.h, cgp.closure/1). The training loop serves one
// (Trainer) to an optimizer whose steps need it. Buffers of the run's element count and type,
// allocated before training; nothing here allocates.
class Closure {
public:
    virtual ~Closure() = default;
    virtual void* point() noexcept = 0;                // where to evaluate (the optimizer writes it)
    virtual const void* gradient() const noexcept = 0; // the gradient there, after evaluate()
    // Evaluates at point(): fills gradient() and returns the batch loss, leaving the parameters and
    // gradients the step works on as they were. Throws cgp::Error.
    virtual double evaluate() = 0;
};

class Optimizer {
public:
    virtual ~Optimizer() = default;
    // Short identifier for reports ("adam").
    virtual std::string id() const = 0;
    // Number of state arrays of the parameters' length the optimizer needs (zeroed at the start).
    virtual std::size_t state_count() const = 0;
    // One update, t = 1, 2, ... (1-based). Arrays are 64-byte aligned and padded; state has
    // state_count() arrays of params.size() elements. scalar: run the scalar form, not SIMD.
    // Throws cgp::Error when the update fails.
    virtual void step(std::uint64_t t, std::span<float> params, std::span<const float> grads,
                      std::span<float* const> state, bool scalar) = 0;
    virtual void step(std::uint64_t t, std::span<double> params, std::span<const double> grads,
                      std::span<double* const> state, bool scalar) = 0;
    // Steps read their hyperparameters from `values` (schema order, owned by the caller, e.g. the
    // schedules of a TransformChain) instead of the bound ones; nullptr: the bound ones again.
    virtual void read_hparams_from(const double* values) noexcept { (void)values; }
    // The loss of the batch the next step's gradients are of (plugins read it through
    // cgp.step_context/1).
    virtual void set_loss(double loss) noexcept { (void)loss; }
    // The scalar run state the optimizer keeps between steps (cgp.run_state/1), stored by the host:
    // saved in checkpoints and restored bit for bit. Empty when it keeps none.
    virtual std::span<double> run_state() noexcept { return {}; }
    // Whether the steps evaluate the loss at other parameters (a plugin with cgp.needs_closure/1):
    // the host then serves a Closure before training, or refuses the optimizer.
    virtual bool needs_closure() const noexcept { return false; }
    // The closure every later step may use (nullptr: none any more).
    virtual void serve_closure(Closure* closure) noexcept { (void)closure; }
};

} // namespace cgp
