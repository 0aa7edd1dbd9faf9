// strong_wolfe.hpp: torch.optim.LBFGS's line search (torch/optim/lbfgs.py, _strong_wolfe and
// _cubic_interpolate, ported there from minFunc's lswolfe.lua), statement for statement, with its
// constants (c1 1e-4, c2 0.9, 25 evaluations, a bracket tolerance of 1e-9 whatever the optimizer's
// tolerance_change: torch does not pass it on). Python's min/max are spelt out: max(a, b) is a unless
// b > a, min(a, b) is a unless b < a. The gradients torch clones live in two host-owned spare arrays.
#pragma once

#include "vectors.hpp"

#include <cgp/sdk/closure_optimizer.hpp>

#include <cmath>

namespace lbfgs {

inline double py_max(double a, double b)
{
    return b > a ? b : a;
}
inline double py_min(double a, double b)
{
    return b < a ? b : a;
}

// The minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to bounds (by default
// [min(x1, x2), max(x1, x2)]); their midpoint when the cubic has none.
inline double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2, double lo, double hi)
{
    const double d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2);
    const double d2_square = d1 * d1 - g1 * g2;
    if (d2_square >= 0) {
        const double d2 = std::sqrt(d2_square);
        const double min_pos = x1 <= x2 ? x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
                                        : x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2));
        return py_min(py_max(min_pos, lo), hi);
    }
    return (lo + hi) / 2.;
}
inline double cubic_interpolate(double x1, double f1, double g1, double x2, double f2, double g2)
{
    return x1 <= x2 ? cubic_interpolate(x1, f1, g1, x2, f2, g2, x1, x2)
                    : cubic_interpolate(x1, f1, g1, x2, f2, g2, x2, x1);
}

template <class T>
struct search_result {
    double loss;
    const T* gradient; // g itself or one of the spares
    double t;
    int evaluations;
};

// Searches along d from p (loss f, gradient g, g.d = gtd) from the step t; p is left as it is.
template <class T>
search_result<T> strong_wolfe(const cgp::sdk::closure_step<T>& s, const T* d, double t, double f, const T* g,
                              double gtd, T* const spare[2])
{
    constexpr double c1 = 1e-4, c2 = 0.9, tolerance_change = 1e-9;
    constexpr int max_ls = 25;
    const std::size_t n = s.n;
    // The clone of the closure's gradient, into a spare other than keep.
    auto clone = [&](const T* keep) {
        T* to = spare[0] != keep ? spare[0] : spare[1];
        copy(to, s.gradient, n);
        return static_cast<const T*>(to);
    };
    double f_new = 0.0, gtd_new = 0.0;
    auto obj_func = [&](double step) {
        point_along(s.point, s.p, d, step, n);
        f_new = s.evaluate();
        gtd_new = dot(s.gradient, d, n);
    };

    const double d_norm = max_abs(d, n);
    obj_func(t);
    int ls_func_evals = 1;
    double t_prev = 0, f_prev = f, gtd_prev = gtd;
    const T* g_prev = g;
    bool done = false;
    int ls_iter = 0;
    double bracket[2] = {0, 0}, bracket_f[2] = {0, 0}, bracket_gtd[2] = {0, 0};
    const T* bracket_g[2] = {nullptr, nullptr};
    auto bracket_two = [&] {
        bracket[0] = t_prev, bracket[1] = t;
        bracket_f[0] = f_prev, bracket_f[1] = f_new;
        bracket_g[0] = g_prev, bracket_g[1] = clone(g_prev);
        bracket_gtd[0] = gtd_prev, bracket_gtd[1] = gtd_new;
    };
    int size = 0; // the bracket's length (1 when the first phase found the point)
    while (ls_iter < max_ls) {
        if (f_new > (f + c1 * t * gtd) || (ls_iter > 1 && f_new >= f_prev)) {
            bracket_two(), size = 2;
            break;
        }
        if (std::abs(gtd_new) <= -c2 * gtd) {
            bracket[0] = t, bracket_f[0] = f_new, bracket_g[0] = clone(nullptr), size = 1;
            done = true;
            break;
        }
        if (gtd_new >= 0) {
            bracket_two(), size = 2;
            break;
        }
        const double min_step = t + 0.01 * (t - t_prev), max_step = t * 10, tmp = t;
        t = cubic_interpolate(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, min_step, max_step);
        t_prev = tmp, f_prev = f_new, g_prev = clone(g), gtd_prev = gtd_new;
        obj_func(t);
        ls_func_evals += 1;
        ls_iter += 1;
    }
    if (ls_iter == max_ls) {
        bracket[0] = 0, bracket[1] = t;
        bracket_f[0] = f, bracket_f[1] = f_new;
        bracket_g[0] = g, bracket_g[1] = clone(g);
        size = 2;
    }

    // Zoom: shrink the bracket to a point that satisfies the strong Wolfe conditions.
    bool insuf_progress = false;
    int low = bracket_f[0] <= bracket_f[size - 1] ? 0 : 1, high = 1 - low;
    while (!done && ls_iter < max_ls) {
        if (std::abs(bracket[1] - bracket[0]) * d_norm < tolerance_change)
            break;
        t = cubic_interpolate(bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]);
        const double b_max = py_max(bracket[0], bracket[1]), b_min = py_min(bracket[0], bracket[1]);
        const double eps = 0.1 * (b_max - b_min);
        if (py_min(b_max - t, t - b_min) < eps) {
            if (insuf_progress || t >= b_max || t <= b_min) {
                t = std::abs(t - b_max) < std::abs(t - b_min) ? b_max - eps : b_min + eps;
                insuf_progress = false;
            } else {
                insuf_progress = true;
            }
        } else {
            insuf_progress = false;
        }
        obj_func(t);
        ls_func_evals += 1;
        ls_iter += 1;
        if (f_new > (f + c1 * t * gtd) || f_new >= bracket_f[low]) {
            bracket[high] = t, bracket_f[high] = f_new, bracket_g[high] = clone(bracket_g[low]);
            bracket_gtd[high] = gtd_new;
            low = bracket_f[0] <= bracket_f[1] ? 0 : 1, high = 1 - low;
        } else {
            if (std::abs(gtd_new) <= -c2 * gtd) {
                done = true;
            } else if (gtd_new * (bracket[high] - bracket[low]) >= 0) {
                bracket[high] = bracket[low], bracket_f[high] = bracket_f[low];
                bracket_g[high] = bracket_g[low], bracket_gtd[high] = bracket_gtd[low];
            }
            bracket[low] = t, bracket_f[low] = f_new, bracket_g[low] = clone(bracket_g[high]);
            bracket_gtd[low] = gtd_new;
        }
    }
    return {bracket_f[low], bracket_g[low], bracket[low], ls_func_evals};
}

} // namespace lbfgs
