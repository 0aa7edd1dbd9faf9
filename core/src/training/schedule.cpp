// Schedules: the spelling's parser (errors with a caret), the closed forms and reduce-on-plateau.
#include <cgp/io/error.hpp>
#include <cgp/training/schedule.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <numbers>

namespace cgp {
namespace {

// A count of steps from a double: negatives (and NaN) are 0, values past 2^53 are 2^53, so the
// conversion is always defined and sums of step counts cannot wrap.
std::uint64_t steps_of(double v) noexcept
{
    constexpr double kMax = 9007199254740992.0; // 2^53
    return v >= 1.0 ? static_cast<std::uint64_t>(v < kMax ? v : kMax) : 0u;
}

struct ArgSpec {
    const char* name;
    bool whole; // a whole number of steps
    bool required;
};

struct KindSpec {
    const char* name;
    ScheduleKind kind;
    std::vector<ArgSpec> args; // positional order
    bool variadic = false;     // multistep: any number of positional milestones
};

const std::vector<KindSpec>& kinds()
{
    static const std::vector<KindSpec> k{
        {"constant", ScheduleKind::Constant, {}},
        {"step", ScheduleKind::Step, {{"size", true, true}, {"gamma", false, false}}},
        {"multistep", ScheduleKind::MultiStep, {{"gamma", false, false}}, true},
        {"exponential", ScheduleKind::Exponential, {{"gamma", false, true}}},
        {"cosine", ScheduleKind::Cosine, {{"min", false, false}, {"steps", true, false}}},
        {"polynomial", ScheduleKind::Polynomial, {{"power", false, false}, {"steps", true, false}}},
        {"linear", ScheduleKind::Linear, {{"from", false, true}, {"to", false, true}, {"steps", true, true}}},
        {"onecycle",
         ScheduleKind::OneCycle,
         {{"pct", false, false}, {"div", false, false}, {"final_div", false, false}, {"steps", true, false}}},
        {"plateau",
         ScheduleKind::Plateau,
         {{"factor", false, false},
          {"patience", true, false},
          {"threshold", false, false},
          {"cooldown", true, false},
          {"min", false, false}}},
    };
    return k;
}

const KindSpec kWarmup{"warmup", ScheduleKind::Constant, {{"steps", true, true}, {"from", false, false}}};

class Parser {
public:
    Parser(std::string_view text, const std::string& origin) : text_(text), origin_(origin) {}

    Schedule parse()
    {
        Schedule s;
        s.hparam = "lr";
        const std::size_t eq = text_.find('=');
        const std::size_t paren = text_.find('(');
        if (eq != std::string_view::npos && (paren == std::string_view::npos || eq < paren)) {
            s.hparam = std::string(text_.substr(0, eq));
            while (!s.hparam.empty() && s.hparam.back() == ' ')
                s.hparam.pop_back();
            s.hparam.erase(0, s.hparam.find_first_not_of(' '));
            if (s.hparam.empty() || !std::all_of(s.hparam.begin(), s.hparam.end(), [](char c) {
                    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
                }))
                fail(0, "expected a hyperparameter name before '='", "write NAME=SCHEDULE, e.g. lr=cosine(min=1e-5)");
            std::replace(s.hparam.begin(), s.hparam.end(), '-', '_');
            pos_ = eq + 1;
        }
        skip_spaces();
        s.text = std::string(text_.substr(pos_));
        piece(s, true);
        skip_spaces();
        if (at('+')) {
            if (!first_was_warmup_)
                fail(pos_, "only warmup(...) composes with '+', as warmup(STEPS)+SCHEDULE",
                     "write e.g. lr=warmup(500)+cosine(min=1e-5)");
            ++pos_;
            piece(s, false);
            skip_spaces();
        }
        if (pos_ < text_.size())
            fail(pos_, fmt::format("unexpected '{}' after the schedule", text_[pos_]),
                 "a schedule is KIND(ARGS) or warmup(STEPS)+KIND(ARGS)");
        return s;
    }

private:
    void piece(Schedule& s, bool first)
    {
        skip_spaces();
        const std::size_t at_name = pos_;
        while (pos_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
            ++pos_;
        const std::string name(text_.substr(at_name, pos_ - at_name));
        if (name.empty())
            fail(at_name, "expected a schedule kind", fmt::format("kinds are: {}", schedule_kinds()));
        const KindSpec* spec = nullptr;
        if (name == kWarmup.name) {
            if (!first)
                fail(at_name, "warmup comes first, as warmup(STEPS)+SCHEDULE");
            spec = &kWarmup;
            first_was_warmup_ = true;
        } else {
            for (const KindSpec& k : kinds())
                if (name == k.name)
                    spec = &k;
            if (spec == nullptr)
                fail(at_name, fmt::format("unknown schedule kind '{}'", name),
                     fmt::format("kinds are: {}", schedule_kinds()));
            s.kind = spec->kind;
        }
        std::vector<bool> given(spec->args.size(), false);
        std::size_t positional = 0;
        skip_spaces();
        if (at('(')) {
            ++pos_;
            skip_spaces();
            if (at(')'))
                ++pos_;
            else
                for (;;) {
                    argument(s, *spec, given, positional);
                    skip_spaces();
                    if (at(',')) {
                        ++pos_;
                        continue;
                    }
                    if (at(')')) {
                        ++pos_;
                        break;
                    }
                    fail(pos_, pos_ < text_.size() ? fmt::format("expected ',' or ')' here, found '{}'", text_[pos_])
                                                   : "expected ')' at the end");
                }
        }
        for (std::size_t a = 0; a < spec->args.size(); ++a)
            if (spec->args[a].required && !given[a])
                fail(at_name, fmt::format("{} needs its argument '{}'", spec->name, spec->args[a].name), usage(*spec));
        if (spec->kind == ScheduleKind::MultiStep && spec != &kWarmup && s.milestones.empty())
            fail(at_name, "multistep needs at least one milestone", usage(*spec));
    }

    void argument(Schedule& s, const KindSpec& spec, std::vector<bool>& given, std::size_t& positional)
    {
        skip_spaces();
        const std::size_t at_arg = pos_;
        std::size_t a = spec.args.size();
        std::size_t p = pos_;
        while (p < text_.size() && (std::isalpha(static_cast<unsigned char>(text_[p])) || text_[p] == '_'))
            ++p;
        if (p > pos_ && p < text_.size() && text_[p] == '=') {
            const std::string key(text_.substr(pos_, p - pos_));
            for (std::size_t k = 0; k < spec.args.size(); ++k)
                if (key == spec.args[k].name)
                    a = k;
            if (a == spec.args.size())
                fail(at_arg, fmt::format("{} has no argument '{}'", spec.name, key), usage(spec));
            pos_ = p + 1;
        } else if (spec.variadic) {
            const double m = number(true);
            if (m < 1 || (!s.milestones.empty() && m <= static_cast<double>(s.milestones.back())))
                fail(at_arg, "milestones are whole numbers of steps >= 1, in increasing order", usage(spec));
            s.milestones.push_back(steps_of(m));
            return;
        } else {
            if (positional >= spec.args.size())
                fail(at_arg,
                     fmt::format("{} takes at most {} argument{}", spec.name, spec.args.size(),
                                 spec.args.size() == 1 ? "" : "s"),
                     usage(spec));
            a = positional++;
        }
        if (given[a])
            fail(at_arg, fmt::format("argument '{}' is given twice", spec.args[a].name), usage(spec));
        given[a] = true;
        const double v = number(spec.args[a].whole);
        set(s, spec, spec.args[a].name, v, at_arg);
    }

    void set(Schedule& s, const KindSpec& spec, std::string_view arg, double v, std::size_t at_arg)
    {
        const std::uint64_t whole = steps_of(v);
        const auto need = [&](bool ok, const char* what) {
            if (!ok)
                fail(at_arg, fmt::format("{}'s {} must be {}", spec.name, arg, what), usage(spec));
        };
        if (&spec == &kWarmup) {
            if (arg == "steps") {
                need(whole >= 1, "at least 1");
                s.warmup = whole;
            } else {
                need(v >= 0 && v <= 1, "in [0, 1]");
                s.warmup_from = v;
            }
            return;
        }
        if (arg == "size") {
            need(whole >= 1, "at least 1");
            s.size = whole;
        } else if (arg == "gamma") {
            need(v > 0, "positive");
            s.gamma = v;
        } else if (arg == "min") {
            need(v >= 0, "at least 0");
            s.min = v;
        } else if (arg == "steps") {
            need(whole >= 1, "at least 1");
            s.steps = whole;
        } else if (arg == "power") {
            need(v > 0, "positive");
            s.power = v;
        } else if (arg == "from") {
            s.from = v;
        } else if (arg == "to") {
            s.to = v;
        } else if (arg == "pct") {
            need(v > 0 && v < 1, "in (0, 1)");
            s.pct = v;
        } else if (arg == "div") {
            need(v > 0, "positive");
            s.div = v;
        } else if (arg == "final_div") {
            need(v > 0, "positive");
            s.final_div = v;
        } else if (arg == "factor") {
            need(v > 0 && v < 1, "in (0, 1)");
            s.factor = v;
        } else if (arg == "patience") {
            s.patience = whole;
        } else if (arg == "threshold") {
            need(v >= 0 && v < 1, "in [0, 1)");
            s.threshold = v;
        } else if (arg == "cooldown") {
            s.cooldown = whole;
        }
    }

    double number(bool whole)
    {
        skip_spaces();
        const std::size_t at_number = pos_;
        const char* first = text_.data() + pos_;
        const char* last = text_.data() + text_.size();
        if (first != last && *first == '+')
            ++first;
        double v = 0.0;
        const auto [end, ec] = std::from_chars(first, last, v);
        if (ec != std::errc() || !std::isfinite(v))
            fail(at_number, "expected a number here");
        pos_ = static_cast<std::size_t>(end - text_.data());
        if (whole && (v != std::floor(v) || v < 0 || v > 1e15))
            fail(at_number, "expected a whole number of steps here");
        return v;
    }

    std::string usage(const KindSpec& spec) const
    {
        std::string args;
        if (spec.variadic)
            args = "M1, M2, ..., ";
        for (const ArgSpec& a : spec.args)
            args += fmt::format("{}{}{}", args.empty() || spec.variadic ? "" : ", ", a.required ? "" : "[", a.name) +
                    (a.required ? "" : "]");
        if (spec.variadic)
            args = "M1, M2, ..., [gamma]";
        return fmt::format("write {}({})", spec.name, args);
    }

    bool at(char c) const { return pos_ < text_.size() && text_[pos_] == c; }
    void skip_spaces()
    {
        while (pos_ < text_.size() && text_[pos_] == ' ')
            ++pos_;
    }
    [[noreturn]] void fail(std::size_t at, const std::string& message, const std::string& hint = {}) const
    {
        throw SourceError(origin_, {1, static_cast<int>(at) + 1}, std::string(text_), message, hint);
    }

    std::string_view text_;
    const std::string& origin_;
    std::size_t pos_ = 0;
    bool first_was_warmup_ = false;
};

// torch's _annealing_cos.
double anneal_cos(double start, double end, double pct)
{
    return end + (start - end) / 2.0 * (std::cos(std::numbers::pi * pct) + 1.0);
}

double closed_form(const Schedule& s, double base, std::uint64_t epoch, double plateau_value)
{
    const double e = static_cast<double>(epoch);
    const double T = static_cast<double>(s.steps);
    switch (s.kind) {
    case ScheduleKind::Constant: return base;
    case ScheduleKind::Step: return base * std::pow(s.gamma, static_cast<double>(epoch / s.size));
    case ScheduleKind::MultiStep: {
        const auto passed = std::upper_bound(s.milestones.begin(), s.milestones.end(), epoch) - s.milestones.begin();
        return base * std::pow(s.gamma, static_cast<double>(passed));
    }
    case ScheduleKind::Exponential: return base * std::pow(s.gamma, e);
    case ScheduleKind::Cosine:
        if (epoch >= s.steps)
            return s.min;
        return s.min + (base - s.min) * (1.0 + std::cos(std::numbers::pi * e / T)) / 2.0;
    case ScheduleKind::Polynomial: return base * std::pow(1.0 - std::min(e, T) / T, s.power);
    case ScheduleKind::Linear: return s.from + (s.to - s.from) * std::min(e, T) / T;
    case ScheduleKind::OneCycle: {
        const double initial = base / s.div;
        const double min_lr = initial / s.final_div;
        const double end1 = s.pct * T - 1.0, end2 = T - 1.0;
        const double n = std::min(e, end2);
        if (n <= end1)
            return anneal_cos(initial, base, n / end1);
        return anneal_cos(base, min_lr, (n - end1) / (end2 - end1));
    }
    case ScheduleKind::Plateau: return plateau_value;
    }
    return base;
}

} // namespace

std::string schedule_kinds()
{
    std::string out;
    for (const KindSpec& k : kinds())
        out += std::string(out.empty() ? "" : " ") + k.name;
    return out + " (each may follow warmup(STEPS)+)";
}

Schedule parse_schedule(std::string_view text, const std::string& origin)
{
    return Parser(text, origin).parse();
}

Schedule resolve_schedule(Schedule s, std::uint64_t planned)
{
    if (s.warmup >= planned && planned > 0)
        throw Error(fmt::format("--schedule {}={}: the warmup of {} steps does not end before the planned {} steps\n"
                                "hint: shorten the warmup or raise --iterations",
                                s.hparam, s.text, s.warmup, planned));
    const bool horizon =
        s.kind == ScheduleKind::Cosine || s.kind == ScheduleKind::Polynomial || s.kind == ScheduleKind::OneCycle;
    if (horizon && s.steps == 0)
        s.steps = std::max<std::uint64_t>(1, planned - s.warmup);
    if (s.kind == ScheduleKind::OneCycle && (s.pct * static_cast<double>(s.steps) - 1.0 <= 0.0 ||
                                             s.pct * static_cast<double>(s.steps) >= static_cast<double>(s.steps)))
        throw Error(fmt::format("--schedule {}={}: onecycle over {} steps has no warm-up phase (pct * steps must "
                                "exceed 1)\nhint: raise steps or pct",
                                s.hparam, s.text, s.steps));
    return s;
}

std::string Schedule::canonical() const
{
    std::string out = warmup > 0 ? fmt::format("warmup({},from={})+", warmup, warmup_from) : std::string();
    switch (kind) {
    case ScheduleKind::Constant: return out + "constant";
    case ScheduleKind::Step: return out + fmt::format("step({},gamma={})", size, gamma);
    case ScheduleKind::MultiStep: {
        std::string m;
        for (auto v : milestones)
            m += fmt::format("{},", v);
        return out + fmt::format("multistep({}gamma={})", m, gamma);
    }
    case ScheduleKind::Exponential: return out + fmt::format("exponential({})", gamma);
    case ScheduleKind::Cosine: return out + fmt::format("cosine(min={},steps={})", min, steps);
    case ScheduleKind::Polynomial: return out + fmt::format("polynomial(power={},steps={})", power, steps);
    case ScheduleKind::Linear: return out + fmt::format("linear({},{},{})", from, to, steps);
    case ScheduleKind::OneCycle:
        return out + fmt::format("onecycle(pct={},div={},final_div={},steps={})", pct, div, final_div, steps);
    case ScheduleKind::Plateau:
        return out + fmt::format("plateau(factor={},patience={},threshold={},cooldown={},min={})", factor, patience,
                                 threshold, cooldown, min);
    }
    return out;
}

double schedule_value(const Schedule& s, double base, std::uint64_t t, double plateau_value)
{
    const std::uint64_t e = t - 1;
    if (e < s.warmup)
        return base * (s.warmup_from + (1.0 - s.warmup_from) * static_cast<double>(e) / static_cast<double>(s.warmup));
    return closed_form(s, base, e - s.warmup, plateau_value);
}

std::vector<std::uint64_t> schedule_breakpoints(const Schedule& s, std::uint64_t planned)
{
    std::vector<std::uint64_t> b{1, planned};
    if (s.warmup > 0) {
        b.push_back(s.warmup);
        b.push_back(s.warmup + 1);
    }
    if (s.kind == ScheduleKind::OneCycle) {
        const std::uint64_t peak = steps_of(std::floor(s.pct * static_cast<double>(s.steps) - 1.0));
        b.push_back(s.warmup + peak + 1);
        b.push_back(s.warmup + peak + 2);
    }
    if (s.kind == ScheduleKind::Cosine || s.kind == ScheduleKind::Linear) {
        b.push_back(s.warmup + s.steps + 1); // holds its end value from here
    }
    std::sort(b.begin(), b.end());
    b.erase(std::unique(b.begin(), b.end()), b.end());
    b.erase(std::remove_if(b.begin(), b.end(), [&](std::uint64_t t) { return t < 1 || t > planned; }), b.end());
    return b;
}

PlateauState plateau_start(double base)
{
    return {std::numeric_limits<double>::infinity(), 0, 0, base};
}

void plateau_step(const Schedule& s, PlateauState& st, double loss) noexcept
{
    // torch 1.13 ReduceLROnPlateau.step: is_better (min, rel), cooldown, then the reduction.
    if (loss < st.best * (1.0 - s.threshold)) {
        st.best = loss;
        st.bad = 0;
    } else {
        ++st.bad;
    }
    if (st.cooldown > 0) {
        --st.cooldown;
        st.bad = 0;
    }
    if (st.bad > s.patience) {
        const double reduced = std::max(st.value * s.factor, s.min);
        if (st.value - reduced > 1e-8)
            st.value = reduced;
        st.cooldown = s.cooldown;
        st.bad = 0;
    }
}

} // namespace cgp
