// saved_model.cpp: saved models from Python: cgp._cgp.SavedModel (read_saved_model, and predict on
// a float64 array whose columns are the model's), and writing a run's saved-model document.
#include "bindings.hpp"

#include <cgp/io/error.hpp>
#include <cgp/training/saved_model.hpp>

#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <fmt/format.h>

namespace cgp::python {
namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

// Predictions for rows given in the model's column order (checked in Python: shape, dtype, NaN).
py::dict predict_rows(const SavedModel& m, const Array& rows)
{
    if (rows.ndim() != 2 || static_cast<std::size_t>(rows.shape(1)) != m.columns.size())
        throw Error(fmt::format("the rows have {} columns; the saved model reads {} ({})",
                                rows.ndim() == 2 ? rows.shape(1) : 0, m.columns.size(), fmt::join(m.columns, ", ")));
    Dataset d;
    d.origin = "the array";
    d.feature_names = m.columns;
    d.samples = static_cast<std::size_t>(rows.shape(0));
    d.x.assign(rows.data(), rows.data() + rows.size());
    Predictions p;
    {
        py::gil_scoped_release release;
        p = predict(m, d);
    }
    py::array_t<double> values({static_cast<py::ssize_t>(p.samples), static_cast<py::ssize_t>(p.outputs)});
    std::copy(p.values.begin(), p.values.end(), values.mutable_data());
    py::dict out;
    out["values"] = values;
    if (!p.classes.empty()) {
        py::array_t<std::int64_t> classes(static_cast<py::ssize_t>(p.classes.size()));
        std::copy(p.classes.begin(), p.classes.end(), classes.mutable_data());
        out["classes"] = classes;
    } else {
        out["classes"] = py::none();
    }
    return out;
}

} // namespace

void bind_saved_model(py::module_& m)
{
    py::class_<SavedModel>(m, "SavedModel", "A saved model read back (docs/saved-models.md).")
        .def_readonly("origin", &SavedModel::origin)
        .def_readonly("columns", &SavedModel::columns)
        .def_readonly("labels", &SavedModel::labels)
        .def_readonly("class_names", &SavedModel::class_names)
        .def_property_readonly("outputs", [](const SavedModel& s) { return s.graph.outputs; })
        .def_property_readonly("params", [](const SavedModel& s) { return s.params; })
        .def_property_readonly("param_names", [](const SavedModel& s) { return s.graph.params.to_vector(); })
        .def_property_readonly("loss", [](const SavedModel& s) { return std::string(to_string(s.loss)); })
        .def("predict", &predict_rows, py::arg("rows"),
             "Predictions for rows in the model's column order: dict(values, classes).");
    m.def(
        "read_saved_model", [](const std::string& path) { return read_saved_model(path); }, py::arg("path"),
        "Reads a saved-model file.");
    m.def(
        "write_saved_model",
        [](const std::string& document, const std::string& path) {
            write_saved_model(path, nlohmann::ordered_json::parse(document));
        },
        py::arg("document"), py::arg("path"), "Writes a saved-model document (JSON text) atomically.");
}

} // namespace cgp::python
