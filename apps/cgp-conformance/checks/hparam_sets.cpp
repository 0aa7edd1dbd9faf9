// The hyperparameter sets of the per-step checks: defaults, range endpoints and seeded random sets.
#include "hparam_sets.hpp"

#include "check_support.hpp"

#include <cgp/data/rng.hpp>
#include <cgp/io/error.hpp>

#include <cmath>
#include <limits>

namespace cgp::conformance {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

bool integer(const HyperParam& h)
{
    return (h.flags & CGP_HPARAM_INTEGER) != 0;
}

// A range spans decades when its ends (or, from 0, its upper end and its default) are 100 or more
// apart: random values then come log-uniform, so small and large values are both tried.
bool spans_decades(const HyperParam& h)
{
    if (integer(h) || !(h.max_value > 0))
        return false;
    if (h.min_value > 0)
        return h.max_value / h.min_value >= 100;
    return h.min_value == 0 && h.default_value > 0 && h.max_value / h.default_value >= 100;
}

double random_value(const HyperParam& h, Rng& rng)
{
    const double lo = lowest_accepted(h), hi = highest_accepted(h);
    if (integer(h))
        return lo + std::floor(rng.uniform() * (hi - lo + 1));
    if (spans_decades(h)) {
        // From 0, start four decades below the default.
        const double floor = lo > 0 ? lo : h.default_value * 1e-4;
        const double v = std::exp(rng.uniform(std::log(floor), std::log(hi)));
        return std::min(std::max(v, lo), hi);
    }
    return std::min(std::max(rng.uniform(lo, hi), lo), hi);
}

bool accepted(const Plugin& plugin, const std::vector<double>& values)
{
    try {
        plugin.validate(values);
        return true;
    } catch (const Error&) {
        return false;
    }
}

} // namespace

double lowest_accepted(const HyperParam& h)
{
    const double v = (h.flags & CGP_HPARAM_MIN_EXCLUSIVE) ? std::nextafter(h.min_value, kInf) : h.min_value;
    return integer(h) ? std::ceil(v) : v;
}

double highest_accepted(const HyperParam& h)
{
    const double v = (h.flags & CGP_HPARAM_MAX_EXCLUSIVE) ? std::nextafter(h.max_value, -kInf) : h.max_value;
    return integer(h) ? std::floor(v) : v;
}

const HparamSet& long_array_set(const Plugin& plugin, const std::vector<HparamSet>& sets,
                                const std::vector<double>& seconds, std::size_t length)
{
    const HparamSet* cheapest = nullptr;
    const HparamSet* fewest = &sets.front();
    for (std::size_t i = 0; i < sets.size(); ++i) {
        const std::size_t arrays = plugin.state_count(sets[i].values);
        if (arrays < plugin.state_count(fewest->values))
            fewest = &sets[i];
        if (arrays * length * sizeof(double) <= kLongArrayBytes &&
            (cheapest == nullptr || seconds.at(i) < seconds.at(static_cast<std::size_t>(cheapest - sets.data()))))
            cheapest = &sets[i];
    }
    return cheapest != nullptr ? *cheapest : *fewest;
}

HparamSet default_set(const Plugin& plugin)
{
    return {"the defaults", plugin.defaults()};
}

std::vector<HparamSet> hparam_sets(const Plugin& plugin, std::size_t random_sets)
{
    std::vector<HparamSet> sets = {default_set(plugin)};
    const std::vector<double> defaults = plugin.defaults();
    auto add = [&](std::string label, std::vector<double> values) {
        for (const HparamSet& s : sets)
            if (s.values == values)
                return;
        if (accepted(plugin, values))
            sets.push_back({std::move(label), std::move(values)});
    };
    for (std::size_t i = 0; i < plugin.hparams().size(); ++i) {
        const HyperParam& h = plugin.hparams()[i];
        for (const auto& [value, end] :
             {std::pair{lowest_accepted(h), "lower end"}, std::pair{highest_accepted(h), "upper end"}}) {
            if (!std::isfinite(value))
                continue;
            std::vector<double> v = defaults;
            v[i] = value;
            add(fmt::format("{}={} (its {})", h.name, value, end), std::move(v));
        }
    }
    Rng rng(2027);
    for (std::size_t k = 1; k <= random_sets && !plugin.hparams().empty(); ++k) {
        std::vector<double> v;
        for (const HyperParam& h : plugin.hparams())
            v.push_back(random_value(h, rng));
        std::string label = fmt::format("random set {}: {}", k, format_hparams(plugin, v)); // before v moves
        add(std::move(label), std::move(v));
    }
    return sets;
}

} // namespace cgp::conformance
