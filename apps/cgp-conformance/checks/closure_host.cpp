// ClosureHost: cgp-conformance's cgp.closure/1, the local quadratic model of a step or a check's objective.
#include "closure_host.hpp"

#include <algorithm>
#include <cstring>
#include <exception>
#include <limits>
#include <type_traits>

namespace cgp::conformance {

namespace {
// Curvature of the local model at element i.
double curvature(std::size_t i)
{
    return static_cast<double>(1 + i % 4) / 64;
}
} // namespace

void ClosureHost::set_objective(Objective objective)
{
    objective_ = std::move(objective);
    x64_.resize(kCapacity);
    g64_.resize(kCapacity);
}

template <class T>
double ClosureHost::objective_at(const T* x, T* g)
{
    if constexpr (std::is_same_v<T, double>)
        return objective_(std::span<const double>(x, n_), std::span<double>(g, n_));
    std::copy(x, x + n_, x64_.begin());
    const double loss = objective_(std::span<const double>(x64_.data(), n_), std::span<double>(g64_.data(), n_));
    for (std::size_t i = 0; i < n_; ++i)
        g[i] = static_cast<T>(g64_[i]);
    return loss;
}

ClosureHost::ClosureHost()
    : slot_{{sizeof(cgp_closure_ext), 1u, nullptr, nullptr, &ClosureHost::evaluate, 0u}, this}, point_(kCapacity),
      gradient_(kCapacity), origin_(kCapacity)
{
}

template <class T>
const cgp_closure_ext* ClosureHost::begin(const T* params, const T* grads, std::size_t n) noexcept
{
    if (n > kCapacity)
        return nullptr;
    T* origin = reinterpret_cast<T*>(origin_.data());
    for (std::size_t i = 0; i < n; ++i)
        origin[i] = params[i];
    grads_ = grads;
    n_ = n;
    is_double_ = std::is_same_v<T, double>;
    origin_loss_ = 0.0;
    if (objective_) {
        try {
            origin_loss_ = objective_at<T>(params, reinterpret_cast<T*>(gradient_.data()));
        } catch (const std::exception&) {
            origin_loss_ = std::numeric_limits<double>::quiet_NaN(); // the evaluations will report it
        }
    }
    active_ = true;
    slot_.ext.point = point_.data();
    slot_.ext.gradient = gradient_.data();
    slot_.ext.evaluations = 0;
    return &slot_.ext;
}

template <class T>
double ClosureHost::local_model() noexcept
{
    const T* x = reinterpret_cast<const T*>(point_.data());
    const T* p0 = reinterpret_cast<const T*>(origin_.data());
    const T* g0 = static_cast<const T*>(grads_);
    T* g = reinterpret_cast<T*>(gradient_.data());
    double loss = 0.0;
    for (std::size_t i = 0; i < n_; ++i) {
        const double d = static_cast<double>(x[i]) - static_cast<double>(p0[i]), c = curvature(i);
        g[i] = static_cast<T>(static_cast<double>(g0[i]) + c * d);
        loss += static_cast<double>(g0[i]) * d + 0.5 * c * d * d;
    }
    return loss;
}

int ClosureHost::evaluate(const cgp_closure_ext* self, double* loss, char* msg, std::size_t msg_size) noexcept
{
    auto write = [&](const char* text) {
        if (msg != nullptr && msg_size > 0) {
            std::strncpy(msg, text, msg_size - 1);
            msg[msg_size - 1] = '\0';
        }
    };
    if (self == nullptr || loss == nullptr) {
        write("cgp.closure/1: evaluate needs the struct and a place for the loss");
        return CGP_ERR_INVALID_ARGUMENT;
    }
    ClosureHost& host = *reinterpret_cast<const Slot*>(self)->host;
    if (!host.active_) {
        ++host.outside_;
        write("cgp.closure/1: evaluate was called outside the step it was given to");
        return CGP_ERR_UNSUPPORTED;
    }
    try {
        if (host.objective_ && host.is_double_)
            *loss = host.objective_at<double>(host.point_.data(), host.gradient_.data());
        else if (host.objective_)
            *loss = host.objective_at<float>(reinterpret_cast<const float*>(host.point_.data()),
                                             reinterpret_cast<float*>(host.gradient_.data()));
        else
            *loss = host.is_double_ ? host.local_model<double>() : host.local_model<float>();
    } catch (const std::exception& e) {
        write(e.what());
        return CGP_ERR_INTERNAL;
    }
    ++host.slot_.ext.evaluations;
    ++host.evaluations_;
    return CGP_OK;
}

template const cgp_closure_ext* ClosureHost::begin<float>(const float*, const float*, std::size_t) noexcept;
template const cgp_closure_ext* ClosureHost::begin<double>(const double*, const double*, std::size_t) noexcept;

} // namespace cgp::conformance
