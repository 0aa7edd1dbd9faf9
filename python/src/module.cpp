// module.cpp: the extension module cgp._cgp, which the package cgp (python/cgp/) wraps: errors,
// training, plugins, the plugin step; and the worker thread that keeps Ctrl-C working.
#include "bindings.hpp"

#include <cgp/host/plugin_paths.hpp>

#include <condition_variable>
#include <csignal>
#include <mutex>
#include <optional>
#include <thread>

namespace cgp::python {
namespace {

std::filesystem::path& default_plugin_dir()
{
    static std::filesystem::path dir;
    return dir;
}

} // namespace

std::vector<std::filesystem::path> plugin_search(const std::vector<std::string>& dirs)
{
    std::vector<std::filesystem::path> search = plugin_search_path({dirs.begin(), dirs.end()});
    if (!default_plugin_dir().empty())
        search.push_back(default_plugin_dir());
    return search;
}

bool run_interruptible(const std::function<void()>& job, std::atomic<int>& stop, std::chrono::milliseconds interval,
                       const std::function<void()>& poll)
{
    std::mutex mutex;
    std::condition_variable finished;
    bool done = false;
    std::exception_ptr failure;
    std::thread worker([&] {
        try {
            job();
        } catch (...) {
            failure = std::current_exception();
        }
        const std::lock_guard lock(mutex);
        done = true;
        finished.notify_all();
    });
    // Waits with the GIL released: up to `interval`, or until the job ends.
    const auto wait = [&](bool until_done) {
        py::gil_scoped_release release;
        std::unique_lock lock(mutex);
        if (until_done)
            finished.wait(lock, [&] { return done; });
        else
            finished.wait_for(lock, interval, [&] { return done; });
        return done;
    };
    bool interrupted = false;
    std::optional<py::error_already_set> pending;
    std::exception_ptr poll_failure;
    while (!wait(false)) {
        try {
            if (PyErr_CheckSignals() != 0)
                throw py::error_already_set();
            poll();
            continue;
        } catch (py::error_already_set& e) {
            interrupted = e.matches(PyExc_KeyboardInterrupt);
            if (!interrupted)
                pending.emplace(std::move(e));
        } catch (...) {
            poll_failure = std::current_exception();
        }
        stop.store(SIGINT);
        wait(true);
        break;
    }
    worker.join();
    if (failure)
        std::rethrow_exception(failure);
    if (pending)
        throw *pending;
    if (poll_failure)
        std::rethrow_exception(poll_failure);
    return interrupted;
}

} // namespace cgp::python

PYBIND11_MODULE(_cgp, m)
{
    using namespace cgp::python;
    m.doc() = "cgp's engine: training runs, optimizer plugins and their steps (use the package cgp)";
    register_errors(m);
    bind_train(m);
    bind_plugins(m);
    bind_plugin_step(m);
    bind_saved_model(m);
    m.def(
        "set_default_plugin_dir", [](const std::string& dir) { cgp::python::default_plugin_dir() = dir; },
        "The folder searched for plugins after the user's folders and CGP_PLUGIN_PATH.");
}
