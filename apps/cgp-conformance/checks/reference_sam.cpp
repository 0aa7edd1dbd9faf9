// The host's reference SAM (Foret et al. 2021): the authors' SAM.first_step / second_step (davda54/sam)
// in double, around the host's reference SGD and Adam steps.
#include "reference_optimizers.hpp"

#include <cmath>
#include <vector>

namespace cgp::reference {

void sam_step(const SamSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
              std::span<const std::span<double>> state, GradientAt gradient_at, const void* context)
{
    const std::size_t n = params.size();
    double norm2 = 0.0; // grad_norm: ((|p| if adaptive else 1) * grad).norm()
    for (std::size_t i = 0; i < n; ++i) {
        const double scaled = (s.adaptive ? std::abs(params[i]) : 1.0) * grads[i];
        norm2 += scaled * scaled;
    }
    const double scale = s.rho / (std::sqrt(norm2) + 1e-12);
    std::vector<double> perturbed(n), g(n);
    for (std::size_t i = 0; i < n; ++i) // e_w = (p^2 if adaptive else 1) * grad * scale; p.add_(e_w)
        perturbed[i] = params[i] + (s.adaptive ? params[i] * params[i] : 1.0) * grads[i] * scale;
    gradient_at(context, perturbed, g);
    if (s.adam) {
        AdamSettings a = s.base_adam;
        a.lr = s.lr;
        adam_step(a, t, params, g, state[0], state[1]);
    } else {
        sgd_momentum_step(s.lr, s.momentum, params, g, state[0]);
    }
}

} // namespace cgp::reference
