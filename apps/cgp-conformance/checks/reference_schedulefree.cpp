// The host's reference schedule-free AdamW (Defazio et al. 2024): the authors' AdamWScheduleFree.step
// (train mode) transcribed line by line in double, with its run state (k, lr_max, weight_sum).
#include "reference_optimizers.hpp"

#include <algorithm>
#include <cmath>

namespace cgp::reference {

namespace {

// torch.lerp(start, end, weight) for one element.
double torch_lerp(double start, double end, double weight)
{
    return weight < 0.5 ? start + weight * (end - start) : end - (end - start) * (1.0 - weight);
}

} // namespace

ScheduleFreeState::ScheduleFreeState(std::span<const double> params)
    : z(params.begin(), params.end()), exp_avg_sq(params.size(), 0.0)
{
}

void schedulefree_adamw_step(const ScheduleFreeSettings& s, ScheduleFreeState& st, std::span<double> y,
                             std::span<const double> grads)
{
    const double k = static_cast<double>(st.k);
    const double sched = k < s.warmup_steps ? (k + 1) / s.warmup_steps : 1.0;
    const double bias_correction2 = 1.0 - std::pow(s.beta2, k + 1);
    const double lr = s.lr * sched * std::sqrt(bias_correction2);
    st.lr_max = std::max(lr, st.lr_max);
    const double weight = std::pow(k + 1, s.r) * std::pow(st.lr_max, s.weight_lr_power);
    st.weight_sum = st.weight_sum + weight;
    const double ckp1 = st.weight_sum != 0.0 ? weight / st.weight_sum : 0.0; // ZeroDivisionError: 0
    for (std::size_t i = 0; i < y.size(); ++i) {
        st.exp_avg_sq[i] = st.exp_avg_sq[i] * s.beta2 + (1.0 - s.beta2) * grads[i] * grads[i];
        const double denom = std::sqrt(st.exp_avg_sq[i]) + s.eps;
        double grad_normalized = grads[i] / denom;
        if (s.weight_decay != 0.0)
            grad_normalized += s.weight_decay * y[i];
        y[i] = torch_lerp(y[i], st.z[i], ckp1);
        y[i] += lr * (s.beta1 * (1.0 - ckp1) - 1.0) * grad_normalized;
        st.z[i] -= lr * grad_normalized;
    }
    st.k += 1;
}

} // namespace cgp::reference
