// cgp/training/evaluation.hpp: held-out evaluation while training (--validation, --test, --split,
// --eval-every): the loss and the metrics of the current parameters on each held-out split, batched
// through the same tape kernels as training.
//
// Metrics: for a class column (classification) the accuracy and, at the end, the confusion matrix
// (rows: true class, columns: predicted); the predicted class is the largest output, or for one
// output the side of the threshold (logit 0 under bce's sigmoid, 0.5 otherwise). For regression the
// mean absolute error over samples and outputs and R^2 = 1 - sum (y - t)^2 / sum (t - mean_o t)^2,
// the sums over samples and outputs, each output's mean over the split.
//
// The best validation point is the one with the highest accuracy (classification; ties keep the
// earlier) or the lowest loss (regression). Every buffer is allocated up front: an evaluation
// allocates nothing, and a run without held-out data builds none of this.
#pragma once

#include <cgp/data/data.hpp>
#include <cgp/graph/graph.hpp>
#include <cgp/tape/tape.hpp>
#include <cgp/training/trainer.hpp>

#include <cstdint>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace cgp {

inline constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct SplitMetrics {
    double loss = kNoValue;
    double accuracy = kNoValue;           // classification
    double mae = kNoValue, r2 = kNoValue; // regression
};

struct EvalPoint {
    std::uint64_t iteration = 0;
    SplitMetrics validation, test;
};

struct EvalReport {
    bool classification = false;
    std::vector<std::string> class_names;
    bool has_validation = false, has_test = false;
    std::size_t validation_samples = 0, test_samples = 0;
    std::vector<EvalPoint> points;   // every evaluation, the last at the end of the run
    bool has_best = false;           // a validation split exists and was evaluated
    EvalPoint best;                  // the point with the best validation metric
    std::vector<double> best_params; // the parameters there (parameter order)
    // At the end: class count^2 counts, row-major [true][predicted]; empty without classes.
    std::vector<std::uint64_t> confusion_validation, confusion_test;
};

struct EvalOptions {
    std::uint64_t every = 0;    // iterations between evaluations (a multiple of log_every); 0: at the end
    std::uint64_t patience = 0; // stop after this many evaluations without a better validation point; 0: never
    std::uint64_t log_every = 100;
    std::uint64_t iterations = 0;
};

// The loss and metrics of one split for given parameters.
template <class T>
class SplitEvaluator {
public:
    SplitEvaluator(const Graph& g, const Dataset& data, Loss loss, Link link, SimdPath path);
    // confusion: class count^2 counters to fill, or empty.
    void evaluate(std::span<const T> params, SplitMetrics& out, std::span<std::uint64_t> confusion);

private:
    void run_chunk(Tape<T>& tape, std::size_t first, std::span<std::uint64_t> confusion);
    const Dataset& data_;
    Link link_;
    bool classification_;
    std::unique_ptr<Tape<T>> full_, rest_; // chunks of `chunk` samples, and the remainder
    std::size_t chunk_ = 0;
    std::vector<double> target_mean_;
    double ss_tot_ = 0;
    double loss_sum_ = 0, abs_sum_ = 0, sq_sum_ = 0;
    std::uint64_t correct_ = 0;
};

// The observer that evaluates during a run (created by the Experiment when held-out data exists).
class Evaluation : public TrainObserver {
public:
    const EvalReport& report() const noexcept { return report_; }
    // "evaluation": the best validation point and the evaluations since it (for exact resume).
    std::string state_key() const override { return "evaluation"; }
    std::string save_state() const override;
    void restore_state(const std::string& state) override;

protected:
    EvalReport report_;
    std::uint64_t since_best_ = 0;
};

template <class T>
class EvaluationT final : public Evaluation {
public:
    // live: the training tape's parameters, read at each evaluation.
    EvaluationT(const Graph& g, const Dataset& validation, const Dataset& test, Loss loss, Link link, SimdPath path,
                std::span<const T> live, const EvalOptions& options);
    bool on_record(const LossRecord& r, const TrainStatus& s) override;
    void on_last_iteration(StopReason reason, const RunSnapshot& snapshot) override;

private:
    bool evaluate(std::uint64_t iteration, bool last); // returns false to stop (patience)
    std::unique_ptr<SplitEvaluator<T>> validation_, test_;
    std::span<const T> live_;
    EvalOptions options_;
    std::vector<std::uint64_t> scratch_validation_, scratch_test_; // unused confusion slots
};

extern template class SplitEvaluator<float>;
extern template class SplitEvaluator<double>;
extern template class EvaluationT<float>;
extern template class EvaluationT<double>;

} // namespace cgp
