// China electricity demand by sector (MODEL.md §1). Sector rows are projected
// independently; EV charging is split between tertiary and residential, data
// centers are booked in tertiary, and the totals are sums, so the sectors
// always add up to the total.
#pragma once

#include <limits>
#include <map>
#include <string>
#include <vector>

#include "aipower/series.hpp"

namespace aipower::demand {

enum class Driver { Series, PerCapita };

struct RowSpec {
    Driver driver = Driver::Series;
    double start_value = 0.0;  // TWh in the start year
    // Drive the row (Series) or its kWh per person (PerCapita).
    std::vector<series::Segment> segments;
    // Known values after the start year (TWh), e.g. actuals when rebasing.
    std::map<int, double> anchors;
    // If not empty: the whole path (TWh, one per year from the start year),
    // used as given (the data-center row driven by capex or compute).
    std::vector<double> path;
};

struct Inputs {
    series::Years years;
    RowSpec primary, secondary, tertiary_core, residential_core, ev_charging, data_centers;
    // Population in millions: start value and segments (for per-capita rows).
    double population_start = 0.0;
    std::vector<series::Segment> population_segments;
    std::map<int, double> population_anchors;
    // Share of EV charging booked in tertiary (the rest is residential).
    double ev_tertiary_share = 0.0;
    // Growth of total consumption in the start year (actual), for the growth row.
    double start_total_growth = 0.0;
    // Sector totals as published (TWh). When finite, the core rows' start
    // values are derived from them: tertiary_core = tertiary − share × EV −
    // data centers, residential_core = residential − (1 − share) × EV; the
    // anchors (known totals after the start year) pin the core rows likewise.
    double tertiary_total_start = std::numeric_limits<double>::quiet_NaN();
    double residential_total_start = std::numeric_limits<double>::quiet_NaN();
    std::map<int, double> tertiary_total_anchors;
    std::map<int, double> residential_total_anchors;
};

// Row names in output order.
const std::vector<std::string>& row_names();

struct Result {
    std::vector<int> years;
    // One vector per row of row_names(), TWh except total_growth (fraction).
    std::map<std::string, std::vector<double>> rows;
    std::vector<double> population;  // million
};

Result project(const Inputs& inputs);

}  // namespace aipower::demand
