#include "aipower/units.hpp"

#include <limits>

#include "check.hpp"

using namespace aipower::units;

TEST_CASE("yi kWh and TWh round-trip") {
    CHECK_NEAR(yi_kwh_to_twh(98521.0), 9852.1, 1e-9);
    CHECK_NEAR(twh_to_yi_kwh(yi_kwh_to_twh(1234.5)), 1234.5, 1e-9);
}
TEST_CASE("capacity units") {
    CHECK_NEAR(yi_kw_to_gw(2.0), 200.0, 1e-12);
    CHECK_NEAR(wan_kw_to_gw(500.0), 5.0, 1e-12);
    CHECK_NEAR(gw_to_yi_kw(yi_kw_to_gw(1.8)), 1.8, 1e-12);
    CHECK_NEAR(gw_to_wan_kw(wan_kw_to_gw(123.0)), 123.0, 1e-9);
    CHECK_NEAR(mw_to_gw(1500.0), 1.5, 1e-12);
    CHECK_NEAR(gw_to_mw(mw_to_gw(123.0)), 123.0, 1e-9);
    CHECK_THROWS(mw_to_gw(std::numeric_limits<double>::infinity()), "mw = inf");
}
TEST_CASE("energy from capacity and hours") {
    CHECK_NEAR(gw_hours_to_twh(1000.0, 4000.0), 4000.0, 1e-9);
    CHECK_NEAR(twh_per_gw_to_hours(gw_hours_to_twh(1180.0, 4627.63), 1180.0), 4627.63, 1e-9);
    CHECK_THROWS(twh_per_gw_to_hours(10.0, 0.0), "gw = 0");
}
TEST_CASE("per capita") {
    CHECK_NEAR(per_capita_to_twh(1017.0, 1408.28), 1432.22, 0.01);
    CHECK_NEAR(twh_to_per_capita(per_capita_to_twh(1035.0, 1408.28), 1408.28), 1035.0, 1e-9);
    CHECK_THROWS(per_capita_to_twh(1000.0, -1.0), "population_million");
}
TEST_MAIN()
