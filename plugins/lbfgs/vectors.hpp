// vectors.hpp: the few whole-array operations of L-BFGS (lbfgs.cpp), in torch.optim.LBFGS's arithmetic:
// element-wise in the parameters' type, reductions (dot products, sums) accumulated in double in index
// order (torch's dot is the reference BLAS ddot's; its sum, torch_sum.hpp, has an order of its own).
// Plain loops; nothing allocates.
#pragma once

#include <cmath>
#include <cstddef>

namespace lbfgs {

template <class T>
double dot(const T* a, const T* b, std::size_t n)
{
    double sum = 0.0;
    for (std::size_t i = 0; i < n; ++i)
        sum += static_cast<double>(a[i]) * static_cast<double>(b[i]);
    return sum;
}

// max |f(i)| over i < n, as torch's abs().max() (NaN when a value is NaN).
template <class F>
double max_abs_of(std::size_t n, const F& f)
{
    double m = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        const double x = std::abs(f(i));
        if (std::isnan(x))
            return x;
        if (x > m)
            m = x;
    }
    return m;
}

// max |a_i|, as torch's a.abs().max().
template <class T>
double max_abs(const T* a, std::size_t n)
{
    return max_abs_of(n, [a](std::size_t i) { return static_cast<double>(a[i]); });
}

// max |a_i * t|, as torch's a.mul(t).abs().max().
template <class T>
double max_abs_times(const T* a, double t, std::size_t n)
{
    const T tt = static_cast<T>(t);
    return max_abs_of(n, [a, tt](std::size_t i) { return static_cast<double>(a[i] * tt); });
}

// y <- y + alpha x (torch's y.add_(x, alpha=alpha)).
template <class T>
void add_scaled(T* y, const T* x, double alpha, std::size_t n)
{
    const T a = static_cast<T>(alpha);
    for (std::size_t i = 0; i < n; ++i)
        y[i] = y[i] + a * x[i];
}

// out <- p + t d (the point torch's _directional_evaluate evaluates at; out may be p).
template <class T>
void point_along(T* out, const T* p, const T* d, double t, std::size_t n)
{
    const T tt = static_cast<T>(t);
    for (std::size_t i = 0; i < n; ++i)
        out[i] = p[i] + tt * d[i];
}

template <class T>
void copy(T* to, const T* from, std::size_t n)
{
    for (std::size_t i = 0; i < n; ++i)
        to[i] = from[i];
}

} // namespace lbfgs
