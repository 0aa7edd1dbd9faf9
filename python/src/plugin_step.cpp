// plugin_step.cpp: cgp._cgp.PluginStep: a plugin bound to hyperparameter values, stepping arrays
// that another library owns (cgp.torch passes torch tensors' memory), one call per tensor; or, for a
// plugin that evaluates the loss inside its steps (cgp.needs_closure/1: sam, lbfgs), one call over all
// parameters as one flat array, serving cgp.closure/1 by calling back into Python (cgp.torch's closure).
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
#include <optional>

namespace cgp::python {
namespace {

bool aligned(std::uintptr_t p)
{
    return p % CGP_ALIGNMENT == 0;
}

// The plugin at `path`; unless `closures`, refused when its steps need a closure (cgp.ArrayOptimizer
// steps gradients it is given, with no loss to evaluate again).
std::shared_ptr<const Plugin> load_plugin(const std::filesystem::path& path, bool closures)
{
    auto plugin = Plugin::load(path);
    if (!closures)
        refuse_closure_plugin(*plugin, "cgp.ArrayOptimizer",
                              "it steps the gradients it is given, with no loss to evaluate again");
    return plugin;
}

// cgp.closure/1 served from Python: point and gradient are the caller's aligned buffers (cgp.torch's
// flat tensors); evaluate() sets the model's parameters to the point, runs the user's closure, writes
// the gradients into the gradient buffer and returns the loss. A Python exception is kept and raised
// again after the step.
class PythonClosure final : public Closure {
public:
    PythonClosure(const py::function& evaluate, void* point, void* gradient)
        : evaluate_(evaluate), point_(point), gradient_(gradient)
    {
    }
    void* point() noexcept override { return point_; }
    const void* gradient() const noexcept override { return gradient_; }
    double evaluate() override
    {
        try {
            return evaluate_().cast<double>();
        } catch (py::error_already_set& e) {
            error_ = std::move(e);
            throw Error("the closure raised an exception");
        } catch (const py::cast_error&) {
            throw Error("the closure returned no number; it must return the loss (a float or a one-element tensor)");
        }
    }
    // The closure's exception, if it raised one.
    std::optional<py::error_already_set>& error() noexcept { return error_; }

private:
    const py::function& evaluate_;
    void* point_;
    void* gradient_;
    std::optional<py::error_already_set> error_;
};

class PluginStep {
public:
    PluginStep(const std::string& optimizer, const std::vector<std::string>& dirs, const std::vector<double>& hparams,
               bool closures)
        : plugin_(load_plugin(resolve_plugin(optimizer, plugin_search(dirs)), closures)),
          values_(hparams.empty() ? plugin_->defaults() : hparams), optimizer_(plugin_, values_),
          state_f32_(optimizer_.state_count()), state_f64_(optimizer_.state_count())
    {
        optimizer_.read_hparams_from(values_.data());
    }

    const Plugin& plugin() const { return *plugin_; }
    std::size_t state_count() const { return optimizer_.state_count(); }
    bool needs_closure() const { return optimizer_.needs_closure(); }
    // The run state (cgp.run_state/1) as the host keeps it between steps; set it to resume.
    std::vector<double> run_state() { return {optimizer_.run_state().begin(), optimizer_.run_state().end()}; }
    void set_run_state(const std::vector<double>& values)
    {
        const std::span<double> run = optimizer_.run_state();
        if (values.size() != run.size())
            throw Error(fmt::format("plugin '{}' keeps {} run-state values, {} were given (a state_dict from another "
                                    "plugin or hyperparameters?)",
                                    plugin_->id(), run.size(), values.size()));
        std::copy(values.begin(), values.end(), run.begin());
    }
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
        std::vector<T*>& ptrs = bind_state<T>(state);
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

    // One step t of a closure plugin over all parameters as one flat array (params, grads, point,
    // gradient: aligned and padded, count elements; loss: the closure's loss at params), serving its
    // evaluations through evaluate (PythonClosure). The GIL stays held: every evaluation runs Python.
    // run_state: the values to step from (cgp.run_state/1), set after the step's tensor is offered
    // (offering another tensor refills the run state with its initial values).
    template <class T>
    void step_closure(std::uint64_t t, std::uintptr_t params, std::uintptr_t grads, const py::tuple& state,
                      std::size_t count, double loss, std::uintptr_t point, std::uintptr_t gradient,
                      const py::function& evaluate, const std::vector<double>& run_state, bool scalar)
    {
        if (!aligned(params) || !aligned(grads) || !aligned(point) || !aligned(gradient))
            throw Error(fmt::format("the flat parameters, gradients and closure buffers must be aligned to {} bytes",
                                    CGP_ALIGNMENT));
        offer_tensor(py::none(), count);
        set_run_state(run_state);
        std::vector<T*>& ptrs = bind_state<T>(state);
        PythonClosure closure(evaluate, reinterpret_cast<void*>(point), reinterpret_cast<void*>(gradient));
        optimizer_.serve_closure(&closure);
        optimizer_.set_loss(loss);
        try {
            optimizer_.step(t, std::span<T>(reinterpret_cast<T*>(params), count),
                            std::span<const T>(reinterpret_cast<const T*>(grads), count), std::span<T* const>(ptrs),
                            scalar);
        } catch (const Error&) {
            optimizer_.serve_closure(nullptr);
            if (closure.error())
                throw std::move(*closure.error());
            throw;
        }
        optimizer_.serve_closure(nullptr);
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

    // The state arrays at these addresses (one per state array, each aligned), for the next step.
    template <class T>
    std::vector<T*>& bind_state(const py::tuple& state)
    {
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
        return ptrs;
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
        .def(py::init<const std::string&, const std::vector<std::string>&, const std::vector<double>&, bool>(),
             py::arg("optimizer"), py::arg("plugin_dirs") = std::vector<std::string>{},
             py::arg("hparams") = std::vector<double>{}, py::arg("closures") = false)
        .def_property_readonly("id", [](const PluginStep& s) { return s.plugin().id(); })
        .def_property_readonly("path", [](const PluginStep& s) { return s.plugin().path().string(); })
        .def_property_readonly("state_count", &PluginStep::state_count)
        .def_property_readonly("needs_closure", &PluginStep::needs_closure)
        .def_property("run_state", &PluginStep::run_state, &PluginStep::set_run_state)
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
             py::arg("count"), py::arg("shape") = py::none(), py::arg("scalar") = false)
        .def("step_closure_f32", &PluginStep::step_closure<float>, py::arg("t"), py::arg("params"), py::arg("grads"),
             py::arg("state"), py::arg("count"), py::arg("loss"), py::arg("point"), py::arg("gradient"),
             py::arg("evaluate"), py::arg("run_state"), py::arg("scalar") = false)
        .def("step_closure_f64", &PluginStep::step_closure<double>, py::arg("t"), py::arg("params"), py::arg("grads"),
             py::arg("state"), py::arg("count"), py::arg("loss"), py::arg("point"), py::arg("gradient"),
             py::arg("evaluate"), py::arg("run_state"), py::arg("scalar") = false);
}

} // namespace cgp::python
