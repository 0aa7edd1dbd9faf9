// cgp/training/schedule.hpp: schedules of a hyperparameter (--schedule lr=warmup(500)+cosine(min=1e-5)):
// their spelling, their closed forms (torch.optim.lr_scheduler's, stepped once per optimizer step)
// and reduce-on-plateau's state (stepped once per loss record).
//
// Steps: the value at optimizer step t = 1, 2, ... is torch's value after t-1 calls of
// scheduler.step(), i.e. at torch's epoch e = t - 1 (torch steps once per epoch; cgp once per step).
// `base` is the hyperparameter's option value. T is `steps=` when given, else the planned steps
// (--iterations) minus the warmup. With warmup(W): steps t <= W use the warmup's factor and the
// schedule starts after it, at its own e = t - 1 - W.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace cgp {

enum class ScheduleKind { Constant, Step, MultiStep, Exponential, Cosine, Polynomial, Linear, OneCycle, Plateau };

struct Schedule {
    std::string hparam; // as written before '=' ("lr"); "lr" when left out
    std::string text;   // the spelling after '=', as written
    ScheduleKind kind = ScheduleKind::Constant;
    std::uint64_t warmup = 0;                      // warmup(W): steps of linear warmup before the schedule
    double warmup_from = 0.0;                      // ... starting at this fraction of base
    std::uint64_t size = 0;                        // step(size)
    std::vector<std::uint64_t> milestones;         // multistep(m1, m2, ...)
    double gamma = 0.1;                            // step, multistep, exponential
    double min = 0.0;                              // cosine's eta_min; plateau's min_lr
    std::uint64_t steps = 0;                       // cosine, polynomial, onecycle horizon; linear's length (0: planned)
    double power = 1.0;                            // polynomial
    double from = 0.0, to = 0.0;                   // linear (absolute values)
    double pct = 0.3, div = 25.0, final_div = 1e4; // onecycle: pct_start, div_factor, final_div_factor
    double factor = 0.1, threshold = 1e-4;         // plateau
    std::uint64_t patience = 10, cooldown = 0;     // plateau

    // The schedule's canonical spelling with every argument, e.g. "warmup(500)+cosine(min=1e-05,steps=19500)"
    // for a horizon already resolved; equal spellings, equal values.
    std::string canonical() const;
};

// The kinds' names, for messages: "constant step multistep ...".
std::string schedule_kinds();

// Parses "[NAME=]SPELLING". Throws SourceError (origin, column, caret) for a malformed spelling, an
// unknown kind (listing the kinds) or wrong arguments.
Schedule parse_schedule(std::string_view text, const std::string& origin = "--schedule");

// The schedule with its horizon resolved for `planned` optimizer steps (steps = planned - warmup
// when not given). Throws cgp::Error when the warmup does not fit in the planned steps.
Schedule resolve_schedule(Schedule s, std::uint64_t planned);

// The value at optimizer step t >= 1 of a resolved schedule (plateau: `plateau_value`, its current
// value, after warmup).
double schedule_value(const Schedule& s, double base, std::uint64_t t, double plateau_value);

// Steps at which the closed form may change direction or jump (sorted, within [1, planned]): between
// two consecutive ones, the value is monotone, so a range check needs only the ends and a bisection.
std::vector<std::uint64_t> schedule_breakpoints(const Schedule& s, std::uint64_t planned);

// ReduceLROnPlateau(mode='min', threshold_mode='rel', eps=1e-8), stepped with each loss record.
struct PlateauState {
    double best = 0.0;          // +inf before the first record
    std::uint64_t bad = 0;      // num_bad_epochs
    std::uint64_t cooldown = 0; // cooldown_counter
    double value = 0.0;         // the current value (starts at base)
};
PlateauState plateau_start(double base);
void plateau_step(const Schedule& s, PlateauState& st, double loss) noexcept;

} // namespace cgp
