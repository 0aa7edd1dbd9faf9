// TransformChain: the host's transforms around a plugin's step, bound and checked before training.
#include <cgp/io/error.hpp>
#include <cgp/training/groups.hpp>
#include <cgp/training/transforms.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace cgp {
namespace {

bool in_range(const HyperParam& h, double v)
{
    const bool low = (h.flags & CGP_HPARAM_MIN_EXCLUSIVE) ? v <= h.min_value : v < h.min_value;
    const bool high = (h.flags & CGP_HPARAM_MAX_EXCLUSIVE) ? v >= h.max_value : v > h.max_value;
    return std::isfinite(v) && !low && !high;
}

std::string hparam_names(const Plugin& p)
{
    std::string out;
    for (const HyperParam& h : p.hparams())
        out += (out.empty() ? "" : " ") + h.name;
    return out.empty() ? "(none)" : out;
}

// Ranges where mask is true.
std::vector<ParamRange> ranges_of(const std::vector<bool>& mask)
{
    std::vector<ParamRange> out;
    for (std::size_t i = 0; i < mask.size(); ++i)
        if (mask[i]) {
            if (!out.empty() && out.back().end == i)
                ++out.back().end;
            else
                out.push_back({i, i + 1});
        }
    return out;
}

void check_positive(double v, const char* option)
{
    if (!std::isfinite(v) || v < 0)
        throw Error(fmt::format("{} {}: must be a finite number > 0 (0 or leaving it out turns it off)", option, v));
}

} // namespace

std::string_view to_string(DecayMode m) noexcept
{
    return m == DecayMode::Decoupled ? "decoupled" : "coupled";
}

DecayMode parse_decay_mode(std::string_view text)
{
    if (text == "coupled")
        return DecayMode::Coupled;
    if (text == "decoupled")
        return DecayMode::Decoupled;
    throw Error(fmt::format("unknown --decay-mode '{}'; use coupled or decoupled", text));
}

TransformChain::TransformChain(const TransformSettings& s, const Plugin& plugin, std::span<const double> base,
                               const Graph& g, std::uint64_t planned, std::uint64_t planned_records)
    : settings_(s), empty_(s.empty()), live_(base.begin(), base.end())
{
    if (!std::isfinite(s.decay) || s.decay < 0)
        throw Error(fmt::format("--decay {}: weight decay must be a finite number >= 0", s.decay));
    check_positive(s.clip_value, "--clip-value");
    check_positive(s.clip_norm, "--clip-norm");
    check_positive(s.clip_norm_per_tensor, "--clip-norm-per-tensor");
    if (!std::isfinite(s.decay_lr) || s.decay_lr < 0)
        throw Error(fmt::format("--decay-lr {}: must be a finite number >= 0", s.decay_lr));
    lr_index_ = plugin.find_hparam("lr");
    const std::vector<ModelTensor> tensors = s.groups.empty() ? std::vector<ModelTensor>{} : model_tensors(g);
    const ResolvedGroups groups = resolve_groups(s.groups, plugin, base, tensors, g.name, s.decay, s.decay_biases);
    group_sets_ = groups.sets;
    group_of_tensor_ = groups.set_of_tensor;
    decay_on_ = s.decay > 0;
    for (double w : groups.decay_of_tensor)
        decay_on_ = decay_on_ || w > 0;
    if (decay_on_ && s.decay_mode == DecayMode::Decoupled) {
        if (lr_index_ < 0 && s.decay_lr == 0)
            throw Error(fmt::format("--decay-mode decoupled scales the decay by the learning rate, and optimizer '{}' "
                                    "has no 'lr' (its hyperparameters: {})\nhint: give the rate with --decay-lr RATE "
                                    "(p *= 1 - RATE*decay each step), or use --decay-mode coupled",
                                    plugin.id(), hparam_names(plugin)));
        if (lr_index_ >= 0 && s.decay_lr != 0)
            throw Error(fmt::format("--decay-lr is for optimizers without 'lr'; optimizer '{}' has one, and decoupled "
                                    "decay uses its (scheduled) value\nhint: leave out --decay-lr",
                                    plugin.id()));
    } else if (s.decay_lr != 0) {
        throw Error("--decay-lr applies to --decay-mode decoupled with a --decay (or a decay group) above 0");
    }

    for (const std::string& text : s.schedules) {
        Schedule sch = parse_schedule(text);
        const int index = plugin.find_hparam(sch.hparam);
        if (index < 0)
            throw Error(fmt::format("--schedule {}: optimizer '{}' has no hyperparameter '{}'\nhint: its "
                                    "hyperparameters are: {}",
                                    text, plugin.id(), sch.hparam, hparam_names(plugin)));
        const HyperParam& h = plugin.hparams()[static_cast<std::size_t>(index)];
        if (h.flags & CGP_HPARAM_INTEGER)
            throw Error(fmt::format("--schedule {}: '{}' is a whole-number hyperparameter of optimizer '{}'; "
                                    "schedules vary real-valued ones only",
                                    text, h.name, plugin.id()));
        for (const Scheduled& other : scheduled_)
            if (other.index == static_cast<std::size_t>(index))
                throw Error(
                    fmt::format("--schedule {}: '{}' has two schedules; give one per hyperparameter", text, h.name));
        sch.hparam = h.name;
        sch = resolve_schedule(std::move(sch), planned);
        const double b = base[static_cast<std::size_t>(index)];
        scheduled_.push_back({sch, static_cast<std::size_t>(index), b, plateau_start(b)});
        names_.push_back(h.name);
    }
    shown_.assign(scheduled_.size(), 0.0);
    for (std::size_t k = 0; k < scheduled_.size(); ++k)
        shown_[k] = scheduled_[k].base;

    // Every scheduled value over the planned steps inside its declared range: each schedule is
    // monotone between its breakpoints, so the ends of each piece and a bisection find the first
    // step outside. Reduce-on-plateau only decreases, down to its min.
    for (const Scheduled& sc : scheduled_) {
        const HyperParam& h = plugin.hparams()[sc.index];
        const auto refuse = [&](std::uint64_t t, double v) {
            throw Error(fmt::format("--schedule {}={}: {} would be {:g} at step {}, outside its range {} for "
                                    "optimizer '{}'\nhint: change the schedule's arguments or the base value --{} {:g}",
                                    h.name, sc.schedule.text, h.name, v, t, h.range_text(), plugin.id(),
                                    h.option_name(), sc.base));
        };
        if (sc.schedule.kind == ScheduleKind::Plateau && sc.schedule.min < sc.base && !in_range(h, sc.schedule.min))
            throw Error(
                fmt::format("--schedule {}={}: reduce-on-plateau may lower {} down to its min {:g}, outside its "
                            "range {} for optimizer '{}'\nhint: give plateau(min=...) inside the range",
                            h.name, sc.schedule.text, h.name, sc.schedule.min, h.range_text(), plugin.id()));
        const std::vector<std::uint64_t> points = schedule_breakpoints(sc.schedule, planned);
        const auto value = [&](std::uint64_t t) { return schedule_value(sc.schedule, sc.base, t, sc.base); };
        for (std::size_t p = 0; p < points.size(); ++p) {
            const std::uint64_t a = points[p];
            const std::uint64_t b = p + 1 < points.size() ? points[p + 1] - 1 : a;
            if (!in_range(h, value(a)))
                refuse(a, value(a));
            if (b > a && !in_range(h, value(b))) {
                std::uint64_t lo = a, hi = b; // lo inside, hi outside
                while (hi - lo > 1) {
                    const std::uint64_t mid = lo + (hi - lo) / 2;
                    (in_range(h, value(mid)) ? lo : hi) = mid;
                }
                refuse(hi, value(hi));
            }
        }
    }
    // The plugin's own checks (validate, state count) where the values change direction or jump.
    if (!scheduled_.empty()) {
        std::vector<std::uint64_t> points;
        for (const Scheduled& sc : scheduled_)
            for (std::uint64_t t : schedule_breakpoints(sc.schedule, planned))
                points.push_back(t);
        const std::size_t states = plugin.state_count(base);
        for (std::uint64_t t : points) {
            const std::vector<double> v = values_at(t);
            try {
                plugin.validate(v);
            } catch (const Error& e) {
                throw Error(fmt::format("--schedule: at step {} the scheduled values are refused: {}", t, e.what()));
            }
            if (plugin.state_count(v) != states)
                throw Error(fmt::format("--schedule: at step {} optimizer '{}' would need {} state arrays instead of "
                                        "{}; a schedule may not change what the optimizer keeps",
                                        t, plugin.id(), plugin.state_count(v), states));
        }
    }

    if (!groups.decay_of_tensor.empty()) {
        for (std::size_t k = 0; k < tensors.size(); ++k)
            if (const double w = groups.decay_of_tensor[k]; w > 0) {
                if (!decayed_.empty() && decayed_.back().end == tensors[k].offset && decayed_.back().w == w)
                    decayed_.back().end += tensors[k].count;
                else
                    decayed_.push_back({tensors[k].offset, tensors[k].offset + tensors[k].count, w});
            }
    } else if (s.decay > 0) { // no decay: no ranges, and no pass over the parameters
        const std::vector<bool> biases = bias_mask(g);
        std::vector<bool> decayed(biases.size());
        for (std::size_t i = 0; i < biases.size(); ++i)
            decayed[i] = s.decay > 0 && (s.decay_biases || !biases[i]);
        for (const ParamRange& r : ranges_of(decayed))
            decayed_.push_back({r.begin, r.end, s.decay});
    }
    if (s.clip_norm_per_tensor > 0)
        tensors_ = parameter_tensors(g);
    history_.reserve(scheduled_.size() * (planned_records + 1));
    records_ = planned_records;
}

std::vector<double> TransformChain::values_at(std::uint64_t t) const
{
    std::vector<double> v = live_;
    for (const Scheduled& sc : scheduled_)
        v[sc.index] = schedule_value(sc.schedule, sc.base, t, sc.plateau.value);
    return v;
}

std::vector<double> TransformChain::scheduled_values() const
{
    std::vector<double> v;
    for (const Scheduled& sc : scheduled_)
        v.push_back(live_[sc.index]);
    return v;
}

template <class T>
void TransformChain::clip_tensors(std::span<T> grads) const noexcept
{
    const double c = settings_.clip_norm_per_tensor;
    for (const ParamTensor& tensor : tensors_) {
        double sum = 0.0;
        for (const ParamRange& r : tensor.ranges)
            for (std::size_t i = r.begin; i < r.end; ++i)
                sum += static_cast<double>(grads[i]) * static_cast<double>(grads[i]);
        const double coef = c / (std::sqrt(sum) + 1e-6);
        if (coef < 1.0)
            for (const ParamRange& r : tensor.ranges)
                for (std::size_t i = r.begin; i < r.end; ++i)
                    grads[i] *= static_cast<T>(coef);
    }
}

template <class T>
void TransformChain::before_step(std::uint64_t t, std::span<T> params, std::span<T> grads) noexcept
{
    if (settings_.clip_value > 0) {
        const T c = static_cast<T>(settings_.clip_value);
        for (T& g : grads)
            g = std::clamp(g, -c, c);
    }
    if (settings_.clip_norm_per_tensor > 0)
        clip_tensors(grads);
    if (settings_.clip_norm > 0) {
        double sum = 0.0;
        for (const T g : grads)
            sum += static_cast<double>(g) * static_cast<double>(g);
        const double coef = settings_.clip_norm / (std::sqrt(sum) + 1e-6);
        if (coef < 1.0)
            for (T& g : grads)
                g *= static_cast<T>(coef);
    }
    if (decay_on_ && settings_.decay_mode == DecayMode::Coupled)
        for (const DecayRange& r : decayed_) {
            const T w = static_cast<T>(r.w);
            for (std::size_t i = r.begin; i < r.end; ++i)
                grads[i] += w * params[i];
        }
    for (Scheduled& sc : scheduled_)
        live_[sc.index] = schedule_value(sc.schedule, sc.base, t, sc.plateau.value);
    if (decay_on_ && settings_.decay_mode == DecayMode::Decoupled) {
        const double lr = lr_index_ >= 0 ? live_[static_cast<std::size_t>(lr_index_)] : settings_.decay_lr;
        for (const DecayRange& r : decayed_) {
            const T keep = static_cast<T>(1.0 - lr * r.w);
            for (std::size_t i = r.begin; i < r.end; ++i)
                params[i] *= keep;
        }
    }
}

void TransformChain::on_record(double loss, bool kept, std::uint64_t step) noexcept
{
    for (std::size_t k = 0; k < scheduled_.size(); ++k)
        shown_[k] = step == 0 ? scheduled_[k].base : live_[scheduled_[k].index];
    if (!kept)
        return;
    history_.insert(history_.end(), shown_.begin(), shown_.end()); // reserved; grows like the loop's records
    for (Scheduled& sc : scheduled_)
        if (sc.schedule.kind == ScheduleKind::Plateau && step > sc.schedule.warmup)
            plateau_step(sc.schedule, sc.plateau, loss);
}

std::vector<double> TransformChain::decay_weights(std::size_t n) const
{
    std::vector<double> w(n, 0.0);
    if (decay_on_)
        for (const DecayRange& r : decayed_)
            for (std::size_t i = r.begin; i < r.end && i < n; ++i)
                w[i] = r.w;
    return w;
}

TransformRecord TransformChain::record() const
{
    TransformRecord r;
    for (const Scheduled& sc : scheduled_) {
        r.schedules.push_back(sc.schedule.hparam + "=" + sc.schedule.canonical());
        r.plateau.push_back(sc.plateau);
    }
    r.decay = settings_.decay;
    r.decay_mode = static_cast<std::uint8_t>(settings_.decay_mode);
    r.decay_biases = settings_.decay_biases ? 1 : 0;
    r.decay_lr = settings_.decay_lr;
    r.clip_value = settings_.clip_value;
    r.clip_norm = settings_.clip_norm;
    r.clip_norm_per_tensor = settings_.clip_norm_per_tensor;
    r.history = history_;
    r.groups = settings_.groups;
    return r;
}

void TransformChain::restore(const TransformRecord& r)
{
    // The state of each schedule whose resolved spelling is unchanged; the values shown for earlier
    // records when the scheduled hyperparameters are the same.
    const TransformRecord now = record();
    for (std::size_t k = 0; k < scheduled_.size(); ++k)
        for (std::size_t j = 0; j < r.schedules.size() && j < r.plateau.size(); ++j)
            if (r.schedules[j] == now.schedules[k])
                scheduled_[k].plateau = r.plateau[j];
    history_.clear();
    std::vector<std::string> was_names, now_names;
    for (const std::string& s : r.schedules)
        was_names.push_back(s.substr(0, s.find('=')));
    if (was_names == names_ && !names_.empty())
        history_ = r.history;
    history_.reserve(scheduled_.size() * (records_ + 1));
}

std::vector<std::string> transform_changes(const TransformRecord& was, const TransformRecord& now)
{
    std::vector<std::string> notes;
    const auto list = [](const std::vector<std::string>& v) {
        std::string out;
        for (const auto& s : v)
            out += (out.empty() ? "" : " ") + s;
        return out.empty() ? std::string("none") : out;
    };
    if (was.schedules != now.schedules)
        notes.push_back(fmt::format("schedules changed from {} to {}", list(was.schedules), list(now.schedules)));
    if (was.decay != now.decay || was.decay_mode != now.decay_mode || was.decay_biases != now.decay_biases ||
        was.decay_lr != now.decay_lr)
        notes.push_back(fmt::format("weight decay changed from {:g} {} to {:g} {}", was.decay,
                                    to_string(static_cast<DecayMode>(was.decay_mode)), now.decay,
                                    to_string(static_cast<DecayMode>(now.decay_mode))));
    if (was.clip_value != now.clip_value || was.clip_norm != now.clip_norm ||
        was.clip_norm_per_tensor != now.clip_norm_per_tensor)
        notes.push_back("gradient clipping changed");
    if (was.groups != now.groups)
        notes.push_back(fmt::format("groups changed from {} to {}", list(was.groups), list(now.groups)));
    return notes;
}

std::string TransformChain::describe() const
{
    std::vector<std::string> parts;
    for (const Scheduled& sc : scheduled_)
        parts.push_back(sc.schedule.hparam + "=" + sc.schedule.text);
    if (settings_.decay > 0)
        parts.push_back(fmt::format("decay {:g} {} ({})", settings_.decay, to_string(settings_.decay_mode),
                                    settings_.decay_biases ? "biases too" : "biases spared"));
    if (settings_.clip_value > 0)
        parts.push_back(fmt::format("clip value {:g}", settings_.clip_value));
    if (settings_.clip_norm_per_tensor > 0)
        parts.push_back(fmt::format("clip norm per tensor {:g}", settings_.clip_norm_per_tensor));
    if (settings_.clip_norm > 0)
        parts.push_back(fmt::format("clip norm {:g}", settings_.clip_norm));
    for (const std::string& g : settings_.groups)
        parts.push_back("group " + g);
    std::string out;
    for (const auto& p : parts)
        out += (out.empty() ? "" : "; ") + p;
    return out.empty() ? "none" : out;
}

template void TransformChain::before_step<float>(std::uint64_t, std::span<float>, std::span<float>) noexcept;
template void TransformChain::before_step<double>(std::uint64_t, std::span<double>, std::span<double>) noexcept;

} // namespace cgp
