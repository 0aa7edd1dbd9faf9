// PluginOptimizer: a loaded plugin bound to hyperparameter values, stepping the host's arrays.
#include <cgp/host/crash_report.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/io/error.hpp>

#include <fmt/format.h>

namespace cgp {

namespace {

std::size_t validated_state_count(const Plugin& plugin, const std::vector<double>& hparams)
{
    plugin.validate(hparams);
    return plugin.state_count(hparams);
}

} // namespace

PluginOptimizer::PluginOptimizer(std::shared_ptr<const Plugin> plugin, std::vector<double> hparams)
    : plugin_(std::move(plugin)), hparams_(std::move(hparams)), state_count_(validated_state_count(*plugin_, hparams_)),
      initial_(*plugin_, hparams_, state_count_), needs_closure_(cgp::needs_closure(*plugin_))
{
    RunStateDeclaration run = declared_run_state(*plugin_, hparams_);
    if (run.declared)
        host_.declare_run_state(std::move(run.run), std::move(run.tensor));
}

template <class T>
void PluginOptimizer::fill_initial(std::span<const T> params, std::span<AlignedArray<T>> state) const
{
    if (state.size() != state_count_)
        throw Error("internal error: initial state for mismatched arrays");
    for (std::size_t k = 0; k < state.size(); ++k)
        initial_.fill(k, params, state[k].span());
}

void PluginOptimizer::initialize_state(std::span<const float> params, std::span<AlignedArray<float>> state) const
{
    fill_initial<float>(params, state);
}

void PluginOptimizer::initialize_state(std::span<const double> params, std::span<AlignedArray<double>> state) const
{
    fill_initial<double>(params, state);
}

template <class T, class Fn>
void PluginOptimizer::run(Fn fn, std::uint64_t t, std::span<T> params, std::span<const T> grads,
                          std::span<T* const> state, bool scalar)
{
    if (grads.size() != params.size() || state.size() != state_count_)
        throw Error("internal error: optimizer step with mismatched arrays");
    if (needs_closure_ && !host_.has_closure())
        throw Error(fmt::format("optimizer '{}' ({}) evaluates the loss at parameters of its own inside each step "
                                "(cgp.needs_closure/1), and nothing serves it cgp.closure/1 here\nhint: train it with "
                                "cgp-run, cgp-sweep or cgp.train",
                                plugin_->id(), plugin_->path().string()));
    cgp_step_args args{};
    args.struct_size = sizeof args;
    args.flags = scalar ? CGP_STEP_SCALAR : 0u;
    args.step = t;
    args.count = params.size();
    args.hparams = step_hparams_ != nullptr ? step_hparams_ : hparams_.data();
    host_.bind(args, params.size());
    char msg[512] = {0};
    int status = CGP_OK;
    {
        const PluginCallMark in_plugin(*plugin_, t); // names the plugin and step if it crashes
        status = fn(&args, params.data(), grads.data(), state.data(), msg, sizeof msg);
    }
    host_.end_step();
    if (status != CGP_OK)
        throw Error(fmt::format("optimizer '{}' ({}) failed at step {}: {}", plugin_->id(), plugin_->path().string(), t,
                                msg[0] != '\0' ? msg : "(no message)"));
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
