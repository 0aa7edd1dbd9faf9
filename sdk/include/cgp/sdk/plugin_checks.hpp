// cgp/sdk/plugin_checks.hpp: what CGP_REGISTER_OPTIMIZER(Class) needs from a plugin class, checked
// when the plugin is compiled, each with a message naming the missing or wrong member (see the list
// in optimizer.hpp). Not included directly.
#pragma once

#include <cgp/sdk/abi.h>
#include <cgp/sdk/state.hpp>

#include <concepts>
#include <cstdint>
#include <iterator>
#include <type_traits>

namespace cgp::sdk {
struct info;
}

namespace cgp::sdk::detail {

template <class Opt>
concept has_info = requires
{
    {
        Opt::info
        } -> std::convertible_to<const ::cgp::sdk::info&>;
};
template <class Opt>
concept has_hparams = requires
{
    {
        Opt::hparams[0]
        } -> std::convertible_to<const cgp_hparam&>;
    std::size(Opt::hparams);
};
template <class Opt>
concept has_hparam_count = requires
{
    {
        Opt::hparam_count
        } -> std::convertible_to<std::size_t>;
};
template <class Opt>
concept has_max_state = requires
{
    {
        Opt::max_state
        } -> std::convertible_to<unsigned>;
};
template <class Opt, class T>
concept has_constants = requires
{
    typename Opt::template constants<T>;
};
template <class Opt, class T>
concept has_prepare = requires(const double* hp, std::uint64_t t)
{
    {
        Opt::template prepare<T>(hp, t)
        } -> std::same_as<typename Opt::template constants<T>>;
};
template <class Opt, class T>
concept has_update = requires(T& p, const T& g, states<T, Opt::max_state>& s,
                              const typename Opt::template constants<T>& c)
{
    Opt::update(p, g, s, c);
};

template <class Opt>
constexpr std::size_t declared_hparams() noexcept
{
    if constexpr (has_hparams<Opt>)
        return std::size(Opt::hparams);
    else
        return 0;
}

template <class Opt>
constexpr bool check_plugin_class() noexcept
{
    static_assert(has_info<Opt>, "CGP_REGISTER_OPTIMIZER(Class): Class needs "
                                 "'static constexpr cgp::sdk::info info{id, name, version, summary, algorithm};'");
    static_assert(has_hparams<Opt>,
                  "CGP_REGISTER_OPTIMIZER(Class): Class needs "
                  "'static constexpr cgp_hparam hparams[] = {{name, help, default, min, max, flags}};'");
    static_assert(has_hparam_count<Opt>, "CGP_REGISTER_OPTIMIZER(Class): Class needs its hyperparameter enum to end "
                                         "with 'hparam_count' (enum { lr, beta1, hparam_count };)");
    if constexpr (has_hparams<Opt> && has_hparam_count<Opt>)
        static_assert(static_cast<std::size_t>(Opt::hparam_count) == declared_hparams<Opt>(),
                      "CGP_REGISTER_OPTIMIZER(Class): the hyperparameter enum and hparams[] differ in length: one "
                      "enumerator per entry of hparams[], in the same order, then hparam_count");
    static_assert(has_max_state<Opt>, "CGP_REGISTER_OPTIMIZER(Class): Class needs 'static constexpr unsigned "
                                      "max_state = K;' (the most state arrays it uses, 0 to CGP_MAX_STATE_ARRAYS)");
    if constexpr (has_max_state<Opt>) {
        static_assert(Opt::max_state <= CGP_MAX_STATE_ARRAYS,
                      "CGP_REGISTER_OPTIMIZER(Class): max_state is at most CGP_MAX_STATE_ARRAYS (256)");
        static_assert(has_constants<Opt, float> && has_constants<Opt, double>,
                      "CGP_REGISTER_OPTIMIZER(Class): Class needs 'template <class T> struct constants { ... };'");
        if constexpr (has_constants<Opt, float> && has_constants<Opt, double>) {
            static_assert(has_prepare<Opt, float> && has_prepare<Opt, double>,
                          "CGP_REGISTER_OPTIMIZER(Class): Class needs 'template <class T> static constants<T> "
                          "prepare(const double* hp, std::uint64_t t);'");
            static_assert(has_update<Opt, float> && has_update<Opt, double>,
                          "CGP_REGISTER_OPTIMIZER(Class): Class needs 'template <class V, class C> static void "
                          "update(V& p, const V& g, cgp::sdk::states<V, max_state>& s, const C& c);' (or auto& s)");
        }
    }
    return true;
}

} // namespace cgp::sdk::detail
