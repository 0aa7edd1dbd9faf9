// The host's reference LARS (You et al. 2017, as optax.lars): one tensor's step in double, in two
// plain passes: the decayed gradient and the two norms, then the momentum step.
#include "reference_tensor_optimizers.hpp"

#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <cmath>

namespace cgp::reference {

void lars_step(const LarsSettings& s, bool bias, std::span<double> params, std::span<const double> grads,
               std::span<double> b)
{
    const double wd = bias ? 0.0 : s.weight_decay;
    std::vector<double> u(params.size());
    double p_norm2 = 0.0, u_norm2 = 0.0;
    for (std::size_t i = 0; i < params.size(); ++i) {
        u[i] = grads[i] + wd * params[i];
        p_norm2 += params[i] * params[i];
        u_norm2 += u[i] * u[i];
    }
    double ratio = 1.0;
    if (!bias && p_norm2 > 0.0 && u_norm2 > 0.0)
        ratio = s.trust_coefficient * std::sqrt(p_norm2) / (std::sqrt(u_norm2) + s.eps);
    for (std::size_t i = 0; i < params.size(); ++i) {
        const double step = s.lr * ratio * u[i];
        b[i] = step + s.momentum * b[i];
        params[i] -= s.nesterov ? step + s.momentum * b[i] : b[i];
    }
}

void run_lars(const HyperParams& hp, std::uint64_t, std::span<double> params, std::span<const double> grads,
              std::span<const std::span<double>> state)
{
    if (state.size() != 1 || state[0].size() != params.size())
        throw Error(fmt::format("reference optimizer: lars keeps 1 state array, {} given", state.size()));
    const auto value = [&](std::string_view name, double fallback) {
        const auto it = hp.find(name);
        return it != hp.end() ? it->second : fallback;
    };
    LarsSettings s;
    s.lr = value("lr", s.lr);
    s.weight_decay = value("weight_decay", 0.0);
    s.trust_coefficient = value("trust_coefficient", s.trust_coefficient);
    s.eps = value("eps", 0.0);
    s.momentum = value("momentum", 0.0);
    s.nesterov = value("nesterov", 0.0) != 0.0;
    lars_step(s, false, params, grads, state[0]);
}

} // namespace cgp::reference
