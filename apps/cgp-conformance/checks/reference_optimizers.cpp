// The host's reference optimizers: plain double-precision loops of the equations in
// reference_optimizers.hpp, written for reading, not for speed.
#include <cgp/io/error.hpp>
#include "reference_optimizers.hpp"
#include "reference_tensor_optimizers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cgp::reference {

namespace {

double lookup(const HyperParams& hp, std::string_view name, double fallback = 0.0)
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

// The gradient after maximize and, when `coupled`, L2 weight decay.
double direction(const HyperParams& hp, double g, double p, bool coupled = true)
{
    double d = lookup(hp, "maximize") != 0.0 ? -g : g;
    if (coupled)
        d += lookup(hp, "weight_decay") * p;
    return d;
}

using Spans = std::span<const std::span<double>>;

// Adam's first and second moments.
void moments(double b1, double b2, double d, double& m, double& v)
{
    m = b1 * m + (1.0 - b1) * d;
    v = b2 * v + (1.0 - b2) * (d * d);
}

void run_sgd(const HyperParams& hp, std::uint64_t, std::span<double> p, std::span<const double> g, Spans state)
{
    check_state(state, 0, p.size());
    const double lr = require(hp, "lr");
    for (std::size_t i = 0; i < p.size(); ++i)
        p[i] -= lr * direction(hp, g[i], p[i]);
}

void run_sgd_momentum(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g,
                      Spans state)
{
    check_state(state, 1, p.size());
    const double lr = require(hp, "lr"), mu = require(hp, "momentum"), dampening = lookup(hp, "dampening");
    const bool nesterov = lookup(hp, "nesterov") != 0.0;
    std::span<double> b = state[0];
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double d = direction(hp, g[i], p[i]);
        b[i] = (t == 1 || mu == 0.0) ? d : mu * b[i] + (1.0 - dampening) * d;
        p[i] -= lr * (nesterov ? d + mu * b[i] : b[i]);
    }
}

AdamSettings adam_settings(const HyperParams& hp)
{
    AdamSettings s;
    s.lr = require(hp, "lr");
    s.beta1 = require(hp, "beta1");
    s.beta2 = require(hp, "beta2");
    s.eps = require(hp, "eps");
    s.eps_inside_sqrt = lookup(hp, "eps_inside_sqrt") != 0.0;
    s.amsgrad = lookup(hp, "amsgrad") != 0.0;
    s.weight_decay = lookup(hp, "weight_decay");
    s.maximize = lookup(hp, "maximize") != 0.0;
    return s;
}

std::vector<std::string_view> adam_states(const HyperParams& hp)
{
    if (lookup(hp, "amsgrad") != 0.0)
        return {"m", "v", "w"};
    return {"m", "v"};
}

void run_adam(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g, Spans state)
{
    const AdamSettings s = adam_settings(hp);
    check_state(state, s.amsgrad ? 3 : 2, p.size());
    adam_step(s, t, p, g, state[0], state[1], s.amsgrad ? state[2] : std::span<double>{});
}

void run_adamw(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g, Spans state)
{
    AdamSettings s = adam_settings(hp);
    check_state(state, s.amsgrad ? 3 : 2, p.size());
    const double decay = 1.0 - s.lr * s.weight_decay;
    for (double& x : p)
        x *= decay;
    s.weight_decay = 0.0;
    adam_step(s, t, p, g, state[0], state[1], s.amsgrad ? state[2] : std::span<double>{});
}

void run_adamax(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g, Spans state)
{
    check_state(state, 2, p.size());
    const double lr = require(hp, "lr"), b1 = require(hp, "beta1"), b2 = require(hp, "beta2"), eps = require(hp, "eps");
    const double bc1 = 1.0 - std::pow(b1, static_cast<double>(t));
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double d = direction(hp, g[i], p[i]);
        double& m = state[0][i];
        double& u = state[1][i];
        m = b1 * m + (1.0 - b1) * d;
        u = std::max(b2 * u, std::abs(d) + eps);
        p[i] -= (lr / bc1) * m / u;
    }
}

void run_nadam(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g, Spans state)
{
    check_state(state, 2, p.size());
    const double lr = require(hp, "lr"), b1 = require(hp, "beta1"), b2 = require(hp, "beta2"), eps = require(hp, "eps");
    const double psi = require(hp, "momentum_decay");
    const double tt = static_cast<double>(t);
    const double bc2 = 1.0 - std::pow(b2, tt);
    const double mu = b1 * (1.0 - 0.5 * std::pow(0.96, tt * psi));
    const double mu_next = b1 * (1.0 - 0.5 * std::pow(0.96, (tt + 1.0) * psi));
    const double product = nadam_mu_product(b1, psi, t);
    const double product_next = product * mu * mu_next;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double d = direction(hp, g[i], p[i]);
        double& m = state[0][i];
        double& v = state[1][i];
        moments(b1, b2, d, m, v);
        const double q = std::sqrt(v / bc2) + eps;
        p[i] -= lr * (1.0 - mu) / (1.0 - product) * d / q + lr * mu_next / (1.0 - product_next) * m / q;
    }
}

void run_radam(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g, Spans state)
{
    check_state(state, 2, p.size());
    const double lr = require(hp, "lr"), b1 = require(hp, "beta1"), b2 = require(hp, "beta2"), eps = require(hp, "eps");
    const double tt = static_cast<double>(t);
    const double bc1 = 1.0 - std::pow(b1, tt), bc2 = 1.0 - std::pow(b2, tt);
    const double rho_inf = 2.0 / (1.0 - b2) - 1.0;
    const double rho = rho_inf - 2.0 * tt * std::pow(b2, tt) / bc2;
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double d = direction(hp, g[i], p[i]);
        double& m = state[0][i];
        double& v = state[1][i];
        moments(b1, b2, d, m, v);
        if (rho > 5.0) {
            const double r = std::sqrt((rho - 4.0) * (rho - 2.0) * rho_inf / ((rho_inf - 4.0) * (rho_inf - 2.0) * rho));
            p[i] -= lr * (m / bc1) * r * std::sqrt(bc2) / (std::sqrt(v) + eps);
        } else {
            p[i] -= lr * (m / bc1);
        }
    }
}

std::vector<std::string_view> rmsprop_states(const HyperParams& hp)
{
    std::vector<std::string_view> names = {"v"};
    if (lookup(hp, "momentum") > 0.0)
        names.push_back("b");
    if (lookup(hp, "centered") != 0.0)
        names.push_back("a");
    return names;
}

void run_rmsprop(const HyperParams& hp, std::uint64_t, std::span<double> p, std::span<const double> g, Spans state)
{
    const bool with_buffer = lookup(hp, "momentum") > 0.0, centered = lookup(hp, "centered") != 0.0;
    check_state(state, rmsprop_states(hp).size(), p.size());
    const double lr = require(hp, "lr"), alpha = require(hp, "alpha"), eps = require(hp, "eps");
    const double momentum = lookup(hp, "momentum");
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double d = direction(hp, g[i], p[i]);
        double& v = state[0][i];
        v = alpha * v + (1.0 - alpha) * d * d;
        double q = std::sqrt(v) + eps;
        if (centered) {
            double& a = state[with_buffer ? 2 : 1][i];
            a = alpha * a + (1.0 - alpha) * d;
            q = std::sqrt(v - a * a) + eps;
        }
        if (with_buffer) {
            double& b = state[1][i];
            b = momentum * b + d / q;
            p[i] -= lr * b;
        } else {
            p[i] -= lr * d / q;
        }
    }
}

void run_adadelta(const HyperParams& hp, std::uint64_t, std::span<double> p, std::span<const double> g, Spans state)
{
    check_state(state, 2, p.size());
    const double lr = require(hp, "lr"), rho = require(hp, "rho"), eps = require(hp, "eps");
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double d = direction(hp, g[i], p[i]);
        double& v = state[0][i];
        double& u = state[1][i];
        v = rho * v + (1.0 - rho) * d * d;
        const double delta = std::sqrt(u + eps) / std::sqrt(v + eps) * d;
        u = rho * u + (1.0 - rho) * delta * delta;
        p[i] -= lr * delta;
    }
}

void run_rprop(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g, Spans state)
{
    check_state(state, 2, p.size());
    const double lr = require(hp, "lr"), minus = require(hp, "etaminus"), plus = require(hp, "etaplus");
    const double smin = require(hp, "step_size_min"), smax = require(hp, "step_size_max");
    for (std::size_t i = 0; i < p.size(); ++i) {
        double d = direction(hp, g[i], p[i], false);
        double& e = state[0][i];
        double& s = state[1][i];
        const double agreement = d * e;
        const double f = agreement > 0.0 ? plus : agreement < 0.0 ? minus : 1.0;
        s = std::clamp((t == 1 ? lr : s) * f, smin, smax);
        if (agreement < 0.0)
            d = 0.0;
        p[i] -= (d > 0.0 ? 1.0 : d < 0.0 ? -1.0 : 0.0) * s;
        e = d;
    }
}

void run_asgd(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g, Spans state)
{
    check_state(state, 1, p.size());
    const double lr = require(hp, "lr"), lambd = require(hp, "lambd"), alpha = require(hp, "alpha");
    const double t0 = require(hp, "t0");
    const double before = static_cast<double>(t) - 1.0;
    const double eta = lr / std::pow(1.0 + lambd * lr * before, alpha);
    const double mu = t == 1 ? 1.0 : 1.0 / std::max(1.0, before - t0);
    for (std::size_t i = 0; i < p.size(); ++i) {
        const double d = direction(hp, g[i], p[i]);
        double& a = state[0][i];
        p[i] = p[i] * (1.0 - lambd * eta) - eta * d;
        a = mu == 1.0 ? p[i] : a + (p[i] - a) * mu;
    }
}

void run_lion(const HyperParams& hp, std::uint64_t, std::span<double> p, std::span<const double> g, Spans state)
{
    check_state(state, 1, p.size());
    const double lr = require(hp, "lr"), b1 = require(hp, "beta1"), b2 = require(hp, "beta2");
    const double wd = lookup(hp, "weight_decay");
    for (std::size_t i = 0; i < p.size(); ++i) {
        double& m = state[0][i];
        const double c = b1 * m + (1.0 - b1) * g[i];
        p[i] = p[i] * (1.0 - lr * wd) - lr * (c > 0.0 ? 1.0 : c < 0.0 ? -1.0 : 0.0);
        m = b2 * m + (1.0 - b2) * g[i];
    }
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

void run_lamb(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g, Spans state)
{
    check_state(state, 2, p.size());
    LambSettings s;
    s.lr = require(hp, "lr");
    s.beta1 = require(hp, "beta1");
    s.beta2 = require(hp, "beta2");
    s.eps = require(hp, "eps");
    s.weight_decay = lookup(hp, "weight_decay");
    lamb_step(s, t, p, g, state[0], state[1]);
}

// Schedule-free AdamW from the run state a plugin keeps: run[0] = lr_max, run[1] = weight_sum; k = t - 1.
void run_schedulefree(const HyperParams& hp, std::uint64_t t, std::span<double> p, std::span<const double> g,
                      Spans state, std::span<double> run)
{
    check_state(state, 2, p.size());
    if (run.size() != 2)
        throw Error(fmt::format("reference optimizer: {} run state values given, 2 expected", run.size()));
    ScheduleFreeSettings s;
    s.lr = require(hp, "lr");
    s.beta1 = require(hp, "beta1");
    s.beta2 = require(hp, "beta2");
    s.eps = require(hp, "eps");
    s.weight_decay = lookup(hp, "weight_decay");
    s.warmup_steps = lookup(hp, "warmup_steps");
    s.r = lookup(hp, "r");
    s.weight_lr_power = require(hp, "weight_lr_power");
    ScheduleFreeState st(p);
    st.k = t - 1;
    st.lr_max = run[0];
    st.weight_sum = run[1];
    st.z.assign(state[0].begin(), state[0].end());
    st.exp_avg_sq.assign(state[1].begin(), state[1].end());
    schedulefree_adamw_step(s, st, p, g);
    std::copy(st.z.begin(), st.z.end(), state[0].begin());
    std::copy(st.exp_avg_sq.begin(), st.exp_avg_sq.end(), state[1].begin());
    run[0] = st.lr_max;
    run[1] = st.weight_sum;
}

void start_schedulefree_run(const HyperParams&, std::span<double> run)
{
    run[0] = -1.0; // the authors' lr_max before the first step
    run[1] = 0.0;
}

void start_schedulefree(const HyperParams&, std::span<const double> params, Spans state)
{
    std::copy(params.begin(), params.end(), state[0].begin());
}

const Algorithm kAlgorithms[] = {
    {"sgd", {"lr"}, {"weight_decay", "maximize"}, {}, &run_sgd},
    {"sgd-momentum",
     {"lr", "momentum"},
     {"dampening", "nesterov", "weight_decay", "maximize"},
     {"b"},
     &run_sgd_momentum},
    {"adam",
     {"lr", "beta1", "beta2", "eps"},
     {"eps_inside_sqrt", "amsgrad", "weight_decay", "maximize"},
     {"m", "v"},
     &run_adam,
     nullptr,
     &adam_states},
    {"adamw",
     {"lr", "beta1", "beta2", "eps", "weight_decay"},
     {"amsgrad", "maximize"},
     {"m", "v"},
     &run_adamw,
     nullptr,
     &adam_states},
    {"adamax", {"lr", "beta1", "beta2", "eps"}, {"weight_decay", "maximize"}, {"m", "u"}, &run_adamax},
    {"nadam", {"lr", "beta1", "beta2", "eps", "momentum_decay"}, {"weight_decay"}, {"m", "v"}, &run_nadam},
    {"radam", {"lr", "beta1", "beta2", "eps"}, {"weight_decay"}, {"m", "v"}, &run_radam},
    {"rmsprop",
     {"lr", "alpha", "eps"},
     {"weight_decay", "momentum", "centered", "maximize"},
     {"v"},
     &run_rmsprop,
     nullptr,
     &rmsprop_states},
    {"adadelta", {"lr", "rho", "eps"}, {"weight_decay", "maximize"}, {"v", "u"}, &run_adadelta},
    {"rprop", {"lr", "etaminus", "etaplus", "step_size_min", "step_size_max"}, {"maximize"}, {"e", "s"}, &run_rprop},
    {"asgd", {"lr", "lambd", "alpha", "t0"}, {"weight_decay", "maximize"}, {"a"}, &run_asgd},
    {"adagrad",
     {"lr", "lr_decay", "eps", "initial_accumulator_value"},
     {"weight_decay", "maximize"},
     {"sum"},
     &run_adagrad,
     &start_adagrad},
    {"lion", {"lr", "beta1", "beta2"}, {"weight_decay"}, {"m"}, &run_lion},
    {"lamb", {"lr", "beta1", "beta2", "eps"}, {"weight_decay"}, {"m", "v"}, &run_lamb},
    {"schedulefree_adamw",
     {"lr", "beta1", "beta2", "eps", "weight_lr_power"},
     {"weight_decay", "warmup_steps", "r"},
     {"z", "v"},
     nullptr,
     &start_schedulefree,
     nullptr,
     {"lr_max", "weight_sum"},
     &start_schedulefree_run,
     &run_schedulefree},
    {"lars", {"lr", "trust_coefficient", "momentum"}, {"weight_decay", "eps", "nesterov"}, {"b"}, &run_lars},
    {"adafactor",
     {"eps1", "eps2", "clip_threshold", "decay_rate"},
     {"lr", "beta1", "weight_decay", "scale_parameter", "relative_step", "warmup_init"},
     {"v"},
     &run_adafactor,
     nullptr,
     &adafactor_states},
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

std::vector<std::string_view> state_names(const Algorithm& algorithm, const HyperParams& hp)
{
    return algorithm.states_for != nullptr ? algorithm.states_for(hp) : algorithm.state_names;
}

std::vector<double> initial_run_state(const Algorithm& algorithm, const HyperParams& hp)
{
    std::vector<double> run(algorithm.run_state_names.size(), 0.0);
    if (algorithm.initial_run != nullptr)
        algorithm.initial_run(hp, run);
    return run;
}

void step(const Algorithm& algorithm, const HyperParams& hp, std::uint64_t t, std::span<double> params,
          std::span<const double> grads, std::span<const std::span<double>> state, std::span<double> run)
{
    if (algorithm.step_with_run != nullptr)
        algorithm.step_with_run(hp, t, params, grads, state, run);
    else
        algorithm.step(hp, t, params, grads, state);
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
               std::span<double> m, std::span<double> v, std::span<double> w)
{
    if (s.amsgrad && w.size() != params.size())
        throw Error("reference optimizer: adam with amsgrad needs the array w");
    const double bc1 = 1.0 - std::pow(s.beta1, static_cast<double>(t));
    const double bc2 = 1.0 - std::pow(s.beta2, static_cast<double>(t));
    const double step_size = s.lr / bc1;
    for (std::size_t i = 0; i < params.size(); ++i) {
        const double g = (s.maximize ? -grads[i] : grads[i]) + s.weight_decay * params[i];
        moments(s.beta1, s.beta2, g, m[i], v[i]);
        double u = v[i];
        if (s.amsgrad)
            u = w[i] = std::max(w[i], v[i]);
        const double denom = s.eps_inside_sqrt ? std::sqrt(u / bc2 + s.eps) : std::sqrt(u) / std::sqrt(bc2) + s.eps;
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

double nadam_mu_product(double beta1, double momentum_decay, std::uint64_t t)
{
    // The factors 1 - 0.5*0.96^(k*momentum_decay) fall towards 1 as k grows (momentum_decay > 0) and
    // are exactly 1.0 in double after a finite k; from there on every mu_k is exactly beta1. Else the
    // product reaches 0 (momentum_decay = 0 or small: factors of about beta1/2).
    constexpr std::uint64_t kRunning = std::uint64_t{1} << 20;
    double product = 1.0;
    std::uint64_t k = 1;
    bool factors_left = true;
    for (; k <= t && k <= kRunning && product != 0.0; ++k) {
        double factor = 1.0;
        if (factors_left) {
            factor = 1.0 - 0.5 * std::pow(0.96, static_cast<double>(k) * momentum_decay);
            factors_left = factor != 1.0;
        }
        product *= beta1 * factor;
    }
    if (k <= t && product != 0.0)
        product *= std::pow(beta1, static_cast<double>(t - k + 1));
    return product;
}

} // namespace cgp::reference
