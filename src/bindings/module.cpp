// aipower._kernel: the private compiled module. Each model area registers its
// functions in a submodule; the public API is the Python package around it.
#include "aipower/errors.hpp"
#include "aipower/version.hpp"
#include "bindings.hpp"

#ifndef AIPOWER_BINDINGS_SHA256
#define AIPOWER_BINDINGS_SHA256 "unknown"
#endif

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
        d["batch_build"] = info.batch_build;
        d["source_sha256"] = info.source_sha256;
        d["bindings_sha256"] = AIPOWER_BINDINGS_SHA256;
        return d;
    }, "Kernel version, compiler, build type, C++ standard, the batch path's build this CPU runs and the SHA-256 "
       "of the kernel's and the bindings' sources as built.");
    // The years the kernel accepts: the Python layer checks against the same bounds.
    m.attr("MIN_YEAR") = aipower::kMinYear;
    m.attr("MAX_YEAR") = aipower::kMaxYear;

    auto units = m.def_submodule("units", "Unit conversions");
    register_units(units);
    auto series = m.def_submodule("series", "Yearly series driven by segments");
    register_series(series);
    auto china = m.def_submodule("china", "China power-balance model");
    register_china_model(china);
    // [issue-3 calculators: add submodules below this line]
    auto dc_power_module = m.def_submodule("dc_power", "Data-center electricity from capex, chips and compute");
    register_dc_power(dc_power_module);
    auto token_cost_module = m.def_submodule("token_cost", "Cost and energy of LLM tokens");
    register_token_cost(token_cost_module);
    auto us_gap_module = m.def_submodule("us_gap", "US capacity gap");
    register_us_gap(us_gap_module);
    auto onsite_power_module = m.def_submodule("onsite_power", "On-site power economics");
    register_onsite_power(onsite_power_module);
    auto rack_power_module = m.def_submodule("rack_power", "Rack power distribution");
    register_rack_power(rack_power_module);
    auto training_module = m.def_submodule("training", "Training clusters");
    register_training(training_module);
    auto global_dc_module = m.def_submodule("global_dc", "Global data-center demand");
    register_global_dc(global_dc_module);
    // [issue-5 sweeps: add submodules below this line]
    auto sweep = m.def_submodule("sweep", "Batch evaluation, sampling and streaming reductions for scenario sweeps");
    register_sweep(sweep);
}
