// Shared pieces of the checks: host-like arrays, direct stepping, random inputs, ULP comparisons.
#include "check_support.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <cmath>
#include <limits>

namespace cgp::conformance {

template <class T>
Arrays<T>::Arrays(std::size_t n, std::size_t states) : params(n), grads(n)
{
    for (std::size_t k = 0; k < states; ++k)
        state.emplace_back(n);
    for (auto& s : state)
        state_ptrs.push_back(s.data());
}

template <class T>
Arrays<T> Arrays<T>::clone() const
{
    Arrays<T> c(size(), state.size());
    c.copy_from(*this);
    return c;
}

template <class T>
void Arrays<T>::copy_from(const Arrays& other)
{
    // The elements; the padding zero, as in a fresh allocation.
    auto copy = [n = size()](const AlignedArray<T>& from, AlignedArray<T>& to) {
        std::copy_n(from.data(), n, to.data());
        std::fill(to.data() + n, to.data() + to.capacity(), T{});
    };
    run = other.run;
    copy(other.params, params);
    copy(other.grads, grads);
    for (std::size_t k = 0; k < state.size(); ++k)
        copy(other.state[k], state[k]);
}

namespace {

std::size_t validated_state_count(const Plugin& plugin, const std::vector<double>& hparams)
{
    plugin.validate(hparams);
    return plugin.state_count(hparams);
}

} // namespace

Stepper::Stepper(const Plugin& plugin, std::vector<double> hparams)
    : plugin_(plugin), hparams_(std::move(hparams)), state_count_(validated_state_count(plugin_, hparams_)),
      initial_(plugin_, hparams_, state_count_), run_state_(declared_run_state(plugin_, hparams_)),
      closure_(needs_closure(plugin_) ? std::make_unique<ClosureHost>() : nullptr)
{
}

namespace {

// What a step is offered: run values and a closure, each when the plugin declares it needs them, and
// with a closure the loss at the step's parameters (cgp.step_context/1).
struct Offer {
    const cgp_run_values_ext* run_values = nullptr;
    const cgp_closure_ext* closure = nullptr;
    const cgp_step_context_ext* context = nullptr;
};

const void* offer(const void* host, const char* id) noexcept
{
    const auto* o = static_cast<const Offer*>(host);
    if (o == nullptr || id == nullptr)
        return nullptr;
    if (std::strcmp(id, CGP_EXT_RUN_VALUES) == 0)
        return o->run_values;
    if (std::strcmp(id, CGP_EXT_CLOSURE) == 0)
        return o->closure;
    if (std::strcmp(id, CGP_EXT_STEP_CONTEXT) == 0)
        return o->context;
    return nullptr;
}

} // namespace

template <class T>
int Stepper::try_step(std::uint64_t t, bool scalar, std::size_t n, T* params, const T* grads, T* const* state,
                      std::string& message, double* run) const
{
    cgp_step_args args{};
    args.struct_size = sizeof args;
    args.flags = scalar ? CGP_STEP_SCALAR : 0u;
    args.step = t;
    args.count = n;
    args.hparams = hparams_.data();
    double fresh[2 * CGP_RUN_STATE_MAX] = {};
    cgp_run_values_ext values{};
    Offer offered;
    if (run_state_.declared) {
        const std::size_t per_run = run_state_.run.size(), per_tensor = run_state_.tensor.size();
        if (run == nullptr) {
            std::copy(run_state_.run.begin(), run_state_.run.end(), fresh);
            std::copy(run_state_.tensor.begin(), run_state_.tensor.end(), fresh + per_run);
            run = fresh;
        }
        values = {sizeof values,
                  1u,
                  per_run > 0 ? run : nullptr,
                  static_cast<std::uint32_t>(per_run),
                  static_cast<std::uint32_t>(per_tensor),
                  per_tensor > 0 && n > 0 ? 1u : 0u,
                  per_tensor > 0 ? run + per_run : nullptr};
        offered.run_values = &values;
    }
    cgp_step_context_ext context{sizeof context, 1u, 0.0, 0u, 0u};
    if (closure_) {
        offered.closure = closure_->begin<T>(params, grads, n);
        context.loss = closure_->origin_loss();
        offered.context = &context;
    }
    if (offered.run_values != nullptr || offered.closure != nullptr) {
        args.host = &offered;
        args.get_host_extension = &offer;
    }
    char msg[512] = {0};
    int status;
    if constexpr (std::is_same_v<T, float>)
        status = plugin_.descriptor().step_f32(&args, params, grads, state, msg, sizeof msg);
    else
        status = plugin_.descriptor().step_f64(&args, params, grads, state, msg, sizeof msg);
    if (closure_)
        closure_->end();
    msg[sizeof msg - 1] = '\0';
    message = msg;
    return status;
}

template <class T>
void Stepper::step(std::uint64_t t, bool scalar, Arrays<T>& a) const
{
    if (t == 1) {
        for (std::size_t k = 0; k < a.state.size(); ++k)
            initial_.fill(k, a.params.span(), a.state[k].span());
        a.run = run_state_.run;
        a.run.insert(a.run.end(), run_state_.tensor.begin(), run_state_.tensor.end());
    }
    std::string message;
    const int status = try_step<T>(t, scalar, a.size(), a.params.data(), a.grads.data(), a.state_ptrs.data(), message,
                                   run_state_.declared && !a.run.empty() ? a.run.data() : nullptr);
    if (status != CGP_OK)
        fail("{} step {} ({} path, length {}) returned error {}: {}", type_name<T>(), t, path_name(scalar), a.size(),
             status, message.empty() ? "(no message)" : message);
}

template <class T>
void fill_normal(std::span<T> out, Rng& rng, double scale)
{
    for (T& x : out)
        x = static_cast<T>(scale * rng.normal());
}

template <class T>
void fill_gradients(std::span<T> out, Rng& rng)
{
    for (T& x : out)
        x = static_cast<T>(rng.normal() * std::pow(10.0, rng.uniform(-2.0, 1.0)));
}

template <class T>
std::uint64_t ulp_distance(T a, T b)
{
    using Bits = std::conditional_t<std::is_same_v<T, float>, std::uint32_t, std::uint64_t>;
    const Bits ua = std::bit_cast<Bits>(a), ub = std::bit_cast<Bits>(b);
    if (ua == ub || (std::isnan(a) && std::isnan(b)))
        return 0;
    if (std::isnan(a) || std::isnan(b))
        return std::numeric_limits<std::uint64_t>::max();
    constexpr Bits sign = Bits(1) << (sizeof(Bits) * 8 - 1);
    const std::uint64_t ma = ua & ~sign, mb = ub & ~sign;
    if ((ua & sign) == (ub & sign))
        return ma > mb ? ma - mb : mb - ma;
    return ma + mb; // across zero: the two distances to +-0 add up
}

template <class T>
std::string first_difference(const Arrays<T>& a, const Arrays<T>& b, std::uint64_t max_ulp, std::string_view a_name,
                             std::string_view b_name)
{
    auto compare = [&](const AlignedArray<T>& x, const AlignedArray<T>& y, const std::string& what) -> std::string {
        for (std::size_t i = 0; i < x.size(); ++i) {
            const std::uint64_t d = ulp_distance(x[i], y[i]);
            if (d > max_ulp)
                return fmt::format("{}[{}] = {} ({}) vs {} ({}), {} apart", what, i, num(x[i]), a_name, num(y[i]),
                                   b_name,
                                   d == std::numeric_limits<std::uint64_t>::max() ? std::string("NaN on one side only")
                                                                                  : fmt::format("{} ULP", d));
        }
        return {};
    };
    std::string diff = compare(a.params, b.params, "params");
    for (std::size_t k = 0; diff.empty() && k < a.state.size(); ++k)
        diff = compare(a.state[k], b.state[k], fmt::format("state {}", k));
    for (std::size_t j = 0; diff.empty() && j < a.run.size() && j < b.run.size(); ++j)
        if (const std::uint64_t d = ulp_distance(a.run[j], b.run[j]); d > max_ulp)
            diff = fmt::format("run state (cgp.run_values/1) value {} = {} ({}) vs {} ({}), {} ULP apart", j,
                               num(a.run[j]), a_name, num(b.run[j]), b_name, d);
    return diff;
}

double normwise_error(std::span<const double> a, std::span<const double> b)
{
    double diff = 0.0, scale = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (!std::isfinite(a[i]) || !std::isfinite(b[i]))
            return std::numeric_limits<double>::infinity();
        diff = std::max(diff, std::abs(a[i] - b[i]));
        scale = std::max(scale, std::abs(b[i]));
    }
    if (diff == 0.0)
        return 0.0;
    return scale > 0.0 ? diff / scale : std::numeric_limits<double>::infinity();
}

std::string format_hparams(const Plugin& plugin, std::span<const double> values)
{
    std::string out;
    for (std::size_t i = 0; i < values.size() && i < plugin.hparams().size(); ++i)
        out += fmt::format("{}{}={}", out.empty() ? "" : " ", plugin.hparams()[i].name, values[i]);
    return out.empty() ? "(no hyperparameters)" : out;
}

std::optional<std::vector<double>> defaults_with(const Plugin& plugin, std::string_view name, double value)
{
    const int i = plugin.find_hparam(name);
    if (i < 0)
        return std::nullopt;
    std::vector<double> hp = plugin.defaults();
    hp[static_cast<std::size_t>(i)] = value;
    return hp;
}

std::size_t simd_block_bytes(std::string_view path)
{
    if (path.starts_with("avx512"))
        return 64;
    if (path.starts_with("avx"))
        return 32;
    if (path.starts_with("sse") || path.starts_with("neon"))
        return 16;
    return 0;
}

template struct Arrays<float>;
template struct Arrays<double>;
template int Stepper::try_step<float>(std::uint64_t, bool, std::size_t, float*, const float*, float* const*,
                                      std::string&, double*) const;
template int Stepper::try_step<double>(std::uint64_t, bool, std::size_t, double*, const double*, double* const*,
                                       std::string&, double*) const;
template void Stepper::step<float>(std::uint64_t, bool, Arrays<float>&) const;
template void Stepper::step<double>(std::uint64_t, bool, Arrays<double>&) const;
template void fill_normal<float>(std::span<float>, Rng&, double);
template void fill_normal<double>(std::span<double>, Rng&, double);
template void fill_gradients<float>(std::span<float>, Rng&);
template void fill_gradients<double>(std::span<double>, Rng&);
template std::uint64_t ulp_distance<float>(float, float);
template std::uint64_t ulp_distance<double>(double, double);
template std::string first_difference<float>(const Arrays<float>&, const Arrays<float>&, std::uint64_t,
                                             std::string_view, std::string_view);
template std::string first_difference<double>(const Arrays<double>&, const Arrays<double>&, std::uint64_t,
                                              std::string_view, std::string_view);

} // namespace cgp::conformance
