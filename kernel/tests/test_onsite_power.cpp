#include "aipower/onsite_power.hpp"

#include "check.hpp"

using namespace aipower::onsite_power;

// Seed 2: a turbine ~$200 m per 100 MW; alternatives 3-3.5× the capex and
// $20-50 m a year more opex per 100 MW.
TEST_CASE("extra cost of the alternative over 5 years ($ m per 100 MW)") {
    const auto low = compare(100.0, 2.0, 0.0, 3.0, 0.2, 5, 0.0);
    CHECK_NEAR(low.turbine.capex, 200.0, 1e-9);
    CHECK_NEAR(low.alternative.capex, 600.0, 1e-9);
    CHECK_NEAR(low.extra_capex, 400.0, 1e-9);
    CHECK_NEAR(low.extra_opex, 100.0, 1e-9);
    CHECK_NEAR(low.extra_total, 500.0, 1e-9);
    const auto high = compare(100.0, 2.0, 0.0, 3.5, 0.5, 5, 0.0);
    CHECK_NEAR(high.extra_total, 750.0, 1e-9);
    CHECK_NEAR(high.alternative_totals.total, 700.0 + 250.0, 1e-9);
}
TEST_CASE("turbine opex cancels out of the difference; discounting lowers opex") {
    const auto a = compare(100.0, 2.0, 1.0, 3.0, 0.2, 5, 0.0);
    CHECK_NEAR(a.extra_total, 500.0, 1e-9);
    CHECK_NEAR(a.turbine_totals.opex, 500.0, 1e-9);
    const auto d = compare(100.0, 2.0, 0.0, 3.0, 0.2, 5, 0.08);
    CHECK(d.extra_opex < 100.0);
    const auto t = lifetime_cost({100.0, 10.0}, 2, 0.1);
    CHECK_NEAR(t.opex, 10.0 / 1.1 + 10.0 / 1.21, 1e-12);
}
TEST_CASE("bad inputs name the argument") {
    CHECK_THROWS(compare(0.0, 2.0, 0.0, 3.0, 0.2, 5, 0.0), "capacity_mw = 0");
    CHECK_THROWS(compare(100.0, -2.0, 0.0, 3.0, 0.2, 5, 0.0), "turbine_capex_per_mw = -2");
    CHECK_THROWS(compare(100.0, 2.0, 0.0, 3.0, 0.2, 0, 0.0), "years = 0");
    CHECK_THROWS(compare(100.0, 2.0, 0.0, 3.0, 0.2, 5, 1.5), "discount_rate = 1.5");
    CHECK_THROWS(compare(100.0, 2.0, 0.0, 3.0, -0.5, 5, 0.0), "alternative_extra_opex_per_mw_year = -0.5");
    // a negative opex was taken as an income (600 capex, -1 a year for 5 years: 595)
    CHECK_THROWS(lifetime_cost({600.0, -1.0}, 5, 0.0), "opex_per_year = -1: expected a finite number >= 0");
}

TEST_MAIN()
