// reference_optimizers.hpp: the host's own double-precision implementations of the algorithms a
// plugin may claim in its descriptor's `algorithm` field ("sgd", "sgd-momentum", "adam", "adagrad").
//
// Plain scalar loops, PyTorch conventions (torch.optim.SGD / Adam, no weight decay, no Nesterov, no
// AMSGrad; torch.optim.Adagrad with all its dense options). cgp-conformance runs a plugin and its reference side by side and compares the parameters
// and every state array after each step. The state arrays are those the plugin owns, in this order:
//   sgd           (none)              p <- p - lr*g
//   sgd-momentum  b (momentum buffer) b <- momentum*b + g;  p <- p - lr*b
//   adam          m, v                m <- beta1*m + (1-beta1)*g;  v <- beta2*v + (1-beta2)*g^2
//                                     bc1 = 1 - beta1^t, bc2 = 1 - beta2^t  (pow in double)
//                                     eps_inside_sqrt = 0: p <- p - (lr/bc1) * m / (sqrt(v)/sqrt(bc2) + eps)
//                                     eps_inside_sqrt = 1: p <- p - (lr/bc1) * m / sqrt(v/bc2 + eps)
//   adagrad       sum (starts at initial_accumulator_value)
//                                     g <- (maximize ? -g : g) + weight_decay*p
//                                     clr = lr / (1 + (t-1)*lr_decay);  sum <- sum + g^2
//                                     p <- p - clr * g / (sqrt(sum) + eps)
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace cgp::reference {

// Hyperparameter values by schema name ("lr", "beta1", ...).
using HyperParams = std::map<std::string, double, std::less<>>;

struct Algorithm {
    std::string_view name;                      // as in cgp_optimizer_descriptor::algorithm
    std::vector<std::string_view> required;     // hyperparameters the plugin must declare
    std::vector<std::string_view> optional;     // hyperparameters used when declared (else 0)
    std::vector<std::string_view> state_names;  // the state arrays, in the plugin's order
    // One step at t (1-based) over params, grads and state (each state span as long as params).
    void (*step)(const HyperParams& hp, std::uint64_t t, std::span<double> params, std::span<const double> grads,
                 std::span<const std::span<double>> state);
    // The state before step 1 (nullptr: all zero).
    void (*initial)(const HyperParams& hp, std::span<const double> params, std::span<const std::span<double>> state) =
        nullptr;
};

// Every algorithm the host knows, and one by name (nullptr when unknown).
std::span<const Algorithm> algorithms();
const Algorithm* find_algorithm(std::string_view name);

// The equations, one call per step.
void sgd_step(double lr, std::span<double> params, std::span<const double> grads);
void sgd_momentum_step(double lr, double momentum, std::span<double> params, std::span<const double> grads,
                       std::span<double> buffer);
struct AdamSettings {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    bool eps_inside_sqrt = false;
};
void adam_step(const AdamSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
               std::span<double> m, std::span<double> v);
struct AdagradSettings {
    double lr = 1e-2;
    double lr_decay = 0.0;
    double weight_decay = 0.0;
    double eps = 1e-10;
    bool maximize = false;
};
void adagrad_step(const AdagradSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
                  std::span<double> sum);

} // namespace cgp::reference
