// Check "reference_trajectory": a plugin whose descriptor names an algorithm this cgp has a reference
// for (cgp/reference_optimizers.hpp; any other name skips the check) follows the host's double-precision
// reference for 20 steps of random gradients: parameters and every state array after every step, each
// step within a few ULP of the reference's step from the plugin's previous values. Also single steps at
// t = 1000, 10^6 and 2^40 from the state the reference reaches, and a 1500-step run at the defaults, so
// late and t-dependent mistakes show. Run with the defaults, a second set of non-default values, and
// random values of every hyperparameter.
#include "check_support.hpp"
#include "checks.hpp"

#include "reference_optimizers.hpp"

#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace cgp::conformance {

namespace {

constexpr std::size_t kLength = 67;
constexpr std::uint64_t kSteps = 20;
constexpr std::uint64_t kLongRun = 1500;
constexpr std::uint64_t kLateSteps[] = {1'000, 1'000'000, std::uint64_t{1} << 40};
constexpr std::size_t kRandomSets = 3;
constexpr double kUlpPerStep = 16;

// Values away from the defaults, to catch a plugin that hard-codes them.
reference::HyperParams varied_values(std::string_view algorithm)
{
    if (algorithm == "sgd")
        return {{"lr", 0.1}};
    if (algorithm == "sgd-momentum")
        return {{"lr", 0.05}, {"momentum", 0.5}};
    if (algorithm == "adagrad")
        return {{"lr", 0.05},  {"lr_decay", 0.01}, {"weight_decay", 0.1}, {"initial_accumulator_value", 0.5},
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

// Where a comparison starts: parameters and state, each value representable in the plugin's type, and
// the step numbers to take from there.
struct Start {
    std::vector<double> params;
    std::vector<std::vector<double>> state;
    std::vector<double> run;          // the run state (cgp.run_state/1) of an algorithm that keeps one
    std::vector<std::uint64_t> steps; // t of each step, in order
    std::string what;                 // "20 steps", "one step at t = 1000000 from a reference state"
};

// Random parameters and the algorithm's starting state (zero unless it declares one), then steps
// 1..count.
Start from_the_beginning(const reference::Algorithm& algorithm, const reference::HyperParams& hp, std::uint64_t count,
                         Rng& rng)
{
    Start s;
    s.params.resize(kLength);
    for (double& x : s.params)
        x = rng.normal();
    s.state.assign(reference::state_names(algorithm, hp).size(), std::vector<double>(kLength, 0.0));
    if (algorithm.initial != nullptr) {
        std::vector<std::span<double>> spans(s.state.begin(), s.state.end());
        algorithm.initial(hp, s.params, spans);
    }
    s.run = reference::initial_run_state(algorithm, hp);
    for (std::uint64_t t = 1; t <= count; ++t)
        s.steps.push_back(t);
    s.what = fmt::format("{} steps", count);
    return s;
}

// The state the reference reaches after 20 steps, then one step at t: catches corrections that depend
// on t (bias corrections, schedules) and go wrong only late, such as pow() of a t cast to 32 bits.
Start late_step(const reference::Algorithm& algorithm, const reference::HyperParams& hp, std::uint64_t t, Rng& rng)
{
    Start s = from_the_beginning(algorithm, hp, 0, rng);
    std::vector<std::span<double>> spans(s.state.begin(), s.state.end());
    std::vector<double> grads(kLength);
    for (std::uint64_t k = 1; k <= kSteps; ++k) {
        fill_gradients(std::span<double>(grads), rng);
        reference::step(algorithm, hp, k, s.params, grads, spans, s.run);
    }
    s.steps = {t};
    s.what = fmt::format("one step at t = {} from the state after {} steps", t, kSteps);
    return s;
}

template <class T>
void round_to(std::vector<double>& values)
{
    for (double& x : values)
        x = static_cast<double>(static_cast<T>(x));
}

// The largest magnitude of a value of T: a result beyond it is correctly infinite in T.
template <class T>
bool beyond_range(const std::vector<double>& values)
{
    for (double x : values)
        if (!(std::abs(x) <= static_cast<double>(std::numeric_limits<T>::max())))
            return true;
    return false;
}

// Largest relative differences over the steps of `start`: each step is compared with the reference
// stepped from the plugin's own previous parameters and state (one step, so rounding differences do
// not compound: dynamics that grow by a large factor per step, such as p *= 1 - lr*weight_decay at
// large values, amplify earlier rounding, never an equation's error), within kUlpPerStep ULP of the
// largest value; the free-running difference (the plugin's run beside the reference's own run) is
// reported. A comparison stops where the reference leaves T's range (an infinite result there is
// correct); `stopped` then says where.
struct Followed {
    double one_step = 0.0, free_running = 0.0;
    std::string stopped;
};

template <class T>
Followed follow_reference(const Stepper& stepper, const reference::Algorithm& algorithm, const std::string& label,
                          Start start, std::uint64_t seed)
{
    note_progress(
        fmt::format("{} of {} beside the reference, {}, {}", start.what, type_name<T>(), algorithm.name, label));
    const reference::HyperParams hp = by_name(stepper.plugin(), stepper.hparams());
    const std::vector<std::string_view> names = reference::state_names(algorithm, hp);
    const std::size_t states = names.size();
    round_to<T>(start.params);
    for (auto& s : start.state)
        round_to<T>(s);
    Arrays<T> plugin_run(kLength, states);
    for (std::size_t i = 0; i < kLength; ++i) {
        plugin_run.params[i] = static_cast<T>(start.params[i]);
        for (std::size_t k = 0; k < states; ++k)
            plugin_run.state[k][i] = static_cast<T>(start.state[k][i]);
    }
    const std::size_t plugin_run_values = stepper.run_state().run.size() + stepper.run_state().tensor.size();
    if (plugin_run_values != start.run.size())
        fail("{} keeps {} run state values ({}), the plugin declares {} through cgp.run_state/1", algorithm.name,
             start.run.size(), fmt::join(algorithm.run_state_names, ", "), plugin_run_values);
    plugin_run.run = start.run; // the run state the plugin steps from (reset at t = 1 as a run starts)
    std::vector<double>& params = start.params;
    std::vector<double> grads(kLength);
    std::vector<std::span<double>> state_spans(start.state.begin(), start.state.end());
    // The reference's one step from the plugin's previous values.
    std::vector<double> one_params(kLength);
    std::vector<std::vector<double>> one_state(states, std::vector<double>(kLength));
    std::vector<std::span<double>> one_spans(one_state.begin(), one_state.end());
    std::vector<double> one_run;
    Rng rng(seed);
    Followed result;
    const double tolerance = kUlpPerStep * std::numeric_limits<T>::epsilon();
    for (std::size_t step = 0; step < start.steps.size(); ++step) {
        const std::uint64_t t = start.steps[step];
        fill_gradients(plugin_run.grads.span(), rng);
        grads.assign(plugin_run.grads.data(), plugin_run.grads.data() + kLength);
        one_params.assign(plugin_run.params.data(), plugin_run.params.data() + kLength);
        for (std::size_t k = 0; k < states; ++k)
            one_state[k].assign(plugin_run.state[k].data(), plugin_run.state[k].data() + kLength);
        const std::vector<double> params_before = one_params;
        const std::vector<std::vector<double>> state_before = one_state;
        one_run = t == 1 ? reference::initial_run_state(algorithm, hp) : plugin_run.run;
        const std::vector<double> run_before = one_run;
        stepper.step(t, false, plugin_run);
        reference::step(algorithm, hp, t, one_params, grads, one_spans, one_run);
        bool left = beyond_range<T>(one_params);
        for (const auto& s : one_state)
            left = left || beyond_range<T>(s);
        if (left) {
            result.stopped = fmt::format("{} {}, {}: from step t = {} on the reference's values exceed {}'s range",
                                         type_name<T>(), label, start.what, t, type_name<T>());
            return result;
        }
        // Relative to the largest value before or after the step: a step that cancels most of a large value
        // leaves the rounding of the large terms in a small result.
        auto compare = [&](const AlignedArray<T>& got, const std::vector<double>& want, const std::vector<double>& run,
                           const std::vector<double>& before, const std::string& what) {
            const std::vector<double> widened(got.data(), got.data() + kLength);
            result.free_running = std::max(result.free_running, normwise_error(widened, run));
            double scale = 0.0, diff = 0.0;
            for (std::size_t i = 0; i < kLength; ++i) {
                scale = std::max({scale, std::abs(want[i]), std::abs(before[i])});
                const double d = std::abs(widened[i] - want[i]);
                diff = std::isnan(d) ? std::numeric_limits<double>::infinity() : std::max(diff, d);
            }
            const double err = scale > 0 ? diff / scale : diff;
            result.one_step = std::max(result.one_step, err);
            if (err <= tolerance)
                return;
            std::size_t at = 0;
            for (std::size_t i = 0; i < kLength; ++i)
                if (!(std::abs(widened[i] - want[i]) <= std::abs(widened[at] - want[at])))
                    at = i;
            fail("{} with {}, {}: {} step t = {}: {} differs from the reference's step from the same values by {:.3g} "
                 "relative to its largest value before or after the step (allowed {:.3g}); {}[{}] = {} vs {} ({}); see "
                 "the equations in "
                 "cgp/reference_optimizers.hpp",
                 algorithm.name, label, start.what, type_name<T>(), t, what, err, tolerance, what, at, num(widened[at]),
                 num(want[at]), format_hparams(stepper.plugin(), stepper.hparams()));
        };
        // The run state is double whatever T is: within kUlpPerStep ULP of double.
        auto compare_run_value = [&](double got, double want, double before, const std::string& what) {
            const double scale = std::max(std::abs(want), std::abs(before));
            const double d = std::abs(got - want);
            const double err = std::isnan(d) ? std::numeric_limits<double>::infinity() : scale > 0 ? d / scale : d;
            if (err <= kUlpPerStep * std::numeric_limits<double>::epsilon())
                return;
            fail("{} with {}, {}: {} step t = {}: {} is {} where the reference's step from the same values gives {} "
                 "({:.3g} relative; {}); see the equations in cgp/reference_optimizers.hpp",
                 algorithm.name, label, start.what, type_name<T>(), t, what, num(got), num(want), err,
                 format_hparams(stepper.plugin(), stepper.hparams()));
        };
        reference::step(algorithm, hp, t, params, grads, state_spans, start.run);
        compare(plugin_run.params, one_params, params, params_before, "params");
        for (std::size_t k = 0; k < states; ++k)
            compare(plugin_run.state[k], one_state[k], start.state[k], state_before[k],
                    fmt::format("state {} ({})", k, names[k]));
        for (std::size_t j = 0; j < one_run.size(); ++j)
            compare_run_value(plugin_run.run[j], one_run[j], run_before[j],
                              fmt::format("run state {} ({})", j, algorithm.run_state_names[j]));
    }
    return result;
}

void merge(Followed& into, const Followed& more)
{
    into.one_step = std::max(into.one_step, more.one_step);
    into.free_running = std::max(into.free_running, more.free_running);
    if (into.stopped.empty())
        into.stopped = more.stopped;
}

// Every comparison for one hyperparameter set: 20 steps, single late steps, and (at the defaults) a
// long run.
template <class T>
Followed follow_everywhere(const Stepper& stepper, const reference::Algorithm& algorithm, const std::string& label,
                           bool long_run)
{
    const reference::HyperParams hp = by_name(stepper.plugin(), stepper.hparams());
    Rng rng(41);
    Followed worst = follow_reference<T>(stepper, algorithm, label, from_the_beginning(algorithm, hp, kSteps, rng), 42);
    for (std::uint64_t t : kLateSteps)
        merge(worst, follow_reference<T>(stepper, algorithm, label, late_step(algorithm, hp, t, rng), t));
    if (long_run)
        merge(worst,
              follow_reference<T>(stepper, algorithm, label, from_the_beginning(algorithm, hp, kLongRun, rng), 43));
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
    // Random values of every hyperparameter, the plugin's extra options included.
    const std::vector<HparamSet> random = hparam_sets(plugin, kRandomSets);
    for (auto it = random.end() - static_cast<std::ptrdiff_t>(std::min(kRandomSets, random.size() - 1));
         it != random.end(); ++it)
        if (it->label.starts_with("random"))
            sets.push_back({it->label, it->values});
    Followed worst64, worst32;
    for (const Set& set : sets) {
        const Stepper stepper(plugin, set.values);
        const std::vector<std::string_view> names = reference::state_names(*algorithm, by_name(plugin, set.values));
        if (stepper.state_count() != names.size())
            fail("{} keeps {} state arrays ({}), the plugin declares {} with {}", algorithm->name, names.size(),
                 fmt::join(names, ", "), stepper.state_count(), set.label);
        const bool long_run = &set == &sets.front();
        merge(worst64, follow_everywhere<double>(stepper, *algorithm, set.label, long_run));
        merge(worst32, follow_everywhere<float>(stepper, *algorithm, set.label, long_run));
    }
    std::string stopped;
    for (const Followed* f : {&worst64, &worst32})
        if (!f->stopped.empty())
            stopped += fmt::format("; compared until the run left the type's range ({})", f->stopped);
    return pass(fmt::format("{}: {} steps, and single steps at t = 1000, 10^6 and 2^40 from a reference state, with "
                            "the defaults{} and {} random sets of every hyperparameter; {} steps with the defaults: "
                            "parameters and state of every step match the reference's step from the same values "
                            "(largest relative difference f64 {:.2g}, f32 {:.2g}; free-running f64 {:.2g}, f32 "
                            "{:.2g}){}{}",
                            algorithm->name, kSteps,
                            sets.size() > 1 && !sets[1].label.starts_with("random") ? ", with " + sets[1].label : "",
                            kRandomSets, kLongRun, worst64.one_step, worst32.one_step, worst64.free_running,
                            worst32.free_running, second_set_note, stopped));
}

} // namespace cgp::conformance
