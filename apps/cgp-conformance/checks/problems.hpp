// problems.hpp: the test problems the behaviour checks optimize, after ensmallen's test functions:
// sphere, Booth, Rosenbrock, logistic regression on generated separable data, and a random diagonal
// quadratic. Full-batch, deterministic, double precision.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cgp::conformance {

class Problem {
public:
    virtual ~Problem() = default;
    virtual std::string_view name() const = 0;
    virtual std::vector<double> initial_point() const = 0;
    virtual double loss(std::span<const double> x) const = 0;
    virtual void gradient(std::span<const double> x, std::span<double> g) const = 0;
    // Whether x is close enough to the solution (the problem's own tolerance).
    virtual bool solved(std::span<const double> x) const = 0;
    // x as a report reads it: "f = 2.1e-05 at (0.998, 2.99)".
    virtual std::string describe(std::span<const double> x) const = 0;
    // The tolerance of solved(), for reports.
    virtual std::string tolerance() const = 0;
};

// f(x) = sum x_i^2 over 5 coordinates, from (1, -2, 0.5, 3, -1.5).
std::unique_ptr<Problem> make_sphere();
// f(x, y) = (x + 2y - 7)^2 + (2x + y - 5)^2, minimum 0 at (1, 3), from (-5, 5).
std::unique_ptr<Problem> make_booth();
// f(x, y) = 100 (y - x^2)^2 + (1 - x)^2, minimum 0 at (1, 1), from (-1.2, 1).
std::unique_ptr<Problem> make_rosenbrock();
// Mean logistic loss of a linear classifier (4 weights and a bias, from 0) on linearly separable data
// with a thin margin, features of different scales and a plane away from the origin: 400 training and
// 200 test points. Solved at >= 99.7% training and >= 99.4% test accuracy.
std::unique_ptr<Problem> make_logistic_regression(std::uint64_t seed);
// f(x) = 1/2 sum c_i (x_i - a_i)^2 with c_i in [0.5, 2] and a_i normal, over n coordinates, from 0.
std::unique_ptr<Problem> make_quadratic(std::size_t n, std::uint64_t seed);

} // namespace cgp::conformance
