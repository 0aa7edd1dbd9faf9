// cgp/host/plugin_optimizer.hpp: a loaded plugin bound to hyperparameter values, as the Optimizer a
// training run steps.
#pragma once

#include <cgp/host/extension.hpp>
#include <cgp/host/host_extensions.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/tape/aligned.hpp>
#include <cgp/training/optimizer.hpp>

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace cgp {

// A plugin bound to hyperparameter values: the Optimizer a training run uses.
class PluginOptimizer final : public Optimizer {
public:
    // Validates the values and reads the initial state the plugin declares (throws cgp::Error).
    PluginOptimizer(std::shared_ptr<const Plugin> plugin, std::vector<double> hparams);

    std::string id() const override { return plugin_->id(); }
    std::size_t state_count() const override { return state_count_; }
    void step(std::uint64_t t, std::span<float> params, std::span<const float> grads, std::span<float* const> state,
              bool scalar) override;
    void step(std::uint64_t t, std::span<double> params, std::span<const double> grads, std::span<double* const> state,
              bool scalar) override;
    void read_hparams_from(const double* values) noexcept override { step_hparams_ = values; }
    void set_loss(double loss) noexcept override { host_.set_loss(loss); }
    std::span<double> run_state() noexcept override { return host_.run_values(); }
    bool needs_closure() const noexcept override { return needs_closure_; }
    void serve_closure(Closure* closure) noexcept override { host_.set_closure(closure); }

    // What the host offers each step (cgp.tensors/1, cgp.step_context/1); set before training.
    HostExtensions& host_extensions() noexcept { return host_; }
    const HostExtensions& host_extensions() const noexcept { return host_; }

    // Fills freshly allocated state arrays (each params.size() elements) before step 1: zero, or
    // what the plugin declares through cgp.initial_state/1. Not for a resumed run.
    void initialize_state(std::span<const float> params, std::span<AlignedArray<float>> state) const;
    void initialize_state(std::span<const double> params, std::span<AlignedArray<double>> state) const;
    const InitialState& initial_state() const noexcept { return initial_; }

    const Plugin& plugin() const noexcept { return *plugin_; }
    const std::vector<double>& hparams() const noexcept { return hparams_; }

private:
    template <class T, class Fn>
    void run(Fn fn, std::uint64_t t, std::span<T> params, std::span<const T> grads, std::span<T* const> state,
             bool scalar);
    template <class T>
    void fill_initial(std::span<const T> params, std::span<AlignedArray<T>> state) const;
    std::shared_ptr<const Plugin> plugin_;
    std::vector<double> hparams_;
    std::size_t state_count_ = 0;
    InitialState initial_;
    const double* step_hparams_ = nullptr; // scheduled values, when set
    HostExtensions host_;
    bool needs_closure_ = false;
};

} // namespace cgp
