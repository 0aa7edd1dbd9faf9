// ProgressReporter, LossCsvWriter and EarlyStop.
#include <cgp/io/error.hpp>
#include <cgp/training/observers.hpp>
#include <cgp/training/evaluation.hpp>
#include <cgp/training/transforms.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <unistd.h>

namespace cgp {

namespace {

std::string human_rate(double per_second)
{
    if (per_second >= 1e6)
        return fmt::format("{:.2f}M it/s", per_second / 1e6);
    if (per_second >= 1e3)
        return fmt::format("{:.1f}k it/s", per_second / 1e3);
    return fmt::format("{:.1f} it/s", per_second);
}

std::string clock_text(double seconds)
{
    if (!std::isfinite(seconds) || seconds < 0)
        return "?";
    const auto s = static_cast<long>(seconds + 0.5);
    return s >= 3600 ? fmt::format("{}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
                     : fmt::format("{:02}:{:02}", s / 60, s % 60);
}

} // namespace

ProgressReporter::ProgressReporter(std::FILE* out, std::string label)
    : out_(out), label_(std::move(label)), tty_(::isatty(::fileno(out)) != 0)
{
}

void ProgressReporter::on_begin(const TrainStatus& s)
{
    start_iteration_ = s.iteration;
    total_ = s.total;
    next_line_ = s.iteration + std::max<std::uint64_t>(1, s.total / 10);
}

void ProgressReporter::on_progress(const TrainStatus& s)
{
    draw(s, false);
}

bool ProgressReporter::on_record(const LossRecord& r, const TrainStatus& s)
{
    record_loss_ = r.loss;
    draw(s, false);
    return true;
}

void ProgressReporter::draw(const TrainStatus& s, bool force)
{
    const auto now = std::chrono::steady_clock::now();
    const double done = static_cast<double>(s.iteration - start_iteration_);
    rate_ = s.seconds > 0 ? done / s.seconds : 0.0;
    // Throttled before any text is made: a record arrives far more often than a line is drawn.
    if (!force && (tty_ ? now - last_draw_ < std::chrono::milliseconds(100) : s.iteration < next_line_))
        return;
    const double fraction = s.total > 0 ? static_cast<double>(s.iteration) / static_cast<double>(s.total) : 1.0;
    std::string loss = record_loss_ >= 0 ? fmt::format("loss {:.4f}", record_loss_) : "loss -";
    if (s.evaluations > 0) // an optimizer with a closure (cgp.closure/1)
        loss += fmt::format("  {} evaluations", s.evaluations);
    if (epoch_length_ > 0)
        loss = fmt::format("epoch {}/{}  {}", s.iteration / epoch_length_,
                           (s.total + epoch_length_ - 1) / epoch_length_, loss);
    if (tty_) {
        last_draw_ = now;
        constexpr int width = 24;
        const double filled = fraction * width;
        std::string bar;
        static const char* const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
        const int full = static_cast<int>(filled);
        for (int i = 0; i < full && i < width; ++i)
            bar += "█";
        if (full < width) {
            bar += eighths[static_cast<int>((filled - full) * 8)];
            bar += std::string(static_cast<std::size_t>(width - full - 1), ' ');
        }
        const double eta = rate_ > 0 ? static_cast<double>(s.total - s.iteration) / rate_ : -1.0;
        fmt::print(out_, "\r{}{:3.0f}%|{}| {}/{} [{}<{}, {}] {}\x1b[K", label_.empty() ? "" : label_ + " ",
                   fraction * 100.0, bar, s.iteration, s.total, clock_text(s.seconds), clock_text(eta),
                   human_rate(rate_), loss);
        std::fflush(out_);
        return;
    }
    next_line_ = s.iteration + std::max<std::uint64_t>(1, s.total / 10);
    last_printed_ = s.iteration;
    fmt::print(out_, "{}iteration {}/{}  {}  {}  {:.2f} s\n", label_.empty() ? "" : label_ + ": ", s.iteration, s.total,
               loss, human_rate(rate_), s.seconds);
    std::fflush(out_);
}

void ProgressReporter::on_end(const TrainSummary& summary)
{
    TrainStatus s;
    s.iteration = summary.iterations;
    s.total = total_ > 0 ? total_ : summary.iterations;
    s.seconds = summary.seconds;
    if (tty_ || last_printed_ != summary.iterations)
        draw(s, true);
    if (tty_)
        fmt::print(out_, "\n");
    std::fflush(out_);
}

namespace {

// The metric columns of one split: "loss,accuracy" or "loss,mae,r2", and their values.
std::string metric_names(const EvalReport& e, const char* split)
{
    return e.classification ? fmt::format(",{0}_loss,{0}_accuracy", split)
                            : fmt::format(",{0}_loss,{0}_mae,{0}_r2", split);
}

std::string metric_values(const EvalReport& e, const SplitMetrics* m)
{
    if (m == nullptr)
        return e.classification ? ",," : ",,,";
    return e.classification ? fmt::format(",{:.17g},{:.17g}", m->loss, m->accuracy)
                            : fmt::format(",{:.17g},{:.17g},{:.17g}", m->loss, m->mae, m->r2);
}

} // namespace

LossCsvWriter::LossCsvWriter(const std::filesystem::path& path, const TransformChain* scheduled,
                             const EvalReport* evaluation)
    : file_(path), scheduled_(scheduled), evaluation_(evaluation)
{
    std::string header = "iteration,loss,window";
    if (scheduled_ != nullptr)
        for (const std::string& name : scheduled_->scheduled_names())
            header += "," + name;
    if (evaluation_ != nullptr) {
        if (evaluation_->has_validation)
            header += metric_names(*evaluation_, "validation");
        if (evaluation_->has_test)
            header += metric_names(*evaluation_, "test");
    }
    file_.write(header + "\n");
}

void LossCsvWriter::row(const LossRecord& r, std::span<const double> scheduled)
{
    std::string line = fmt::format("{},{:.17g},{}", r.iteration, r.loss, r.window);
    const std::size_t n = scheduled_ != nullptr ? scheduled_->scheduled_names().size() : 0;
    for (std::size_t k = 0; k < n; ++k)
        line += k < scheduled.size() ? fmt::format(",{:.17g}", scheduled[k]) : std::string(",");
    if (evaluation_ != nullptr) {
        // The evaluation at this record: the latest while training, an earlier one for the records
        // a resumed run writes first.
        const auto& points = evaluation_->points;
        const auto at = std::lower_bound(points.begin(), points.end(), r.iteration,
                                         [](const EvalPoint& e, std::uint64_t it) { return e.iteration < it; });
        const EvalPoint* p = at != points.end() && at->iteration == r.iteration ? &*at : nullptr;
        if (evaluation_->has_validation)
            line += metric_values(*evaluation_, p != nullptr ? &p->validation : nullptr);
        if (evaluation_->has_test)
            line += metric_values(*evaluation_, p != nullptr ? &p->test : nullptr);
    }
    file_.write(line + "\n");
}

void LossCsvWriter::write_existing(std::span<const LossRecord> records)
{
    const std::size_t n = scheduled_ != nullptr ? scheduled_->scheduled_names().size() : 0;
    const std::span<const double> history = n > 0 ? scheduled_->history() : std::span<const double>();
    for (std::size_t i = 0; i < records.size(); ++i)
        row(records[i], (i + 1) * n <= history.size() ? history.subspan(i * n, n) : std::span<const double>());
}

bool LossCsvWriter::on_record(const LossRecord& r, const TrainStatus&)
{
    row(r, scheduled_ != nullptr ? scheduled_->record_values() : std::span<const double>());
    file_.flush();
    return true;
}

void LossCsvWriter::on_end(const TrainSummary&)
{
    file_.commit();
}

std::string EarlyStop::save_state() const
{
    // Exact: the best loss as a hexadecimal float.
    return fmt::format("{:a} {} {}", best_, have_best_ ? 1 : 0, since_best_);
}

void EarlyStop::restore_state(const std::string& state)
{
    std::istringstream in(state);
    std::string best;
    int have = 0;
    std::uint64_t since = 0;
    in >> best >> have >> since;
    char* end = nullptr;
    const double value = best.empty() ? 0.0 : std::strtod(best.c_str(), &end);
    if (!in || (have != 0 && have != 1) || end == nullptr || *end != '\0' || !(in >> std::ws).eof())
        throw Error(fmt::format("the checkpoint's early-stop state '{}' is malformed", state));
    best_ = value;
    have_best_ = have == 1;
    since_best_ = since;
}

bool EarlyStop::on_record(const LossRecord& r, const TrainStatus&)
{
    if (!have_best_ || r.loss < best_ - min_delta_) {
        best_ = r.loss;
        have_best_ = true;
        since_best_ = 0;
        return true;
    }
    return ++since_best_ < patience_;
}

} // namespace cgp
