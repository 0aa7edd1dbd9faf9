// reference_tensor_optimizers.hpp: the host's double-precision LARS and Adafactor, one tensor's step
// each, written from the papers and their reference implementations (optax.lars; transformers'
// Adafactor), independent of cgp's plugins; and their entries for the reference table
// (reference_optimizers.cpp), where the whole array is one rank-1 weight tensor.
//   lars       b        u = g + weight_decay*p (u = g on a bias tensor);
//                       r = trust_coefficient*||p||/(||u|| + eps), 1 when a norm is 0 (and on a bias tensor);
//                       b = lr*r*u + momentum*b; p -= b, or with nesterov p -= lr*r*u + momentum*b
//   adafactor  v (, m)  transformers' Adafactor: rho = min(1e-2 or 1e-6 t with warmup_init, 1/sqrt(t)) with
//                       relative_step, else lr; lr_t = max(eps2, RMS(p))*rho with scale_parameter;
//                       beta2_t = 1 - t^decay_rate; q = g^2 + eps1; rank >= 2: row and column moments
//                       of q over the last two axes, u = g / sqrt(vr/mean(vr)) / sqrt(vc); else
//                       v = beta2_t*v + (1-beta2_t)*q, u = g/sqrt(v); u /= max(1, RMS(u)/clip_threshold);
//                       u *= lr_t; beta1 > 0: m = beta1*m + (1-beta1)*u, u = m;
//                       p -= weight_decay*lr_t*p; p -= u
#pragma once

#include "reference_optimizers.hpp"

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace cgp::reference {

struct LarsSettings {
    double lr = 0.1;
    double weight_decay = 0.0;
    double trust_coefficient = 1e-3;
    double eps = 0.0;
    double momentum = 0.9;
    bool nesterov = false;
};
// One tensor's step; `bias`: the tensor holds biases.
void lars_step(const LarsSettings& s, bool bias, std::span<double> params, std::span<const double> grads,
               std::span<double> b);

struct AdafactorSettings {
    double lr = 1e-2;
    double eps1 = 1e-30;
    double eps2 = 1e-3;
    double clip_threshold = 1.0;
    double decay_rate = -0.8;
    double beta1 = 0.0; // 0: no first moment
    double weight_decay = 0.0;
    bool scale_parameter = true;
    bool relative_step = true;
    bool warmup_init = false;
};
// One tensor's moments as transformers keeps them: for rank >= 2 the row moments (shape[:-1]) and
// the column moments (shape[:-2] + shape[-1:]), else v per element; m per element when beta1 > 0.
// Empty vectors start at 0 on the first step.
struct AdafactorMoments {
    std::vector<double> row, col, v, m;
};
void adafactor_step(const AdafactorSettings& s, std::uint64_t t, std::span<const std::size_t> shape,
                    std::span<double> params, std::span<const double> grads, AdafactorMoments& moments);

// The reference table's entries.
void run_lars(const HyperParams& hp, std::uint64_t t, std::span<double> params, std::span<const double> grads,
              std::span<const std::span<double>> state);
void run_adafactor(const HyperParams& hp, std::uint64_t t, std::span<double> params, std::span<const double> grads,
                   std::span<const std::span<double>> state);
std::vector<std::string_view> adafactor_states(const HyperParams& hp);

} // namespace cgp::reference
