// Check "tensor_layouts": a tensor-wise plugin (one whose step asks for cgp.tensors/1: lamb, lars,
// adafactor) computes each tensor's update from that tensor alone, under any layout of the array:
// one tensor, many small ones, rank-1 and rank-2 (and rank-3) shapes, sizes that are no multiple of
// a SIMD width, weights, biases and scalars. Each layout's run must equal, tensor by tensor, the
// plugin stepped on that tensor alone, and, for a plugin claiming a reference algorithm, the host's
// f64 reference stepped on each rank-1 weight tensor alone. A plugin that reduces over the whole
// array (a norm or an RMS) instead of each tensor fails here. A plugin with run state
// (cgp.run_state/1) gets fresh storage for each run, and its values after the run must match too (the
// per-run values, and each tensor's own); a plugin that needs a closure (cgp.needs_closure/1) is
// served one per run, a function separable over the elements (LayoutClosure), so a tensor alone sees
// the same gradients as inside the layout.
#include "check_support.hpp"
#include "checks.hpp"
#include "reference_optimizers.hpp"

#include <cgp/host/host_extensions.hpp>
#include <cgp/tape/aligned.hpp>
#include <cgp/training/optimizer.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

namespace cgp::conformance {

namespace {

constexpr std::size_t kLength = 203;
constexpr std::uint64_t kSteps = 10;

struct Layout {
    const char* name;
    std::vector<HostTensor> tensors;
};

// Tensors tiling [0, kLength) in order, from (count, kind, shape) triples.
Layout tile(const char* name, std::vector<std::pair<std::uint32_t, std::vector<std::size_t>>> parts)
{
    Layout layout{name, {}};
    std::size_t offset = 0;
    for (auto& [kind, shape] : parts) {
        std::size_t count = 1;
        for (std::size_t d : shape)
            count *= d;
        layout.tensors.push_back({fmt::format("t{}", layout.tensors.size()), offset, count, kind, shape});
        offset += count;
    }
    if (offset != kLength)
        throw Error(fmt::format("tensor_layouts: layout '{}' covers {} elements, not {}", name, offset, kLength));
    return layout;
}

std::vector<Layout> layouts()
{
    constexpr std::uint32_t w = CGP_TENSOR_WEIGHT, b = CGP_TENSOR_BIAS, s = CGP_TENSOR_SCALAR;
    std::vector<std::pair<std::uint32_t, std::vector<std::size_t>>> small;
    for (std::size_t n = 1; n <= 25; n += 2) // 13 odd sizes, 169 elements
        small.push_back({w, {n}});
    small.push_back({w, {34}});
    return {
        tile("one tensor [203]", {{w, {203}}}),
        tile("14 small rank-1 tensors", small),
        tile("rank-2 and rank-3 shapes",
             {{w, {7, 9}}, {b, {9}}, {w, {1, 13}}, {w, {13, 1}}, {w, {5, 3}}, {s, {}}, {w, {2, 3, 5}}, {w, {59}}}),
        tile("weights, biases and a scalar",
             {{w, {17}}, {b, {17}}, {w, {33}}, {b, {3}}, {w, {100}}, {s, {}}, {b, {32}}}),
    };
}

// The host's lookup behind a probe that notes whether the step asked for cgp.tensors/1.
struct Probe {
    const void* host = nullptr;
    const void* (*lookup)(const void*, const char*) = nullptr;
    mutable bool asked_tensors = false;
};

const void* probe_lookup(const void* host, const char* id)
{
    const auto* probe = static_cast<const Probe*>(host);
    if (id != nullptr && std::strcmp(id, CGP_EXT_TENSORS) == 0)
        probe->asked_tensors = true;
    return probe->lookup(probe->host, id);
}

struct Run {
    std::vector<double> params;
    std::vector<std::vector<double>> state;
    bool asked_tensors = false;
    std::vector<double> run_values; // per_run values, then per_tensor values of each tensor
};

std::vector<double> start_params(std::size_t n, std::size_t offset)
{
    std::vector<double> p(n);
    for (std::size_t i = 0; i < n; ++i)
        p[i] = std::sin(1.7 * static_cast<double>(offset + i) + 0.3) * (0.5 + static_cast<double>((offset + i) % 5));
    return p;
}

double gradient(std::uint64_t t, std::size_t i)
{
    return std::cos(0.9 * static_cast<double>(t) + 2.3 * static_cast<double>(i)) * (0.2 + static_cast<double>(i % 3));
}

// The closure of a layout's run over elements [first, first + n): around the step's parameters p0 and
// gradients g0, loss sum_i g0_i (x_i - p0_i) + (1 + (first + i) % 3) (x_i - p0_i)^2 / 2: separable, so
// each element's gradient depends on that element alone.
class LayoutClosure final : public Closure {
public:
    LayoutClosure(std::size_t first, std::size_t n) : first_(first), n_(n), point_(n), gradient_(n), origin_(n) {}
    void start_step(const double* params, const double* grads)
    {
        std::copy(params, params + n_, origin_.data());
        grads_ = grads;
    }
    void* point() noexcept override { return point_.data(); }
    const void* gradient() const noexcept override { return gradient_.data(); }
    double evaluate() override
    {
        double loss = 0.0;
        for (std::size_t i = 0; i < n_; ++i) {
            const double d = point_[i] - origin_[i], c = 1.0 + static_cast<double>((first_ + i) % 3);
            gradient_[i] = grads_[i] + c * d;
            loss += grads_[i] * d + 0.5 * c * d * d;
        }
        return loss;
    }

private:
    std::size_t first_, n_;
    AlignedArray<double> point_, gradient_, origin_;
    const double* grads_ = nullptr;
};

// kSteps f64 steps (SIMD path) over `tensors`, which tile elements [first, first + n) of the array.
Run run_plugin(const Stepper& stepper, const std::vector<HostTensor>& tensors, std::size_t first, std::size_t n)
{
    HostExtensions extensions;
    extensions.set_tensors(tensors);
    if (stepper.run_state().declared) // fresh storage for this run, at the declared initial values
        extensions.declare_run_state(stepper.run_state().run, stepper.run_state().tensor);
    LayoutClosure closure(first, n);
    if (stepper.closure() != nullptr)
        extensions.set_closure(&closure);
    Arrays<double> a(n, stepper.state_count());
    const std::vector<double> p0 = start_params(n, first);
    std::copy(p0.begin(), p0.end(), a.params.data());
    Probe probe;
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        for (std::size_t i = 0; i < n; ++i)
            a.grads[i] = gradient(t, first + i);
        closure.start_step(a.params.data(), a.grads.data());
        extensions.set_loss(0.0); // the closure's loss at p0
        cgp_step_args args{};
        args.struct_size = sizeof args;
        args.step = t;
        args.count = n;
        args.hparams = stepper.hparams().data();
        extensions.bind(args, n);
        probe.host = args.host;
        probe.lookup = args.get_host_extension;
        args.host = &probe;
        args.get_host_extension = &probe_lookup;
        char msg[512] = {0};
        const int status = stepper.plugin().descriptor().step_f64(&args, a.params.data(), a.grads.data(),
                                                                  a.state_ptrs.data(), msg, sizeof msg);
        extensions.end_step();
        msg[sizeof msg - 1] = '\0';
        if (status != CGP_OK)
            fail("f64 step {} over {} elements returned error {}: {}", t, n, status, msg[0] ? msg : "(no message)");
    }
    Run r;
    r.params.assign(a.params.data(), a.params.data() + n);
    for (std::size_t k = 0; k < a.state.size(); ++k)
        r.state.emplace_back(a.state[k].data(), a.state[k].data() + n);
    r.asked_tensors = probe.asked_tensors;
    r.run_values.assign(extensions.run_values().begin(), extensions.run_values().end());
    return r;
}

// The host's reference on one tensor alone (the table's entry treats an array as one rank-1 weight).
Run run_reference(const reference::Algorithm& algorithm, const reference::HyperParams& hp, std::size_t states,
                  std::size_t first, std::size_t n)
{
    Run r{start_params(n, first), std::vector<std::vector<double>>(states, std::vector<double>(n, 0.0)), false, {}};
    std::vector<double> g(n);
    std::vector<std::span<double>> spans;
    for (auto& s : r.state)
        spans.emplace_back(s);
    for (std::uint64_t t = 1; t <= kSteps; ++t) {
        for (std::size_t i = 0; i < n; ++i)
            g[i] = gradient(t, first + i);
        algorithm.step(hp, t, r.params, g, spans);
    }
    return r;
}

// The first element of tensor x where `whole` (the layout's run) and `alone` differ by more than
// 1e-12 relative to the tensor's largest value; empty when there is none.
std::string first_difference_in(const Run& whole, const Run& alone, const HostTensor& x)
{
    const auto compare = [&](const std::vector<double>& a, const std::vector<double>& b,
                             const std::string& array) -> std::string {
        double scale = 0.0;
        for (std::size_t i = 0; i < x.count; ++i)
            scale = std::max(scale, std::abs(b[i]));
        for (std::size_t i = 0; i < x.count; ++i) {
            const double u = a[x.offset + i], v = b[i];
            if (std::isnan(u) && std::isnan(v))
                continue;
            if (!(std::abs(u - v) <= 1e-12 * scale) && u != v)
                return fmt::format("{}[{}] = {} vs {}", array, x.offset + i, u, v);
        }
        return {};
    };
    std::string d = compare(whole.params, alone.params, "params");
    for (std::size_t k = 0; d.empty() && k < alone.state.size() && k < whole.state.size(); ++k)
        d = compare(whole.state[k], alone.state[k], fmt::format("state {}", k));
    return d;
}

// The first run-state value where the layout's run and tensor x's run alone differ (the per-run values,
// then x's own per-tensor values: tensor `index` of the layout, the only tensor alone).
std::string first_run_state_difference(const Run& whole, const Run& alone, std::size_t index, std::size_t per_run,
                                       std::size_t per_tensor)
{
    const auto differs = [](double u, double v) {
        return !(std::isnan(u) && std::isnan(v)) && !(std::abs(u - v) <= 1e-12 * std::abs(v)) && u != v;
    };
    for (std::size_t j = 0; j < per_run; ++j)
        if (differs(whole.run_values[j], alone.run_values[j]))
            return fmt::format("per-run value {} = {} vs {}", j, whole.run_values[j], alone.run_values[j]);
    for (std::size_t j = 0; j < per_tensor; ++j) {
        const double u = whole.run_values[per_run + index * per_tensor + j], v = alone.run_values[per_run + j];
        if (differs(u, v))
            return fmt::format("the tensor's run-state value {} = {} vs {}", j, u, v);
    }
    return {};
}

std::string describe(const HostTensor& x)
{
    const char* kind = x.kind == CGP_TENSOR_BIAS ? "bias" : x.kind == CGP_TENSOR_SCALAR ? "scalar" : "weight";
    return fmt::format("{} {} [{}] at offset {}", kind, x.name, fmt::join(x.shape, ", "), x.offset);
}

} // namespace

Outcome check_tensor_layouts(const Plugin& plugin)
{
    const std::vector<Layout> all = layouts();
    const reference::Algorithm* algorithm = reference::find_algorithm(plugin.algorithm());
    if (algorithm != nullptr && algorithm->initial != nullptr)
        algorithm = nullptr; // its start is the declared initial state; this check starts from zero
    bool asked = false, run_state = false, closure = false;
    std::size_t compared = 0, against_reference = 0;
    std::vector<HparamSet> sets = hparam_sets(plugin, 2);
    for_each_set(plugin, sets, [&](const HparamSet& set) {
        const Stepper stepper(plugin, set.values);
        run_state = run_state || stepper.run_state().declared;
        closure = closure || stepper.closure() != nullptr;
        const std::size_t per_run = stepper.run_state().run.size(), per_tensor = stepper.run_state().tensor.size();
        const reference::HyperParams hp = [&] {
            reference::HyperParams named;
            for (std::size_t i = 0; i < set.values.size(); ++i)
                named[plugin.hparams()[i].name] = set.values[i];
            return named;
        }();
        const bool use_reference = algorithm != nullptr && set.label == "the defaults" &&
                                   reference::state_names(*algorithm, hp).size() == stepper.state_count();
        for (const Layout& layout : all) {
            note_progress(fmt::format("stepping under the layout {}", layout.name));
            const Run whole = run_plugin(stepper, layout.tensors, 0, kLength);
            asked = asked || whole.asked_tensors;
            if (!whole.asked_tensors)
                continue;
            for (std::size_t index = 0; index < layout.tensors.size(); ++index) {
                const HostTensor& x = layout.tensors[index];
                const HostTensor single{x.name, 0, x.count, x.kind, x.shape};
                const Run alone = run_plugin(stepper, {single}, x.offset, x.count);
                std::string d = first_difference_in(whole, alone, x);
                if (d.empty())
                    d = first_run_state_difference(whole, alone, index, per_run, per_tensor);
                if (!d.empty())
                    fail("under the layout {}, {} steps of the {} differ from the same steps on that tensor alone: "
                         "{} (layout vs alone); the per-tensor reductions (norms, RMS, means, and what run state "
                         "keeps) must run over each tensor of cgp.tensors/1, not over the whole array",
                         layout.name, kSteps, describe(x), d);
                ++compared;
                if (use_reference && x.kind == CGP_TENSOR_WEIGHT && x.shape.size() == 1) {
                    const Run ref = run_reference(*algorithm, hp, stepper.state_count(), x.offset, x.count);
                    const std::string r = first_difference_in(whole, ref, x);
                    if (!r.empty())
                        fail("under the layout {}, {} steps of the {} differ from the host's reference '{}' on that "
                             "tensor: {} (plugin vs reference)",
                             layout.name, kSteps, describe(x), algorithm->name, r);
                    ++against_reference;
                }
            }
        }
    });
    if (!asked)
        return skip("the step never asks for cgp.tensors/1: it sees no tensor layout");
    std::string detail = fmt::format("{} layouts ({}) of {} elements, {} f64 steps at {} hyperparameter sets: each of "
                                     "{} tensor runs equals that tensor stepped alone",
                                     all.size(),
                                     fmt::join(
                                         [&] {
                                             std::vector<std::string> names;
                                             for (const Layout& l : all)
                                                 names.emplace_back(l.name);
                                             return names;
                                         }(),
                                         "; "),
                                     kLength, kSteps, sets.size(), compared);
    if (run_state)
        detail += ", run state included";
    if (closure)
        detail += ", each run served its own closure";
    if (against_reference > 0)
        detail += fmt::format(", and {} rank-1 weight tensors equal the host's reference '{}' on them",
                              against_reference, algorithm->name);
    return pass(detail);
}

} // namespace cgp::conformance
