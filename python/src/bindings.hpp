// bindings.hpp: the parts of the extension module cgp._cgp, each defined in its own file and
// registered by module.cpp.
#pragma once

#include <pybind11/pybind11.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

namespace cgp::python {

namespace py = pybind11;

// Python exception classes for cgp's errors (errors.cpp): cgp.Error, cgp.SourceError (with file,
// line and column), cgp.UsageError.
void register_errors(py::module_& m);

// cgp.train (train.cpp, train_options.cpp).
void bind_train(py::module_& m);

// cgp.plugins() (plugins.cpp) and the plugin step cgp.torch uses (plugin_step.cpp).
void bind_plugins(py::module_& m);
void bind_plugin_step(py::module_& m);
// cgp.load and Result.save / predict (saved_model.cpp).
void bind_saved_model(py::module_& m);

// The plugin search path of cgp-run (each dir, CGP_PLUGIN_PATH, next to the program), then the
// folder of the plugins built or installed with this module (set once at import).
std::vector<std::filesystem::path> plugin_search(const std::vector<std::string>& dirs);

// Runs `job` on a worker thread with the GIL released. Every `interval` the calling thread takes
// the GIL, runs Python's signal handlers (Ctrl-C raises KeyboardInterrupt there) and calls `poll`.
// On KeyboardInterrupt, or any exception from poll, `stop` is set and the job is waited for (a
// training run stops after its current iteration). Returns true when a KeyboardInterrupt stopped
// the job; rethrows the job's exception, or another Python exception raised meanwhile.
bool run_interruptible(const std::function<void()>& job, std::atomic<int>& stop, std::chrono::milliseconds interval,
                       const std::function<void()>& poll);

} // namespace cgp::python
