// Measures across seeds (mean, spread, bootstrap interval) and performance profiles.
#include "measures.hpp"

#include "search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cgp::sweep {

Measure measure(const std::vector<double>& values, std::uint64_t seed)
{
    std::vector<double> v;
    for (double x : values)
        if (std::isfinite(x))
            v.push_back(x);
    Measure m;
    m.count = v.size();
    if (v.empty()) {
        m.mean = m.sd = m.ci_low = m.ci_high = std::numeric_limits<double>::quiet_NaN();
        return m;
    }
    double sum = 0.0;
    for (double x : v)
        sum += x;
    m.mean = sum / static_cast<double>(v.size());
    if (v.size() > 1) {
        double sq = 0.0;
        for (double x : v)
            sq += (x - m.mean) * (x - m.mean);
        m.sd = std::sqrt(sq / static_cast<double>(v.size() - 1));
    }
    constexpr std::size_t kResamples = 2000;
    std::vector<double> means(kResamples);
    for (std::size_t r = 0; r < kResamples; ++r) {
        double s = 0.0;
        for (std::size_t i = 0; i < v.size(); ++i) {
            const auto pick =
                static_cast<std::size_t>(unit_interval(mix64({seed, r, i})) * static_cast<double>(v.size()));
            s += v[std::min(pick, v.size() - 1)];
        }
        means[r] = s / static_cast<double>(v.size());
    }
    std::sort(means.begin(), means.end());
    m.ci_low = means[static_cast<std::size_t>(0.025 * kResamples)];
    m.ci_high = means[static_cast<std::size_t>(0.975 * kResamples) - 1];
    return m;
}

double median(std::vector<double> values)
{
    if (values.empty())
        return std::numeric_limits<double>::quiet_NaN();
    for (double& x : values)
        if (!std::isfinite(x))
            x = std::numeric_limits<double>::infinity();
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    if (n % 2 == 1)
        return values[n / 2];
    const double a = values[n / 2 - 1], b = values[n / 2];
    return std::isinf(b) ? b : (a + b) / 2;
}

namespace {

// ratios[p][o] = t / best on the problem; infinity where missed or where no optimizer reached it.
std::vector<std::vector<double>> ratios(const std::vector<std::vector<double>>& times)
{
    std::vector<std::vector<double>> r = times;
    for (auto& row : r) {
        double best = std::numeric_limits<double>::infinity();
        for (double t : row)
            if (std::isfinite(t))
                best = std::min(best, t);
        for (double& t : row)
            t = std::isfinite(t) && std::isfinite(best) ? (best > 0 ? t / best : (t > 0 ? INFINITY : 1.0))
                                                        : std::numeric_limits<double>::infinity();
    }
    return r;
}

} // namespace

std::vector<std::vector<double>> performance_profile(const std::vector<std::vector<double>>& times,
                                                     const std::vector<double>& taus)
{
    const auto r = ratios(times);
    const std::size_t optimizers = times.empty() ? 0 : times.front().size();
    std::vector<std::vector<double>> rho(optimizers, std::vector<double>(taus.size(), 0.0));
    for (std::size_t o = 0; o < optimizers; ++o)
        for (std::size_t k = 0; k < taus.size(); ++k) {
            std::size_t within = 0;
            for (const auto& row : r)
                within += row[o] <= taus[k];
            rho[o][k] = r.empty() ? 0.0 : static_cast<double>(within) / static_cast<double>(r.size());
        }
    return rho;
}

std::vector<double> profile_scores(const std::vector<std::vector<double>>& times, double tau_max)
{
    // rho is a step function of tau: integrate it exactly from the sorted ratios.
    const auto r = ratios(times);
    const std::size_t optimizers = times.empty() ? 0 : times.front().size();
    std::vector<double> scores(optimizers, 0.0);
    for (std::size_t o = 0; o < optimizers; ++o) {
        double area = 0.0;
        for (const auto& row : r)
            if (row[o] <= tau_max)
                area += tau_max - std::max(1.0, row[o]);
        scores[o] = r.empty() ? 0.0 : area / (static_cast<double>(r.size()) * (tau_max - 1.0));
    }
    return scores;
}

double area_under_curve(const std::vector<std::uint64_t>& steps, const std::vector<double>& losses)
{
    if (steps.empty() || steps.back() == 0)
        return std::numeric_limits<double>::quiet_NaN();
    double area = static_cast<double>(steps.front()) * losses.front();
    for (std::size_t i = 1; i < steps.size(); ++i)
        area += static_cast<double>(steps[i] - steps[i - 1]) * (losses[i] + losses[i - 1]) / 2;
    return area / static_cast<double>(steps.back());
}

} // namespace cgp::sweep
