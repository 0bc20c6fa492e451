#include "aipower/demand.hpp"

#include "check.hpp"

using namespace aipower;

namespace {
series::Segment growth(double r) {
    series::Segment s;
    s.method = series::Method::Growth;
    s.first_year = 2025;
    s.last_year = 2030;
    s.values = {r};
    return s;
}
demand::Inputs sample() {
    demand::Inputs in;
    in.years = {2024, 2030};
    for (auto* row : {&in.primary, &in.secondary, &in.tertiary_core, &in.residential_core, &in.ev_charging, &in.data_centers}) {
        row->start_value = 100.0;
        row->segments = {growth(0.05)};
    }
    in.population_start = 1408.28;
    in.population_segments = {growth(-0.002)};
    in.ev_tertiary_share = 0.44;
    return in;
}
}  // namespace

TEST_CASE("sectors sum to the total and EV is split by the share") {
    const auto r = demand::project(sample());
    for (std::size_t i = 0; i < r.years.size(); ++i) {
        const auto& x = r.rows;
        CHECK_NEAR(x.at("total")[i], x.at("primary")[i] + x.at("secondary")[i] + x.at("tertiary")[i] + x.at("residential")[i], 1e-9);
        CHECK_NEAR(x.at("tertiary")[i], x.at("tertiary_core")[i] + 0.44 * x.at("ev_charging")[i] + x.at("data_centers")[i], 1e-9);
        CHECK_NEAR(x.at("residential")[i] + x.at("tertiary")[i],
                   x.at("tertiary_core")[i] + x.at("residential_core")[i] + x.at("ev_charging")[i] + x.at("data_centers")[i], 1e-9);
    }
    CHECK_NEAR(r.rows.at("total_growth")[3], 0.05, 1e-12);
}
TEST_CASE("per-capita rows follow population") {
    auto in = sample();
    in.tertiary_core.driver = demand::Driver::PerCapita;
    in.tertiary_core.segments = {growth(0.0)};
    const auto r = demand::project(in);
    CHECK_NEAR(r.rows.at("tertiary_core")[6] / r.rows.at("tertiary_core")[0], r.population[6] / r.population[0], 1e-12);
}
TEST_CASE("a per-capita row's anchor outside the horizon is refused, not read past the population") {
    auto in = sample();  // the population of the anchor's year was read first: garbage, or a crash
    in.tertiary_core.driver = demand::Driver::PerCapita;
    in.tertiary_core.anchors = {{2031, 120.0}};
    CHECK_THROWS(demand::project(in), "tertiary_core.anchor year = 2031: expected a year in 2025-2030");
    in.tertiary_core.anchors = {{1000000, 120.0}};
    CHECK_THROWS(demand::project(in), "tertiary_core.anchor year = 1000000");
    in.tertiary_core.anchors = {{2024, 120.0}};  // the start year is the start value's
    CHECK_THROWS(demand::project(in), "tertiary_core.anchor year = 2024");
}
TEST_CASE("an explicit path replaces a row") {
    auto in = sample();
    in.data_centers.path = {1, 2, 3, 4, 5, 6, 7};
    CHECK_NEAR(demand::project(in).rows.at("data_centers")[6], 7.0, 0.0);
    in.data_centers.path = {1, 2};
    CHECK_THROWS(demand::project(in), "data_centers.path: has 2 values, expected 7");
}
TEST_CASE("bad shares and populations") {
    auto in = sample();
    in.ev_tertiary_share = 1.5;
    CHECK_THROWS(demand::project(in), "ev_tertiary_share = 1.5");
    in = sample();
    in.population_start = 0.0;
    CHECK_THROWS(demand::project(in), "demand.population.start = 0");
}
TEST_CASE("core rows derive from published sector totals") {
    auto in = sample();
    in.tertiary_total_start = 1834.8;
    in.residential_total_start = 1494.2;
    in.tertiary_total_anchors = {{2025, 1994.2}};
    const auto r = demand::project(in);
    CHECK_NEAR(r.rows.at("tertiary")[0], 1834.8, 1e-9);
    CHECK_NEAR(r.rows.at("residential")[0], 1494.2, 1e-9);
    CHECK_NEAR(r.rows.at("tertiary")[1], 1994.2, 1e-9);
    in.tertiary_total_start = 50.0;  // smaller than EV + data centers
    CHECK_THROWS(demand::project(in), "tertiary_core 2024");
}
TEST_MAIN()
