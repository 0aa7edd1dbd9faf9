// search.hpp: random search over declared distributions (--search KEY=KIND(ARGS)), with
// counter-based random numbers: trial t of an optimizer on a problem draws the same values whatever
// the thread count, the order trials run in, or the machine.
//
//   lr=loguniform(1e-5,1)   beta1=uniform(0.5,0.999)   steps=int(1,4)   nesterov=choice(0,1)
//
// A distribution applies to the optimizers that have the hyperparameter (as a --grid axis does).
#pragma once

#include <cgp/host/plugin.hpp>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace cgp::sweep {

enum class DistKind { LogUniform, Uniform, Int, Choice };

struct Distribution {
    std::string key; // canonical hyperparameter spelling ("lr", "eps-inside-sqrt")
    DistKind kind = DistKind::Uniform;
    double lo = 0.0, hi = 0.0;        // loguniform, uniform: [lo, hi); int: {lo, ..., hi}
    std::vector<std::string> choices; // choice: the values as written
    std::string text;                 // as written: "lr=loguniform(1e-5,1)"
};

// Parses one --search option. Throws cgp::SourceError ("--search:1:COLUMN: error: ...", with a
// caret) for a malformed one.
Distribution parse_distribution(const std::string& text, const std::string& origin = "--search");

// Checks that every distribution names a hyperparameter of at least one optimizer and stays inside
// the range of each optimizer it applies to (a whole-number hyperparameter takes int or choice of
// whole numbers); throws cli::UsageError naming the option.
void check_distributions(const std::vector<Distribution>& dists,
                         const std::vector<std::shared_ptr<const Plugin>>& optimizers);

bool applies(const Distribution& d, const Plugin& plugin);

// Checks every configuration the search draws (budget trials per optimizer and problem) with the
// optimizer's own validation, so a draw it refuses (a bound it excludes, a combination it rejects)
// stops the benchmark before anything runs; throws cli::UsageError naming the trial and the draw.
void check_draws(const std::vector<Distribution>& dists, const std::vector<std::shared_ptr<const Plugin>>& optimizers,
                 std::uint64_t seed, const std::vector<std::string>& problems, std::size_t budget);

// A value drawn from the distribution at u in [0, 1): the number and its text for tables.
struct Drawn {
    double number = 0.0;
    std::string text;
};
Drawn draw(const Distribution& d, double u);

// Counter-based random numbers: a pure function of the key (SplitMix64 finalizer over the words).
std::uint64_t mix64(std::initializer_list<std::uint64_t> words) noexcept;
// The FNV-1a hash of a text, to put names (problem, optimizer) into keys.
std::uint64_t text_key(std::string_view text) noexcept;
// A uniform double in [0, 1) from a key.
double unit_interval(std::uint64_t bits) noexcept;

// The hyperparameters of trial `trial`: the plugin's defaults with each applying distribution
// drawn at the counter (seed, problem, optimizer, trial, distribution index).
struct TrialConfig {
    std::vector<double> hparams;                             // in the plugin's order
    std::vector<std::pair<std::string, std::string>> values; // the drawn values (key, text)
};
TrialConfig sample_trial(const std::vector<Distribution>& dists, const Plugin& plugin, std::uint64_t seed,
                         std::string_view problem, std::size_t trial);

} // namespace cgp::sweep
