// The host's reference LAMB (You et al. 2020, as optax.lamb): one tensor's step in double, in two
// plain passes: the moments and the two norms, then the update.
#include "reference_optimizers.hpp"

#include <cmath>
#include <vector>

namespace cgp::reference {

void lamb_step(const LambSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
               std::span<double> m, std::span<double> v)
{
    const double bc1 = 1.0 - std::pow(s.beta1, static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(s.beta2, static_cast<double>(t));
    std::vector<double> u(params.size());
    double p_norm2 = 0.0, u_norm2 = 0.0;
    for (std::size_t i = 0; i < params.size(); ++i) {
        m[i] = s.beta1 * m[i] + (1.0 - s.beta1) * grads[i];
        v[i] = s.beta2 * v[i] + (1.0 - s.beta2) * (grads[i] * grads[i]);
        u[i] = (m[i] / bc1) / (std::sqrt(v[i] / bc2) + s.eps) + s.weight_decay * params[i];
        p_norm2 += params[i] * params[i];
        u_norm2 += u[i] * u[i];
    }
    const double ratio = p_norm2 > 0.0 && u_norm2 > 0.0 ? std::sqrt(p_norm2) / std::sqrt(u_norm2) : 1.0;
    for (std::size_t i = 0; i < params.size(); ++i)
        params[i] -= s.lr * ratio * u[i];
}

} // namespace cgp::reference
