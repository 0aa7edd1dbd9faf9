// Checks "zero_gradient", "descent" and "nonfinite_gradients": what the update does to a loss. A zero
// gradient must move nothing, or exactly what the plugin declares (a reference algorithm's movement, or
// decoupled weight decay through a hyperparameter flagged CGP_HPARAM_DECOUPLED_DECAY); a few steps must
// go downhill; NaN or infinite gradients must not crash the plugin at any hyperparameter set (what they do to the
// parameters is reported, not judged).
#include "check_support.hpp"
#include "checks.hpp"
#include "problems.hpp"
#include "reference_optimizers.hpp"

#include <cmath>
#include <limits>
#include <tuple>

namespace cgp::conformance {

namespace {

// What a zero gradient from the starting state may do to the parameters. A plugin that claims a
// reference algorithm moves exactly as that reference does with g = 0 (from the reference's initial
// state and run state); one that claims none but flags a hyperparameter CGP_HPARAM_DECOUPLED_DECAY
// declares decoupled weight decay, p <- p - lr*decay*p (p <- p*(1 - decay) without an lr); any other
// plugin must leave the parameters as they are. The flag, not a name, is the declaration: a decay that
// acts otherwise (schedule-free's, at y inside a normalised direction) may be named weight_decay. A
// plugin built before ABI 1.3, which had no flag, declared it by naming the hyperparameter weight_decay.
struct StillMotion {
    const reference::Algorithm* algorithm = nullptr; // moves as this reference does
    int lr = -1, decay = -1;                         // else decoupled decay, when decay >= 0
    std::string decay_name, declaration;             // the decay's hyperparameter and how it was declared

    std::string declared() const
    {
        if (algorithm != nullptr)
            return fmt::format("the reference '{}'", algorithm->name);
        if (decay >= 0)
            return lr >= 0 ? fmt::format("decoupled weight decay ({}): p <- p - lr*{}*p", declaration, decay_name)
                           : fmt::format("decoupled weight decay ({}): p <- p*(1 - {})", declaration, decay_name);
        return "no movement";
    }
};

// The hyperparameter that declares decoupled weight decay, and how (-1 when none does).
std::pair<int, std::string> declared_decay(const Plugin& plugin)
{
    for (std::size_t i = 0; i < plugin.hparams().size(); ++i)
        if (plugin.hparams()[i].flags & CGP_HPARAM_DECOUPLED_DECAY)
            return {static_cast<int>(i), "flagged CGP_HPARAM_DECOUPLED_DECAY"};
    if (plugin.abi_minor() < 3)
        return {plugin.find_hparam("weight_decay"),
                "named weight_decay by an ABI 1." + std::to_string(plugin.abi_minor()) + " plugin"};
    return {-1, ""};
}

StillMotion still_motion(const Plugin& plugin)
{
    StillMotion m;
    if (const reference::Algorithm* a = reference::find_algorithm(plugin.algorithm())) {
        bool complete = true;
        for (std::string_view name : a->required)
            complete = complete && plugin.find_hparam(name) >= 0;
        if (complete && plugin.state_count(plugin.defaults()) == a->state_names.size()) {
            m.algorithm = a;
            return m;
        }
    }
    std::tie(m.decay, m.declaration) = declared_decay(plugin);
    if (m.decay >= 0)
        m.decay_name = plugin.hparams()[static_cast<std::size_t>(m.decay)].name;
    m.lr = plugin.find_hparam("lr");
    return m;
}

// The parameters after each of `steps` zero-gradient steps from p0 (in double), as declared.
std::vector<std::vector<double>> expected_still(const StillMotion& motion, const Plugin& plugin,
                                                const std::vector<double>& hp, std::vector<double> p,
                                                std::uint64_t steps)
{
    std::vector<std::vector<double>> out;
    const std::vector<double> zero(p.size(), 0.0);
    std::vector<std::vector<double>> state;
    reference::HyperParams named;
    for (std::size_t i = 0; i < hp.size(); ++i)
        named[plugin.hparams()[i].name] = hp[i];
    std::vector<double> run;
    if (motion.algorithm != nullptr) {
        state.assign(reference::state_names(*motion.algorithm, named).size(), std::vector<double>(p.size(), 0.0));
        run = reference::initial_run_state(*motion.algorithm, named);
    }
    std::vector<std::span<double>> spans(state.begin(), state.end());
    if (motion.algorithm != nullptr && motion.algorithm->initial != nullptr)
        motion.algorithm->initial(named, p, spans);
    for (std::uint64_t t = 1; t <= steps; ++t) {
        if (motion.algorithm != nullptr) {
            reference::step(*motion.algorithm, named, t, p, zero, spans, run);
        } else if (motion.decay >= 0) {
            const double rate = hp[static_cast<std::size_t>(motion.decay)] *
                                (motion.lr >= 0 ? hp[static_cast<std::size_t>(motion.lr)] : 1.0);
            for (double& x : p)
                x = x - rate * x;
        }
        out.push_back(p);
    }
    return out;
}

template <class T>
void check_still(const Stepper& stepper, const StillMotion& motion, bool scalar)
{
    constexpr std::size_t n = 67;
    constexpr std::uint64_t kSteps = 20;
    note_progress(fmt::format("{} steps of zero gradient, {} {} path", kSteps, type_name<T>(), path_name(scalar)));
    Rng rng(21);
    Arrays<T> a(n, stepper.state_count());
    fill_normal(a.params.span(), rng);
    const std::vector<T> start(a.params.data(), a.params.data() + n);
    const auto expected = expected_still(motion, stepper.plugin(), stepper.hparams(),
                                         std::vector<double>(start.begin(), start.end()), kSteps);
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        stepper.step(t, scalar, a);
        const std::vector<double>& want = expected[t - 1];
        double scale = 0.0;
        for (double x : want)
            scale = std::max(scale, std::abs(x));
        const double tolerance = 16.0 * static_cast<double>(t) * std::numeric_limits<T>::epsilon() * scale;
        for (std::size_t i = 0; i < n; ++i) {
            const bool still = want[i] == static_cast<double>(start[i]);
            const bool ok = still ? ulp_distance(a.params[i], start[i]) == 0
                                  : std::abs(static_cast<double>(a.params[i]) - want[i]) <= tolerance;
            if (ok)
                continue;
            if (motion.algorithm == nullptr && motion.decay < 0)
                fail("{} {} path: params[{}] moved from {} to {} at step {} with a zero gradient (from the starting "
                     "state); with no gradient the update must leave the parameters as they are (a plugin with "
                     "decoupled weight decay declares it by flagging that hyperparameter CGP_HPARAM_DECOUPLED_DECAY, "
                     "or by claiming a reference algorithm that decays)",
                     type_name<T>(), path_name(scalar), i, num(start[i]), num(a.params[i]), t);
            fail("{} {} path: with a zero gradient (from the starting state) params[{}] went from {} to {} at step "
                 "{}; the declared movement, {}, takes it to {}",
                 type_name<T>(), path_name(scalar), i, num(start[i]), num(a.params[i]), t, motion.declared(),
                 num(want[i]));
        }
    }
}

// The defaults, and for a plugin with a weight decay (the declared one, else a hyperparameter named
// weight_decay) also that decay at 0 and at a positive value.
std::vector<HparamSet> still_sets(const Plugin& plugin, const StillMotion& motion)
{
    std::vector<HparamSet> sets = {default_set(plugin)};
    const int wd = motion.decay >= 0 ? motion.decay : plugin.find_hparam("weight_decay");
    if (wd < 0)
        return sets;
    const HyperParam& h = plugin.hparams()[static_cast<std::size_t>(wd)];
    const double positive =
        h.default_value > 0 ? std::min(highest_accepted(h), h.default_value * 10) : std::min(highest_accepted(h), 0.05);
    for (double value : {0.0, positive}) {
        auto hp = defaults_with(plugin, h.name, value);
        if (value == h.default_value || !hp)
            continue;
        try {
            plugin.validate(*hp);
            sets.push_back({fmt::format("{}={}", h.name, value), std::move(*hp)});
        } catch (const Error&) {
            // refused by the range or validate(): nothing to try
        }
    }
    return sets;
}

// Loss before and after kSteps steps on the problem, in precision T.
template <class T>
std::pair<double, double> descend(const Stepper& stepper, const Problem& problem, std::uint64_t steps)
{
    const std::vector<double> x0 = problem.initial_point();
    const std::size_t n = x0.size();
    Arrays<T> a(n, stepper.state_count());
    for (std::size_t i = 0; i < n; ++i)
        a.params[i] = static_cast<T>(x0[i]);
    std::vector<double> x(n), g(n);
    auto current = [&] {
        for (std::size_t i = 0; i < n; ++i)
            x[i] = a.params[i];
    };
    current();
    const double before = problem.loss(x);
    if (ClosureHost* closure = stepper.closure()) // the plugin evaluates the quadratic itself
        closure->set_objective([&](std::span<const double> at, std::span<double> grad) {
            problem.gradient(at, grad);
            return problem.loss(at);
        });
    for (std::uint64_t t = 1; t <= steps; ++t) {
        problem.gradient(x, g);
        for (std::size_t i = 0; i < n; ++i)
            a.grads[i] = static_cast<T>(g[i]);
        stepper.step(t, false, a);
        current();
    }
    return {before, problem.loss(x)};
}

const char* classify(double before, double after)
{
    if (std::isnan(after))
        return "NaN";
    if (std::isinf(after))
        return after > 0 ? "+inf" : "-inf";
    return after == before ? "unchanged" : "finite";
}

// One step with NaN, +inf and -inf gradients at elements 1, 2, 3, then finite steps; describes the result.
template <class T>
std::string nonfinite_run(const Stepper& stepper, bool scalar)
{
    constexpr std::size_t n = 16;
    constexpr std::uint64_t kSteps = 5;
    note_progress(
        fmt::format("stepping {} {} path with NaN, +inf and -inf gradients", type_name<T>(), path_name(scalar)));
    Rng rng(31);
    Arrays<T> a(n, stepper.state_count());
    fill_normal(a.params.span(), rng);
    Arrays<T> clean = a.clone();
    const std::vector<T> start(a.params.data(), a.params.data() + n);
    std::string first_step;
    std::string refused;
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        fill_gradients(a.grads.span(), rng);
        for (std::size_t i = 0; i < n; ++i)
            clean.grads[i] = a.grads[i];
        if (t == 1) {
            a.grads[1] = std::numeric_limits<T>::quiet_NaN();
            a.grads[2] = std::numeric_limits<T>::infinity();
            a.grads[3] = -std::numeric_limits<T>::infinity();
        }
        std::string message;
        const int status =
            stepper.try_step<T>(t, scalar, n, a.params.data(), a.grads.data(), a.state_ptrs.data(), message);
        if (status != CGP_OK && message.empty())
            fail("{} {} path: step {} returned error {} without a message", type_name<T>(), path_name(scalar), t,
                 status);
        if (status != CGP_OK && refused.empty())
            refused = fmt::format("step {} refused with error {}: {}", t, status, message);
        stepper.step(t, scalar, clean);
        if (t == 1)
            first_step =
                fmt::format("NaN gradient -> parameter {}, +inf -> {}, -inf -> {}", classify(start[1], a.params[1]),
                            classify(start[2], a.params[2]), classify(start[3], a.params[3]));
    }
    bool others_unaffected = true;
    for (std::size_t i = 0; i < n; ++i)
        if (i < 1 || i > 3)
            others_unaffected = others_unaffected && ulp_distance(a.params[i], clean.params[i]) == 0;
    return fmt::format("{} at step 1; after {} steps the other elements are {}{}", first_step, kSteps,
                       others_unaffected ? "unaffected" : "affected too (the update mixes elements)",
                       refused.empty() ? "; no error returned" : "; " + refused);
}

} // namespace

Outcome check_zero_gradient(const Plugin& plugin)
{
    const StillMotion motion = still_motion(plugin);
    const std::vector<HparamSet> sets = still_sets(plugin, motion);
    for_each_set(plugin, sets, [&](const HparamSet& set) {
        const Stepper stepper(plugin, set.values);
        for (bool scalar : {false, true}) {
            check_still<float>(stepper, motion, scalar);
            check_still<double>(stepper, motion, scalar);
        }
    });
    return pass(
        fmt::format("20 steps of zero gradient from the starting state (f32 and f64, both paths, {} hyperparameter "
                    "set{}) moved the parameters as declared: {} (bitwise still where it does not move)",
                    sets.size(), sets.size() == 1 ? "" : "s", motion.declared()));
}

Outcome check_descent(const Plugin& plugin)
{
    constexpr std::uint64_t kSteps = 20;
    const Stepper stepper(plugin, plugin.defaults());
    const auto problem = make_quadratic(67, 4);
    note_progress("descending the quadratic in f64");
    const auto [before64, after64] = descend<double>(stepper, *problem, kSteps);
    note_progress("descending the quadratic in f32");
    const auto [before32, after32] = descend<float>(stepper, *problem, kSteps);
    for (const auto& [type, before, after] :
         {std::tuple{"f64", before64, after64}, std::tuple{"f32", before32, after32}}) {
        if (!std::isfinite(after))
            fail("{}: {} steps with the defaults ({}) made the quadratic's loss {}: the update is not finite at the "
                 "defaults (a division by zero, a square root or logarithm of a negative number, or a default step "
                 "so large it overflows)",
                 type, kSteps, format_hparams(plugin, stepper.hparams()), after);
        if (!(after <= 100 * before))
            fail("{}: {} steps with the defaults ({}) took the quadratic's loss from {:.6g} to {:.6g}: the steps grow "
                 "without bound, so the update diverges at the defaults: a default step far too large for a "
                 "well-conditioned problem (check the default learning rate and the scale of the step), or a step "
                 "along the gradient instead of against it",
                 type, kSteps, format_hparams(plugin, stepper.hparams()), before, after);
        if (!(after < before))
            fail("{}: {} steps with the defaults ({}) took the quadratic's loss from {:.6g} to {:.6g}; the update "
                 "must move against the gradient (p -= ..., not p += ...)",
                 type, kSteps, format_hparams(plugin, stepper.hparams()), before, after);
    }
    return pass(fmt::format("{} steps with the defaults: loss {:.6g} -> {:.6g} (f64), {:.6g} -> {:.6g} (f32)", kSteps,
                            before64, after64, before32, after32));
}

Outcome check_nonfinite_gradients(const Plugin& plugin)
{
    const std::vector<HparamSet> sets = hparam_sets(plugin);
    std::string report;
    for_each_set(plugin, sets, [&](const HparamSet& set) {
        const Stepper stepper(plugin, set.values);
        const std::string r = nonfinite_run<double>(stepper, false);
        if (report.empty())
            report = r;
        nonfinite_run<double>(stepper, true);
        nonfinite_run<float>(stepper, false);
        nonfinite_run<float>(stepper, true);
    });
    return pass(fmt::format("no crash (f32 and f64, both paths, {} hyperparameter sets); f64 at the defaults: {}",
                            sets.size(), report));
}

} // namespace cgp::conformance
