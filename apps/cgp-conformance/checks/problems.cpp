// The test problems: closed-form functions with a known minimum, logistic regression, a quadratic.
#include "problems.hpp"

#include <cgp/data/rng.hpp>

#include <fmt/format.h>

#include <cmath>

namespace cgp::conformance {

namespace {

// Objective and coordinate tolerances: ensmallen's "large" double margins.
constexpr double kObjectiveTolerance = 1e-3;
constexpr double kCoordinateTolerance = 1e-2;

std::string point_text(std::span<const double> x)
{
    std::string s;
    for (double v : x)
        s += fmt::format("{}{:.4g}", s.empty() ? "" : ", ", v);
    return "(" + s + ")";
}

// A function with a known minimum value and point.
class KnownMinimum : public Problem {
public:
    bool solved(std::span<const double> x) const override
    {
        if (!(std::abs(loss(x) - minimum_value()) <= kObjectiveTolerance))
            return false;
        const std::vector<double> best = minimum_point();
        for (std::size_t i = 0; i < x.size(); ++i)
            if (!(std::abs(x[i] - best[i]) <= kCoordinateTolerance))
                return false;
        return true;
    }
    std::string describe(std::span<const double> x) const override
    {
        return fmt::format("f = {:.3g} at {}", loss(x), point_text(x));
    }
    std::string tolerance() const override
    {
        return fmt::format("f within {:g} of {:g} and every coordinate within {:g} of {}", kObjectiveTolerance,
                           minimum_value(), kCoordinateTolerance, point_text(minimum_point()));
    }

protected:
    virtual double minimum_value() const { return 0.0; }
    virtual std::vector<double> minimum_point() const = 0;
};

class Sphere final : public KnownMinimum {
public:
    std::string_view name() const override { return "sphere"; }
    std::vector<double> initial_point() const override { return {1.0, -2.0, 0.5, 3.0, -1.5}; }
    double loss(std::span<const double> x) const override
    {
        double f = 0.0;
        for (double v : x)
            f += v * v;
        return f;
    }
    void gradient(std::span<const double> x, std::span<double> g) const override
    {
        for (std::size_t i = 0; i < x.size(); ++i)
            g[i] = 2.0 * x[i];
    }

protected:
    std::vector<double> minimum_point() const override { return std::vector<double>(5, 0.0); }
};

class Booth final : public KnownMinimum {
public:
    std::string_view name() const override { return "Booth"; }
    std::vector<double> initial_point() const override { return {-5.0, 5.0}; }
    double loss(std::span<const double> x) const override
    {
        const double a = x[0] + 2 * x[1] - 7, b = 2 * x[0] + x[1] - 5;
        return a * a + b * b;
    }
    void gradient(std::span<const double> x, std::span<double> g) const override
    {
        const double a = x[0] + 2 * x[1] - 7, b = 2 * x[0] + x[1] - 5;
        g[0] = 2 * a + 4 * b;
        g[1] = 4 * a + 2 * b;
    }

protected:
    std::vector<double> minimum_point() const override { return {1.0, 3.0}; }
};

class Rosenbrock final : public KnownMinimum {
public:
    std::string_view name() const override { return "Rosenbrock"; }
    std::vector<double> initial_point() const override { return {-1.2, 1.0}; }
    double loss(std::span<const double> x) const override
    {
        const double a = x[1] - x[0] * x[0], b = 1 - x[0];
        return 100 * a * a + b * b;
    }
    void gradient(std::span<const double> x, std::span<double> g) const override
    {
        const double a = x[1] - x[0] * x[0], b = 1 - x[0];
        g[0] = -400 * x[0] * a - 2 * b;
        g[1] = 200 * a;
    }

protected:
    std::vector<double> minimum_point() const override { return {1.0, 1.0}; }
};

class LogisticRegression final : public Problem {
public:
    static constexpr std::size_t kFeatures = 4;

    explicit LogisticRegression(std::uint64_t seed)
    {
        // A random separating plane, offset from the origin, and features of different scales (0.3 to 3),
        // so the weights and the bias need different step sizes; points closer to the plane than the
        // margin are left out.
        Rng rng(seed);
        std::vector<double> w(kFeatures), scale(kFeatures);
        double norm = 0.0;
        for (std::size_t j = 0; j < kFeatures; ++j) {
            w[j] = rng.normal();
            scale[j] = std::pow(10.0, rng.uniform(-0.5, 0.5));
            norm += w[j] * w[j] * scale[j] * scale[j];
        }
        norm = std::sqrt(norm);
        const double bias = 0.8 * norm, margin = 0.05 * norm;
        auto draw = [&](std::vector<double>& xs, std::vector<int>& ys, std::size_t n) {
            while (ys.size() < n) {
                double z = bias;
                std::vector<double> x(kFeatures);
                for (std::size_t j = 0; j < kFeatures; ++j) {
                    x[j] = scale[j] * rng.normal();
                    z += w[j] * x[j];
                }
                if (std::abs(z) < margin)
                    continue;
                xs.insert(xs.end(), x.begin(), x.end());
                ys.push_back(z > 0 ? 1 : 0);
            }
        };
        draw(train_x_, train_y_, 400);
        draw(test_x_, test_y_, 200);
    }

    std::string_view name() const override { return "logistic regression"; }
    std::vector<double> initial_point() const override { return std::vector<double>(kFeatures + 1, 0.0); }

    double loss(std::span<const double> p) const override
    {
        double sum = 0.0;
        for (std::size_t i = 0; i < train_y_.size(); ++i) {
            const double z = score(p, train_x_, i);
            const double s = train_y_[i] == 1 ? z : -z;
            sum += s > 0 ? std::log1p(std::exp(-s)) : -s + std::log1p(std::exp(s));
        }
        return sum / static_cast<double>(train_y_.size());
    }
    void gradient(std::span<const double> p, std::span<double> g) const override
    {
        for (double& v : g)
            v = 0.0;
        for (std::size_t i = 0; i < train_y_.size(); ++i) {
            const double z = score(p, train_x_, i);
            const double residual = 1.0 / (1.0 + std::exp(-z)) - train_y_[i];
            for (std::size_t j = 0; j < kFeatures; ++j)
                g[j] += residual * train_x_[i * kFeatures + j];
            g[kFeatures] += residual;
        }
        for (double& v : g)
            v /= static_cast<double>(train_y_.size());
    }
    bool solved(std::span<const double> p) const override
    {
        return accuracy(p, train_x_, train_y_) >= 0.997 && accuracy(p, test_x_, test_y_) >= 0.994;
    }
    std::string describe(std::span<const double> p) const override
    {
        return fmt::format("loss {:.3g}, training accuracy {:.1f}%, test accuracy {:.1f}%", loss(p),
                           100 * accuracy(p, train_x_, train_y_), 100 * accuracy(p, test_x_, test_y_));
    }
    std::string tolerance() const override { return "training accuracy >= 99.7% and test accuracy >= 99.4%"; }

private:
    static double score(std::span<const double> p, const std::vector<double>& xs, std::size_t i)
    {
        double z = p[kFeatures];
        for (std::size_t j = 0; j < kFeatures; ++j)
            z += p[j] * xs[i * kFeatures + j];
        return z;
    }
    static double accuracy(std::span<const double> p, const std::vector<double>& xs, const std::vector<int>& ys)
    {
        std::size_t right = 0;
        for (std::size_t i = 0; i < ys.size(); ++i)
            right += (score(p, xs, i) > 0) == (ys[i] == 1);
        return static_cast<double>(right) / static_cast<double>(ys.size());
    }

    std::vector<double> train_x_, test_x_;
    std::vector<int> train_y_, test_y_;
};

class Quadratic final : public Problem {
public:
    Quadratic(std::size_t n, std::uint64_t seed)
    {
        Rng rng(seed);
        for (std::size_t i = 0; i < n; ++i) {
            curvature_.push_back(rng.uniform(0.5, 2.0));
            center_.push_back(rng.normal());
        }
    }
    std::string_view name() const override { return "quadratic"; }
    std::vector<double> initial_point() const override { return std::vector<double>(center_.size(), 0.0); }
    double loss(std::span<const double> x) const override
    {
        double f = 0.0;
        for (std::size_t i = 0; i < x.size(); ++i)
            f += 0.5 * curvature_[i] * (x[i] - center_[i]) * (x[i] - center_[i]);
        return f;
    }
    void gradient(std::span<const double> x, std::span<double> g) const override
    {
        for (std::size_t i = 0; i < x.size(); ++i)
            g[i] = curvature_[i] * (x[i] - center_[i]);
    }
    bool solved(std::span<const double> x) const override { return loss(x) <= kObjectiveTolerance; }
    std::string describe(std::span<const double> x) const override { return fmt::format("f = {:.6g}", loss(x)); }
    std::string tolerance() const override { return fmt::format("f <= {:g}", kObjectiveTolerance); }

private:
    std::vector<double> curvature_, center_;
};

} // namespace

std::unique_ptr<Problem> make_sphere()
{
    return std::make_unique<Sphere>();
}
std::unique_ptr<Problem> make_booth()
{
    return std::make_unique<Booth>();
}
std::unique_ptr<Problem> make_rosenbrock()
{
    return std::make_unique<Rosenbrock>();
}
std::unique_ptr<Problem> make_logistic_regression(std::uint64_t seed)
{
    return std::make_unique<LogisticRegression>(seed);
}
std::unique_ptr<Problem> make_quadratic(std::size_t n, std::uint64_t seed)
{
    return std::make_unique<Quadratic>(n, seed);
}

} // namespace cgp::conformance
