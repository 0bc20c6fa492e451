// aipower._kernel: the private compiled module. Each model area registers its
// functions in a submodule; the public API is the Python package around it.
#include "aipower/version.hpp"
#include "bindings.hpp"

namespace py = pybind11;
using namespace aipower::bindings;

PYBIND11_MODULE(_kernel, m) {
    m.doc() = "aipower compiled kernel (private: use the aipower package)";
    m.def("build_info", [] {
        const auto info = aipower::build_info();
        py::dict d;
        d["version"] = info.version;
        d["compiler"] = info.compiler;
        d["build_type"] = info.build_type;
        d["cxx_standard"] = info.cxx_standard;
        return d;
    }, "Kernel version, compiler, build type and C++ standard.");

    auto units = m.def_submodule("units", "Unit conversions");
    register_units(units);
    auto series = m.def_submodule("series", "Yearly series driven by segments");
    register_series(series);
    auto china = m.def_submodule("china", "China power-balance model");
    register_china_model(china);
    // [issue-3 calculators: add submodules below this line]
    // [issue-5 sweeps: add submodules below this line]
    auto sweep = m.def_submodule("sweep", "Batch evaluation, sampling and streaming reductions for scenario sweeps");
    register_sweep(sweep);
}
