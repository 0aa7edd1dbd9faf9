// plugins.cpp: cgp._cgp.plugins: every optimizer plugin along the search path, as data (what
// cgp-run --list-optimizers prints), and the files that failed to load with the reason.
#include "bindings.hpp"

#include <cgp/host/plugin.hpp>
#include <cgp/host/plugin_paths.hpp>
#include <cgp/io/error.hpp>

#include <pybind11/stl.h>

namespace cgp::python {
namespace {

py::dict hparam_dict(const HyperParam& h)
{
    return py::dict(py::arg("name") = h.name, py::arg("option") = h.option_name(), py::arg("default") = h.default_value,
                    py::arg("min") = h.min_value, py::arg("max") = h.max_value, py::arg("range") = h.range_text(),
                    py::arg("integer") = (h.flags & CGP_HPARAM_INTEGER) != 0, py::arg("help") = h.help);
}

py::dict plugin_dict(const Plugin& p)
{
    py::list hparams;
    for (const HyperParam& h : p.hparams())
        hparams.append(hparam_dict(h));
    return py::dict(py::arg("id") = p.id(), py::arg("name") = p.name(), py::arg("version") = p.version(),
                    py::arg("summary") = p.summary(), py::arg("algorithm") = p.algorithm(),
                    py::arg("path") = p.path().string(),
                    py::arg("abi") = std::to_string(p.abi_major()) + "." + std::to_string(p.abi_minor()),
                    py::arg("simd") = p.simd_path(), py::arg("state_count") = p.state_count(p.defaults()),
                    py::arg("hyperparameters") = hparams);
}

} // namespace

void bind_plugins(py::module_& m)
{
    m.def(
        "plugins",
        [](const std::vector<std::string>& dirs) {
            py::list found, failed;
            for (const auto& f : find_plugins(plugin_search(dirs))) {
                try {
                    found.append(plugin_dict(*Plugin::load(f)));
                } catch (const Error& e) {
                    failed.append(py::dict(py::arg("path") = f.string(), py::arg("error") = std::string(e.what())));
                }
            }
            return py::make_tuple(found, failed);
        },
        py::arg("plugin_dirs") = std::vector<std::string>{},
        "(plugins, failures): a dict per plugin found, and a dict (path, error) per file that did not load.");
    m.def(
        "plugin_info",
        [](const std::string& spec, const std::vector<std::string>& dirs) {
            return plugin_dict(*Plugin::load(resolve_plugin(spec, plugin_search(dirs))));
        },
        py::arg("optimizer"), py::arg("plugin_dirs") = std::vector<std::string>{},
        "One plugin, by name, file name or path, as a dict.");
}

} // namespace cgp::python
