// measures.hpp: statistics of a measure across seeds, and performance profiles across problems.
//
// A measure over the seeds: mean, sample standard deviation and a 95% percentile-bootstrap
// confidence interval of the mean (2000 resamples drawn with counter-based random numbers from a
// seed, so the interval is the same on every run). Performance profiles follow Dolan and Moré
// (2002) as AlgoPerf scores them: for optimizer o on problem p, the ratio r = t(p, o) / min over
// optimizers of t(p, o) of the times to target (infinite when o missed it); rho_o(tau) is the
// fraction of problems with r <= tau, and the score is the area under rho_o over [1, tau_max]
// divided by tau_max - 1 (1: best on every problem, 0: never within tau_max of the best).
#pragma once

#include <cstdint>
#include <vector>

namespace cgp::sweep {

struct Measure {
    std::size_t count = 0; // finite values
    double mean = 0.0, sd = 0.0;
    double ci_low = 0.0, ci_high = 0.0;
};
// Non-finite values are left out (count says how many remain); all non-finite: count 0, NaN mean.
Measure measure(const std::vector<double>& values, std::uint64_t seed);

// The median of the values, non-finite ones counting as +infinity.
double median(std::vector<double> values);

// rho_o(tau) per optimizer (rows) for each tau; times[p][o], +infinity where missed.
std::vector<std::vector<double>> performance_profile(const std::vector<std::vector<double>>& times,
                                                     const std::vector<double>& taus);
// The AlgoPerf score of each optimizer: the area under rho over [1, tau_max] / (tau_max - 1).
std::vector<double> profile_scores(const std::vector<std::vector<double>>& times, double tau_max);

// The mean of a curve over its steps (trapezoids, the first point held back to step 0): the area
// under the held-out loss curve divided by the steps.
double area_under_curve(const std::vector<std::uint64_t>& steps, const std::vector<double>& losses);

} // namespace cgp::sweep
