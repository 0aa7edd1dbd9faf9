// progress.hpp: one progress display for a whole sweep, fed by every run's training loop.
//
// On a terminal: a bar on stderr redrawn at most 10 times a second with the runs done, the
// iterations done, the combined rate and the time left. Elsewhere: one plain line per tenth of the
// runs. Runs in worker threads report through RunCounter observers; the main thread draws.
#pragma once

#include <cgp/training/trainer.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace cgp::sweep {

class SweepProgress {
public:
    SweepProgress(std::FILE* out, std::size_t runs, std::uint64_t iterations, bool enabled);
    void add_iterations(std::uint64_t n) noexcept { iterations_done_.fetch_add(n, std::memory_order_relaxed); }
    void run_done() noexcept { runs_done_.fetch_add(1, std::memory_order_relaxed); }
    std::size_t runs_done() const noexcept { return runs_done_.load(std::memory_order_relaxed); }
    // Called by one thread only: redraws when due (always when final).
    void draw(bool final);

private:
    std::FILE* out_;
    std::size_t runs_;
    std::uint64_t iterations_;
    bool enabled_, tty_;
    std::atomic<std::size_t> runs_done_{0};
    std::atomic<std::uint64_t> iterations_done_{0};
    std::chrono::steady_clock::time_point start_;
    std::chrono::steady_clock::time_point last_draw_{};
    std::size_t next_line_ = 1; // plain mode: the next tenth to report
};

// Feeds one run's progress into the sweep's display.
class RunCounter final : public TrainObserver {
public:
    explicit RunCounter(SweepProgress& progress) : progress_(progress) {}
    void on_progress(const TrainStatus& s) override;
    void on_end(const TrainSummary& summary) override;

private:
    SweepProgress& progress_;
    std::uint64_t reported_ = 0;
};

} // namespace cgp::sweep
