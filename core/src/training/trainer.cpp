// The training loop (sample, forward-backward, check, step, record, notify) and its observers.
#include <cgp/io/error.hpp>
#include <cgp/training/memory_estimate.hpp>
#include <cgp/training/trainer.hpp>
#include <cgp/training/transforms.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <cmath>
#include <limits>

namespace cgp {
namespace {

// True when every value is finite: a value is Inf or NaN exactly when its exponent bits are all
// ones. Integer ORs reassociate freely, so this loop vectorizes (a float sum would not).
template <class T>
bool all_finite(std::span<const T> v) noexcept
{
    using Bits = std::conditional_t<sizeof(T) == 4, std::uint32_t, std::uint64_t>;
    constexpr Bits exponent = static_cast<Bits>(sizeof(T) == 4 ? 0x7f800000ull : 0x7ff0000000000000ull);
    Bits bad = 0;
    for (const T x : v)
        bad |= static_cast<Bits>((std::bit_cast<Bits>(x) & exponent) == exponent);
    return bad == 0;
}

} // namespace

std::string_view to_string(OptimizerForm f) noexcept
{
    return f == OptimizerForm::Scalar ? "scalar" : "simd";
}

OptimizerForm parse_optimizer_form(std::string_view text)
{
    for (OptimizerForm f : {OptimizerForm::Simd, OptimizerForm::Scalar})
        if (to_string(f) == text)
            return f;
    throw Error(fmt::format("unknown --optimizer-form '{}'; use simd or scalar", text));
}

std::string_view to_string(StopReason r) noexcept
{
    switch (r) {
    case StopReason::Completed: return "completed";
    case StopReason::Observer: return "early-stop";
    case StopReason::NonFinite: return "non-finite";
    case StopReason::Interrupted: return "interrupted";
    }
    return "?";
}

// The closure: evaluates the tape on the batch it holds at point(), then puts the step's parameters and
// gradients back. Its four buffers are allocated with the trainer, never in a step.
template <class T>
class Trainer<T>::Evaluator final : public Closure {
public:
    explicit Evaluator(Tape<T>& tape)
        : tape_(tape), point_(tape.params().size()), gradient_(tape.params().size()), params_(tape.params().size()),
          grads_(tape.params().size())
    {
    }
    void* point() noexcept override { return point_.data(); }
    const void* gradient() const noexcept override { return gradient_.data(); }
    double evaluate() override
    {
        const std::span<T> p = tape_.params(), g = tape_.grads();
        std::copy(p.begin(), p.end(), params_.data());
        std::copy(g.begin(), g.end(), grads_.data());
        std::copy(point_.data(), point_.data() + p.size(), p.begin());
        const double loss = tape_.forward_backward();
        std::copy(g.begin(), g.end(), gradient_.data());
        std::copy(params_.data(), params_.data() + p.size(), p.begin());
        std::copy(grads_.data(), grads_.data() + g.size(), g.begin());
        ++evaluations;
        return loss;
    }
    std::uint64_t evaluations = 0;

private:
    Tape<T>& tape_;
    AlignedArray<T> point_, gradient_, params_, grads_;
};

template <class T>
Trainer<T>::~Trainer()
{
    if (evaluator_)
        optimizer_.serve_closure(nullptr);
}

template <class T>
Trainer<T>::Trainer(Tape<T>& tape, Sampler& sampler, Optimizer& optimizer)
    : tape_(tape), sampler_(sampler), optimizer_(optimizer)
{
    if (optimizer_.needs_closure()) {
        evaluator_ = std::make_unique<Evaluator>(tape_);
        optimizer_.serve_closure(evaluator_.get());
    }
    const std::size_t n = tape_.params().size();
    check_state_memory(optimizer_.id(), optimizer_.state_count(), n, sizeof(T));
    for (std::size_t s = 0; s < optimizer_.state_count(); ++s)
        state_.optimizer_state.emplace_back(n);
    for (auto& s : state_.optimizer_state) {
        state_ptrs_.push_back(s.data());
        state_bytes_.emplace_back(reinterpret_cast<const std::uint8_t*>(s.data()), n * sizeof(T));
    }
    for (std::size_t k = 0; k < tape_.input_count(); ++k)
        inputs_.push_back(tape_.input(k));
    for (std::size_t o = 0; o < tape_.output_count(); ++o)
        targets_.push_back(tape_.target(o));
}

template <class T>
RunSnapshot Trainer<T>::snapshot(std::span<TrainObserver* const> observers) const noexcept
{
    const std::span<const T> p = tape_.params();
    return RunSnapshot{state_.loop,
                       sizeof(T),
                       {reinterpret_cast<const std::uint8_t*>(p.data()), p.size() * sizeof(T)},
                       state_bytes_,
                       sampler_,
                       observers,
                       transforms_,
                       optimizer_.run_state()};
}

// One call of run(): the loop of train_gpt2.c, one named step per line of it.
template <class T>
class Trainer<T>::Loop {
public:
    Loop(Trainer& t, std::uint64_t iterations, const TrainOptions& options, std::span<TrainObserver* const> observers)
        : t_(t), st_(t.state_.loop), options_(options), observers_(observers), run_(t.snapshot(observers)),
          first_iteration_(st_.iteration), first_evaluations_(t.evaluator_ ? t.evaluator_->evaluations : 0)
    {
        status_.total = iterations;
    }

    TrainSummary run(std::uint64_t iterations)
    {
        begin();
        while (st_.iteration < iterations) {
            sample();
            const double loss = forward_backward();
            const bool finite = check(loss);
            step(finite, loss);
            if (diverged(finite, loss) || !record())
                break;
            notify();
            if (interrupted())
                break;
        }
        return end();
    }

private:
    using clock = std::chrono::steady_clock;

    void begin()
    {
        sync_status(std::numeric_limits<double>::quiet_NaN());
        for (TrainObserver* o : observers_)
            o->on_begin(status_);
    }

    // The next batch into the tape's input and target columns.
    void sample()
    {
        t_.sampler_.next(t_.tape_.batch_size(), std::span<T* const>(t_.inputs_), std::span<T* const>(t_.targets_));
    }

    double forward_backward() { return t_.tape_.forward_backward(); }

    // Whether the loss and every gradient are finite.
    bool check(double loss) const { return std::isfinite(loss) && all_finite(std::span<const T>(t_.tape_.grads())); }

    // The optimizer's update (skipped on a non-finite loss or gradient) and the window's sums.
    void step(bool finite, double loss)
    {
        ++st_.iteration;
        if (finite) {
            if (t_.transforms_ != nullptr)
                t_.transforms_->before_step(st_.step + 1, t_.tape_.params(), t_.tape_.grads());
            t_.optimizer_.set_loss(loss);
            t_.optimizer_.step(st_.step + 1, t_.tape_.params(), std::span<const T>(t_.tape_.grads()),
                               std::span<T* const>(t_.state_ptrs_), options_.optimizer_form == OptimizerForm::Scalar);
            ++st_.step;
            st_.window_sum += loss;
            ++st_.window_finite;
        } else {
            ++st_.skipped;
        }
        ++st_.window_count;
        sync_status(loss);
    }

    // Stops the run on a non-finite loss or gradient (unless skipping) or a non-finite parameter.
    bool diverged(bool finite, double loss)
    {
        std::string what;
        if (!finite && options_.on_nonfinite == OnNonFinite::Stop)
            what = fmt::format("{} became non-finite at iteration {}", std::isfinite(loss) ? "a gradient" : "the loss",
                               st_.iteration);
        else if (finite && !all_finite(std::span<const T>(t_.tape_.params())))
            what = fmt::format("a parameter became non-finite after the update of iteration {}", st_.iteration);
        if (what.empty())
            return false;
        close_window(false);
        summary_.reason = StopReason::NonFinite;
        // Before any update the parameters are the initial ones: the learning rate played no part.
        summary_.advises_learning_rate = st_.step > 0 || finite;
        summary_.message = summary_.advises_learning_rate
                               ? what + "; try a smaller learning rate"
                               : fmt::format("{}, before any update: the cause is the model or the data, not the "
                                             "learning rate; {}",
                                             what, first_nonfinite_value());
        return true;
    }

    // Where the forward pass first produced a NaN or infinity: the operation and the data row.
    std::string first_nonfinite_value() const
    {
        const auto nf = t_.tape_.first_nonfinite();
        if (nf.node < 0)
            return "every value of the forward pass is finite, so a derivative is not (e.g. sqrt or log at 0)";
        const Node& node = t_.tape_.graph().nodes[static_cast<std::size_t>(nf.node)];
        std::string sample = t_.sampler_.describe_sample(nf.sample);
        if (sample.empty())
            sample = fmt::format("sample {} of the batch", nf.sample + 1);
        if (node.op == Op::Input)
            return fmt::format("the data holds it: input '{}' of {}", node.label, sample);
        const std::string name = node.label.empty() ? "an intermediate value" : fmt::format("'{}'", node.label);
        return fmt::format("the first non-finite value is {} (operation {}), for {}", name, to_string(node.op), sample);
    }

    // Closes a full loss window into a record; false when an observer stops the run.
    bool record()
    {
        if (st_.window_count != options_.log_every || close_window(true))
            return true;
        summary_.reason = StopReason::Observer;
        summary_.message = fmt::format("stopped by an observer at iteration {}", st_.iteration);
        return false;
    }

    // A stop signal (SIGINT, SIGTERM) ends the run after the iteration that saw it.
    bool interrupted()
    {
        if (options_.stop_signal == nullptr || options_.stop_signal->load(std::memory_order_relaxed) == 0)
            return false;
        // The open window stays open (it is part of a checkpoint), so a resumed run records
        // exactly what an uninterrupted one would.
        summary_.reason = StopReason::Interrupted;
        summary_.message = fmt::format("interrupted at iteration {}", st_.iteration);
        return true;
    }

    // The observers after a completed iteration; progress displays every 64 iterations.
    void notify()
    {
        for (TrainObserver* o : observers_)
            o->on_iteration(status_, run_);
        if ((st_.iteration & 63u) != 0)
            return;
        status_.seconds = seconds();
        for (TrainObserver* o : observers_)
            o->on_progress(status_);
    }

    TrainSummary end()
    {
        for (TrainObserver* o : observers_)
            o->on_last_iteration(summary_.reason, run_);
        if (st_.window_count > 0 && summary_.reason != StopReason::NonFinite)
            close_window(false);
        TrainSummary& s = summary_;
        s.iterations = st_.iteration;
        s.steps = st_.step;
        s.skipped = st_.skipped;
        s.seconds = seconds();
        s.evaluations = status_.evaluations;
        const std::uint64_t done_here = st_.iteration - first_iteration_;
        s.iterations_per_second = s.seconds > 0.0 ? static_cast<double>(done_here) / s.seconds : 0.0;
        s.records = st_.records;
        s.records.insert(s.records.end(), provisional_.begin(), provisional_.end());
        s.final_loss = s.min_loss = std::numeric_limits<double>::quiet_NaN();
        if (!s.records.empty()) {
            s.final_loss = s.records.back().loss;
            s.min_loss = std::numeric_limits<double>::infinity();
            for (const LossRecord& r : s.records)
                if (r.loss < s.min_loss) {
                    s.min_loss = r.loss;
                    s.min_iteration = r.iteration;
                }
            if (!std::isfinite(s.min_loss))
                s.min_loss = std::numeric_limits<double>::quiet_NaN();
        }
        for (TrainObserver* o : observers_)
            o->on_end(s);
        return s;
    }

    // A full window becomes a record of the state; the last, partial window of a run is reported
    // (observers, summary) but stays open in the state, so a resumed run records what an
    // uninterrupted one would.
    bool close_window(bool keep)
    {
        LossRecord r;
        r.iteration = st_.iteration;
        r.window = st_.window_count;
        r.loss = st_.window_finite > 0 ? st_.window_sum / static_cast<double>(st_.window_finite)
                                       : std::numeric_limits<double>::quiet_NaN();
        r.seconds = seconds();
        if (keep) {
            st_.records.push_back(r);
            st_.window_sum = 0.0;
            st_.window_count = 0;
            st_.window_finite = 0;
        } else {
            provisional_.push_back(r);
        }
        status_.seconds = r.seconds;
        if (t_.transforms_ != nullptr)
            t_.transforms_->on_record(r.loss, keep, st_.step);
        bool go_on = true;
        for (TrainObserver* o : observers_)
            go_on = o->on_record(r, status_) && go_on;
        return go_on;
    }

    void sync_status(double last_loss)
    {
        status_.iteration = st_.iteration;
        status_.step = st_.step;
        status_.skipped = st_.skipped;
        status_.last_loss = last_loss;
        status_.evaluations = t_.evaluator_ ? t_.evaluator_->evaluations - first_evaluations_ : 0;
    }

    double seconds() const { return std::chrono::duration<double>(clock::now() - start_).count(); }

    Trainer& t_;
    LoopState& st_;
    const TrainOptions& options_;
    std::span<TrainObserver* const> observers_;
    const RunSnapshot run_;
    const std::uint64_t first_iteration_;
    const std::uint64_t first_evaluations_;
    const clock::time_point start_ = clock::now();
    TrainStatus status_;
    TrainSummary summary_;
    std::vector<LossRecord> provisional_;
};

template <class T>
TrainSummary Trainer<T>::run(std::uint64_t iterations, const TrainOptions& options,
                             std::span<TrainObserver* const> observers)
{
    if (options.log_every == 0)
        throw Error("--log-every must be at least 1");
    return Loop(*this, iterations, options, observers).run(iterations);
}

template <class T>
void Trainer<T>::set_transforms(TransformChain* chain) noexcept
{
    transforms_ = chain != nullptr && !chain->empty() ? chain : nullptr;
}

template class Trainer<float>;
template class Trainer<double>;

} // namespace cgp
