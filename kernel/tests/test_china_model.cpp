#include "aipower/china_model.hpp"

#include "check.hpp"

using namespace aipower;

namespace {
series::Segment seg(series::Method m, int a, int b, std::vector<double> v) {
    series::Segment s;
    s.method = m;
    s.first_year = a;
    s.last_year = b;
    s.values = std::move(v);
    return s;
}
// A small model with round numbers: every row grows 4%, capacity grows by fixed increments.
china::Inputs sample() {
    china::Inputs in;
    in.years = {2024, 2030};
    auto& d = in.demand;
    const double start[] = {135.7, 6387.4, 1440.0, 1430.0, 117.2, 340.0};
    demand::RowSpec* rows[] = {&d.primary, &d.secondary, &d.tertiary_core, &d.residential_core, &d.ev_charging, &d.data_centers};
    for (int i = 0; i < 6; ++i) {
        rows[i]->start_value = start[i];
        rows[i]->segments = {seg(series::Method::Growth, 2025, 2030, {0.04})};
    }
    d.population_start = 1408.28;
    d.population_segments = {seg(series::Method::Growth, 2025, 2030, {0.0})};
    d.ev_tertiary_share = 0.44;
    const double prev[] = {1164.93, 125.62, 44.14, 370.6, 56.91, 441.34, 609.49};
    const double now[] = {1194.98, 143.67, 45.99, 377.26, 60.83, 520.68, 886.66};
    const double add[] = {40.0, 10.0, 2.0, 5.0, 8.0, 60.0, 150.0};
    const double hours[] = {0.0, 2363.18, 4300.0, 3349.42, 7683.49, 2127.33, 1080.0};
    for (int s = 0; s < supply::kSourceCount; ++s) {
        in.capacity[s].previous_end = prev[s];
        in.capacity[s].start_end = now[s];
        in.capacity[s].additions = {seg(series::Method::Increment, 2025, 2030, {add[s]})};
        in.hours[s].start = hours[s];
        in.hours[s].segments = {seg(series::Method::Growth, 2025, 2030, {0.0})};
    }
    in.net_imports.assign(7, 0.0);
    in.calibration.coal_hours = 4627.63;
    return in;
}
}  // namespace

TEST_CASE("the base year reproduces actual coal hours") {
    const auto r = china::run(sample());
    CHECK_NEAR(r.hours[supply::Coal][0], 4627.63, 1e-9);
}
TEST_CASE("a renewable target is met exactly, and a higher target needs more") {
    auto in = sample();
    in.target = {true, 0.30, 2030, 2026, 2030, 0.3};
    const auto r = china::run(in);
    CHECK(r.has_requirement);
    CHECK_NEAR(r.balance.non_hydro_share[6], 0.30, 1e-9);
    CHECK_NEAR(r.wind_solar_additions[3], r.requirement.level, 1e-9);
    in.target.share = 0.31;
    CHECK(china::required_level(in, in.target).level > r.requirement.level);
}
TEST_CASE("lower demand never raises coal hours") {
    auto low = sample();
    low.demand.secondary.segments = {seg(series::Method::Growth, 2025, 2030, {0.02})};
    const auto a = china::run(sample());
    const auto b = china::run(low);
    for (std::size_t i = 1; i < 7; ++i) CHECK(b.hours[supply::Coal][i] <= a.hours[supply::Coal][i]);
}
TEST_CASE("calibrated solar and biomass hours reproduce the generation totals") {
    auto in = sample();
    in.hours[supply::Solar].base = china::HoursBase::SolarFromWindSolar;
    in.calibration.wind_solar_generation = 1830.0;
    const auto r = china::run(in);
    CHECK_NEAR(r.balance.generation[supply::Wind][0] + r.balance.generation[supply::Solar][0], 1830.0, 1e-9);
}
TEST_CASE("bad inputs") {
    auto in = sample();
    in.net_imports.resize(3);
    CHECK_THROWS(china::run(in), "net_imports");
    in = sample();
    in.target = {true, 0.3, 2040, 2026, 2030, 0.3};
    CHECK_THROWS(china::run(in), "renewables.target_year = 2040");
    in = sample();
    in.target = {true, 0.3, 2025, 2026, 2030, 0.3};  // a target before the additions it solves for
    CHECK_THROWS(china::run(in), "renewables.target_year = 2025: expected a year in 2026-2030 (from renewables.first_year = 2026");
    in = sample();
    in.target = {true, 0.05, 2030, 2026, 2030, 0.3};  // already met with no additions
    CHECK_THROWS(china::run(in), "renewables.target_share = 0.05: expected a share above");
    in = sample();
    in.years.last = 2024;
    CHECK_THROWS(china::run(in), "end_year = 2024");
    in = sample();  // only NaN asks for calibration: an infinite given factor is an error
    in.calibration.loss_factor = std::numeric_limits<double>::infinity();
    CHECK_THROWS(china::run(in), "loss_factor = inf");
    in = sample();  // demand growing 60%/yr outruns what coal can generate
    in.demand.secondary.segments = {seg(series::Method::Growth, 2025, 2030, {0.6})};
    CHECK_THROWS(china::run(in), "coal hours[");
}
TEST_CASE("apply_level checks what it is given") {
    // a segment with 2 values over 6 years was read past its end (heap overflow under ASan)
    auto in = sample();
    const china::RenewableTarget target{true, 0.3, 2030, 2026, 2030, 0.5};
    in.capacity[supply::Wind].additions = {seg(series::Method::Growth, 2025, 2030, {0.1, 0.2})};
    CHECK_THROWS(china::apply_level(in, target, 100.0), "supply.wind.additions");
    CHECK_THROWS(china::apply_level(in, target, 100.0), "has 2 values, expected 1 or 6");
    in = sample();
    CHECK_THROWS(china::apply_level(in, {true, 0.3, 2030, 2029, 2027, 0.5}, 100.0), "renewables.last_year = 2027");
    CHECK_THROWS(china::apply_level(in, {true, 0.3, 2030, 2026, 100000, 0.5}, 100.0), "renewables.last_year = 100000");
    CHECK_THROWS(china::apply_level(in, target, std::nan("")), "level = nan");
    china::apply_level(in, target, 100.0);  // a level increment over the target's years, cut into the additions
    CHECK(in.capacity[supply::Wind].additions.back().values == std::vector<double>{50.0});
    CHECK(in.capacity[supply::Solar].additions.back().first_year == 2026);
}
TEST_CASE("a segment the solve years cut short keeps its path before them") {
    // a wind target of 900 GW in 2030, cut to 2025 by the 2026-30 solve, reached 900 GW in 2025
    for (auto m : {series::Method::Target, series::Method::Change}) {
        auto in = sample();
        auto& wind = in.capacity[supply::Wind].additions;
        wind = {seg(m, 2025, 2030, {m == series::Method::Target ? 900.0 : 0.6})};
        wind[0].ref_year = 2024;
        const auto fixed = china::run(in);
        in.target = {true, 0.30, 2030, 2026, 2030, 0.3};
        const auto solved = china::run(in);
        CHECK(solved.capacity[supply::Wind][1] == fixed.capacity[supply::Wind][1]);
        CHECK(solved.capacity[supply::Wind][2] != fixed.capacity[supply::Wind][2]);  // the solve's years: its level
    }
}
TEST_CASE("a target year the exact solve cannot reach is refused by name") {
    auto in = sample();
    in.years = {2024, 2035};
    in.net_imports.assign(12, 0.0);
    for (auto* segs : {&in.demand.primary.segments, &in.demand.secondary.segments, &in.demand.tertiary_core.segments,
                       &in.demand.residential_core.segments, &in.demand.ev_charging.segments,
                       &in.demand.data_centers.segments, &in.demand.population_segments})
        segs->front().last_year = 2035;
    for (auto& c : in.capacity) c.additions.front().last_year = 2035;
    for (auto& h : in.hours) h.segments.front().last_year = 2035;
    in.target = {true, 0.30, 2033, 2026, 2030, 0.3};
    china::run(in);  // increments after 2030 grow from the solved capacity: linear, solved exactly
    auto& wind = in.capacity[supply::Wind].additions;
    wind = {seg(series::Method::Increment, 2025, 2030, {60.0}), seg(series::Method::Target, 2031, 2035, {1500.0})};
    CHECK_THROWS(china::run(in), "renewables.target_year = 2033: expected a year in 2026-2030, or segments after 2030");
    CHECK_THROWS(china::run(in), "the target segment 2031-2035 of supply.wind.additions aims at a value of its own");
    wind.back() = seg(series::Method::Cagr, 2031, 2035, {0.1});
    wind.back().ref_year = 2024;
    CHECK_THROWS(china::run(in), "the cagr segment 2031-2035");
    wind.back().ref_year = 2030;  // counted from the last solve year: grows from the solved capacity
    const auto r = china::run(in);
    CHECK(r.has_requirement);
    in.target.year = 2030;  // a target year inside the solve years reads nothing after them
    wind.back() = seg(series::Method::Target, 2031, 2035, {1500.0});
    china::run(in);
}
TEST_MAIN()
