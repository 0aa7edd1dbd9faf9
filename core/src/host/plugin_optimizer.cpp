// PluginOptimizer: a loaded plugin bound to hyperparameter values, stepping the host's arrays.
#include <cgp/host/crash_report.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/io/error.hpp>

#include <fmt/format.h>

namespace cgp {

PluginOptimizer::PluginOptimizer(std::shared_ptr<const Plugin> plugin, std::vector<double> hparams)
    : plugin_(std::move(plugin)), hparams_(std::move(hparams))
{
    plugin_->validate(hparams_);
    state_count_ = plugin_->state_count(hparams_);
}

template <class T, class Fn>
void PluginOptimizer::run(Fn fn, std::uint64_t t, std::span<T> params, std::span<const T> grads,
                          std::span<T* const> state, bool scalar)
{
    if (grads.size() != params.size() || state.size() != state_count_)
        throw Error("internal error: optimizer step with mismatched arrays");
    cgp_step_args args{};
    args.struct_size = sizeof args;
    args.flags = scalar ? CGP_STEP_SCALAR : 0u;
    args.step = t;
    args.count = params.size();
    args.hparams = hparams_.data();
    char msg[512] = {0};
    int status = CGP_OK;
    {
        const PluginCallMark in_plugin(*plugin_, t); // names the plugin and step if it crashes
        status = fn(&args, params.data(), grads.data(), state.data(), msg, sizeof msg);
    }
    if (status != CGP_OK)
        throw Error(fmt::format("optimizer '{}' ({}) failed at step {}: {}", plugin_->id(), plugin_->path().string(),
                                t, msg[0] != '\0' ? msg : "(no message)"));
}

void PluginOptimizer::step(std::uint64_t t, std::span<float> params, std::span<const float> grads,
                           std::span<float* const> state, bool scalar)
{
    run<float>(plugin_->descriptor().step_f32, t, params, grads, state, scalar);
}

void PluginOptimizer::step(std::uint64_t t, std::span<double> params, std::span<const double> grads,
                           std::span<double* const> state, bool scalar)
{
    run<double>(plugin_->descriptor().step_f64, t, params, grads, state, scalar);
}

} // namespace cgp
