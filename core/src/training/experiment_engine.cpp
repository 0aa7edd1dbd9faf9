// Experiment: the type-specific engine (tape, sampler, trainer) and putting a checkpoint's state back.
#include <cgp/io/error.hpp>
#include <cgp/training/experiment.hpp>

#include "experiment_engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace cgp {

template <class T>
EngineT<T>::EngineT(const Graph& g, const Dataset& data, bool cgp_sampler, PluginOptimizer& opt, const RunSettings& s,
                    const Dataset& validation, const Dataset& test, Link link)
    : tape(g, s.batch_size, s.simd, s.loss),
      sampler(cgp_sampler ? make_cgp_sampler(data, Seeds::from(s.seed).sample, s.batch_size)
                          : make_epoch_sampler(data, Seeds::from(s.seed).sample)),
      trainer(tape, *sampler, opt)
{
    tape.set_threads(s.threads);
    fill_initial_values<T>(g, s.init, Seeds::from(s.seed).init, tape.params());
    opt.initialize_state(tape.params(), trainer.state().optimizer_state);
    std::vector<HostTensor> tensors;
    for (const ModelTensor& m : model_tensors(g))
        tensors.push_back({m.name, m.offset, m.count, m.kind, m.shape});
    opt.host_extensions().set_tensors(tensors);
    opt.host_extensions().set_run(s.iterations, Seeds::from(s.seed).optimizer);
    chain = std::make_unique<TransformChain>(s.transforms, opt.plugin(), opt.hparams(), g, s.iterations,
                                             s.iterations / std::max<std::uint64_t>(1, s.train.log_every) + 1);
    if (!chain->group_sets().empty())
        opt.host_extensions().set_groups(opt.hparams(), chain->group_sets(), chain->group_of_tensor());
    if (validation.samples > 0 || test.samples > 0)
        evaluation = std::make_unique<EvaluationT<T>>(
            g, validation, test, s.loss, link, s.simd, std::span<const T>(tape.params()),
            EvalOptions{s.eval.every, s.eval.patience, s.train.log_every, s.iterations});
    if (!chain->empty()) {
        opt.read_hparams_from(chain->hparams().data());
        trainer.set_transforms(chain.get());
    }
}

template <class T>
TrainSummary EngineT<T>::run(std::uint64_t iterations, const TrainOptions& options,
                             std::span<TrainObserver* const> observers)
{
    return trainer.run(iterations, options, observers);
}

template <class T>
std::vector<double> EngineT<T>::params() const
{
    std::vector<double> out;
    for (T p : tape.params())
        out.push_back(static_cast<double>(p));
    return out;
}

namespace {

template <class T>
void copy_raw(const std::vector<std::uint8_t>& from, std::span<T> to)
{
    if (from.size() != to.size() * sizeof(T))
        throw Error("internal error: checkpoint array size mismatch");
    if (!from.empty())
        std::memcpy(to.data(), from.data(), from.size());
}

} // namespace

template <class T>
void EngineT<T>::restore(const Checkpoint& c)
{
    TrainState<T>& st = trainer.state();
    if (c.state.size() != st.optimizer_state.size())
        throw Error(fmt::format("the checkpoint holds {} optimizer state arrays; the optimizer with these "
                                "hyperparameters uses {}",
                                c.state.size(), st.optimizer_state.size()));
    const std::span<double> run = trainer.optimizer().run_state();
    if (c.run_state.size() != run.size())
        throw Error(fmt::format(
            "the checkpoint holds {} run state values (cgp.run_state/1); the optimizer with these "
            "hyperparameters and this model keeps {}\nhint: resume with the optimizer hyperparameters of the run "
            "that wrote it (cgp-run --inspect-checkpoint lists them)",
            c.run_state.size(), run.size()));
    sampler->restore_state(c.sampler_state);
    std::copy(c.run_state.begin(), c.run_state.end(), run.begin());
    copy_raw<T>(c.params, tape.params());
    for (std::size_t k = 0; k < c.state.size(); ++k)
        copy_raw<T>(c.state[k], st.optimizer_state[k].span());
    st.loop = c.loop;
    chain->restore(c.transforms);
}

template struct EngineT<float>;
template struct EngineT<double>;

} // namespace cgp
