// Checks "hparam_defaults" and "hparam_validation": the hyperparameter schema is honest. Defaults are
// accepted and each value is really read by the step (alone, or together with another's change); values outside the schema (out of range, NaN,
// infinite, fractional for integers) are refused with a message naming the option, and the plugin's
// own validate() copes with any input without crashing and explains every refusal.
#include "check_support.hpp"
#include "checks.hpp"

#include <fmt/ranges.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>

namespace cgp::conformance {

namespace {

// Steps of each run of short_run: enough for hyperparameters a correct plugin reads only late or in
// extreme states (RAdam's eps from step 6, Rprop's step_size_min/max after dozens of steps of one
// sign or of alternating signs, ASGD's t0 once t passes it, Adafactor's eps1 = 1e-30 added to g^2
// and eps2 = 1e-3, its least parameter scale, seen only where gradients and parameters vanish).
constexpr std::uint64_t kSteps = 20;
constexpr std::uint64_t kSignSteps = 80;
constexpr std::uint64_t kLateSteps[] = {1'000,       10'000,        100'000,        1'000'000,        10'000'000,
                                        100'000'000, 1'000'000'000, 10'000'000'000, 1'000'000'000'000};
constexpr std::size_t kLength = 19;
// The scale of a vanishing tensor's parameters and gradients: their squares (1e-40) lie below the
// smallest epsilons.
constexpr double kVanishing = 1e-20;
// Steps of the shrinking run: gradients scaled by 10^(-t/6), through every size from 1 to 1e-10 in
// ratios below 2, so a threshold on the gradient's size (L-BFGS's tolerance_grad) acts at some step.
constexpr std::uint64_t kShrinkingSteps = 60;

bool inside_range(const HyperParam& h, double v)
{
    if (!std::isfinite(v))
        return false;
    const bool low_ok = (h.flags & CGP_HPARAM_MIN_EXCLUSIVE) ? v > h.min_value : v >= h.min_value;
    const bool high_ok = (h.flags & CGP_HPARAM_MAX_EXCLUSIVE) ? v < h.max_value : v <= h.max_value;
    const bool whole_ok = !(h.flags & CGP_HPARAM_INTEGER) || v == std::floor(v);
    return low_ok && high_ok && whole_ok;
}

// Another valid value for hyperparameter i, near its default where possible.
std::optional<std::vector<double>> varied_hparams(const Plugin& plugin, std::size_t i)
{
    const HyperParam& h = plugin.hparams()[i];
    const double v = h.default_value;
    std::vector<double> candidates;
    if (h.flags & CGP_HPARAM_INTEGER)
        candidates = {v + 1, v - 1};
    else
        candidates = {v * 2, v / 2, (v + h.max_value) / 2, (v + h.min_value) / 2, v + 1, v - 1};
    for (double c : candidates) {
        if (c == v || !inside_range(h, c))
            continue;
        std::vector<double> hp = plugin.defaults();
        hp[i] = c;
        try {
            plugin.validate(hp);
            return hp;
        } catch (const Error&) {
            // the plugin's validate() refuses this combination; try the next value
        }
    }
    return std::nullopt;
}

// Five runs (f64, SIMD path) from fixed random parameters: kSteps steps of random gradients, then
// single steps at each t of kLateSteps from there; kSignSteps of one gradient; kSignSteps of that
// gradient with its sign flipped every step; kSteps of random gradients from random parameters, both
// scaled by kVanishing; kShrinkingSteps of random gradients shrinking from 1 to 1e-10.
std::vector<Arrays<double>> short_run(const Stepper& stepper)
{
    std::vector<Arrays<double>> runs;
    for (int kind = 0; kind < 5; ++kind) {
        Rng rng(11);
        Arrays<double> a(kLength, stepper.state_count());
        fill_normal(a.params.span(), rng);
        if (kind == 4) {
            for (std::uint64_t t = 1; t <= kShrinkingSteps; ++t) {
                fill_gradients(a.grads.span(), rng);
                const double scale = std::pow(10.0, -static_cast<double>(t) / 6);
                for (std::size_t i = 0; i < kLength; ++i)
                    a.grads[i] *= scale;
                stepper.step(t, false, a);
            }
        } else if (kind == 3) {
            for (std::size_t i = 0; i < kLength; ++i)
                a.params[i] *= kVanishing;
            for (std::uint64_t t = 1; t <= kSteps; ++t) {
                fill_gradients(a.grads.span(), rng);
                for (std::size_t i = 0; i < kLength; ++i)
                    a.grads[i] *= kVanishing;
                stepper.step(t, false, a);
            }
        } else if (kind == 0) {
            for (std::uint64_t t = 1; t <= kSteps; ++t) {
                fill_gradients(a.grads.span(), rng);
                stepper.step(t, false, a);
            }
            for (std::uint64_t t : kLateSteps) {
                fill_gradients(a.grads.span(), rng);
                stepper.step(t, false, a);
            }
        } else {
            fill_gradients(a.grads.span(), rng);
            for (std::uint64_t t = 1; t <= kSignSteps; ++t) {
                if (kind == 2)
                    for (std::size_t i = 0; i < kLength; ++i)
                        a.grads[i] = -a.grads[i];
                stepper.step(t, false, a);
            }
        }
        runs.push_back(std::move(a));
    }
    return runs;
}

bool same_result(const std::vector<Arrays<double>>& a, const std::vector<Arrays<double>>& b)
{
    for (std::size_t k = 0; k < a.size(); ++k)
        if (a[k].state.size() != b[k].state.size() || !first_difference(a[k], b[k], 0, "a", "b").empty())
            return false;
    return true;
}

// For hyperparameter i whose change to `value` alone changes nothing: another hyperparameter whose
// change makes it matter (Adafactor's warmup_init acts only with relative_step = 1), named with its
// value; nullopt when there is none.
std::optional<std::string> read_together_with(const Plugin& plugin, std::size_t i, double value)
{
    for (std::size_t j = 0; j < plugin.hparams().size(); ++j) {
        const auto partner = j == i ? std::nullopt : varied_hparams(plugin, j);
        if (!partner)
            continue;
        std::vector<double> both = *partner;
        both[i] = value;
        try {
            plugin.validate(both);
        } catch (const Error&) {
            continue; // the plugin refuses this combination
        }
        note_progress(fmt::format("stepping with {} = {} and {} = {}", plugin.hparams()[i].name, value,
                                  plugin.hparams()[j].name, (*partner)[j]));
        const Stepper alone(plugin, *partner), with(plugin, both);
        if (alone.state_count() != with.state_count() || !same_result(short_run(alone), short_run(with)))
            return fmt::format("{}={}", plugin.hparams()[j].name, (*partner)[j]);
    }
    return std::nullopt;
}

// Values of hyperparameter h that the schema forbids.
std::vector<double> forbidden_values(const HyperParam& h)
{
    const double inf = std::numeric_limits<double>::infinity();
    std::vector<double> bad = {
        (h.flags & CGP_HPARAM_MIN_EXCLUSIVE) ? h.min_value : std::nextafter(h.min_value, -inf),
        (h.flags & CGP_HPARAM_MAX_EXCLUSIVE) ? h.max_value : std::nextafter(h.max_value, inf),
        std::numeric_limits<double>::quiet_NaN(),
        inf,
        -inf,
    };
    if (h.flags & CGP_HPARAM_INTEGER) {
        const double half = h.default_value + 0.5 <= h.max_value ? h.default_value + 0.5 : h.default_value - 0.5;
        bad.push_back(half);
    }
    return bad;
}

bool is_known_status(int status)
{
    return status == CGP_OK || status == CGP_ERR_INVALID_ARGUMENT || status == CGP_ERR_UNSUPPORTED ||
           status == CGP_ERR_INTERNAL;
}

// Calls the plugin's own validate() and checks the answer is well formed; true when it refused.
bool plugin_refuses(const Plugin& plugin, const std::vector<double>& hp, std::string_view what)
{
    note_progress(fmt::format("calling the plugin's validate() with {}", what));
    char msg[512] = {0};
    const int status = plugin.descriptor().validate(hp.data(), msg, sizeof msg);
    msg[sizeof msg - 1] = '\0';
    if (!is_known_status(status))
        fail("validate() with {} returned {}, which is no CGP_OK or CGP_ERR_* code", what, status);
    if (status != CGP_OK && msg[0] == '\0')
        fail("validate() refused {} without a message; write one line naming the hyperparameter", what);
    return status != CGP_OK;
}

} // namespace

Outcome check_hparam_defaults(const Plugin& plugin)
{
    const std::vector<double> defaults = plugin.defaults();
    note_progress("validating the defaults");
    try {
        plugin.validate(defaults);
    } catch (const Error& e) {
        fail("the defaults ({}) are refused: {}", format_hparams(plugin, defaults), e.what());
    }
    const Stepper base(plugin, defaults);
    note_progress("stepping with the defaults");
    const std::vector<Arrays<double>> reference = short_run(base);
    std::vector<std::string> fixed, together;
    for (std::size_t i = 0; i < plugin.hparams().size(); ++i) {
        const HyperParam& h = plugin.hparams()[i];
        const auto varied = varied_hparams(plugin, i);
        if (!varied) {
            fixed.push_back(h.name);
            continue;
        }
        note_progress(fmt::format("stepping with {} = {} instead of {}", h.name, (*varied)[i], h.default_value));
        const Stepper other(plugin, *varied);
        if (other.state_count() != base.state_count() || !same_result(short_run(other), reference))
            continue;
        if (const auto partner = read_together_with(plugin, i, (*varied)[i])) {
            together.push_back(fmt::format("{} with {}", h.name, *partner));
            continue;
        }
        fail("changing {} from {} to {} changed neither the parameters nor the state in {} steps of random "
             "gradients, single steps at t = 1000 to 10^12, {} steps of one gradient and of alternating "
             "signs, {} steps from parameters and gradients of size {}, and {} steps of gradients shrinking "
             "from 1 to 1e-10, alone or together with another hyperparameter's change: the step ignores it (does it "
             "read hparams[{}]?)",
             h.name, h.default_value, (*varied)[i], kSteps, kSignSteps, kSteps, kVanishing, kShrinkingSteps, i);
    }
    std::string detail = fmt::format("defaults {} accepted", format_hparams(plugin, defaults));
    const std::size_t varied_count = plugin.hparams().size() - fixed.size();
    if (varied_count > 0)
        detail += varied_count == 1 ? std::string("; changing it changes the result")
                                    : fmt::format("; changing any of the {} changes the result", varied_count);
    if (!together.empty())
        detail += fmt::format(" (only together with another's change: {})", fmt::join(together, ", "));
    if (!fixed.empty())
        detail += fmt::format("; no other valid value to try for {}", fmt::join(fixed, ", "));
    return pass(detail);
}

Outcome check_hparam_validation(const Plugin& plugin)
{
    std::size_t refused_by_host = 0, refused_by_plugin = 0;
    for (std::size_t i = 0; i < plugin.hparams().size(); ++i) {
        const HyperParam& h = plugin.hparams()[i];
        for (double bad : forbidden_values(h)) {
            std::vector<double> hp = plugin.defaults();
            hp[i] = bad;
            const std::string what = fmt::format("{} = {}", h.name, bad);
            note_progress(fmt::format("validating {}", what));
            try {
                plugin.validate(hp);
                fail("{} is accepted although the schema says {}", what, h.range_text());
            } catch (const Error& e) {
                if (std::string(e.what()).find("--" + h.option_name()) == std::string::npos)
                    fail("{} is refused, but the message does not name --{}: {}", what, h.option_name(), e.what());
            }
            ++refused_by_host;
            refused_by_plugin += plugin_refuses(plugin, hp, what);
        }
    }
    // Random in-range sets: the plugin's validate() answers each cleanly.
    Rng rng(5);
    constexpr int kRandomSets = 20;
    int random_refused = 0;
    for (int k = 0; k < kRandomSets; ++k) {
        std::vector<double> hp;
        for (const HyperParam& h : plugin.hparams()) {
            double v = rng.uniform(h.min_value, h.max_value);
            if (h.flags & CGP_HPARAM_INTEGER)
                v = std::round(v);
            hp.push_back(inside_range(h, v) ? v : h.default_value);
        }
        random_refused += plugin_refuses(plugin, hp, format_hparams(plugin, hp));
    }
    return pass(fmt::format("{} forbidden values (outside the range, NaN, infinite) refused with a message naming the "
                            "option ({} also by the plugin's validate()); {} of {} random in-range sets refused by "
                            "validate(), each with a message",
                            refused_by_host, refused_by_plugin, random_refused, kRandomSets));
}

} // namespace cgp::conformance
