// The sweep's progress display: shared counters, a throttled bar on terminals, plain lines elsewhere.
#include "progress.hpp"

#include <fmt/format.h>

#include <string>
#include <unistd.h>

namespace cgp::sweep {
namespace {

std::string count(double n)
{
    if (n >= 1e9)
        return fmt::format("{:.1f}G", n / 1e9);
    if (n >= 1e6)
        return fmt::format("{:.1f}M", n / 1e6);
    if (n >= 1e4)
        return fmt::format("{:.0f}k", n / 1e3);
    return fmt::format("{:.0f}", n);
}

} // namespace

SweepProgress::SweepProgress(std::FILE* out, std::size_t runs, std::uint64_t iterations, bool enabled)
    : out_(out), runs_(runs), iterations_(iterations), enabled_(enabled), tty_(::isatty(::fileno(out)) != 0),
      start_(std::chrono::steady_clock::now())
{
}

void SweepProgress::draw(bool final)
{
    if (!enabled_)
        return;
    const auto now = std::chrono::steady_clock::now();
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const std::size_t runs = runs_done();
    const auto done = static_cast<double>(iterations_done_.load(std::memory_order_relaxed));
    const double total = static_cast<double>(iterations_ > 0 ? iterations_ : 1);
    const double fraction = std::min(1.0, final ? 1.0 : done / total);
    const double rate = seconds > 0 ? done / seconds : 0.0;
    if (tty_) {
        if (!final && now - last_draw_ < std::chrono::milliseconds(100))
            return;
        last_draw_ = now;
        constexpr int width = 24;
        const int filled = static_cast<int>(fraction * width);
        const double left = rate > 0 ? (total - done) / rate : 0.0;
        fmt::print(out_, "\rcgp-sweep [{}{}] {:3.0f}%  {}/{} runs  {}/{} it  {} it/s  {:.0f} s left   ",
                   std::string(static_cast<std::size_t>(filled), '#'),
                   std::string(static_cast<std::size_t>(width - filled), '-'), 100.0 * fraction, runs, runs_,
                   count(done), count(total), count(rate), final ? 0.0 : left);
        if (final)
            fmt::print(out_, "\n");
        std::fflush(out_);
        return;
    }
    // Plain: a line each time another tenth of the runs is done.
    const std::size_t tenth = runs_ > 0 ? runs * 10 / runs_ : 10;
    if (tenth < next_line_ && !(final && next_line_ <= 10))
        return;
    next_line_ = tenth + 1;
    fmt::print(out_, "cgp-sweep: {}/{} runs ({:.0f}%), {} iterations, {} it/s\n", runs, runs_,
               runs_ > 0 ? 100.0 * static_cast<double>(runs) / static_cast<double>(runs_) : 100.0, count(done),
               count(rate));
    if (final)
        next_line_ = 11;
    std::fflush(out_);
}

void RunCounter::on_progress(const TrainStatus& s)
{
    if (s.iteration > reported_) {
        progress_.add_iterations(s.iteration - reported_);
        reported_ = s.iteration;
    }
}

void RunCounter::on_end(const TrainSummary& summary)
{
    if (summary.iterations > reported_)
        progress_.add_iterations(summary.iterations - reported_);
    reported_ = summary.iterations;
    progress_.run_done();
}

} // namespace cgp::sweep
