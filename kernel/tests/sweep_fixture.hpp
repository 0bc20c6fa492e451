// A small China model exercising every method the batch path mirrors: glide,
// cagr, change, target, pipeline and per-year segments, a per-capita row,
// sector totals with anchors, retirements, calibrated solar, biomass and
// hydro hours, and a renewable-share target. Shared by the sweep-area tests.
#pragma once

#include "aipower/china_model.hpp"

namespace fixture {

using namespace aipower;

inline series::Segment seg(series::Method m, int a, int b, std::vector<double> v, int ref = 0) {
    series::Segment s;
    s.method = m;
    s.first_year = a;
    s.last_year = b;
    s.values = std::move(v);
    s.ref_year = ref;
    return s;
}

inline china::Inputs model() {
    using M = series::Method;
    china::Inputs in;
    in.years = {2024, 2032};
    auto& d = in.demand;
    d.primary.start_value = 135.7;
    d.primary.segments = {seg(M::Glide, 2025, 2030, {0.063, 0.03}), seg(M::Growth, 2031, 2032, {0.03})};
    d.secondary.start_value = 6387.4;
    d.secondary.segments = {seg(M::Growth, 2025, 2028, {0.05, 0.04, 0.035, 0.03}), seg(M::Growth, 2029, 2032, {0.02})};
    d.tertiary_core.driver = demand::Driver::PerCapita;
    d.tertiary_core.segments = {seg(M::Change, 2025, 2030, {0.36}, 2024), seg(M::Growth, 2031, 2032, {0.04})};
    d.residential_core.segments = {seg(M::Growth, 2025, 2032, {0.075})};
    d.ev_charging.start_value = 117.2;
    d.ev_charging.segments = {seg(M::Target, 2025, 2030, {500.0}), seg(M::Growth, 2031, 2032, {0.1})};
    d.data_centers.start_value = 288.0;
    d.data_centers.segments = {seg(M::Increment, 2025, 2027, {62.8, 100.0, 100.0}),
                               seg(M::Cagr, 2028, 2030, {0.25}, 2025), seg(M::Growth, 2031, 2032, {0.1})};
    d.population_start = 1408.28;
    d.population_segments = {seg(M::Growth, 2025, 2032, {-0.002})};
    d.ev_tertiary_share = 0.44;
    d.start_total_growth = 0.068;
    d.tertiary_total_start = 1834.4;
    d.residential_total_start = 1494.2;
    d.tertiary_total_anchors = {{2025, 1995.0}};
    d.residential_total_anchors = {{2025, 1590.0}};
    d.primary.anchors = {{2025, 145.0}};
    const double prev[] = {1164.93, 125.62, 44.14, 370.6, 56.91, 441.34, 609.49};
    const double now[] = {1194.98, 143.67, 45.99, 377.26, 60.83, 520.68, 886.66};
    for (int s = 0; s < supply::kSourceCount; ++s) {
        in.capacity[s].previous_end = prev[s];
        in.capacity[s].start_end = now[s];
        in.capacity[s].retirements.assign(9, 0.0);
        in.hours[s].segments = {seg(M::Growth, 2025, 2032, {0.0})};
    }
    in.capacity[supply::Coal].additions = {seg(M::Pipeline, 2025, 2027, {180.0}), seg(M::Increment, 2028, 2032, {25.0})};
    in.capacity[supply::Coal].retirements.assign(9, 2.0);
    in.capacity[supply::Gas].additions = {seg(M::Pipeline, 2025, 2027, {50.0}), seg(M::Growth, 2028, 2032, {0.05})};
    in.capacity[supply::Biomass].additions = {seg(M::Increment, 2025, 2032, {1.85})};
    in.capacity[supply::Hydro].additions = {seg(M::Increment, 2025, 2032, {4.5})};
    in.capacity[supply::Nuclear].additions = {seg(M::Growth, 2025, 2027, {0.097}), seg(M::Cagr, 2028, 2030, {0.13}, 2024),
                                              seg(M::Increment, 2031, 2032, {12.0})};
    in.capacity[supply::Wind].additions = {seg(M::Increment, 2025, 2025, {119.33}), seg(M::Increment, 2026, 2030, {80.0}),
                                           seg(M::Increment, 2031, 2032, {80.0})};
    in.capacity[supply::Solar].additions = {seg(M::Increment, 2025, 2025, {315.07}), seg(M::Increment, 2026, 2030, {200.0}),
                                            seg(M::Increment, 2031, 2032, {200.0})};
    in.capacity[supply::Solar].anchors = {{2025, 1130.0}};
    in.hours[supply::Gas].start = 2363.18;
    in.hours[supply::Nuclear].start = 7683.49;
    in.hours[supply::Wind].start = 2127.33;
    in.hours[supply::Wind].segments = {seg(M::Change, 2025, 2030, {-0.05}, 2024), seg(M::Growth, 2031, 2032, {0.0})};
    in.hours[supply::Solar].base = china::HoursBase::SolarFromWindSolar;
    in.hours[supply::Solar].segments = {seg(M::Change, 2025, 2030, {-0.05}, 2024), seg(M::Growth, 2031, 2032, {0.0})};
    in.hours[supply::Biomass].base = china::HoursBase::ResidualOfRenewables;
    in.hours[supply::Hydro].base = china::HoursBase::RebasedOnConventional;
    in.hours[supply::Hydro].start = 3349.42;
    in.net_imports.assign(9, 0.0);
    in.calibration.coal_hours = 4627.63;
    in.calibration.wind_solar_generation = 1830.0;
    in.calibration.renewable_generation = 3460.0;
    in.calibration.hydro_reported_previous_end = 421.54;
    in.calibration.hydro_reported_start_end = 435.95;
    in.target = {true, 0.30, 2030, 2026, 2030, 0.275};
    return in;
}

}  // namespace fixture
