#include "aipower/us_gap.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

void register_us_gap(py::module_& m) {
    using namespace aipower::us_gap;
    m.def("firm_equivalent_gw", &firm_equivalent_gw, py::arg("nameplate_gw"), py::arg("capacity_factor"),
          "Σ nameplate GW × capacity factor.");
    m.def(
        "capacity_gap",
        [](double needed_gw_per_year, const std::vector<double>& nameplate_gw, const std::vector<double>& capacity_factor,
           int years, double fleet_gw) {
            const auto g = capacity_gap(needed_gw_per_year, nameplate_gw, capacity_factor, years, fleet_gw);
            py::dict d;
            d["built_nameplate_gw"] = g.built_nameplate_gw;
            d["built_firm_gw"] = g.built_firm_gw;
            d["gap_gw_per_year"] = g.gap_gw_per_year;
            d["cumulative_gap_gw"] = to_array(g.cumulative_gap_gw);
            d["gap_share_of_fleet"] = g.gap_share_of_fleet;
            return d;
        },
        py::arg("needed_gw_per_year"), py::arg("nameplate_gw"), py::arg("capacity_factor"), py::arg("years"),
        py::arg("fleet_gw"), "Built nameplate and firm GW, yearly and cumulative gap, gap share of the fleet.");
    m.def("gap_per_year", py::vectorize(&gap_per_year), py::arg("needed_gw_per_year"), py::arg("built_gw_per_year"),
          "Needed − built nameplate GW a year.");
    m.def(
        "cumulative_gap", [](double gap_gw_per_year, int years) { return to_array(cumulative_gap(gap_gw_per_year, years)); },
        py::arg("gap_gw_per_year"), py::arg("years"), "Cumulative gap after 1..years years.");
    m.def("capex", py::vectorize(&capex), py::arg("gw"), py::arg("cost_per_gw"), "GW × cost per GW.");
    m.def("data_center_new_load_gw", py::vectorize(&data_center_new_load_gw), py::arg("needed_gw_per_year"),
          py::arg("data_center_share"), "Needed additions × data-center share.");
}

}  // namespace aipower::bindings
