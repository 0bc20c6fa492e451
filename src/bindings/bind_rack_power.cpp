#include "aipower/rack_power.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

void register_rack_power(py::module_& m) {
    using namespace aipower::rack_power;
    m.def("current_a", py::vectorize(&current_a), py::arg("power_w"), py::arg("voltage_v"), "I = P / V.");
    m.def("conductor_resistance_ohm", py::vectorize(&conductor_resistance_ohm), py::arg("resistivity_ohm_m"),
          py::arg("length_m"), py::arg("cross_section_m2"), "R = ρ L / A.");
    m.def("cross_section_for_mass_m2", py::vectorize(&cross_section_for_mass_m2), py::arg("mass_kg"),
          py::arg("density_kg_m3"), py::arg("length_m"), "A = m / (d L).");
    m.def("loss_fraction", py::vectorize(&loss_fraction), py::arg("power_w"), py::arg("voltage_v"),
          py::arg("resistivity_ohm_m"), py::arg("density_kg_m3"), py::arg("length_m"), py::arg("mass_kg"),
          "I²R loss / P for a conductor of the given mass and length.");
    m.def("copper_mass_for_loss_kg", py::vectorize(&copper_mass_for_loss_kg), py::arg("power_w"), py::arg("voltage_v"),
          py::arg("loss_fraction_target"), py::arg("resistivity_ohm_m"), py::arg("density_kg_m3"), py::arg("length_m"),
          "Copper mass for a loss target: d ρ L² I² / (f P).");
    m.def("conductor_length_for_loss_m", py::vectorize(&conductor_length_for_loss_m), py::arg("power_w"),
          py::arg("voltage_v"), py::arg("loss_fraction_target"), py::arg("mass_kg"), py::arg("resistivity_ohm_m"),
          py::arg("density_kg_m3"), "Path length at which a copper mass loses the target fraction.");
    m.def("chain_efficiency", &chain_efficiency, py::arg("stage_efficiencies"), "Product of stage efficiencies.");
}

}  // namespace aipower::bindings
