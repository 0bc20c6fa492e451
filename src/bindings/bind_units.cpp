#include "aipower/units.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

void register_units(py::module_& m) {
    using namespace aipower::units;
    // Vectorised: numbers or numpy arrays (broadcast together), a number for numbers.
    m.def("yi_kwh_to_twh", py::vectorize(&yi_kwh_to_twh), py::arg("yi_kwh"), "亿kWh → TWh.");
    m.def("twh_to_yi_kwh", py::vectorize(&twh_to_yi_kwh), py::arg("twh"), "TWh → 亿kWh.");
    m.def("yi_kw_to_gw", py::vectorize(&yi_kw_to_gw), py::arg("yi_kw"), "亿kW → GW.");
    m.def("gw_to_yi_kw", py::vectorize(&gw_to_yi_kw), py::arg("gw"), "GW → 亿kW.");
    m.def("wan_kw_to_gw", py::vectorize(&wan_kw_to_gw), py::arg("wan_kw"), "万kW → GW.");
    m.def("gw_to_wan_kw", py::vectorize(&gw_to_wan_kw), py::arg("gw"), "GW → 万kW.");
    m.def("mw_to_gw", py::vectorize(&mw_to_gw), py::arg("mw"), "MW → GW.");
    m.def("gw_to_mw", py::vectorize(&gw_to_mw), py::arg("gw"), "GW → MW.");
    m.def("gw_hours_to_twh", py::vectorize(&gw_hours_to_twh), py::arg("gw"), py::arg("hours"), "GW × h → TWh.");
    m.def("twh_per_gw_to_hours", py::vectorize(&twh_per_gw_to_hours), py::arg("twh"), py::arg("gw"), "TWh / GW → h.");
    m.def("per_capita_to_twh", py::vectorize(&per_capita_to_twh), py::arg("kwh_per_person"), py::arg("population_million"),
          "kWh per person × million people → TWh.");
    m.def("twh_to_per_capita", py::vectorize(&twh_to_per_capita), py::arg("twh"), py::arg("population_million"),
          "TWh / million people → kWh per person.");
}

}  // namespace aipower::bindings
