#include "aipower/token_cost.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

void register_token_cost(py::module_& m) {
    using namespace aipower::token_cost;
    m.def("depreciation_per_hour", py::vectorize(&depreciation_per_hour), py::arg("purchase_price"),
          py::arg("life_years"), py::arg("hours_per_year"), "Straight-line depreciation per hour.");
    m.def("energy_cost_per_hour", py::vectorize(&energy_cost_per_hour), py::arg("it_power_kw"), py::arg("pue"),
          py::arg("electricity_price_per_kwh"), "IT kW × PUE × price per kWh.");
    m.def("energy_per_million_tokens_kwh", py::vectorize(&energy_per_million_tokens_kwh), py::arg("it_power_kw"),
          py::arg("pue"), py::arg("tokens_per_second"), "Facility kWh per million tokens.");
    def_with_array(
        m, "cost_per_million_tokens",
        std::array{"compute_per_hour", "energy_per_hour", "network_per_hour", "operations_per_hour", "total_per_hour",
                   "compute_per_million", "energy_per_million", "network_per_million", "operations_per_million",
                   "total_per_million", "compute_share", "energy_share", "network_share", "operations_share",
                   "kwh_per_million"},
        [](double accelerator_cost_per_hour, double it_power_kw, double pue, double electricity_price_per_kwh,
           double network_cost_per_hour, double operations_cost_per_hour, double tokens_per_second) {
            const auto b = cost_per_million_tokens({accelerator_cost_per_hour, it_power_kw, pue, electricity_price_per_kwh,
                                                    network_cost_per_hour, operations_cost_per_hour, tokens_per_second});
            return std::array{b.compute_per_hour, b.energy_per_hour, b.network_per_hour, b.operations_per_hour,
                              b.total_per_hour, b.compute_per_million, b.energy_per_million, b.network_per_million,
                              b.operations_per_million, b.total_per_million, b.compute_share, b.energy_share,
                              b.network_share, b.operations_share, b.kwh_per_million};
        },
        "Cost per million tokens: components per hour and per million, shares, kWh per million.",
        py::arg("accelerator_cost_per_hour"), py::arg("it_power_kw"), py::arg("pue"), py::arg("electricity_price_per_kwh"),
        py::arg("network_cost_per_hour"), py::arg("operations_cost_per_hour"), py::arg("tokens_per_second"));
    def_with_array(
        m, "calibrate_overheads", std::array{"network_per_hour", "operations_per_hour"},
        [](double compute_per_hour, double energy_per_hour, double network_share, double operations_share) {
            const auto o = calibrate_overheads(compute_per_hour, energy_per_hour, network_share, operations_share);
            return std::array{o.network_per_hour, o.operations_per_hour};
        },
        "Network and operations costs per hour that take the given shares of the total.", py::arg("compute_per_hour"),
        py::arg("energy_per_hour"), py::arg("network_share"), py::arg("operations_share"));
    m.def("cost_index", py::vectorize(&cost_index), py::arg("cost_a_per_million"), py::arg("cost_b_per_million"),
          "Cost of b relative to a.");
    m.def("throughput_ratio_for_index", py::vectorize(&throughput_ratio_for_index), py::arg("cost_a_per_hour"),
          py::arg("cost_b_per_hour"), py::arg("target_index"),
          "Throughput ratio a/b that brings the index b/a to the target.");
    m.def("non_energy_multiplier_for_index", py::vectorize(&non_energy_multiplier_for_index), py::arg("cost_a_per_hour"),
          py::arg("energy_b_per_hour"), py::arg("non_energy_b_per_hour"), py::arg("target_index"),
          "Multiplier on b's non-energy cost per hour that brings the index b/a to the target.");
    def_with_array(
        m, "embodied_electricity", std::array{"kwh", "value"},
        [](double million_tokens, double kwh_per_million, double electricity_price_per_kwh) {
            const auto e = embodied_electricity(million_tokens, kwh_per_million, electricity_price_per_kwh);
            return std::array{e.kwh, e.value};
        },
        "Electricity (kWh) embodied in tokens and its value.", py::arg("million_tokens"), py::arg("kwh_per_million"),
        py::arg("electricity_price_per_kwh"));
}

}  // namespace aipower::bindings
