// The training loop (sample, forward, backward, step, record) with non-finite checks and observers.
#include <cgp/io/error.hpp>
#include <cgp/training/trainer.hpp>

#include <fmt/format.h>

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

template <class T>
Trainer<T>::Trainer(Tape<T>& tape, Sampler& sampler, Optimizer& optimizer)
    : tape_(tape), sampler_(sampler), optimizer_(optimizer)
{
    const std::size_t n = tape_.params().size();
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
                       observers};
}

template <class T>
TrainSummary Trainer<T>::run(std::uint64_t iterations, const TrainOptions& options,
                             std::span<TrainObserver* const> observers)
{
    using clock = std::chrono::steady_clock;
    if (options.log_every == 0)
        throw Error("--log-every must be at least 1");
    LoopState& st = state_.loop;
    const RunSnapshot run = snapshot(observers);
    TrainSummary summary;
    TrainStatus status;
    status.total = iterations;
    const auto start = clock::now();
    const auto seconds = [&start] { return std::chrono::duration<double>(clock::now() - start).count(); };
    auto sync_status = [&](double last_loss) {
        status.iteration = st.iteration;
        status.step = st.step;
        status.skipped = st.skipped;
        status.last_loss = last_loss;
    };
    sync_status(std::numeric_limits<double>::quiet_NaN());
    for (TrainObserver* o : observers)
        o->on_begin(status);

    const std::uint64_t first_iteration = st.iteration;
    const std::size_t B = tape_.batch_size();
    std::span<T> params = tape_.params();
    std::span<const T> grads = tape_.grads();

    // A full window becomes a record of the state; the last, partial window of a run is reported
    // (observers, summary) but stays open in the state, so a resumed run records what an
    // uninterrupted one would.
    std::vector<LossRecord> provisional;
    auto close_window = [&](bool keep) -> bool {
        LossRecord r;
        r.iteration = st.iteration;
        r.window = st.window_count;
        r.loss = st.window_finite > 0 ? st.window_sum / static_cast<double>(st.window_finite)
                                      : std::numeric_limits<double>::quiet_NaN();
        r.seconds = seconds();
        if (keep) {
            st.records.push_back(r);
            st.window_sum = 0.0;
            st.window_count = 0;
            st.window_finite = 0;
        } else {
            provisional.push_back(r);
        }
        status.seconds = r.seconds;
        bool go_on = true;
        for (TrainObserver* o : observers)
            go_on = o->on_record(r, status) && go_on;
        return go_on;
    };

    while (st.iteration < iterations) {
        sampler_.next(B, std::span<T* const>(inputs_), std::span<T* const>(targets_));
        const double loss = tape_.forward();
        tape_.backward();
        const bool finite = std::isfinite(loss) && all_finite(grads);
        ++st.iteration;
        if (finite) {
            optimizer_.step(st.step + 1, params, grads, std::span<T* const>(state_ptrs_),
                            options.optimizer_form == OptimizerForm::Scalar);
            ++st.step;
            st.window_sum += loss;
            ++st.window_finite;
        } else {
            ++st.skipped;
        }
        ++st.window_count;
        sync_status(loss);

        std::string nonfinite;
        if (!finite && options.on_nonfinite == OnNonFinite::Stop)
            nonfinite = fmt::format("{} became non-finite at iteration {}", std::isfinite(loss) ? "a gradient" : "the loss",
                                    st.iteration);
        else if (finite && !all_finite(std::span<const T>(params)))
            nonfinite = fmt::format("a parameter became non-finite after the update of iteration {}", st.iteration);
        if (!nonfinite.empty()) {
            close_window(false);
            summary.reason = StopReason::NonFinite;
            summary.message = nonfinite + "; try a smaller learning rate";
            summary.advises_learning_rate = true;
            break;
        }
        if (st.window_count == options.log_every && !close_window(true)) {
            summary.reason = StopReason::Observer;
            summary.message = fmt::format("stopped by an observer at iteration {}", st.iteration);
            break;
        }
        for (TrainObserver* o : observers)
            o->on_iteration(status, run);
        if (options.stop_signal != nullptr && options.stop_signal->load(std::memory_order_relaxed) != 0) {
            // The open window stays open (it is part of a checkpoint), so a resumed run records
            // exactly what an uninterrupted one would.
            summary.reason = StopReason::Interrupted;
            summary.message = fmt::format("interrupted at iteration {}", st.iteration);
            break;
        }
        if ((st.iteration & 63u) == 0) {
            status.seconds = seconds();
            for (TrainObserver* o : observers)
                o->on_progress(status);
        }
    }

    for (TrainObserver* o : observers)
        o->on_last_iteration(summary.reason, run);
    if (st.window_count > 0 && summary.reason != StopReason::NonFinite)
        close_window(false);
    summary.iterations = st.iteration;
    summary.steps = st.step;
    summary.skipped = st.skipped;
    summary.seconds = seconds();
    const std::uint64_t done_here = st.iteration - first_iteration;
    summary.iterations_per_second = summary.seconds > 0.0 ? static_cast<double>(done_here) / summary.seconds : 0.0;
    summary.records = st.records;
    summary.records.insert(summary.records.end(), provisional.begin(), provisional.end());
    if (!summary.records.empty()) {
        summary.final_loss = summary.records.back().loss;
        summary.min_loss = std::numeric_limits<double>::infinity();
        for (const LossRecord& r : summary.records)
            if (r.loss < summary.min_loss) {
                summary.min_loss = r.loss;
                summary.min_iteration = r.iteration;
            }
        if (!std::isfinite(summary.min_loss))
            summary.min_loss = std::numeric_limits<double>::quiet_NaN();
    } else {
        summary.final_loss = summary.min_loss = std::numeric_limits<double>::quiet_NaN();
    }
    for (TrainObserver* o : observers)
        o->on_end(summary);
    return summary;
}

template class Trainer<float>;
template class Trainer<double>;

} // namespace cgp
