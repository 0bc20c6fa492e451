#include "aipower/dc_power.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

void register_dc_power(py::module_& m) {
    using namespace aipower::dc_power;
    m.def("capacity_from_capex_gw", py::vectorize(&capacity_from_capex_gw), py::arg("capex_yi_rmb"),
          py::arg("capex_per_watt_rmb"), "Method 1: GW of data-center capacity bought by capex (亿 RMB) at RMB/W.");
    m.def("energy_from_capacity_twh", py::vectorize(&energy_from_capacity_twh), py::arg("capacity_gw"),
          py::arg("twh_per_gw_year"), "TWh a year of a capacity (GW) at TWh per GW-year.");
    m.def("energy_from_it_power_twh", py::vectorize(&energy_from_it_power_twh), py::arg("it_power_gw"),
          py::arg("pue"), py::arg("load_factor"), py::arg("hours"), "TWh = IT GW × PUE × load factor × hours / 1000.");
    m.def("chip_power_from_capex_gw", py::vectorize(&chip_power_from_capex_gw), py::arg("capex_yi_rmb"),
          py::arg("chip_share_of_capex"), py::arg("chip_cost_per_watt_rmb"),
          "Method 2: GW of accelerators bought by the chip share of capex (亿 RMB) at RMB/W.");
    m.def("cluster_power_mw", py::vectorize(&cluster_power_mw), py::arg("accelerators"),
          py::arg("watts_per_accelerator"), py::arg("pue"), "Facility MW of a cluster: count × W × PUE / 1e6.");
    m.def(
        "compute_route_twh",
        [](const std::vector<double>& eflops, const std::vector<double>& twh_per_eflops) {
            return to_array(compute_route_twh(eflops, twh_per_eflops));
        },
        py::arg("eflops"), py::arg("twh_per_eflops"), "Compute route: EFLOPS × TWh per EFLOPS, per year.");
    m.def(
        "intensity_path", [](double start, double annual_change, int n) { return to_array(intensity_path(start, annual_change, n)); },
        py::arg("start"), py::arg("annual_change"), py::arg("n"), "n values from start changing by annual_change a year.");
    m.def(
        "interpolate_geometric",
        [](const std::vector<int>& anchor_years, const std::vector<double>& anchor_values, const std::vector<int>& years) {
            return to_array(interpolate_geometric(anchor_years, anchor_values, years));
        },
        py::arg("anchor_years"), py::arg("anchor_values"), py::arg("years"),
        "Geometric interpolation between anchors; the nearest segment's growth is continued outside them.");
    m.def(
        "capex_driven_path",
        [](double start_twh, const std::vector<double>& capex_yi_rmb, double capex_per_watt_rmb, double twh_per_gw_year,
           double first_year_fraction) {
            return to_array(capex_driven_path(start_twh, capex_yi_rmb, capex_per_watt_rmb, twh_per_gw_year, first_year_fraction));
        },
        py::arg("start_twh"), py::arg("capex_yi_rmb"), py::arg("capex_per_watt_rmb"), py::arg("twh_per_gw_year"),
        py::arg("first_year_fraction"), "Data-center TWh path: start value plus method-1 energy of each year's capex.");
    m.def(
        "compute_driven_path",
        [](double start_twh, const std::vector<double>& eflops, double intensity_change_per_year) {
            return to_array(compute_driven_path(start_twh, eflops, intensity_change_per_year));
        },
        py::arg("start_twh"), py::arg("eflops"), py::arg("intensity_change_per_year"),
        "Data-center TWh path: EFLOPS × energy per EFLOPS calibrated on the start year.");
}

}  // namespace aipower::bindings
