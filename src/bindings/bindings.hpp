// Shared declarations for the binding files: one register_* function per model
// area, assembled in module.cpp. Only glue lives here; every calculation is in
// the kernel.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <vector>

namespace aipower::bindings {

namespace py = pybind11;

// A copy of a kernel vector as a 1-D float64 numpy array.
inline py::array_t<double> to_array(const std::vector<double>& v) {
    py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

void register_units(py::module_& m);
void register_series(py::module_& m);
void register_china_model(py::module_& m);
// [issue-3 calculators: declare register_* functions below this line]
void register_dc_power(py::module_& m);
void register_token_cost(py::module_& m);
void register_us_gap(py::module_& m);
void register_onsite_power(py::module_& m);
void register_rack_power(py::module_& m);
void register_training(py::module_& m);
void register_global_dc(py::module_& m);
// [issue-5 sweeps: declare register_* functions below this line]
void register_sweep(py::module_& m);

}  // namespace aipower::bindings
