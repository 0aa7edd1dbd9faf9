// The host's reference Adafactor (Shazeer & Stern 2018, as transformers' Adafactor): one tensor's step
// in double, with the factored moments kept as transformers keeps them (separate row and column
// vectors, every rank >= 2 tensor factored, one-row and one-column matrices included).
#include "reference_tensor_optimizers.hpp"

#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cgp::reference {

namespace {

double rms(const std::vector<double>& x)
{
    double sum = 0.0;
    for (double e : x)
        sum += e * e;
    return std::sqrt(sum) / std::sqrt(static_cast<double>(x.size()));
}

} // namespace

void adafactor_step(const AdafactorSettings& s, std::uint64_t step, std::span<const std::size_t> shape,
                    std::span<double> params, std::span<const double> grads, AdafactorMoments& mo)
{
    const std::size_t n = params.size();
    const double t = static_cast<double>(step);
    double rho = s.lr;
    if (s.relative_step)
        rho = std::min(s.warmup_init ? 1e-6 * t : 1e-2, 1.0 / std::sqrt(t));
    const double lr_t = s.scale_parameter ? std::max(s.eps2, rms({params.begin(), params.end()})) * rho : rho;
    const double beta2t = 1.0 - std::pow(t, s.decay_rate);
    std::vector<double> u(n);
    if (shape.size() >= 2) {
        const std::size_t rows = shape[shape.size() - 2], cols = shape[shape.size() - 1];
        const std::size_t batch = n / (rows * cols);
        mo.row.resize(batch * rows);
        mo.col.resize(batch * cols);
        for (std::size_t b = 0; b < batch; ++b) {
            const auto q = [&](std::size_t r, std::size_t c) {
                const double g = grads[b * rows * cols + r * cols + c];
                return g * g + s.eps1;
            };
            for (std::size_t r = 0; r < rows; ++r) {
                double sum = 0.0;
                for (std::size_t c = 0; c < cols; ++c)
                    sum += q(r, c);
                double& vr = mo.row[b * rows + r];
                vr = beta2t * vr + (1.0 - beta2t) * (sum / static_cast<double>(cols));
            }
            for (std::size_t c = 0; c < cols; ++c) {
                double sum = 0.0;
                for (std::size_t r = 0; r < rows; ++r)
                    sum += q(r, c);
                double& vc = mo.col[b * cols + c];
                vc = beta2t * vc + (1.0 - beta2t) * (sum / static_cast<double>(rows));
            }
            double row_sum = 0.0;
            for (std::size_t r = 0; r < rows; ++r)
                row_sum += mo.row[b * rows + r];
            const double row_mean = row_sum / static_cast<double>(rows);
            for (std::size_t r = 0; r < rows; ++r)
                for (std::size_t c = 0; c < cols; ++c) {
                    const std::size_t i = b * rows * cols + r * cols + c;
                    const double r_factor = 1.0 / std::sqrt(mo.row[b * rows + r] / row_mean);
                    const double c_factor = 1.0 / std::sqrt(mo.col[b * cols + c]);
                    u[i] = grads[i] * r_factor * c_factor;
                }
        }
    } else {
        mo.v.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            mo.v[i] = beta2t * mo.v[i] + (1.0 - beta2t) * (grads[i] * grads[i] + s.eps1);
            u[i] = grads[i] / std::sqrt(mo.v[i]);
        }
    }
    const double clip = std::max(1.0, rms(u) / s.clip_threshold);
    for (double& e : u)
        e = e / clip * lr_t;
    if (s.beta1 > 0.0) {
        mo.m.resize(n);
        for (std::size_t i = 0; i < n; ++i) {
            mo.m[i] = s.beta1 * mo.m[i] + (1.0 - s.beta1) * u[i];
            u[i] = mo.m[i];
        }
    }
    for (std::size_t i = 0; i < n; ++i) {
        params[i] -= s.weight_decay * lr_t * params[i];
        params[i] -= u[i];
    }
}

std::vector<std::string_view> adafactor_states(const HyperParams& hp)
{
    const auto it = hp.find("beta1");
    if (it != hp.end() && it->second > 0.0)
        return {"v", "m"};
    return {"v"};
}

void run_adafactor(const HyperParams& hp, std::uint64_t t, std::span<double> params, std::span<const double> grads,
                   std::span<const std::span<double>> state)
{
    const std::size_t expected = adafactor_states(hp).size();
    if (state.size() != expected)
        throw Error(fmt::format("reference optimizer: {} state arrays given, {} expected", state.size(), expected));
    const auto value = [&](std::string_view name, double fallback) {
        const auto it = hp.find(name);
        return it != hp.end() ? it->second : fallback;
    };
    AdafactorSettings s;
    s.lr = value("lr", s.lr);
    s.eps1 = value("eps1", s.eps1);
    s.eps2 = value("eps2", s.eps2);
    s.clip_threshold = value("clip_threshold", s.clip_threshold);
    s.decay_rate = value("decay_rate", s.decay_rate);
    s.beta1 = value("beta1", 0.0);
    s.weight_decay = value("weight_decay", 0.0);
    s.scale_parameter = value("scale_parameter", 1.0) != 0.0;
    s.relative_step = value("relative_step", 1.0) != 0.0;
    s.warmup_init = value("warmup_init", 0.0) != 0.0;
    // The whole array as one rank-1 tensor: v per element, in the state array itself.
    AdafactorMoments mo;
    mo.v.assign(state[0].begin(), state[0].end());
    if (expected == 2)
        mo.m.assign(state[1].begin(), state[1].end());
    const std::size_t shape[] = {params.size()};
    adafactor_step(s, t, shape, params, grads, mo);
    std::copy(mo.v.begin(), mo.v.end(), state[0].begin());
    if (expected == 2)
        std::copy(mo.m.begin(), mo.m.end(), state[1].begin());
}

} // namespace cgp::reference
