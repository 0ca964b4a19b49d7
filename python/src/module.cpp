// python/src/module.cpp — the native module ivassign._ivassign: the library's exceptions become the
// Python exceptions of ivassign.errors (same message), plus the build's facts. The pure-Python
// package python/ivassign/ wraps these functions with keyword settings and docstrings.
#include <exception>

#include <nanobind/nanobind.h>
#include <nanobind/stl/string.h>

#include "convert.hpp"
#include "ivassign/backend.hpp"
#include "ivassign/error.hpp"

namespace nb = nanobind;

namespace {

/// Sets the Python error ivassign.errors.<name>(message); falls back to RuntimeError when the
/// package is not importable (the module imported on its own, as stubgen does).
void raise_as(const char* name, const char* message) {
  PyObject* errors = PyImport_ImportModule("ivassign.errors");
  if (errors) {
    PyObject* cls = PyObject_GetAttrString(errors, name);
    Py_DECREF(errors);
    if (cls) {
      PyErr_SetString(cls, message);
      Py_DECREF(cls);
      return;
    }
  }
  PyErr_Clear();
  PyErr_SetString(PyExc_RuntimeError, message);
}

void translate(const std::exception_ptr& p, void*) {
  try {
    std::rethrow_exception(p);
  } catch (const ivassign::InputError& e) {
    raise_as("InputError", e.what());
  } catch (const ivassign::ResourceError& e) {
    raise_as("ResourceError", e.what());
  } catch (const ivassign::CudaError& e) {
    raise_as("CudaError", e.what());
  } catch (const ivassign::Error& e) {
    raise_as("Error", e.what());
  }
}

}  // namespace

NB_MODULE(_ivassign, m) {
  m.doc() = "ivassign's native module (nanobind); use the package `ivassign`.";
  nb::register_exception_translator(&translate);
  m.def("device_compiled", &ivassign::device_compiled, "True when built with a device path (CUDA or OMP).");
  m.def("device_available", &ivassign::device_available, "True when the device path can run here.");
  m.def("device_description", &ivassign::device_description, "One line on the device.");
  ivassign::py::bind_assignment(m);
  ivassign::py::bind_mechanism(m);
  ivassign::py::bind_lap(m);
  ivassign::py::bind_social(m);
  ivassign::py::bind_options(m);
  ivassign::py::bind_view(m);
}
