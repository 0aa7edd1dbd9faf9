// The host's reference optimizers: plain double-precision loops of the equations in
// cgp/reference_optimizers.hpp, written for reading, not for speed.
#include <cgp/io/error.hpp>
#include "reference_optimizers.hpp"

#include <fmt/format.h>

#include <cmath>

namespace cgp::reference {

namespace {

double lookup(const HyperParams& hp, std::string_view name, double fallback)
{
    const auto it = hp.find(name);
    return it != hp.end() ? it->second : fallback;
}

double require(const HyperParams& hp, std::string_view name)
{
    const auto it = hp.find(name);
    if (it == hp.end())
        throw Error(fmt::format("reference optimizer: hyperparameter '{}' is missing", name));
    return it->second;
}

void check_state(std::span<const std::span<double>> state, std::size_t expected, std::size_t count)
{
    if (state.size() != expected)
        throw Error(fmt::format("reference optimizer: {} state arrays given, {} expected", state.size(), expected));
    for (const auto& s : state)
        if (s.size() != count)
            throw Error("reference optimizer: a state array is not as long as the parameters");
}

void run_sgd(const HyperParams& hp, std::uint64_t, std::span<double> params, std::span<const double> grads,
             std::span<const std::span<double>> state)
{
    check_state(state, 0, params.size());
    sgd_step(require(hp, "lr"), params, grads);
}

void run_sgd_momentum(const HyperParams& hp, std::uint64_t, std::span<double> params, std::span<const double> grads,
                      std::span<const std::span<double>> state)
{
    check_state(state, 1, params.size());
    sgd_momentum_step(require(hp, "lr"), require(hp, "momentum"), params, grads, state[0]);
}

void run_adam(const HyperParams& hp, std::uint64_t t, std::span<double> params, std::span<const double> grads,
              std::span<const std::span<double>> state)
{
    check_state(state, 2, params.size());
    AdamSettings s;
    s.lr = require(hp, "lr");
    s.beta1 = require(hp, "beta1");
    s.beta2 = require(hp, "beta2");
    s.eps = require(hp, "eps");
    s.eps_inside_sqrt = lookup(hp, "eps_inside_sqrt", 0.0) != 0.0;
    adam_step(s, t, params, grads, state[0], state[1]);
}

void run_adagrad(const HyperParams& hp, std::uint64_t t, std::span<double> params, std::span<const double> grads,
                 std::span<const std::span<double>> state)
{
    check_state(state, 1, params.size());
    AdagradSettings s;
    s.lr = require(hp, "lr");
    s.lr_decay = require(hp, "lr_decay");
    s.eps = require(hp, "eps");
    s.weight_decay = lookup(hp, "weight_decay", 0.0);
    s.maximize = lookup(hp, "maximize", 0.0) != 0.0;
    adagrad_step(s, t, params, grads, state[0]);
}

void start_adagrad(const HyperParams& hp, std::span<const double> params, std::span<const std::span<double>> state)
{
    check_state(state, 1, params.size());
    for (double& x : state[0])
        x = require(hp, "initial_accumulator_value");
}

const Algorithm kAlgorithms[] = {
    {"sgd", {"lr"}, {}, {}, &run_sgd},
    {"sgd-momentum", {"lr", "momentum"}, {}, {"b"}, &run_sgd_momentum},
    {"adam", {"lr", "beta1", "beta2", "eps"}, {"eps_inside_sqrt"}, {"m", "v"}, &run_adam},
    {"adagrad", {"lr", "lr_decay", "eps", "initial_accumulator_value"}, {"weight_decay", "maximize"}, {"sum"},
     &run_adagrad, &start_adagrad},
};

} // namespace

std::span<const Algorithm> algorithms()
{
    return kAlgorithms;
}

const Algorithm* find_algorithm(std::string_view name)
{
    for (const Algorithm& a : kAlgorithms)
        if (a.name == name)
            return &a;
    return nullptr;
}

void sgd_step(double lr, std::span<double> params, std::span<const double> grads)
{
    for (std::size_t i = 0; i < params.size(); ++i)
        params[i] = params[i] - lr * grads[i];
}

// torch.optim.SGD with dampening 0 copies g into the buffer on the first step; starting from b = 0,
// momentum*0 + g is the same value.
void sgd_momentum_step(double lr, double momentum, std::span<double> params, std::span<const double> grads,
                       std::span<double> buffer)
{
    for (std::size_t i = 0; i < params.size(); ++i) {
        buffer[i] = momentum * buffer[i] + grads[i];
        params[i] = params[i] - lr * buffer[i];
    }
}

void adam_step(const AdamSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
               std::span<double> m, std::span<double> v)
{
    const double bc1 = 1.0 - std::pow(s.beta1, static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(s.beta2, static_cast<double>(t));
    const double step_size = s.lr / bc1;
    for (std::size_t i = 0; i < params.size(); ++i) {
        const double g = grads[i];
        m[i] = s.beta1 * m[i] + (1.0 - s.beta1) * g;
        v[i] = s.beta2 * v[i] + (1.0 - s.beta2) * (g * g);
        const double denom = s.eps_inside_sqrt ? std::sqrt(v[i] / bc2 + s.eps) : std::sqrt(v[i]) / std::sqrt(bc2) + s.eps;
        params[i] = params[i] - step_size * (m[i] / denom);
    }
}

// torch.optim.Adagrad, _single_tensor_adagrad, dense branch: grad.add(param, alpha=weight_decay),
// state_sum.addcmul_(grad, grad), std = state_sum.sqrt().add_(eps), param.addcdiv_(grad, std, -clr).
void adagrad_step(const AdagradSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
                  std::span<double> sum)
{
    const double clr = s.lr / (1.0 + static_cast<double>(t - 1) * s.lr_decay);
    for (std::size_t i = 0; i < params.size(); ++i) {
        double g = s.maximize ? -grads[i] : grads[i];
        if (s.weight_decay != 0.0)
            g = g + s.weight_decay * params[i];
        sum[i] = sum[i] + g * g;
        params[i] = params[i] - clr * (g / (std::sqrt(sum[i]) + s.eps));
    }
}

} // namespace cgp::reference
