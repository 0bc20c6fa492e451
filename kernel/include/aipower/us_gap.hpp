// The US capacity gap (MODEL.md §6, seed 2): nameplate additions by
// technology, their firm equivalent (× capacity factor), the yearly and
// cumulative gap against the additions needed, and the capex of AI
// data-center gigawatts.
#pragma once

#include <vector>

namespace aipower::us_gap {

// Firm-equivalent GW of nameplate additions: Σ nameplate × capacity factor.
double firm_equivalent_gw(const std::vector<double>& nameplate_gw, const std::vector<double>& capacity_factor);

struct Gap {
    double built_nameplate_gw = 0.0;  // Σ nameplate additions per year
    double built_firm_gw = 0.0;       // Σ nameplate × capacity factor per year
    double gap_gw_per_year = 0.0;     // needed − built nameplate (as seed 2 counts it)
    std::vector<double> cumulative_gap_gw;  // after 1..years years
    double gap_share_of_fleet = 0.0;  // cumulative gap after `years` / fleet
};

// needed_gw_per_year: nameplate additions needed each year; years: horizon of
// the cumulative gap; fleet_gw: installed capacity the gap is compared with.
Gap capacity_gap(double needed_gw_per_year, const std::vector<double>& nameplate_gw,
                 const std::vector<double>& capacity_factor, int years, double fleet_gw);

// Yearly gap: nameplate needed − nameplate built (GW/yr).
double gap_per_year(double needed_gw_per_year, double built_gw_per_year);

// Cumulative gap after 1..years years of a constant yearly gap (GW).
std::vector<double> cumulative_gap(double gap_gw_per_year, int years);

// Capex of data-center capacity: GW × cost per GW (currency of the cost).
double capex(double gw, double cost_per_gw);

// Part of the needed additions that serves data centers (GW/yr).
double data_center_new_load_gw(double needed_gw_per_year, double data_center_share);

}  // namespace aipower::us_gap
