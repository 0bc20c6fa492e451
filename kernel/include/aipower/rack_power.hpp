// Rack power distribution (MODEL.md §7, seed 2): current, conductor I²R loss,
// the copper a loss target needs, and the end-to-end efficiency chain. SI
// units: W, V, A, Ω, m, m², kg; resistivity in Ω·m, density in kg/m³. The
// conductor length is the whole current path (out and back).
#pragma once

#include <vector>

namespace aipower::rack_power {

// I = P / V (A).
double current_a(double power_w, double voltage_v);

// R = ρ L / A (Ω).
double conductor_resistance_ohm(double resistivity_ohm_m, double length_m, double cross_section_m2);

// Cross-section of a conductor of a given copper mass and length: A = m / (d L).
double cross_section_for_mass_m2(double mass_kg, double density_kg_m3, double length_m);

// I²R loss as a fraction of the delivered power P, for a conductor of mass m:
// (P/V)² ρ L / A / P with A = m / (d L).
double loss_fraction(double power_w, double voltage_v, double resistivity_ohm_m, double density_kg_m3,
                     double length_m, double mass_kg);

// Copper mass for a loss target: m = d ρ L² I² / (f P).
double copper_mass_for_loss_kg(double power_w, double voltage_v, double loss_fraction_target,
                               double resistivity_ohm_m, double density_kg_m3, double length_m);

// Conductor length at which a mass m loses a fraction f: L = sqrt(f P m / (I² ρ d)).
double conductor_length_for_loss_m(double power_w, double voltage_v, double loss_fraction_target, double mass_kg,
                                   double resistivity_ohm_m, double density_kg_m3);

// End-to-end efficiency of stages in series: the product.
double chain_efficiency(const std::vector<double>& stage_efficiencies);

}  // namespace aipower::rack_power
