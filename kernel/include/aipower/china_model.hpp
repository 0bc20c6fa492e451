// The China power-balance model end to end: demand by sector → capacity by
// source → base-year calibration → generation, coal residual and hours →
// optionally the wind + solar level that meets a renewable-share target.
#pragma once

#include <array>
#include <cmath>
#include <limits>
#include <vector>

#include "aipower/balance.hpp"
#include "aipower/demand.hpp"
#include "aipower/renewables.hpp"
#include "aipower/series.hpp"
#include "aipower/supply.hpp"

namespace aipower::china {

// How a source's base-year hours are obtained.
enum class HoursBase {
    Given,               // start value as given (actual plant hours)
    SolarFromWindSolar,  // (wind+solar generation − wind generation) / average solar capacity
    ResidualOfRenewables,// (renewable generation − wind+solar − hydro) / average capacity (biomass)
    RebasedOnConventional// reported hours on capacity incl. pumped storage, re-expressed on conventional hydro
};

struct HoursSpec {
    HoursBase base = HoursBase::Given;
    double start = std::numeric_limits<double>::quiet_NaN();  // h in the start year (Given, RebasedOnConventional)
    std::vector<series::Segment> segments;                   // path after the start year (growth 0 = flat)
};

struct CalibrationData {
    double coal_hours = 0.0;                 // actual coal hours in the start year
    double wind_solar_generation = 0.0;      // TWh in the start year (SolarFromWindSolar)
    double renewable_generation = 0.0;       // TWh in the start year (ResidualOfRenewables)
    double hydro_reported_previous_end = 0.0;// GW incl. pumped storage (RebasedOnConventional)
    double hydro_reported_start_end = 0.0;
    // NaN: calibrate on the base year's coal hours; any other value is used as given (and
    // checked: inf is an error, not a request to calibrate).
    double loss_factor = std::numeric_limits<double>::quiet_NaN();
};

struct RenewableTarget {
    bool enabled = false;
    double share = 0.0;        // non-hydro share of consumption to reach
    int year = 0;              // in this year
    int first_year = 0;        // wind + solar additions are solved as a level over first_year..last_year
    int last_year = 0;
    double wind_fraction = 0.0;// share of the level that is wind
};

struct Inputs {
    series::Years years;
    demand::Inputs demand;  // its years are set from `years`
    std::array<supply::CapacitySpec, supply::kSourceCount> capacity;
    std::array<HoursSpec, supply::kSourceCount> hours;  // coal's is unused: coal is the residual
    std::vector<double> net_imports;                     // TWh per year
    CalibrationData calibration;
    RenewableTarget target;
};

struct Result {
    demand::Result demand;
    std::array<std::vector<double>, supply::kSourceCount> capacity;   // GW end of year
    std::array<std::vector<double>, supply::kSourceCount> additions;  // GW added in the year
    std::array<std::vector<double>, supply::kSourceCount> hours;      // h (coal: computed)
    balance::Result balance;
    double loss_factor = 0.0;
    // Wind + solar additions in the year (GW).
    std::vector<double> wind_solar_additions;
    // If a target was set: the solved level and the linear relation behind it.
    renewables::Requirement requirement;
    bool has_requirement = false;
};

Result run(const Inputs& inputs);

// Wind and solar additions of `inputs` with the level applied over the
// target's years: existing segments are cut out of those years and an
// increment of level × wind_fraction (wind) and level × (1 − wind_fraction)
// (solar) GW/yr is added. The segment list ends with the level segment. A cagr,
// change or target segment cut short keeps its path (series::Segment::aim_year).
void apply_level(Inputs& inputs, const RenewableTarget& target, double level);

// Refuses a target year after the solve years where a wind or solar segment between
// them aims at a value of its own (a target; a cagr or change counted from another
// year than the last solve year): the share would not be linear in the level, which
// the exact solve needs. required_level runs it.
void check_linear_solve(const Inputs& inputs, const RenewableTarget& target);

// The level of wind + solar additions (GW/yr over the target's years) that
// reaches `target` with everything else in `inputs` unchanged.
renewables::Requirement required_level(const Inputs& inputs, const RenewableTarget& target);

}  // namespace aipower::china
