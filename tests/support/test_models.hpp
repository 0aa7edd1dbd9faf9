// test_models.hpp: helpers shared by the unit tests: build a graph from statements, fill a tape's
// batch with seeded random values, take finite differences, and compare numbers with a normwise
// relative tolerance, and read the message of an error.
#pragma once

#include <cgp/graph/graph.hpp>
#include <cgp/language/model.hpp>
#include <cgp/data/rng.hpp>
#include <cgp/tape/tape.hpp>

#include <cgp/io/error.hpp>

#include <algorithm>
#include <functional>
#include <cmath>
#include <string>
#include <vector>

namespace cgp::test {

// The message of the cgp::Error that f throws, or "(no error)".
inline std::string error_of(const std::function<void()>& f)
{
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "(no error)";
}

inline Graph graph_of(const std::vector<std::string>& statements, Activation act = Activation::None, bool bias = false)
{
    ModelSpec spec = expr_model(statements);
    spec.activation = act;
    spec.node_bias = bias;
    return build_graph(spec);
}

// Inputs uniform in [lo, hi), targets uniform in [0, 1), parameters uniform in [plo, phi).
template <class T>
void fill_random(Tape<T>& tape, std::uint64_t seed, double lo = 0.5, double hi = 1.5, double plo = 0.2,
                 double phi = 1.2)
{
    Rng rng(seed);
    for (std::size_t k = 0; k < tape.input_count(); ++k)
        for (std::size_t b = 0; b < tape.batch_size(); ++b)
            tape.input(k)[b] = static_cast<T>(rng.uniform(lo, hi));
    for (std::size_t o = 0; o < tape.output_count(); ++o)
        for (std::size_t b = 0; b < tape.batch_size(); ++b)
            tape.target(o)[b] = static_cast<T>(rng.uniform());
    for (T& p : tape.params())
        p = static_cast<T>(rng.uniform(plo, phi));
}

// Copies inputs, targets and parameters from one tape to another of the same graph and batch.
template <class T, class U>
void copy_batch(Tape<T>& from, Tape<U>& to)
{
    for (std::size_t k = 0; k < from.input_count(); ++k)
        for (std::size_t b = 0; b < from.batch_size(); ++b)
            to.input(k)[b] = static_cast<U>(from.input(k)[b]);
    for (std::size_t o = 0; o < from.output_count(); ++o)
        for (std::size_t b = 0; b < from.batch_size(); ++b)
            to.target(o)[b] = static_cast<U>(from.target(o)[b]);
    for (std::size_t i = 0; i < from.params().size(); ++i)
        to.params()[i] = static_cast<U>(from.params()[i]);
}

// Largest |a_i - b_i| / max(|a_i|, |b_i|, floor), with floor a fraction of the vectors' scale,
// so entries near zero are judged against the size of the whole vector (normwise relative).
inline double max_relative_error(const std::vector<double>& a, const std::vector<double>& b,
                                 double floor_fraction = 1e-3)
{
    double scale = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
        scale = std::max({scale, std::abs(a[i]), std::abs(b[i])});
    const double floor = std::max(scale * floor_fraction, 1e-300);
    double worst = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = std::abs(a[i] - b[i]);
        if (std::isnan(d))
            return INFINITY;
        worst = std::max(worst, d / std::max({std::abs(a[i]), std::abs(b[i]), floor}));
    }
    return worst;
}

// The central difference of the loss in parameter i, step 1e-5 relative (truncation and rounding
// both far below 1e-6 relative); leaves the parameter as it was.
inline double central_difference(Tape<double>& tape, std::size_t i)
{
    double& p = tape.params()[i];
    const double saved = p;
    const double h = 1e-5 * std::max(1.0, std::abs(saved));
    p = saved + h;
    const double up = tape.forward();
    p = saved - h;
    const double down = tape.forward();
    p = saved;
    return (up - down) / (2 * h);
}

template <class T>
std::vector<double> as_doubles(std::span<const T> v)
{
    return std::vector<double>(v.begin(), v.end());
}

} // namespace cgp::test
