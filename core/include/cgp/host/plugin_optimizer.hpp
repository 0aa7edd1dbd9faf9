// cgp/host/plugin_optimizer.hpp: a loaded plugin bound to hyperparameter values, as the Optimizer a
// training run steps.
#pragma once

#include <cgp/host/plugin.hpp>
#include <cgp/training/optimizer.hpp>

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace cgp {

// A plugin bound to hyperparameter values: the Optimizer a training run uses.
class PluginOptimizer final : public Optimizer {
public:
    // Validates the values (throws cgp::Error).
    PluginOptimizer(std::shared_ptr<const Plugin> plugin, std::vector<double> hparams);

    std::string id() const override { return plugin_->id(); }
    std::size_t state_count() const override { return state_count_; }
    void step(std::uint64_t t, std::span<float> params, std::span<const float> grads, std::span<float* const> state,
              bool scalar) override;
    void step(std::uint64_t t, std::span<double> params, std::span<const double> grads,
              std::span<double* const> state, bool scalar) override;

    const Plugin& plugin() const noexcept { return *plugin_; }
    const std::vector<double>& hparams() const noexcept { return hparams_; }

private:
    template <class T, class Fn>
    void run(Fn fn, std::uint64_t t, std::span<T> params, std::span<const T> grads, std::span<T* const> state,
             bool scalar);
    std::shared_ptr<const Plugin> plugin_;
    std::vector<double> hparams_;
    std::size_t state_count_ = 0;
};

} // namespace cgp
