#include "aipower/rack_power.hpp"

#include <cmath>
#include <string>

#include "aipower/errors.hpp"

namespace aipower::rack_power {

double current_a(double power_w, double voltage_v) {
    require_non_negative("power_w", power_w);
    require_positive("voltage_v", voltage_v);
    return finite_result("rack_power::current_a", power_w / voltage_v);
}

double conductor_resistance_ohm(double resistivity_ohm_m, double length_m, double cross_section_m2) {
    require_positive("resistivity_ohm_m", resistivity_ohm_m);
    require_non_negative("length_m", length_m);
    require_positive("cross_section_m2", cross_section_m2);
    return finite_result("rack_power::conductor_resistance_ohm", resistivity_ohm_m * length_m / cross_section_m2);
}

double cross_section_for_mass_m2(double mass_kg, double density_kg_m3, double length_m) {
    require_positive("mass_kg", mass_kg);
    require_positive("density_kg_m3", density_kg_m3);
    require_positive("length_m", length_m);
    return finite_result("rack_power::cross_section_for_mass_m2", mass_kg / (density_kg_m3 * length_m));
}

double loss_fraction(double power_w, double voltage_v, double resistivity_ohm_m, double density_kg_m3,
                     double length_m, double mass_kg) {
    require_positive("power_w", power_w);
    const double current = current_a(power_w, voltage_v);
    const double cross_section = cross_section_for_mass_m2(mass_kg, density_kg_m3, length_m);
    // The cross-section underflows to zero when the copper is vanishingly little for its length.
    if (!(cross_section > 0.0))
        fail("mass_kg", mass_kg,
             "a mass large enough for a non-zero cross-section over length_m = " + format_value(length_m) +
                 " at density_kg_m3 = " + format_value(density_kg_m3));
    const double resistance = conductor_resistance_ohm(resistivity_ohm_m, length_m, cross_section);
    const double loss = finite_result("rack_power::loss_fraction", current * current * resistance / power_w);
    // Above 1 the conductor would dissipate more than the rack draws: the I = P / V model no longer holds.
    if (loss > 1.0)
        fail("loss fraction", loss,
             "at most 1: mass_kg = " + format_value(mass_kg) + " of copper is too little for power_w = " +
                 format_value(power_w) + " at voltage_v = " + format_value(voltage_v) + "; add copper or raise the voltage");
    return loss;
}

double copper_mass_for_loss_kg(double power_w, double voltage_v, double loss_fraction_target,
                               double resistivity_ohm_m, double density_kg_m3, double length_m) {
    require_positive("power_w", power_w);
    if (!(std::isfinite(loss_fraction_target) && loss_fraction_target > 0.0 && loss_fraction_target <= 1.0))
        fail("loss_fraction_target", loss_fraction_target, "a fraction in (0, 1]");
    require_positive("resistivity_ohm_m", resistivity_ohm_m);
    require_positive("density_kg_m3", density_kg_m3);
    require_positive("length_m", length_m);
    const double current = current_a(power_w, voltage_v);
    return finite_result("rack_power::copper_mass_for_loss_kg", density_kg_m3 * resistivity_ohm_m * length_m * length_m * current * current /
           (loss_fraction_target * power_w));
}

double conductor_length_for_loss_m(double power_w, double voltage_v, double loss_fraction_target, double mass_kg,
                                   double resistivity_ohm_m, double density_kg_m3) {
    require_positive("power_w", power_w);
    if (!(std::isfinite(loss_fraction_target) && loss_fraction_target > 0.0 && loss_fraction_target <= 1.0))
        fail("loss_fraction_target", loss_fraction_target, "a fraction in (0, 1]");
    require_positive("mass_kg", mass_kg);
    require_positive("resistivity_ohm_m", resistivity_ohm_m);
    require_positive("density_kg_m3", density_kg_m3);
    const double current = current_a(power_w, voltage_v);
    return finite_result("rack_power::conductor_length_for_loss_m", std::sqrt(loss_fraction_target * power_w * mass_kg /
                     (current * current * resistivity_ohm_m * density_kg_m3)));
}

double chain_efficiency(const std::vector<double>& stage_efficiencies) {
    if (stage_efficiencies.empty()) fail("stage_efficiencies", "needs at least one stage");
    double product = 1.0;
    for (std::size_t i = 0; i < stage_efficiencies.size(); ++i) {
        require_share("stage_efficiencies[" + std::to_string(i) + "]", stage_efficiencies[i]);
        product *= stage_efficiencies[i];
    }
    return finite_result("rack_power::chain_efficiency", product);
}

}  // namespace aipower::rack_power
