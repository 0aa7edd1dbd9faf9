// The held-out data of a problem and the meter that measures the loss on it during training.
#include "holdout.hpp"

#include "search.hpp"

#include <cgp/io/error.hpp>
#include <cgp/tape/tape.hpp>

#include <fmt/format.h>

#include <cstring>

namespace cgp::sweep {

std::string_view to_string(Split s) noexcept
{
    return s == Split::Validation ? "validation" : "test";
}

Dataset heldout_data(const BenchProblem& problem, Split split, std::uint64_t run_seed,
                     const std::shared_ptr<const Plugin>& plugin)
{
    DataChoice data = problem.data;
    const std::string& file = split == Split::Validation ? problem.validation : problem.test;
    // A held-out file is bound beside the training file, as cgp-run's --validation and --test are,
    // so a standardised problem scales it by the training rows' statistics, never by its own.
    const bool held_out_file = data.source != "generated" && !file.empty();
    if (held_out_file)
        (split == Split::Validation ? data.validation : data.test) = file;
    // An experiment binds the data to the model exactly as training does; its seed decides the
    // generator's sample, so generated held-out data is a fresh sample apart from the training data's.
    RunSettings settings;
    settings.batch_size = problem.batch_size;
    settings.iterations = 1;
    settings.seed = mix64({run_seed, text_key(to_string(split))});
    apply_fit(problem, settings);
    const Experiment e(problem.model, data, plugin, plugin->defaults(), settings);
    if (held_out_file)
        return split == Split::Validation ? e.validation() : e.test();
    return e.dataset();
}

// The held-out set as fixed batches of the run's batch size, in the tape's column layout.
struct HeldOutMeter::Batches {
    virtual ~Batches() = default;
    virtual double loss(const RunSnapshot& snapshot) = 0;
};

namespace {

// The held-out batches drawn once, side by side in the columns of one tape: the tape's loss (the
// mean over its samples of the squared error) is then the mean of the batches' losses, in one
// forward pass.
template <class T>
struct BatchesT final : HeldOutMeter::Batches {
    Tape<T> tape;

    BatchesT(const Graph& g, const Dataset& data, std::size_t batch, std::uint64_t seed, std::size_t count, Loss loss)
        : tape(g, count * batch, SimdPath::Auto, loss)
    {
        const std::unique_ptr<Sampler> sampler =
            data.origin == "generated" ? make_cgp_sampler(data, seed, batch) : make_epoch_sampler(data, seed);
        std::vector<T*> in(g.inputs.size()), out(g.outputs.size());
        for (std::size_t b = 0; b < count; ++b) {
            for (std::size_t k = 0; k < in.size(); ++k)
                in[k] = tape.input(k) + b * batch;
            for (std::size_t o = 0; o < out.size(); ++o)
                out[o] = tape.target(o) + b * batch;
            sampler->next(batch, in, out);
        }
    }

    double loss(const RunSnapshot& snapshot) override
    {
        if (snapshot.value_size != sizeof(T))
            throw Error("held-out meter: the run's value type differs from the meter's");
        std::memcpy(tape.params().data(), snapshot.params.data(), snapshot.params.size());
        return tape.forward();
    }
};

} // namespace

HeldOutMeter::HeldOutMeter(const Experiment& run, const Dataset& heldout, std::uint64_t eval_every, std::uint64_t seed)
    : every_(eval_every)
{
    const std::size_t B = run.settings().batch_size;
    // Generated data: 4096 samples drawn by the coin-toss sampler; CSV: every row once (at most 8192).
    const std::size_t samples = heldout.origin == "generated" ? 4096 : std::min<std::size_t>(heldout.samples, 8192);
    const std::size_t count = std::max<std::size_t>(1, (samples + B - 1) / B);
    if (run.settings().dtype == Dtype::F32)
        batches_ = std::make_unique<BatchesT<float>>(run.graph(), heldout, B, seed, count, run.settings().loss);
    else
        batches_ = std::make_unique<BatchesT<double>>(run.graph(), heldout, B, seed, count, run.settings().loss);
    curve_.reserve(run.settings().iterations / every_ + 2);
}

HeldOutMeter::~HeldOutMeter() = default;

double HeldOutMeter::measure(const RunSnapshot& snapshot)
{
    return batches_->loss(snapshot);
}

void HeldOutMeter::on_begin(const TrainStatus&)
{
    start_ = std::chrono::steady_clock::now();
    measuring_seconds_ = 0.0;
}

void HeldOutMeter::record(std::uint64_t step, const RunSnapshot& snapshot)
{
    const auto t0 = std::chrono::steady_clock::now();
    const double loss = measure(snapshot);
    const auto t1 = std::chrono::steady_clock::now();
    const double trained = std::chrono::duration<double>(t0 - start_).count() - measuring_seconds_;
    measuring_seconds_ += std::chrono::duration<double>(t1 - t0).count();
    curve_.push_back({step, trained, loss});
    last_step_ = step;
}

void HeldOutMeter::on_iteration(const TrainStatus& status, const RunSnapshot& snapshot)
{
    if (status.iteration % every_ == 0)
        record(status.iteration, snapshot);
}

void HeldOutMeter::on_last_iteration(StopReason, const RunSnapshot& snapshot)
{
    if (snapshot.loop.iteration != last_step_ && snapshot.loop.iteration > 0)
        record(snapshot.loop.iteration, snapshot);
}

} // namespace cgp::sweep
