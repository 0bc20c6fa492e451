#include "aipower/us_gap.hpp"

#include "check.hpp"

using namespace aipower::us_gap;

// Seed 2: ~45 GW solar, ~5 GW wind, < 5 GW thermal a year; capacity factors
// solar 25%, wind 35%, gas 85%; 80 GW/yr needed; ~1,300 GW of US capacity.
TEST_CASE("firm equivalent of the seed-2 build") {
    CHECK_NEAR(firm_equivalent_gw({45.0, 5.0, 5.0}, {0.25, 0.35, 0.85}), 17.25, 1e-12);
    CHECK_NEAR(firm_equivalent_gw({45.0, 5.0, 0.0}, {0.25, 0.35, 0.85}), 13.0, 1e-12);
    CHECK_NEAR(firm_equivalent_gw({1.0}, {0.93}), 0.93, 1e-12);
}
TEST_CASE("80 GW needed vs 60 built: 20 GW/yr, 100 GW in 5 years") {
    const auto g = capacity_gap(80.0, {45.0, 5.0, 10.0}, {0.25, 0.35, 0.85}, 5, 1300.0);
    CHECK_NEAR(g.built_nameplate_gw, 60.0, 1e-12);
    CHECK_NEAR(g.gap_gw_per_year, 20.0, 1e-12);
    CHECK(g.cumulative_gap_gw.size() == 5);
    CHECK_NEAR(g.cumulative_gap_gw[4], 100.0, 1e-12);
    CHECK_NEAR(g.gap_share_of_fleet, 100.0 / 1300.0, 1e-12);
}
TEST_CASE("gap from built totals: 80 vs 50-60 → 20-30 GW/yr") {
    CHECK_NEAR(gap_per_year(80.0, 60.0), 20.0, 1e-12);
    CHECK_NEAR(gap_per_year(80.0, 50.0), 30.0, 1e-12);
    const auto c = cumulative_gap(20.0, 5);
    CHECK(c.size() == 5);
    CHECK_NEAR(c[0], 20.0, 1e-12);
    CHECK_NEAR(c[4], 100.0, 1e-12);
    CHECK_THROWS(cumulative_gap(20.0, 0), "years = 0");
    CHECK_THROWS(gap_per_year(80.0, -1.0), "built_gw_per_year = -1");
}
TEST_CASE("capex and data-center share") {
    CHECK_NEAR(capex(26.0, 50.0), 1300.0, 1e-9);  // $ bn: 26 GW × $50 bn/GW
    CHECK_NEAR(data_center_new_load_gw(80.0, 0.4), 32.0, 1e-12);
}
TEST_CASE("bad inputs name the argument") {
    CHECK_THROWS(firm_equivalent_gw({1.0, 2.0}, {0.5}), "capacity_factor: has 1 values, expected 2");
    CHECK_THROWS(firm_equivalent_gw({}, {0.25, 0.35}), "nameplate_gw: has no values, expected one per technology");
    CHECK_THROWS(firm_equivalent_gw({1.0}, {1.2}), "capacity_factor[0] = 1.2");
    CHECK_THROWS(firm_equivalent_gw({-1.0}, {0.2}), "nameplate_gw[0] = -1");
    CHECK_THROWS(capacity_gap(80.0, {1.0}, {0.5}, 0, 1300.0), "years = 0");
    CHECK_THROWS(capacity_gap(80.0, {1.0}, {0.5}, 5, 0.0), "fleet_gw = 0");
    CHECK_THROWS(data_center_new_load_gw(80.0, 1.4), "data_center_share = 1.4");
    CHECK_THROWS(capex(-1.0, 50.0), "gw = -1");
}

TEST_MAIN()
