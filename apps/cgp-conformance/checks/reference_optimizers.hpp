// reference_optimizers.hpp: the host's own double-precision implementations of the algorithms a
// plugin may claim in its descriptor's `algorithm` field. Plain scalar loops of the equations, written
// from the papers and torch.optim 1.13's documented semantics, independent of cgp's plugins.
//
// cgp-conformance runs a plugin and its reference side by side and compares the parameters and every
// state array after each step. Hyperparameters not declared by the plugin count as 0 (so "maximize",
// "weight_decay", ... are off). d is the gradient after maximize (d = -g) and, where marked [L2],
// coupled weight decay (d += weight_decay * p). t = 1, 2, ...; bc1 = 1 - beta1^t, bc2 = 1 - beta2^t.
// State arrays, in the plugin's order, then the equations:
//   sgd           (none)         [L2] p -= lr*d
//   sgd-momentum  b              [L2] b = d at t = 1 (or momentum = 0), else b = momentum*b + (1-dampening)*d;
//                                     p -= lr*(d + momentum*b) (nesterov) or lr*b
//   adam          m, v (, w)     [L2] m = beta1*m + (1-beta1)*d; v = beta2*v + (1-beta2)*d^2;
//                                     u = v, or with amsgrad w = max(w, v), u = w;
//                                     p -= (lr/bc1) * m / (sqrt(u)/sqrt(bc2) + eps), or with eps_inside_sqrt
//                                     p -= (lr/bc1) * m / sqrt(u/bc2 + eps)
//   adamw         m, v (, w)     p *= 1 - lr*weight_decay; then adam's m, v, u and step (no L2)
//   adamax        m, u           [L2] m as adam; u = max(beta2*u, |d| + eps); p -= (lr/bc1) * m / u
//   nadam         m, v           [L2] mu_k = beta1*(1 - 0.5*0.96^(k*momentum_decay)), P = mu_1*...*mu_t (torch's running
//                                     product; see nadam_mu_product);
//                                     m, v as adam; q = sqrt(v/bc2) + eps;
//                                     p -= lr*(1-mu_t)/(1-P) * d/q + lr*mu_{t+1}/(1 - P*mu_t*mu_{t+1}) * m/q
//   radam         m, v           [L2] m, v as adam; rho_inf = 2/(1-beta2) - 1; rho = rho_inf - 2t beta2^t/bc2;
//                                     rho > 5: p -= lr * m/bc1 * r * sqrt(bc2)/(sqrt(v) + eps), with
//                                     r = sqrt((rho-4)(rho-2)rho_inf / ((rho_inf-4)(rho_inf-2)rho)); else p -= lr*m/bc1
//   rmsprop       v (, b)(, a)   [L2] v = alpha*v + (1-alpha)*d^2; centered: a = alpha*a + (1-alpha)*d,
//                                     q = sqrt(v - a^2) + eps, else q = sqrt(v) + eps; momentum > 0:
//                                     b = momentum*b + d/q, p -= lr*b; else p -= lr*d/q
//   adadelta      v, u           [L2] v = rho*v + (1-rho)*d^2; delta = sqrt(u+eps)/sqrt(v+eps) * d;
//                                     u = rho*u + (1-rho)*delta^2; p -= lr*delta
//   rprop         e, s           f = etaplus if d*e > 0, etaminus if d*e < 0, else 1; s = clamp(s*f, min, max)
//                                (s read as lr at t = 1); d = 0 where d*e < 0; p -= sign(d)*s; e = d
//   asgd          a              [L2] eta = lr/(1 + lambd*lr*(t-1))^alpha; mu = 1/max(1, t-1-t0) (both 1 at t = 1
//                                for mu, lr for eta); p *= 1 - lambd*eta; p -= eta*d; a = p if mu = 1, else
//                                a += (p - a)*mu
//   adagrad       sum (starts at initial_accumulator_value)
//                                [L2] clr = lr / (1 + (t-1)*lr_decay);  sum += d^2;  p -= clr * d / (sqrt(sum) + eps)
//   lion          m              c = beta1*m + (1-beta1)*g; p *= 1 - lr*weight_decay; p -= lr*sign(c);
//                                m = beta2*m + (1-beta2)*g
//   lamb          m, v           per tensor (the whole array when the host gives no tensors; optax.lamb):
//                                m, v as adam on g; u = (m/bc1)/(sqrt(v/bc2) + eps) + weight_decay*p;
//                                r = ||p||/||u||, 1 when either is 0; p -= lr*r*u
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
    std::string_view name;                     // as in cgp_optimizer_descriptor::algorithm
    std::vector<std::string_view> required;    // hyperparameters the plugin must declare
    std::vector<std::string_view> optional;    // hyperparameters used when declared (else 0)
    std::vector<std::string_view> state_names; // the state arrays at the defaults, in the plugin's order
    // One step at t (1-based) over params, grads and state (each state span as long as params).
    void (*step)(const HyperParams& hp, std::uint64_t t, std::span<double> params, std::span<const double> grads,
                 std::span<const std::span<double>> state);
    // The state before step 1 (nullptr: all zero).
    void (*initial)(const HyperParams& hp, std::span<const double> params,
                    std::span<const std::span<double>> state) = nullptr;
    // The state arrays for these values, when they depend on them (amsgrad, momentum, centered); null:
    // always state_names.
    std::vector<std::string_view> (*states_for)(const HyperParams& hp) = nullptr;
    // Run state (cgp.run_state/1), for an algorithm that keeps scalars across steps as its plugin does:
    // the names of the values, laid out as a plugin's run values for the one tensor of a run without a
    // model (per run, then per tensor); their values before step 1; and the step that reads and writes
    // them, taken instead of `step` (null then), so the reference steps from any mid-run state.
    std::vector<std::string_view> run_state_names = {};
    void (*initial_run)(const HyperParams& hp, std::span<double> run) = nullptr;
    void (*step_with_run)(const HyperParams& hp, std::uint64_t t, std::span<double> params,
                          std::span<const double> grads, std::span<const std::span<double>> state,
                          std::span<double> run) = nullptr;
};

// The run state of `algorithm` before step 1 (empty without run state).
std::vector<double> initial_run_state(const Algorithm& algorithm, const HyperParams& hp);

// One step of `algorithm` at t; `run` is its run state (initial_run_state, then as the previous step
// left it), ignored by an algorithm without one.
void step(const Algorithm& algorithm, const HyperParams& hp, std::uint64_t t, std::span<double> params,
          std::span<const double> grads, std::span<const std::span<double>> state, std::span<double> run);

// The state arrays `algorithm` keeps with these hyperparameter values.
std::vector<std::string_view> state_names(const Algorithm& algorithm, const HyperParams& hp);

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
    bool amsgrad = false;      // then w holds the largest v seen
    double weight_decay = 0.0; // coupled (L2)
    bool maximize = false;
};
void adam_step(const AdamSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
               std::span<double> m, std::span<double> v, std::span<double> w = {});
struct AdagradSettings {
    double lr = 1e-2;
    double lr_decay = 0.0;
    double weight_decay = 0.0;
    double eps = 1e-10;
    bool maximize = false;
};
void adagrad_step(const AdagradSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
                  std::span<double> sum);

// LAMB's step on one tensor (its slices of the parameters, gradients and moments).
struct LambSettings {
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-6;
    double weight_decay = 0.0;
};
void lamb_step(const LambSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
               std::span<double> m, std::span<double> v);

// Schedule-free AdamW (the authors' AdamWScheduleFree, train mode): the parameters are y; the run
// state is k (steps taken), lr_max and weight_sum; z starts as the initial parameters. Claimed by a
// plugin, its run state is lr_max, weight_sum (k is t - 1).
struct ScheduleFreeSettings {
    double lr = 0.0025;
    double beta1 = 0.9;
    double beta2 = 0.999;
    double eps = 1e-8;
    double weight_decay = 0.0;
    double warmup_steps = 0.0;
    double r = 0.0;
    double weight_lr_power = 2.0;
};
struct ScheduleFreeState {
    explicit ScheduleFreeState(std::span<const double> params);
    std::uint64_t k = 0;
    double lr_max = -1.0, weight_sum = 0.0;
    std::vector<double> z, exp_avg_sq;
};
void schedulefree_adamw_step(const ScheduleFreeSettings& s, ScheduleFreeState& st, std::span<double> y,
                             std::span<const double> grads);

// NAdam's momentum product mu_1 * ... * mu_t, by the running product torch keeps (bit for bit) for
// t up to 2^20; in bounded time at any t: the product stops once it is 0, the factors not yet exactly
// beta1 by then are multiplied in one by one, and beyond 2^20 the rest is beta1^(t - 2^20) by pow.
double nadam_mu_product(double beta1, double momentum_decay, std::uint64_t t);

} // namespace cgp::reference

namespace cgp::reference {

// SAM (Foret et al. 2021) as the authors' PyTorch SAM (davda54/sam) over torch.optim.SGD (momentum,
// dampening 0) or torch.optim.Adam: a = |p| when adaptive (ASAM), else 1;
// e = rho / (||a g|| + 1e-12) * a^2 g; g' = the gradient at p + e (gradient_at); then the base
// optimizer's step with g' (sgd_momentum_step, or adam_step). state: b for SGD; m, v for Adam.
struct SamSettings {
    double lr = 0.01;
    double rho = 0.05;
    bool adaptive = false;
    bool adam = false;      // the base optimizer: Adam, else SGD
    double momentum = 0.0;  // SGD's
    AdamSettings base_adam; // Adam's (its lr is lr)
};
using GradientAt = void (*)(const void* context, std::span<const double> x, std::span<double> g);
void sam_step(const SamSettings& s, std::uint64_t t, std::span<double> params, std::span<const double> grads,
              std::span<const std::span<double>> state, GradientAt gradient_at, const void* context);

} // namespace cgp::reference
