// cgp/training/transforms.hpp: what the host does around any plugin's step (optax's chain): gradient
// clipping, coupled weight decay, schedules of hyperparameters, decoupled weight decay.
//
// Per optimizer step t, in this order:
//   1. clip by value (--clip-value c): g = clamp(g, -c, c)
//   2. clip per tensor (--clip-norm-per-tensor c): each tensor's gradient scaled as clip_grad_norm_ does
//   3. clip by global norm (--clip-norm c): torch.nn.utils.clip_grad_norm_: n = ||g||_2 over all
//      gradients; when c / (n + 1e-6) < 1, every gradient is multiplied by it
//   4. coupled decay (--decay w, --decay-mode coupled): g += w * p
//   5. the schedules write the hyperparameters of step t (schedule.hpp)
//   6. decoupled decay (--decay-mode decoupled): p *= 1 - lr_t * w, on the parameters the step starts
//      from (torch.optim.AdamW's and optax's form; lr_t is the scheduled lr, or --decay-lr)
//   7. the plugin's step
// Decay spares biases (parameters named "VAR.bias") unless --decay-biases. A tensor is, for layered
// models, one layer's weights or one layer's biases; otherwise one defined variable's incoming
// parameters (those its statement uses first) with its bias. Masks and groups are computed once;
// nothing allocates inside a step. With no transform set the loop skips the chain entirely.
#pragma once

#include <cgp/graph/graph.hpp>
#include <cgp/host/host_extensions.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/training/schedule.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace cgp {

enum class DecayMode { Coupled, Decoupled };
std::string_view to_string(DecayMode m) noexcept;
DecayMode parse_decay_mode(std::string_view text); // "coupled" | "decoupled"

// The transforms as the user gave them (0 and empty: off).
struct TransformSettings {
    std::vector<std::string> schedules; // "lr=warmup(500)+cosine(min=1e-5)", one per hyperparameter
    double decay = 0.0;
    DecayMode decay_mode = DecayMode::Coupled;
    bool decay_biases = false;
    double decay_lr = 0.0; // decoupled decay's rate for plugins without lr (0: none)
    double clip_value = 0.0;
    double clip_norm = 0.0;
    double clip_norm_per_tensor = 0.0;
    std::vector<std::string> groups; // "bias:weight_decay=0", per-tensor values (groups.hpp)
    bool empty() const noexcept
    {
        return schedules.empty() && decay == 0.0 && clip_value == 0.0 && clip_norm == 0.0 &&
               clip_norm_per_tensor == 0.0 && groups.empty();
    }
};

// A contiguous run of parameters [begin, end).
struct ParamRange {
    std::size_t begin = 0, end = 0;
};
// One tensor of the model for per-tensor clipping: its name and parameter ranges.
struct ParamTensor {
    std::string name; // "xw" (weights and bias), "layer 1 weights", "layer 1 bias"
    std::vector<ParamRange> ranges;
    int layer = 0;     // layered models: the layer (1 = the first after the inputs); else 0
    int variable = -1; // expression models: the defined variable; -1 for layers and "other"
};
// The tensors of a graph, as the file comment describes; together they cover every parameter once.
std::vector<ParamTensor> parameter_tensors(const Graph& g);

// One tensor as a plugin sees it (abi.h, "cgp.tensors/1"): contiguous parameters [offset, offset +
// count) with a shape and a kind. Layered models: "layer1.weight" [out, in] (rank 1 [count] when the
// layer's nodes do not each read the whole layer before), "layer1.bias" [out], ... in PyTorch's order
// (graph.hpp). Expression models: each variable's tensor of parameter_tensors split in its weights
// "xw" ([n]; one parameter: a scalar, shape {}) and its bias "xw.bias" ([1]).
struct ModelTensor {
    std::string name;
    std::size_t offset = 0, count = 0;
    std::uint32_t kind = 0;         // CGP_TENSOR_WEIGHT, _BIAS or _SCALAR
    std::vector<std::size_t> shape; // row-major; empty: rank 0
};
// The model's tensors in parameter order, tiling [0, param_count) (derived from parameter_tensors).
std::vector<ModelTensor> model_tensors(const Graph& g);
// For each parameter, the defined variable whose statement uses it first (statement order; a bias:
// its variable), or -1.
std::vector<int> parameter_owners(const Graph& g);
// Layered models: the layer (1 for the first after the inputs) of each defined variable; else -1s.
std::vector<int> variable_layers(const Graph& g);
// Whether each parameter is a per-node bias.
std::vector<bool> bias_mask(const Graph& g);

// What a checkpoint keeps of the transforms: their resolved spelling and their state.
struct TransformRecord {
    std::vector<std::string> schedules; // "lr=<canonical spelling>" per schedule
    double decay = 0.0;
    std::uint8_t decay_mode = 0; // DecayMode
    std::uint8_t decay_biases = 0;
    double decay_lr = 0.0, clip_value = 0.0, clip_norm = 0.0, clip_norm_per_tensor = 0.0;
    std::vector<PlateauState> plateau; // per schedule (unused for closed forms)
    std::vector<double> history;       // per kept loss record, the scheduled values (schedules.size() each)
    std::vector<std::string> groups;   // --group, as given (checkpoint format 4 on)
    bool operator==(const TransformRecord&) const = default;
};
// "lr: warmup(...)+cosine(...) -> ..." differences between two records' settings, for resume notes.
std::vector<std::string> transform_changes(const TransformRecord& was, const TransformRecord& now);

// The transforms bound to a plugin and a model, checked before training: schedule names, ranges
// over the planned steps (naming the step), decay and clipping values. Throws cgp::Error.
class TransformChain {
public:
    // planned_records: loss records to reserve room for, so recording allocates nothing.
    TransformChain(const TransformSettings& s, const Plugin& plugin, std::span<const double> base, const Graph& g,
                   std::uint64_t planned_steps, std::uint64_t planned_records = 1024);

    bool empty() const noexcept { return empty_; }
    // The hyperparameter values a step reads; the chain writes the scheduled ones before each step.
    std::span<double> hparams() noexcept { return live_; }
    std::span<const double> hparams() const noexcept { return live_; }

    // Steps 1-6 of the file comment for step t.
    template <class T>
    void before_step(std::uint64_t t, std::span<T> params, std::span<T> grads) noexcept;
    // A loss record closed (kept: part of the state; else the last partial window): records the
    // scheduled values, then steps reduce-on-plateau with the loss (kept records only).
    void on_record(double loss, bool kept, std::uint64_t step) noexcept;

    // The scheduled hyperparameters (declared names) and their values at the last record.
    const std::vector<std::string>& scheduled_names() const noexcept { return names_; }
    std::span<const double> record_values() const noexcept { return shown_; }
    // The values of every kept record so far (scheduled_names().size() per record).
    std::span<const double> history() const noexcept { return history_; }
    // Every hyperparameter's value at step t (scheduled ones as scheduled).
    std::vector<double> values_at(std::uint64_t t) const;
    // The scheduled hyperparameters' values of the last step taken (their base before any step).
    std::vector<double> scheduled_values() const;
    // Settings and state, for checkpoints; restore() takes the state of a record whose schedules match.
    TransformRecord record() const;
    void restore(const TransformRecord& r);
    // "lr=warmup(500)+cosine(min=1e-05,steps=19500); decay 0.0001 coupled (biases spared); clip norm 1".
    std::string describe() const;
    const TransformSettings& settings() const noexcept { return settings_; }
    // Each of n parameters' weight decay (0 where none applies), as before_step applies it.
    std::vector<double> decay_weights(std::size_t n) const;
    // The --group values for plugin hyperparameters: distinct sets, and per model tensor its set or -1
    // (empty: no group names a plugin hyperparameter).
    const std::vector<std::vector<HparamOverride>>& group_sets() const noexcept { return group_sets_; }
    const std::vector<int>& group_of_tensor() const noexcept { return group_of_tensor_; }

private:
    struct Scheduled {
        Schedule schedule;
        std::size_t index; // hyperparameter
        double base;
        PlateauState plateau;
    };
    template <class T>
    void clip_tensors(std::span<T> grads) const noexcept;

    TransformSettings settings_;
    bool empty_ = true;
    std::vector<double> live_;
    std::vector<Scheduled> scheduled_;
    std::vector<std::string> names_;
    std::vector<double> shown_;
    std::vector<double> history_;
    struct DecayRange {
        std::size_t begin = 0, end = 0;
        double w = 0.0;
    };
    std::vector<DecayRange> decayed_; // the parameters weight decay applies to, with their decay
    bool decay_on_ = false;           // --decay > 0, or a group gives some tensor a decay
    std::vector<std::vector<HparamOverride>> group_sets_;
    std::vector<int> group_of_tensor_;
    std::vector<ParamTensor> tensors_; // for per-tensor clipping
    int lr_index_ = -1;                // decoupled decay's learning rate, or -1 (decay_lr)
    std::uint64_t records_ = 0;        // loss records planned
};

} // namespace cgp
