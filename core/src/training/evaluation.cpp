// Held-out evaluation: a split run through eval tapes in chunks, its loss and metrics, and the
// observer that evaluates at loss records and at the end, keeping the best validation point.
#include <cgp/io/error.hpp>
#include <cgp/training/evaluation.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace cgp {
namespace {

constexpr std::size_t kChunk = 1024; // samples per eval batch

} // namespace

template <class T>
SplitEvaluator<T>::SplitEvaluator(const Graph& g, const Dataset& data, Loss loss, Link link, SimdPath path)
    : data_(data), link_(link), classification_(!data.classes.empty())
{
    chunk_ = std::min(kChunk, data.samples);
    full_ = std::make_unique<Tape<T>>(g, chunk_, path, loss);
    if (data.samples % chunk_ != 0)
        rest_ = std::make_unique<Tape<T>>(g, data.samples % chunk_, path, loss);
    const std::size_t L = data.labels();
    target_mean_.assign(L, 0.0);
    for (std::size_t s = 0; s < data.samples; ++s)
        for (std::size_t o = 0; o < L; ++o)
            target_mean_[o] += data.y[s * L + o] / static_cast<double>(data.samples);
    for (std::size_t s = 0; s < data.samples; ++s)
        for (std::size_t o = 0; o < L; ++o)
            ss_tot_ += (data.y[s * L + o] - target_mean_[o]) * (data.y[s * L + o] - target_mean_[o]);
}

template <class T>
void SplitEvaluator<T>::run_chunk(Tape<T>& tape, std::size_t first, std::span<std::uint64_t> confusion)
{
    const std::size_t B = tape.batch_size(), F = data_.features(), L = data_.labels();
    for (std::size_t k = 0; k < F; ++k) {
        T* col = tape.input(k);
        for (std::size_t b = 0; b < B; ++b)
            col[b] = static_cast<T>(data_.x[(first + b) * F + k]);
    }
    for (std::size_t o = 0; o < L; ++o) {
        T* col = tape.target(o);
        for (std::size_t b = 0; b < B; ++b)
            col[b] = static_cast<T>(data_.y[(first + b) * L + o]);
    }
    loss_sum_ += tape.forward() * static_cast<double>(B);
    const std::size_t O = tape.output_count();
    for (std::size_t b = 0; b < B; ++b) {
        if (classification_) {
            std::size_t predicted = 0;
            if (O == 1) {
                const double y = static_cast<double>(tape.output(0)[b]);
                predicted = y > (link_ == Link::Sigmoid ? 0.0 : 0.5) ? 1 : 0;
            } else {
                for (std::size_t o = 1; o < O; ++o)
                    if (tape.output(o)[b] > tape.output(predicted)[b])
                        predicted = o;
            }
            const std::size_t truth = static_cast<std::size_t>(data_.classes[first + b]);
            correct_ += predicted == truth ? 1 : 0;
            const std::size_t K = data_.class_names.size();
            if (!confusion.empty() && predicted < K)
                ++confusion[truth * K + predicted];
            continue;
        }
        for (std::size_t o = 0; o < O; ++o) {
            const double e = static_cast<double>(tape.output(o)[b]) - data_.y[(first + b) * L + o];
            abs_sum_ += std::abs(e);
            sq_sum_ += e * e;
        }
    }
}

template <class T>
void SplitEvaluator<T>::evaluate(std::span<const T> params, SplitMetrics& out, std::span<std::uint64_t> confusion)
{
    loss_sum_ = abs_sum_ = sq_sum_ = 0.0;
    correct_ = 0;
    std::fill(confusion.begin(), confusion.end(), 0);
    std::memcpy(full_->params().data(), params.data(), params.size() * sizeof(T));
    if (rest_)
        std::memcpy(rest_->params().data(), params.data(), params.size() * sizeof(T));
    const std::size_t n = data_.samples;
    std::size_t first = 0;
    for (; first + chunk_ <= n; first += chunk_)
        run_chunk(*full_, first, confusion);
    if (rest_)
        run_chunk(*rest_, first, confusion);
    const double N = static_cast<double>(n);
    out.loss = loss_sum_ / N;
    if (classification_) {
        out.accuracy = static_cast<double>(correct_) / N;
    } else {
        out.mae = abs_sum_ / (N * static_cast<double>(data_.labels()));
        out.r2 = ss_tot_ > 0 ? 1.0 - sq_sum_ / ss_tot_ : kNoValue;
    }
}

// The state string: the best validation point as cgp has always written it ("none", or its
// iteration, validation loss and accuracy, the evaluations since it and the parameters there),
// then, appended, " history N" and the N evaluations (iteration and the four metrics of each split),
// and " best" with the best point's remaining metrics. A state without the appended part (an older
// checkpoint) restores the best point alone and an empty history.
namespace {

void put_metrics(std::string& out, const SplitMetrics& m, bool loss_and_accuracy)
{
    if (loss_and_accuracy)
        out += fmt::format(" {:.17g} {:.17g}", m.loss, m.accuracy);
    out += fmt::format(" {:.17g} {:.17g}", m.mae, m.r2);
}

// A number as written by put_metrics ("nan" included, which operator>> does not read).
double take_number(std::istream& in)
{
    std::string token;
    in >> token;
    char* end = nullptr;
    const double v = std::strtod(token.c_str(), &end);
    if (token.empty() || *end != '\0')
        in.setstate(std::ios::failbit);
    return v;
}

void take_metrics(std::istream& in, SplitMetrics& m, bool loss_and_accuracy)
{
    if (loss_and_accuracy) {
        m.loss = take_number(in);
        m.accuracy = take_number(in);
    }
    m.mae = take_number(in);
    m.r2 = take_number(in);
}

} // namespace

std::string Evaluation::save_state() const
{
    std::string s = "none";
    if (report_.has_best) {
        s = fmt::format("{} {:.17g} {:.17g} {}", report_.best.iteration, report_.best.validation.loss,
                        report_.best.validation.accuracy, since_best_);
        for (double p : report_.best_params)
            s += fmt::format(" {:.17g}", p);
    }
    s += fmt::format(" history {}", report_.points.size());
    for (const EvalPoint& p : report_.points) {
        s += fmt::format(" {}", p.iteration);
        put_metrics(s, p.validation, true);
        put_metrics(s, p.test, true);
    }
    s += " best";
    put_metrics(s, report_.best.validation, false);
    put_metrics(s, report_.best.test, true);
    return s;
}

void Evaluation::restore_state(const std::string& state)
{
    std::istringstream in(state);
    std::string first;
    in >> first;
    if (first != "none") {
        EvalPoint best;
        std::uint64_t since = 0;
        in.str(state);
        in.clear();
        in >> best.iteration;
        best.validation.loss = take_number(in);
        best.validation.accuracy = take_number(in);
        in >> since;
        std::vector<double> params(report_.best_params.size());
        for (double& p : params)
            in >> p;
        if (!in)
            throw Error("the checkpoint's evaluation state is malformed");
        report_.has_best = true;
        report_.best = best;
        report_.best_params = std::move(params);
        since_best_ = since;
    }
    std::string word;
    if (!(in >> word))
        return; // written before the history was kept
    std::size_t count = 0;
    in >> count;
    if (word != "history" || !in)
        throw Error("the checkpoint's evaluation history is malformed");
    std::vector<EvalPoint> points(count);
    for (EvalPoint& p : points) {
        in >> p.iteration;
        take_metrics(in, p.validation, true);
        take_metrics(in, p.test, true);
    }
    in >> word;
    take_metrics(in, report_.best.validation, false);
    take_metrics(in, report_.best.test, true);
    if (!in || word != "best")
        throw Error("the checkpoint's evaluation history is malformed");
    // Kept within the capacity reserved for the run (a longer run reserves more).
    report_.points.reserve(std::max(report_.points.capacity(), points.size() + 2));
    report_.points.assign(points.begin(), points.end());
}

template <class T>
EvaluationT<T>::EvaluationT(const Graph& g, const Dataset& validation, const Dataset& test, Loss loss, Link link,
                            SimdPath path, std::span<const T> live, const EvalOptions& options)
    : live_(live), options_(options)
{
    if (options.every > 0 && options.every % options.log_every != 0)
        throw Error(fmt::format("--eval-every {} must be a multiple of --log-every {} (evaluations run at loss "
                                "records)\nhint: --eval-every {}",
                                options.every, options.log_every,
                                std::max<std::uint64_t>(1, options.every / options.log_every) * options.log_every));
    const Dataset& any = validation.samples > 0 ? validation : test;
    report_.classification = !any.classes.empty();
    report_.class_names = any.class_names;
    const std::size_t K = report_.classification ? any.class_names.size() : 0;
    if (validation.samples > 0) {
        validation_ = std::make_unique<SplitEvaluator<T>>(g, validation, loss, link, path);
        report_.has_validation = true;
        report_.validation_samples = validation.samples;
        report_.confusion_validation.assign(K * K, 0);
        report_.best_params.assign(live.size(), 0.0);
    }
    if (test.samples > 0) {
        test_ = std::make_unique<SplitEvaluator<T>>(g, test, loss, link, path);
        report_.has_test = true;
        report_.test_samples = test.samples;
        report_.confusion_test.assign(K * K, 0);
    }
    report_.points.reserve((options.every > 0 ? options.iterations / options.every : 0) + 2);
    scratch_validation_.assign(K * K, 0);
    scratch_test_.assign(K * K, 0);
}

template <class T>
bool EvaluationT<T>::evaluate(std::uint64_t iteration, bool last)
{
    EvalPoint p;
    p.iteration = iteration;
    if (validation_)
        validation_->evaluate(live_, p.validation, last ? report_.confusion_validation : scratch_validation_);
    if (test_)
        test_->evaluate(live_, p.test, last ? report_.confusion_test : scratch_test_);
    if (report_.points.size() < report_.points.capacity())
        report_.points.push_back(p);
    if (!validation_)
        return true;
    const SplitMetrics& v = p.validation;
    const SplitMetrics& b = report_.best.validation;
    const bool better = !report_.has_best || (report_.classification ? v.accuracy > b.accuracy : v.loss < b.loss);
    if (better) {
        report_.has_best = true;
        report_.best = p;
        for (std::size_t i = 0; i < live_.size(); ++i)
            report_.best_params[i] = static_cast<double>(live_[i]);
        since_best_ = 0;
        return true;
    }
    ++since_best_;
    return options_.patience == 0 || since_best_ < options_.patience;
}

template <class T>
bool EvaluationT<T>::on_record(const LossRecord& r, const TrainStatus&)
{
    if (options_.every == 0 || r.iteration % options_.every != 0 || r.window != options_.log_every)
        return true;
    return evaluate(r.iteration, false);
}

template <class T>
void EvaluationT<T>::on_last_iteration(StopReason, const RunSnapshot& snapshot)
{
    const std::uint64_t it = snapshot.loop.iteration;
    if (!report_.points.empty() && report_.points.back().iteration == it) {
        report_.points.pop_back(); // evaluated again, with the confusion matrices
    }
    evaluate(it, true);
}

template class SplitEvaluator<float>;
template class SplitEvaluator<double>;
template class EvaluationT<float>;
template class EvaluationT<double>;

} // namespace cgp
