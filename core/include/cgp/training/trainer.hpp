// cgp/training/trainer.hpp: the training loop: sample a batch, forward, loss, backward, optimizer step, and
// tell the observers. The loss record is the mean batch loss over every `log_every` iterations
// (CGP's display_loss_how_often), the last window possibly shorter.
#pragma once

#include <cgp/tape/aligned.hpp>
#include <cgp/data/data.hpp>
#include <cgp/training/optimizer.hpp>
#include <cgp/tape/tape.hpp>

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

struct LossRecord {
    std::uint64_t iteration = 0; // last iteration (1-based) of the window
    double loss = 0.0;           // mean batch loss over the window's finite losses
    std::uint64_t window = 0;    // iterations in the window
    double seconds = 0.0;        // wall time since the run (or resume) started
};

enum class OnNonFinite { Stop, Skip };
enum class StopReason { Completed, Observer, NonFinite, Interrupted };
// "completed", "early-stop", "non-finite", "interrupted" (as in JSON reports).
std::string_view to_string(StopReason r) noexcept;

// How the loop behaves. How long it runs is the caller's (RunSettings::iterations for an Experiment).
struct TrainOptions {
    std::uint64_t log_every = 100;
    OnNonFinite on_nonfinite = OnNonFinite::Stop;
    OptimizerForm optimizer_form = OptimizerForm::Simd;
    const std::atomic<int>* stop_signal = nullptr; // when it becomes non-zero, stop after this iteration
};

// What observers see while training.
struct TrainStatus {
    std::uint64_t iteration = 0; // iterations done
    std::uint64_t total = 0;
    std::uint64_t step = 0; // optimizer steps taken (skipped iterations do not count)
    std::uint64_t skipped = 0;
    double last_loss = 0.0; // most recent batch loss
    double seconds = 0.0;
    std::uint64_t evaluations = 0; // the optimizer's closure evaluations (cgp.closure/1) in this process
};

struct TrainSummary {
    std::uint64_t iterations = 0; // done in total
    std::uint64_t steps = 0;
    std::uint64_t skipped = 0;
    double final_loss = 0.0; // mean of the last record
    double min_loss = 0.0;   // smallest record
    std::uint64_t min_iteration = 0;
    double seconds = 0.0; // this process's training time
    double iterations_per_second = 0.0;
    std::uint64_t evaluations = 0; // the optimizer's closure evaluations (cgp.closure/1) in this process
    StopReason reason = StopReason::Completed;
    std::string message;                // why it stopped, when not Completed
    bool advises_learning_rate = false; // message ends "try a smaller learning rate" (programs add the option)
    std::vector<LossRecord> records;
};

// Where the loop is: its counters, the open loss window and the records closed so far.
struct LoopState {
    std::uint64_t iteration = 0;
    std::uint64_t step = 0;
    std::uint64_t skipped = 0;
    double window_sum = 0.0;
    std::uint64_t window_count = 0;  // iterations in the open window
    std::uint64_t window_finite = 0; // of which had a finite loss
    std::vector<LossRecord> records;
};

class TrainObserver;
class TransformChain;

// A read-only view of the whole run between two iterations: what a checkpoint saves. Parameters
// and optimizer state arrays are raw values of value_size bytes (4: f32, 8: f64).
struct RunSnapshot {
    const LoopState& loop;
    std::size_t value_size;
    std::span<const std::uint8_t> params;
    std::span<const std::span<const std::uint8_t>> optimizer_state;
    const Sampler& sampler;
    std::span<TrainObserver* const> observers;
    const TransformChain* transforms = nullptr; // the host's transforms and their state, when set
    std::span<const double> run_state = {};     // the optimizer's run state (Optimizer::run_state)
};

// Hooks, in the order the loop calls them: on_begin; per iteration on_record (when a loss window
// closes), on_iteration, on_progress (every 64 iterations); at the end on_last_iteration, on_record
// for the last, partial window, on_end. (A run stopped by a non-finite value reports its partial
// window as it stops, before on_last_iteration.)
class TrainObserver {
public:
    virtual ~TrainObserver() = default;
    virtual void on_begin(const TrainStatus&) {}
    // Every 64 iterations: for progress displays.
    virtual void on_progress(const TrainStatus&) {}
    // After each loss record; return false to stop training.
    virtual bool on_record(const LossRecord&, const TrainStatus&) { return true; }
    // After every iteration the loop goes on from (not one that stops it): the run is consistent.
    virtual void on_iteration(const TrainStatus&, const RunSnapshot&) {}
    // Once, when the loop has stopped and before the last partial window is reported.
    virtual void on_last_iteration(StopReason, const RunSnapshot&) {}
    virtual void on_end(const TrainSummary&) {}

    // An observer that keeps state across records (early stop) names it and saves it, so a
    // checkpoint holds it and a resumed run continues exactly. An empty key: no state.
    virtual std::string state_key() const { return {}; }
    virtual std::string save_state() const { return {}; }
    // Throws cgp::Error on a state it cannot read.
    virtual void restore_state(const std::string&) {}
};

// Everything that changes while training.
template <class T>
struct TrainState {
    LoopState loop;
    std::vector<AlignedArray<T>> optimizer_state;
};

template <class T>
class Trainer {
public:
    // The tape's parameters must already hold their initial values. An optimizer that needs a
    // closure (Optimizer::needs_closure) is served one over the tape and the current batch.
    Trainer(Tape<T>& tape, Sampler& sampler, Optimizer& optimizer);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    TrainState<T>& state() noexcept { return state_; }
    const TrainState<T>& state() const noexcept { return state_; }
    Optimizer& optimizer() noexcept { return optimizer_; }
    // The run as it is now, with these observers.
    RunSnapshot snapshot(std::span<TrainObserver* const> observers) const noexcept;

    // Trains until `iterations` are done in total, counting those before a resume (or a stop); may be
    // called again after restoring a state (resume) to continue exactly.
    TrainSummary run(std::uint64_t iterations, const TrainOptions& options, std::span<TrainObserver* const> observers);
    // Applies `chain` around every step (nullptr, or an empty chain: none, the loop skips it).
    void set_transforms(TransformChain* chain) noexcept;

private:
    class Loop;      // one call of run()
    class Evaluator; // the Closure served to an optimizer that needs one
    std::unique_ptr<Evaluator> evaluator_;
    Tape<T>& tape_;
    Sampler& sampler_;
    Optimizer& optimizer_;
    TrainState<T> state_;
    std::vector<T*> inputs_, targets_, state_ptrs_;
    std::vector<std::span<const std::uint8_t>> state_bytes_;
    TransformChain* transforms_ = nullptr;
};

extern template class Trainer<float>;
extern template class Trainer<double>;

// Draws every parameter uniform(0, 1) in parameter order (CGP's initialisation).
template <class T>
void init_uniform(std::span<T> params, Rng& rng)
{
    for (T& p : params)
        p = static_cast<T>(rng.uniform());
}

} // namespace cgp
