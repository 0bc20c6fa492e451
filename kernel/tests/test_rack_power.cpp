#include "aipower/rack_power.hpp"

#include "check.hpp"

using namespace aipower::rack_power;

namespace {
// Standard annealed copper (IEC 60028): 1.7241e-8 Ω·m at 20 °C, 8,890 kg/m³.
constexpr double kRho = 1.7241e-8;
constexpr double kDensity = 8890.0;
}  // namespace

TEST_CASE("current of a 1 MW rack") {
    CHECK_NEAR(current_a(1e6, 54.0), 18518.5185, 1e-3);
    CHECK_NEAR(current_a(1e6, 800.0), 1250.0, 1e-9);
}
TEST_CASE("resistance and loss of a conductor") {
    CHECK_NEAR(conductor_resistance_ohm(kRho, 10.0, 1e-4), 1.7241e-3, 1e-15);
    const double a = cross_section_for_mass_m2(200.0, kDensity, 30.0);
    CHECK_NEAR(a, 200.0 / (kDensity * 30.0), 1e-15);
    const double i = current_a(1e6, 54.0);
    CHECK_NEAR(loss_fraction(1e6, 54.0, kRho, kDensity, 30.0, 200.0), i * i * kRho * 30.0 / a / 1e6, 1e-12);
}
TEST_CASE("seed 2: 22% at 54 V with 200 kg implies a ~29 m path; 800 V on it loses 0.10%") {
    const double length = conductor_length_for_loss_m(1e6, 54.0, 0.22, 200.0, kRho, kDensity);
    CHECK_NEAR(length, 28.93, 0.01);
    CHECK_NEAR(loss_fraction(1e6, 54.0, kRho, kDensity, length, 200.0), 0.22, 1e-12);
    CHECK_NEAR(copper_mass_for_loss_kg(1e6, 54.0, 0.22, kRho, kDensity, length), 200.0, 1e-9);
    const double at_800 = loss_fraction(1e6, 800.0, kRho, kDensity, length, 200.0);
    CHECK_NEAR(at_800, 0.22 * (54.0 / 800.0) * (54.0 / 800.0), 1e-12);  // loss ∝ 1/V²
    // The seed's 0.6% at 800 V corresponds to about a sixth of the copper.
    CHECK_NEAR(copper_mass_for_loss_kg(1e6, 800.0, 0.006, kRho, kDensity, length), 200.0 * at_800 / 0.006, 1e-9);
}
TEST_CASE("chain efficiency is the product of the stages") {
    CHECK_NEAR(chain_efficiency({0.98, 0.97, 0.995}), 0.98 * 0.97 * 0.995, 1e-15);
    CHECK_NEAR(chain_efficiency({0.92}), 0.92, 0.0);
}
TEST_CASE("bad inputs name the argument") {
    CHECK_THROWS(current_a(1e6, 0.0), "voltage_v = 0");
    CHECK_THROWS(loss_fraction(1e6, 54.0, -1.0, kDensity, 1.0, 1.0), "resistivity_ohm_m = -1");
    CHECK_THROWS(loss_fraction(1e6, 54.0, kRho, kDensity, 1.0, 0.0), "mass_kg = 0");
    CHECK_THROWS(cross_section_for_mass_m2(1e300, 1e-10, 1e-10), "rack_power::cross_section_for_mass_m2");
    // Too little copper for a huge length: the message names the length as well as the mass.
    CHECK_THROWS(loss_fraction(1e6, 54.0, kRho, kDensity, 1e308, 200.0), "over length_m = 1e+308");
    CHECK_THROWS(copper_mass_for_loss_kg(1e6, 54.0, 0.0, kRho, kDensity, 1.0), "loss_fraction_target = 0");
    CHECK_THROWS(copper_mass_for_loss_kg(1e6, 54.0, 0.1, kRho, 0.0, 1.0), "density_kg_m3 = 0");
    CHECK_THROWS(loss_fraction(1e6, 12.0, kRho, kDensity, 29.0, 10.0), "loss fraction = ");  // 10 kg at 12 V: > 100%
    CHECK_THROWS(loss_fraction(1e6, 12.0, kRho, kDensity, 29.0, 10.0), "expected at most 1: mass_kg = 10 ");
    CHECK_THROWS(chain_efficiency({0.9, 1.1}), "stage_efficiencies[1] = 1.1");
    CHECK_THROWS(chain_efficiency({}), "stage_efficiencies: needs at least one stage");
}

TEST_MAIN()
