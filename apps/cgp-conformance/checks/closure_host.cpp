// ClosureHost: cgp-conformance's cgp.closure/1, the local quadratic model of a step or a check's objective.
#include "closure_host.hpp"

#include <cstring>
#include <exception>
#include <type_traits>

namespace cgp::conformance {

namespace {
constexpr double kCurvature = 1.0 / 64; // of the local model
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
        const T d = x[i] - p0[i];
        g[i] = g0[i] + static_cast<T>(kCurvature) * d;
        loss += static_cast<double>(g0[i]) * static_cast<double>(d) + 0.5 * kCurvature * static_cast<double>(d) * d;
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
            *loss = host.objective_(std::span<const double>(host.point_.data(), host.n_),
                                    std::span<double>(host.gradient_.data(), host.n_));
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
