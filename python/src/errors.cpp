// errors.cpp: cgp's C++ exceptions as the Python exceptions of cgp._errors, carrying cgp's message
// (and, for errors in a source text, its file, line and column).
#include "bindings.hpp"

#include "common/cli.hpp"

#include <cgp/io/error.hpp>

namespace cgp::python {
namespace {

// A new reference to cgp._errors.<name> (the classes live in Python so they can be subclassed and
// pickled like any exception).
PyObject* error_class(const char* name)
{
    py::object cls = py::module_::import("cgp._errors").attr(name);
    return cls.release().ptr();
}

void raise(PyObject* cls, const py::object& instance)
{
    PyErr_SetObject(cls, instance.ptr());
}

} // namespace

void register_errors(py::module_&)
{
    // Kept for the life of the interpreter: translators run until it ends.
    static PyObject* const error = error_class("Error");
    static PyObject* const source_error = error_class("SourceError");
    static PyObject* const usage_error = error_class("UsageError");
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p)
                std::rethrow_exception(p);
        } catch (const SourceError& e) {
            raise(source_error, py::reinterpret_borrow<py::object>(source_error)(e.what(), e.origin(), e.pos().line,
                                                                                 e.pos().column, e.message()));
        } catch (const cli::UsageError& e) {
            raise(usage_error, py::reinterpret_borrow<py::object>(usage_error)(e.what()));
        } catch (const Error& e) {
            raise(error, py::reinterpret_borrow<py::object>(error)(e.what()));
        }
    });
}

} // namespace cgp::python
