// Check "reference_trajectory": a plugin whose descriptor names an algorithm this cgp has a reference
// for ("sgd", "sgd-momentum", "adam", "adagrad"; any other name skips the check) follows the host's double-precision reference (cgp/reference_optimizers.hpp) for 20 steps of
// random gradients: parameters and every state array, after every step, within a tolerance that grows
// by a few ULP per step. Run with the defaults and with a second set of non-default values.
#include "check_support.hpp"
#include "checks.hpp"

#include "reference_optimizers.hpp"

#include <fmt/ranges.h>

#include <cmath>
#include <limits>

namespace cgp::conformance {

namespace {

constexpr std::size_t kLength = 67;
constexpr std::uint64_t kSteps = 20;
constexpr double kUlpPerStep = 16;

// Values away from the defaults, to catch a plugin that hard-codes them.
reference::HyperParams varied_values(std::string_view algorithm)
{
    if (algorithm == "sgd")
        return {{"lr", 0.1}};
    if (algorithm == "sgd-momentum")
        return {{"lr", 0.05}, {"momentum", 0.5}};
    if (algorithm == "adagrad")
        return {{"lr", 0.05}, {"lr_decay", 0.01}, {"weight_decay", 0.1}, {"initial_accumulator_value", 0.5},
                {"eps", 1e-6}, {"maximize", 1.0}};
    return {{"lr", 0.01}, {"beta1", 0.8}, {"beta2", 0.99}, {"eps", 1e-6}, {"eps_inside_sqrt", 1.0}};
}

reference::HyperParams by_name(const Plugin& plugin, const std::vector<double>& values)
{
    reference::HyperParams hp;
    for (std::size_t i = 0; i < values.size(); ++i)
        hp[plugin.hparams()[i].name] = values[i];
    return hp;
}

// Largest relative difference over the run; fails past the tolerance.
template <class T>
double follow_reference(const Stepper& stepper, const reference::Algorithm& algorithm, const std::string& label)
{
    note_progress(fmt::format("{} steps of {} beside the reference, {}, {}", kSteps, type_name<T>(), algorithm.name, label));
    const reference::HyperParams hp = by_name(stepper.plugin(), stepper.hparams());
    const std::size_t states = algorithm.state_names.size();
    Rng rng(41);
    Arrays<T> plugin_run(kLength, states);
    fill_normal(plugin_run.params.span(), rng);
    std::vector<double> params(plugin_run.params.data(), plugin_run.params.data() + kLength), grads(kLength);
    std::vector<std::vector<double>> state(states, std::vector<double>(kLength, 0.0));
    std::vector<std::span<double>> state_spans(state.begin(), state.end());
    if (algorithm.initial != nullptr)
        algorithm.initial(hp, params, state_spans);
    double worst = 0.0;
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        fill_gradients(plugin_run.grads.span(), rng);
        grads.assign(plugin_run.grads.data(), plugin_run.grads.data() + kLength);
        stepper.step(t, false, plugin_run);
        algorithm.step(hp, t, params, grads, state_spans);
        const double tolerance = kUlpPerStep * static_cast<double>(t) * std::numeric_limits<T>::epsilon();
        auto compare = [&](const AlignedArray<T>& got, const std::vector<double>& want, const std::string& what) {
            const std::vector<double> widened(got.data(), got.data() + kLength);
            const double err = normwise_error(widened, want);
            worst = std::max(worst, err);
            if (err <= tolerance)
                return;
            std::size_t at = 0;
            for (std::size_t i = 0; i < kLength; ++i)
                if (!(std::abs(widened[i] - want[i]) <= std::abs(widened[at] - want[at])))
                    at = i;
            fail("{} with {}: {} step {}: {} differs from the reference by {:.3g} relative to its largest value "
                 "(allowed {:.3g}); {}[{}] = {} vs {} ({}); see the equations in cgp/reference_optimizers.hpp",
                 algorithm.name, label, type_name<T>(), t, what, err, tolerance, what, at, num(widened[at]),
                 num(want[at]), format_hparams(stepper.plugin(), stepper.hparams()));
        };
        compare(plugin_run.params, params, "params");
        for (std::size_t k = 0; k < states; ++k)
            compare(plugin_run.state[k], state[k], fmt::format("state {} ({})", k, algorithm.state_names[k]));
    }
    return worst;
}

} // namespace

Outcome check_reference_trajectory(const Plugin& plugin)
{
    if (plugin.algorithm().empty())
        return skip("the descriptor names no reference algorithm (algorithm is NULL)");
    const reference::Algorithm* algorithm = reference::find_algorithm(plugin.algorithm());
    if (algorithm == nullptr)
        return skip(fmt::format("no reference for '{}' in this cgp", plugin.algorithm()));
    for (std::string_view name : algorithm->required)
        if (plugin.find_hparam(name) < 0)
            fail("algorithm '{}' needs the hyperparameters {}; the plugin has no '{}'", algorithm->name,
                 fmt::join(algorithm->required, ", "), name);

    struct Set {
        std::string label;
        std::vector<double> values;
    };
    std::vector<Set> sets = {{"the defaults", plugin.defaults()}};
    std::string second_set_note;
    {
        std::vector<double> values = plugin.defaults();
        for (const auto& [name, value] : varied_values(algorithm->name))
            if (const int i = plugin.find_hparam(name); i >= 0)
                values[static_cast<std::size_t>(i)] = value;
        try {
            plugin.validate(values);
            sets.push_back({format_hparams(plugin, values), values});
        } catch (const Error& e) {
            second_set_note = fmt::format("; the second set was refused ({})", e.what());
        }
    }
    double worst64 = 0.0, worst32 = 0.0;
    for (const Set& set : sets) {
        const Stepper stepper(plugin, set.values);
        if (stepper.state_count() != algorithm->state_names.size())
            fail("{} keeps {} state arrays ({}), the plugin declares {} with {}", algorithm->name,
                 algorithm->state_names.size(), fmt::join(algorithm->state_names, ", "), stepper.state_count(),
                 set.label);
        worst64 = std::max(worst64, follow_reference<double>(stepper, *algorithm, set.label));
        worst32 = std::max(worst32, follow_reference<float>(stepper, *algorithm, set.label));
    }
    return pass(fmt::format("{}: {} steps with the defaults{}: parameters and state match the reference (largest "
                            "relative difference f64 {:.2g}, f32 {:.2g}){}",
                            algorithm->name, kSteps, sets.size() > 1 ? " and with " + sets[1].label : "", worst64,
                            worst32, second_set_note));
}

} // namespace cgp::conformance
