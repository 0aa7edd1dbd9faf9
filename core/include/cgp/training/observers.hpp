// cgp/training/observers.hpp: the standard training observers: progress display, loss CSV, early stop.
#pragma once

#include <cgp/io/atomic_file.hpp>
#include <cgp/training/trainer.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

namespace cgp {

struct EvalReport;

// Progress on a stream (stderr): on a terminal, a bar redrawn at most 10 times a second with the
// iteration, the last record's loss and the rate; elsewhere, one plain line per 10% of the run.
// With an epoch length (CSV data), each line also shows the epochs completed of the run's epochs.
class ProgressReporter final : public TrainObserver {
public:
    explicit ProgressReporter(std::FILE* out, std::string label = {});
    // Iterations per epoch (Experiment::iterations_per_epoch()); 0: no epochs shown.
    void set_epoch_length(std::uint64_t iterations) noexcept { epoch_length_ = iterations; }
    void on_begin(const TrainStatus& s) override;
    void on_progress(const TrainStatus& s) override;
    bool on_record(const LossRecord& r, const TrainStatus& s) override;
    void on_end(const TrainSummary& summary) override;

private:
    void draw(const TrainStatus& s, bool force);
    std::FILE* out_;
    std::string label_;
    bool tty_;
    double record_loss_ = -1.0;
    std::uint64_t next_line_ = 0; // plain mode: iteration of the next line
    std::chrono::steady_clock::time_point last_draw_{};
    std::uint64_t start_iteration_ = 0;
    std::uint64_t total_ = 0;
    std::uint64_t last_printed_ = ~std::uint64_t{0};
    double rate_ = 0.0;
    std::uint64_t epoch_length_ = 0;
};

// Writes the loss record as CSV (columns: iteration,loss,window, then one per scheduled
// hyperparameter when `scheduled` has schedules: its value at the window's last step; no timings, so
// equal runs give byte-identical files), flushed per row, into a
// temporary file that becomes `path` at the end of the run (also after an early or non-finite stop).
class LossCsvWriter final : public TrainObserver {
public:
    // evaluation: a run's held-out evaluation (Experiment::evaluation()); its metrics become columns
    // (validation_loss, validation_accuracy or validation_mae and validation_r2, the same for test),
    // filled on the rows of the iterations evaluated, empty on the others.
    explicit LossCsvWriter(const std::filesystem::path& path, const TransformChain* scheduled = nullptr,
                           const EvalReport* evaluation = nullptr);
    // Rows already recorded before a resume.
    void write_existing(std::span<const LossRecord> records);
    bool on_record(const LossRecord& r, const TrainStatus& s) override;
    void on_end(const TrainSummary& summary) override;

private:
    void row(const LossRecord& r, std::span<const double> scheduled);
    AtomicFile file_;
    const TransformChain* scheduled_;
    const EvalReport* evaluation_;
};

// Stops when the record loss has not improved by at least min_delta for `patience` records.
class EarlyStop final : public TrainObserver {
public:
    EarlyStop(std::uint64_t patience, double min_delta) : patience_(patience), min_delta_(min_delta) {}
    bool on_record(const LossRecord& r, const TrainStatus& s) override;
    // "early-stop": the best record loss so far and the records since it.
    std::string state_key() const override { return "early-stop"; }
    std::string save_state() const override;
    void restore_state(const std::string& state) override;

private:
    std::uint64_t patience_;
    double min_delta_;
    double best_ = 0.0;
    bool have_best_ = false;
    std::uint64_t since_best_ = 0;
};

} // namespace cgp
