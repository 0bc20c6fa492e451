#include "aipower/training.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

void register_training(py::module_& m) {
    using namespace aipower::training;
    m.def("training_time_s", py::vectorize(&training_time_s), py::arg("training_flops"), py::arg("accelerators"),
          py::arg("peak_flops_per_s"), py::arg("utilization"), py::arg("goodput"),
          "Seconds: FLOPs / (count × peak × utilization × goodput).");
    m.def("training_energy_mwh", py::vectorize(&training_energy_mwh), py::arg("accelerators"),
          py::arg("power_kw_per_accelerator"), py::arg("pue"), py::arg("time_s"), "Facility MWh of a run.");
    m.def("implied_utilization", py::vectorize(&implied_utilization), py::arg("training_flops"), py::arg("accelerators"),
          py::arg("peak_flops_per_s"), py::arg("time_s"), "Overall utilization that finishes the run in time_s.");
    m.def("interruption_interval_h", py::vectorize(&interruption_interval_h), py::arg("accelerators"),
          py::arg("reference_accelerators"), py::arg("reference_interval_h"), "Mean hours between interruptions ∝ 1/N.");
    m.def("goodput", py::vectorize(&goodput), py::arg("interruption_interval_h"), py::arg("restart_h"),
          py::arg("checkpoint_interval_h"), "interval / (interval + restart + checkpoint/2).");
    m.def("failures_per_week", py::vectorize(&failures_per_week), py::arg("accelerators"),
          py::arg("weekly_failure_rate"), "Accelerators failing per week.");
}

}  // namespace aipower::bindings
