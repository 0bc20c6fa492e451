#include "aipower/dc_power.hpp"

#include <vector>

#include "check.hpp"

using namespace aipower::dc_power;

// Seed 1 [65]: China AIDC ~120 RMB/W, IDC ~70 RMB/W; 44-100 亿kWh per GW-year.
TEST_CASE("method 1: 1,000 亿 RMB buys ~0.83 GW AIDC or ~1.43 GW IDC") {
    CHECK_NEAR(capacity_from_capex_gw(1000.0, 120.0), 0.8333333, 1e-6);
    CHECK_NEAR(capacity_from_capex_gw(1000.0, 70.0), 1.4285714, 1e-6);
    const double low_twh = energy_from_capacity_twh(capacity_from_capex_gw(1000.0, 120.0), 4.4);
    const double high_twh = energy_from_capacity_twh(capacity_from_capex_gw(1000.0, 70.0), 10.0);
    CHECK_NEAR(low_twh, 3.6667, 1e-3);   // seed: ~4 TWh (40 亿kWh) with the rounded 0.9 GW
    CHECK_NEAR(high_twh, 14.2857, 1e-3); // seed: ~15 TWh (150 亿kWh) with the rounded 1.5 GW
}
TEST_CASE("method 1 scales linearly with capex") {
    CHECK_NEAR(capacity_from_capex_gw(6000.0, 70.0), 6.0 * capacity_from_capex_gw(1000.0, 70.0), 1e-12);
    CHECK_NEAR(capacity_from_capex_gw(0.0, 70.0), 0.0, 0.0);
}
TEST_CASE("energy from IT power, PUE, load factor and hours") {
    CHECK_NEAR(energy_from_it_power_twh(1.0, 1.5, 1.0, 8760.0), 13.14, 1e-9);
    CHECK_NEAR(energy_from_it_power_twh(2.0, 1.2, 0.5, 8760.0), 10.512, 1e-9);
}
TEST_CASE("method 2: 0.16-1.25 GW of chips per 1,000 亿 RMB → 21-164 亿kWh at PUE 1.5") {
    // 625 and 80 RMB/W are the chip costs per watt that seed 1 [74]'s GW range implies.
    const double low_gw = chip_power_from_capex_gw(1000.0, 1.0, 625.0);
    const double high_gw = chip_power_from_capex_gw(1000.0, 1.0, 80.0);
    CHECK_NEAR(low_gw, 0.16, 1e-12);
    CHECK_NEAR(high_gw, 1.25, 1e-12);
    CHECK_NEAR(energy_from_it_power_twh(low_gw, 1.5, 1.0, 8760.0), 2.1024, 1e-9);
    CHECK_NEAR(energy_from_it_power_twh(high_gw, 1.5, 1.0, 8760.0), 16.425, 1e-9);
    CHECK_NEAR(chip_power_from_capex_gw(1000.0, 0.5, 80.0), 0.625, 1e-12);
}
TEST_CASE("cluster: 100,000 H100 at 700 W = 70 MW, × PUE 1.59 > 100 MW") {
    CHECK_NEAR(cluster_power_mw(100000.0, 700.0, 1.0), 70.0, 1e-9);
    CHECK_NEAR(cluster_power_mw(100000.0, 700.0, 1.59), 111.3, 1e-9);
}
TEST_CASE("compute route and intensity path") {
    const auto path = intensity_path(2.0, -0.1, 3);
    CHECK(path.size() == 3);
    CHECK_NEAR(path[2], 2.0 * 0.81, 1e-12);
    const auto twh = compute_route_twh({100.0, 200.0, 400.0}, path);
    CHECK_NEAR(twh[1], 200.0 * 1.8, 1e-9);
    CHECK_THROWS(compute_route_twh({1.0, 2.0}, {1.0}), "twh_per_eflops: has 1 values, expected 2 (one per value of eflops)");
    CHECK_THROWS(compute_route_twh({-1.0}, {1.0}), "eflops[0] = -1");
    CHECK_THROWS(intensity_path(1.0, -1.0, 2), "annual_change = -1");
    // a path is at most kMaxYears long, as intensity_path's n: 100,000 values were computed and returned
    CHECK_THROWS(capex_driven_path(0.0, std::vector<double>(100000, 1.0), 95.0, 7.2, 0.5),
                 "capex_yi_rmb: has 100000 values; expected one per year of a path of at most 200 years");
    CHECK_THROWS(compute_driven_path(1.0, std::vector<double>(201, 1.0), -0.1),
                 "eflops: has 201 values; expected one per year of a path of at most 200 years");
    CHECK(capex_driven_path(0.0, std::vector<double>(200, 1.0), 95.0, 7.2, 0.5).size() == 200);
}
TEST_CASE("geometric interpolation between anchors and beyond") {
    // Seed 1 [79]: general + AI compute 72 + 725 = 797 EFLOPS (2024) → 140 + 2,782 = 2,922 (2028).
    const auto v = interpolate_geometric({2024, 2028}, {797.0, 2922.0}, {2024, 2026, 2028, 2030});
    CHECK_NEAR(v[0], 797.0, 1e-9);
    CHECK_NEAR(v[2], 2922.0, 1e-9);
    CHECK_NEAR(v[1], std::sqrt(797.0 * 2922.0), 1e-9);
    CHECK_NEAR(v[3], 2922.0 * 2922.0 / std::sqrt(797.0 * 2922.0), 1e-6);
    CHECK_NEAR(std::pow(2922.0 / 797.0, 0.25) - 1.0, 0.3837, 1e-3);  // the 35-40%/yr of seed 1
    CHECK_THROWS(interpolate_geometric({2024}, {1.0}, {2024}), "anchor_years: needs at least two");
    CHECK_THROWS(interpolate_geometric({2028, 2024}, {1.0, 2.0}, {2024}), "anchor_years[1] = 2024");
    CHECK_THROWS(interpolate_geometric({2024, 2028}, {797.0}, {2025}), "anchor_values: has 1 values, expected 2 (one per anchor year)");
    CHECK_THROWS(interpolate_geometric({2024, 2028}, {0.0, 2.0}, {2024}), "anchor_values[0] = 0");
}
TEST_CASE("capex-driven path adds method-1 energy on top of the start value") {
    // 1,000 亿 at 100 RMB/W = 1 GW; 10 TWh/GW-year; half in the first year.
    const auto p = capex_driven_path(100.0, {0.0, 1000.0, 0.0, 2000.0}, 100.0, 10.0, 0.5);
    CHECK(p.size() == 4);
    CHECK_NEAR(p[0], 100.0, 1e-12);
    CHECK_NEAR(p[1], 105.0, 1e-9);
    CHECK_NEAR(p[2], 110.0, 1e-9);
    CHECK_NEAR(p[3], 120.0, 1e-9);
    // Capex in the start year: the rest of its effect lands the next year.
    const auto q = capex_driven_path(100.0, {1000.0, 0.0}, 100.0, 10.0, 0.5);
    CHECK_NEAR(q[0], 100.0, 1e-12);
    CHECK_NEAR(q[1], 105.0, 1e-9);
    CHECK_THROWS(capex_driven_path(100.0, {}, 100.0, 10.0, 0.5), "capex_yi_rmb: needs one value");
    CHECK_THROWS(capex_driven_path(100.0, {1.0, -2.0}, 100.0, 10.0, 0.5), "capex_yi_rmb[1] = -2");
    CHECK_THROWS(capex_driven_path(100.0, {1.0}, 100.0, 10.0, 1.5), "first_year_fraction = 1.5");
}
TEST_CASE("compute-driven path calibrates the intensity on the start year") {
    const auto p = compute_driven_path(100.0, {1000.0, 1400.0, 1960.0}, -0.1);
    CHECK_NEAR(p[0], 100.0, 1e-9);
    CHECK_NEAR(p[1], 140.0 * 0.9, 1e-9);
    CHECK_NEAR(p[2], 196.0 * 0.81, 1e-9);
    CHECK_THROWS(compute_driven_path(100.0, {0.0, 1.0}, -0.1), "eflops[0] = 0");
}
TEST_CASE("bad inputs name the argument") {
    CHECK_THROWS(capacity_from_capex_gw(-1.0, 70.0), "capex_yi_rmb = -1");
    CHECK_THROWS(capacity_from_capex_gw(1.0, 0.0), "capex_per_watt_rmb = 0: expected a finite number > 0");
    CHECK_THROWS(energy_from_it_power_twh(1.0, 0.9, 1.0, 8760.0), "pue = 0.9: expected a PUE >= 1");
    CHECK_THROWS(energy_from_it_power_twh(1.0, 1.2, 1.1, 8760.0), "load_factor = 1.1");
    CHECK_THROWS(energy_from_it_power_twh(1.0, 1.2, 1.0, 9000.0), "hours = 9000");
    CHECK_THROWS(chip_power_from_capex_gw(1.0, 1.2, 80.0), "chip_share_of_capex = 1.2");
    CHECK_THROWS(cluster_power_mw(1.0, 700.0, std::nan("")), "pue = nan");
    CHECK_THROWS(cluster_power_mw(100000.5, 700.0, 1.59), "accelerators = 100000.5: expected a whole number >= 0 (a count)");
    CHECK_THROWS(energy_from_capacity_twh(1.0, -4.4), "twh_per_gw_year = -4.4");
}

TEST_MAIN()
