// perturbation.hpp: SAM's ascent step, shared by sam (over SGD) and sam_adam (over Adam): the point
// p + e at the worst of a rho-ball around p (Foret et al. 2021, the authors' davda54/sam first_step),
// written into the closure's point, then evaluated there.
//   a_i = |p_i| when adaptive (ASAM), else 1
//   e = rho / (||a * g|| + 1e-12) * a^2 * g          (the norm over every parameter, in double)
#pragma once

#include <cgp/sdk/closure_optimizer.hpp>

#include <cmath>

namespace sam {

// Evaluates the batch at p + e; returns the gradient there (the closure's buffer).
template <class T>
const T* gradient_at_the_worst_point(const cgp::sdk::closure_step<T>& s, double rho, bool adaptive)
{
    double norm2 = 0.0;
    for (std::size_t i = 0; i < s.n; ++i) {
        const double ag = (adaptive ? std::abs(static_cast<double>(s.p[i])) : 1.0) * static_cast<double>(s.g[i]);
        norm2 += ag * ag;
    }
    const T scale = static_cast<T>(rho / (std::sqrt(norm2) + 1e-12));
    for (std::size_t i = 0; i < s.n; ++i)
        s.point[i] = s.p[i] + (adaptive ? s.p[i] * s.p[i] : T(1)) * s.g[i] * scale;
    s.evaluate();
    return s.gradient;
}

} // namespace sam
