// HostExtensions: the host's cgp.tensors/1, cgp.step_context/1 and cgp.run_values/1 structs and the
// lookup a step calls.
#include <cgp/host/host_extensions.hpp>
#include <cgp/io/error.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace cgp {

HostExtensions::HostExtensions()
{
    whole_.name = "params";
    whole_.rank = 1;
    whole_.kind = CGP_TENSOR_WEIGHT;
    tensors_ext_ = {sizeof(cgp_tensors_ext), 1u, 1u, &whole_};
    context_ = {sizeof(cgp_step_context_ext), 1u, std::numeric_limits<double>::quiet_NaN(), 0u, 0u};
    run_ext_ = {sizeof(cgp_run_values_ext), 1u, nullptr, 0u, 0u, 0u, nullptr};
    closure_.ext = {sizeof(cgp_closure_ext), 1u, nullptr, nullptr, &HostExtensions::evaluate, 0u};
}

void HostExtensions::declare_run_state(std::vector<double> run_initial, std::vector<double> tensor_initial)
{
    has_run_state_ = true;
    run_initial_ = std::move(run_initial);
    tensor_initial_ = std::move(tensor_initial);
    fill_run_state();
}

void HostExtensions::fill_run_state()
{
    if (!has_run_state_)
        return;
    const std::size_t tensors = std::max<std::size_t>(1, tensors_.size()), per_tensor = tensor_initial_.size();
    run_values_.assign(run_initial_.begin(), run_initial_.end());
    for (std::size_t k = 0; k < tensors; ++k)
        run_values_.insert(run_values_.end(), tensor_initial_.begin(), tensor_initial_.end());
    run_ext_.run_count = static_cast<std::uint32_t>(run_initial_.size());
    run_ext_.per_tensor = static_cast<std::uint32_t>(per_tensor);
    run_ext_.run = run_initial_.empty() ? nullptr : run_values_.data();
    run_ext_.tensors = per_tensor == 0 ? nullptr : run_values_.data() + run_initial_.size();
}

void HostExtensions::set_tensors(const std::vector<HostTensor>& tensors)
{
    names_.clear();
    tensors_.clear();
    total_ = 0;
    bound_hparams_ = nullptr;
    base_.clear();
    sets_.clear();
    set_values_.clear();
    set_of_tensor_.clear();
    for (const HostTensor& t : tensors) {
        if (t.offset != total_ || t.count == 0 || t.shape.size() > 4)
            throw Error(fmt::format("internal error: tensor '{}' does not continue the tiling at {}", t.name, total_));
        names_.push_back(t.name);
        total_ += t.count;
    }
    for (std::size_t k = 0; k < tensors.size(); ++k) {
        cgp_tensor c{};
        c.name = names_[k].c_str();
        c.offset = tensors[k].offset;
        c.count = tensors[k].count;
        c.rank = static_cast<std::uint32_t>(tensors[k].shape.size());
        c.kind = tensors[k].kind;
        for (std::size_t d = 0; d < tensors[k].shape.size(); ++d)
            c.shape[d] = tensors[k].shape[d];
        tensors_.push_back(c);
    }
    fill_run_state();
}

void HostExtensions::set_groups(std::vector<double> base, std::vector<std::vector<HparamOverride>> sets,
                                std::vector<int> set_of_tensor)
{
    if (set_of_tensor.size() != tensors_.size())
        throw Error("internal error: tensor groups for mismatched tensors");
    base_ = std::move(base);
    sets_ = std::move(sets);
    set_of_tensor_ = std::move(set_of_tensor);
    set_values_.assign(sets_.size(), base_);
    for (std::size_t k = 0; k < tensors_.size(); ++k)
        if (set_of_tensor_[k] >= 0)
            tensors_[k].hparams = set_values_[static_cast<std::size_t>(set_of_tensor_[k])].data();
    bound_hparams_ = nullptr;
}

void HostExtensions::set_run(std::uint64_t planned_steps, std::uint64_t seed) noexcept
{
    context_.planned_steps = planned_steps;
    context_.seed = seed;
}

void HostExtensions::bind(cgp_step_args& args, std::size_t count) noexcept
{
    if (!tensors_.empty() && total_ == count) {
        tensors_ext_.tensor_count = tensors_.size();
        tensors_ext_.tensors = tensors_.data();
        if (bound_hparams_ != args.hparams) { // the step's values moved (a schedule binds its own)
            for (std::size_t k = 0; k < tensors_.size(); ++k)
                if (set_of_tensor_.empty() || set_of_tensor_[k] < 0)
                    tensors_[k].hparams = args.hparams;
            bound_hparams_ = args.hparams;
        }
        if (!sets_.empty()) {
            for (std::size_t s = 0; s < sets_.size(); ++s) {
                std::vector<double>& v = set_values_[s];
                for (std::size_t j = 0; j < v.size(); ++j)
                    v[j] = args.hparams[j];
                for (const HparamOverride& o : sets_[s]) {
                    const double b = base_[o.index];
                    v[o.index] =
                        b != 0.0 && args.hparams[o.index] != b ? o.value * (args.hparams[o.index] / b) : o.value;
                }
            }
            args.flags |= CGP_STEP_TENSOR_HPARAMS;
        }
    } else {
        whole_.count = count;
        whole_.shape[0] = count;
        whole_.hparams = args.hparams;
        tensors_ext_.tensor_count = count > 0 ? 1u : 0u;
        tensors_ext_.tensors = &whole_;
    }
    run_ext_.tensor_count = run_ext_.per_tensor == 0 ? 0u : tensors_ext_.tensor_count;
    if (closure_.source != nullptr) {
        closure_.ext.point = closure_.source->point();
        closure_.ext.gradient = closure_.source->gradient();
        closure_.ext.evaluations = 0;
        closure_.active = true;
    }
    args.host = this;
    args.get_host_extension = &HostExtensions::lookup;
}

const void* HostExtensions::lookup(const void* host, const char* id) noexcept
{
    if (host == nullptr || id == nullptr)
        return nullptr;
    const auto* self = static_cast<const HostExtensions*>(host);
    if (std::strcmp(id, CGP_EXT_TENSORS) == 0)
        return &self->tensors_ext_;
    if (std::strcmp(id, CGP_EXT_STEP_CONTEXT) == 0)
        return &self->context_;
    if (self->has_run_state_ && std::strcmp(id, CGP_EXT_RUN_VALUES) == 0)
        return &self->run_ext_;
    if (self->closure_.source != nullptr && std::strcmp(id, CGP_EXT_CLOSURE) == 0)
        return &self->closure_.ext;
    return nullptr;
}

int HostExtensions::evaluate(const cgp_closure_ext* self, double* loss, char* msg, std::size_t msg_size) noexcept
{
    auto write = [&](const char* text) {
        if (msg != nullptr && msg_size > 0)
            fmt::format_to_n(msg, msg_size - 1, "{}", text).out[0] = '\0';
    };
    if (self == nullptr || loss == nullptr) {
        write("cgp.closure/1: evaluate needs the struct and a place for the loss");
        return CGP_ERR_INVALID_ARGUMENT;
    }
    auto* slot = reinterpret_cast<ClosureSlot*>(const_cast<cgp_closure_ext*>(self));
    if (!slot->active || slot->source == nullptr) {
        write("cgp.closure/1: evaluate was called outside the step it was given to; evaluate only inside a step");
        return CGP_ERR_UNSUPPORTED;
    }
    try {
        *loss = slot->source->evaluate();
        ++slot->ext.evaluations;
        return CGP_OK;
    } catch (const std::exception& e) {
        write(e.what());
        return CGP_ERR_INTERNAL;
    }
}

} // namespace cgp
