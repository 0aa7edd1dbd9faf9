// Check "initial_state": a plugin offering "cgp.initial_state/1" declares, for the defaults and for
// every hyperparameter at its range endpoints, one known kind and a finite value per state array,
// the same on every call, writing nothing past the state_count() entries the host asked for; and the
// first step from that state gives finite results. Without the extension the check is skipped.
#include "check_support.hpp"
#include "checks.hpp"

#include <cmath>
#include <cstring>

namespace cgp::conformance {

namespace {

constexpr std::size_t kLength = 67;
constexpr std::uint32_t kSentinelKind = 0xdeadbeefu;

void check_declaration(const Plugin& plugin, const cgp_initial_state_ext& ext, const std::vector<double>& hp)
{
    const std::uint32_t count = static_cast<std::uint32_t>(plugin.state_count(hp));
    std::vector<std::uint32_t> kinds(count + 1, kSentinelKind), again(count + 1, kSentinelKind);
    std::vector<double> values(count + 1, -1.5), values_again(count + 1, -1.5);
    char msg[512] = {0};
    if (ext.initial_state(hp.data(), count, kinds.data(), values.data(), msg, sizeof msg) != CGP_OK)
        fail("initial_state() refused valid hyperparameters ({}): {}", format_hparams(plugin, hp),
             msg[0] != '\0' ? msg : "(no message)");
    if (kinds[count] != kSentinelKind || values[count] != -1.5)
        fail("initial_state() wrote past the {} entries the host passed ({}); fill only state_count() entries", count,
             format_hparams(plugin, hp));
    ext.initial_state(hp.data(), count, again.data(), values_again.data(), msg, sizeof msg);
    for (std::uint32_t k = 0; k < count; ++k) {
        if (kinds[k] > CGP_INITIAL_PARAMS)
            fail("state array {}: initial kind {} is none of CGP_INITIAL_ZERO, _CONSTANT, _PARAMS ({})", k, kinds[k],
                 format_hparams(plugin, hp));
        if (kinds[k] == CGP_INITIAL_CONSTANT && !std::isfinite(values[k]))
            fail("state array {} starts at {}, not a finite number ({})", k, num(values[k]),
                 format_hparams(plugin, hp));
        if (kinds[k] != again[k] || std::memcmp(&values[k], &values_again[k], sizeof(double)) != 0)
            fail("initial_state() gave two answers for the same hyperparameters ({}); it must be a pure function",
                 format_hparams(plugin, hp));
    }
}

template <class T>
void first_step_is_finite(const Stepper& stepper)
{
    Rng rng(23);
    Arrays<T> a(kLength, stepper.state_count());
    fill_normal(a.params.span(), rng);
    fill_gradients(a.grads.span(), rng);
    stepper.step(1, false, a);
    for (std::size_t i = 0; i < kLength; ++i)
        if (!std::isfinite(a.params[i]))
            fail("{}: the first step from the declared initial state made params[{}] = {} ({})", type_name<T>(), i,
                 num(a.params[i]), format_hparams(stepper.plugin(), stepper.hparams()));
}

} // namespace

Outcome check_initial_state(const Plugin& plugin)
{
    const auto* ext = find_extension<cgp_initial_state_ext>(plugin, CGP_EXT_INITIAL_STATE, 1);
    if (ext == nullptr)
        return skip("the plugin offers no cgp.initial_state/1: every state array starts at zero");
    const std::vector<HparamSet> sets = hparam_sets(plugin);
    for (const HparamSet& set : sets) {
        const std::vector<double>& hp = set.values;
        note_progress("asking for the initial state with " + format_hparams(plugin, hp));
        check_declaration(plugin, *ext, hp);
        const Stepper stepper(plugin, hp);
        first_step_is_finite<float>(stepper);
        first_step_is_finite<double>(stepper);
    }
    const InitialState start(plugin, plugin.defaults(), plugin.state_count(plugin.defaults()));
    std::string kinds;
    for (std::size_t k = 0; k < plugin.state_count(plugin.defaults()); ++k)
        kinds += fmt::format("{}{}", k > 0 ? ", " : "",
                             start.kind(k) == CGP_INITIAL_CONSTANT ? num(start.value(k))
                             : start.kind(k) == CGP_INITIAL_PARAMS ? std::string("params")
                                                                   : std::string("0"));
    return pass(fmt::format(
        "declared for {} hyperparameter sets (defaults, range ends and random sets): known kinds, finite values, "
        "pure; the first step is finite; at the defaults the state starts at [{}]",
        sets.size(), kinds));
}

} // namespace cgp::conformance
