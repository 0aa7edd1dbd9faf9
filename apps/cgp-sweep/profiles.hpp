// profiles.hpp: performance profiles of the optimizers across a benchmark's problems (from the
// median steps, or seconds, to the target) and sensitivity of the validation loss to each searched
// hyperparameter (DeepOBS's plot), as tables and figures.
#pragma once

#include "figures.hpp"
#include "scores.hpp"

#include <string>
#include <vector>

namespace cgp::sweep {

inline constexpr double kTauMax = 4.0; // the score's range of tau, as AlgoPerf

// The time a profile compares: steps (deterministic, the tables') or training seconds (AlgoPerf's
// wall-clock time, which counts the work of a step: line searches, extra gradients; machine-dependent).
enum class TimeTo { Steps, Seconds };

// times[p][o]: the median steps (or seconds) to the target (+inf when missed).
std::vector<std::vector<double>> target_times(const BenchSpec& spec, const std::vector<CellScore>& scores,
                                              TimeTo time = TimeTo::Steps);

// Optimizer, rho(tau) at tau = 1, 1.25, 1.5, 2, 4, and the score.
Table profile_table(const BenchSpec& spec, const std::vector<CellScore>& scores, TimeTo time = TimeTo::Steps);
// What the profile says: the optimizers ranked by score, the one with the best score, and the one
// fastest to the target on the most problems (named apart when they differ).
std::string profile_summary(const BenchSpec& spec, const std::vector<CellScore>& scores, TimeTo time = TimeTo::Steps);
// The same from the optimizers' names and their times[p][o] (profile_summary's text).
std::string profile_sentence(const std::vector<std::string>& names, const std::vector<std::vector<double>>& times);

// plots/profile.* (steps) or plots/profile_seconds.* (seconds).
SweepFigure profile_figure(const BenchSpec& spec, const std::vector<CellScore>& scores, TimeTo time = TimeTo::Steps);
// One figure per problem and searched hyperparameter: validation loss of every tuning trial of the
// first rung against the value, one curve per optimizer.
std::vector<SweepFigure> sensitivity_figures(const BenchSpec& spec, const BenchOutcome& outcome);
// One figure per problem: the mean test-loss curve of each optimizer's chosen configuration.
std::vector<SweepFigure> curve_figures(const BenchSpec& spec, const BenchOutcome& outcome);

} // namespace cgp::sweep
