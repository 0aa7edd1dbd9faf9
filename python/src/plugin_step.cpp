// plugin_step.cpp: cgp._cgp.PluginStep: a plugin bound to hyperparameter values, stepping arrays
// that another library owns (cgp.torch passes torch tensors' memory), one call per tensor.
//
// The contract wants every array aligned to CGP_ALIGNMENT bytes and readable up to that rounding
// (abi.h). State arrays are allocated that way by the caller. A parameter or gradient that is not
// aligned (a view into a larger tensor) is stepped through an aligned copy, grown once to the
// largest such tensor; an aligned one is stepped in place: reads past its end stay inside its last
// 64-byte line, so inside its page.
#include "bindings.hpp"

#include <cgp/host/host_extensions.hpp>
#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_optimizer.hpp>
#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/error.hpp>
#include <cgp/tape/aligned.hpp>

#include <pybind11/stl.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace cgp::python {
namespace {

bool aligned(std::uintptr_t p)
{
    return p % CGP_ALIGNMENT == 0;
}

// The plugin at `path`, refused when its steps need a closure: these steps run tensor by tensor on
// gradients torch computed, with no loss to evaluate again.
std::shared_ptr<const Plugin> loaded_without_closure(const std::filesystem::path& path)
{
    auto plugin = Plugin::load(path);
    refuse_closure_plugin(*plugin, "cgp.torch",
                          "it steps gradients torch computed, tensor by tensor, with no loss to evaluate again");
    return plugin;
}

class PluginStep {
public:
    PluginStep(const std::string& optimizer, const std::vector<std::string>& dirs, const std::vector<double>& hparams)
        : plugin_(loaded_without_closure(resolve_plugin(optimizer, plugin_search(dirs)))),
          values_(hparams.empty() ? plugin_->defaults() : hparams), optimizer_(plugin_, values_),
          state_f32_(optimizer_.state_count()), state_f64_(optimizer_.state_count())
    {
        optimizer_.read_hparams_from(values_.data());
    }

    const Plugin& plugin() const { return *plugin_; }
    std::size_t state_count() const { return optimizer_.state_count(); }
    const std::vector<double>& hparams() const { return values_; }

    // New values for the next steps (a learning-rate scheduler's); checked like the first.
    void set_hparams(const std::vector<double>& values)
    {
        if (values.size() != values_.size())
            throw Error(fmt::format("plugin '{}' has {} hyperparameters, {} values were given", plugin_->id(),
                                    values_.size(), values.size()));
        plugin_->validate(values);
        if (plugin_->state_count(values) != optimizer_.state_count())
            throw Error(fmt::format("plugin '{}': these hyperparameters need {} state arrays, the optimizer holds "
                                    "{}\nhint: make a new optimizer for them",
                                    plugin_->id(), plugin_->state_count(values), optimizer_.state_count()));
        values_ = values;
        optimizer_.read_hparams_from(values_.data());
    }

    // State array k's values before step 1, for parameters `params` (count elements).
    template <class T>
    void fill_state(std::size_t k, std::uintptr_t params, std::uintptr_t array, std::size_t count) const
    {
        if (k >= optimizer_.state_count())
            throw Error(
                fmt::format("plugin '{}' has {} state arrays, not {}", plugin_->id(), optimizer_.state_count(), k + 1));
        optimizer_.initial_state().fill(k, std::span<const T>(reinterpret_cast<const T*>(params), count),
                                        std::span<T>(reinterpret_cast<T*>(array), count));
    }

    // One step t of `count` elements in place. state: one address per state array (aligned and
    // padded). shape: the tensor's shape (its element count is checked), offered to the plugin as
    // the step's one tensor of the contract's "cgp.tensors/1" (None: [count]).
    template <class T>
    void step(std::uint64_t t, std::uintptr_t params, std::uintptr_t grads, const py::tuple& state, std::size_t count,
              const py::handle& shape, bool scalar)
    {
        offer_tensor(shape, count);
        std::vector<T*>& ptrs = state_ptrs<T>();
        if (state.size() != ptrs.size())
            throw Error(fmt::format("plugin '{}' steps with {} state arrays, {} were given", plugin_->id(), ptrs.size(),
                                    state.size()));
        for (std::size_t k = 0; k < ptrs.size(); ++k) {
            const auto address = state[k].cast<std::uintptr_t>();
            if (!aligned(address))
                throw Error(fmt::format("state array {} is not aligned to {} bytes", k, CGP_ALIGNMENT));
            ptrs[k] = reinterpret_cast<T*>(address);
        }
        T* p = reinterpret_cast<T*>(params);
        const T* g = reinterpret_cast<const T*>(grads);
        const bool copy_params = !aligned(params), copy_grads = !aligned(grads);
        if (copy_params)
            p = staged<T>(staged_params_, p, count);
        if (copy_grads)
            g = staged<T>(staged_grads_, g, count);
        {
            std::optional<py::gil_scoped_release> release;
            if (count >= kReleaseAbove)
                release.emplace();
            optimizer_.step(t, std::span<T>(p, count), std::span<const T>(g, count), std::span<T* const>(ptrs), scalar);
        }
        if (copy_params)
            std::memcpy(reinterpret_cast<T*>(params), p, count * sizeof(T));
    }

private:
    static constexpr std::size_t kReleaseAbove = 1u << 16; // elements: longer steps let other threads run

    // The step's tensor for cgp.tensors/1: "tensor" with the shape (ranks above 4 keep their first
    // three sizes and fold the rest into the fourth), a weight of rank 2 or more, a bias of rank 1
    // (torch's convention for the 1-d parameters of Linear and norm layers), a scalar of rank 0.
    // Set again only when the shape changes from the last step's.
    void offer_tensor(const py::handle& shape, std::size_t count)
    {
        std::vector<std::size_t> dims;
        if (shape.is_none())
            dims = {count};
        else
            for (const py::handle d : shape)
                dims.push_back(d.cast<std::size_t>());
        std::size_t n = 1;
        for (const std::size_t d : dims)
            n *= d;
        if (n != count)
            throw Error(fmt::format("the tensor's shape holds {} elements but {} were given", n, count));
        if (count == 0 || (dims == offered_shape_ && count == offered_count_))
            return;
        offered_shape_ = dims;
        offered_count_ = count;
        if (dims.size() > 4) {
            for (std::size_t k = 4; k < dims.size(); ++k)
                dims[3] *= dims[k];
            dims.resize(4);
        }
        const std::uint32_t kind = dims.size() >= 2   ? CGP_TENSOR_WEIGHT
                                   : dims.size() == 1 ? CGP_TENSOR_BIAS
                                                      : CGP_TENSOR_SCALAR;
        optimizer_.host_extensions().set_tensors({HostTensor{"tensor", 0, count, kind, dims}});
    }

    template <class T>
    std::vector<T*>& state_ptrs()
    {
        if constexpr (std::is_same_v<T, float>)
            return state_f32_;
        else
            return state_f64_;
    }

    // An aligned copy of `from` (grown when a longer tensor comes).
    template <class T, class From>
    T* staged(AlignedArray<std::uint8_t>& buffer, From* from, std::size_t count)
    {
        if (buffer.size() < count * sizeof(T))
            buffer = AlignedArray<std::uint8_t>(count * sizeof(T));
        std::memcpy(buffer.data(), from, count * sizeof(T));
        return reinterpret_cast<T*>(buffer.data());
    }

    std::shared_ptr<const Plugin> plugin_;
    std::vector<double> values_; // the steps read these (read_hparams_from)
    PluginOptimizer optimizer_;
    std::vector<float*> state_f32_;
    std::vector<double*> state_f64_;
    AlignedArray<std::uint8_t> staged_params_, staged_grads_;
    std::vector<std::size_t> offered_shape_; // the tensor cgp.tensors/1 offers now
    std::size_t offered_count_ = 0;
};

} // namespace

void bind_plugin_step(py::module_& m)
{
    py::class_<PluginStep>(m, "PluginStep",
                           "A plugin bound to hyperparameter values, stepping arrays given by address.")
        .def(py::init<const std::string&, const std::vector<std::string>&, const std::vector<double>&>(),
             py::arg("optimizer"), py::arg("plugin_dirs") = std::vector<std::string>{},
             py::arg("hparams") = std::vector<double>{})
        .def_property_readonly("id", [](const PluginStep& s) { return s.plugin().id(); })
        .def_property_readonly("path", [](const PluginStep& s) { return s.plugin().path().string(); })
        .def_property_readonly("state_count", &PluginStep::state_count)
        .def_property_readonly("hparams", &PluginStep::hparams)
        .def_property_readonly("simd", [](const PluginStep& s) { return s.plugin().simd_path(); })
        .def("set_hparams", &PluginStep::set_hparams, py::arg("values"))
        .def("fill_state_f32", &PluginStep::fill_state<float>, py::arg("k"), py::arg("params"), py::arg("array"),
             py::arg("count"))
        .def("fill_state_f64", &PluginStep::fill_state<double>, py::arg("k"), py::arg("params"), py::arg("array"),
             py::arg("count"))
        .def("step_f32", &PluginStep::step<float>, py::arg("t"), py::arg("params"), py::arg("grads"), py::arg("state"),
             py::arg("count"), py::arg("shape") = py::none(), py::arg("scalar") = false)
        .def("step_f64", &PluginStep::step<double>, py::arg("t"), py::arg("params"), py::arg("grads"), py::arg("state"),
             py::arg("count"), py::arg("shape") = py::none(), py::arg("scalar") = false);
}

} // namespace cgp::python
