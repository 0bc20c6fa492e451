// Data-center electricity from capex, chips and compute (MODEL.md §4, seed 1
// [61]-[86]). Every function is scalar or per-year: a low and a high case are
// two calls with the low-case and high-case inputs (the Python layer
// broadcasts arrays of [low, high]).
#pragma once

#include <vector>

namespace aipower::dc_power {

// 1 亿 RMB = 1e8 RMB; 1 GW = 1e9 W; 1 MW = 1e6 W (unit definitions).
inline constexpr double kRmbPerYiRmb = 1e8;
inline constexpr double kWattsPerGw = 1e9;
inline constexpr double kWattsPerMw = 1e6;
inline constexpr double kGwhPerTwh = 1000.0;

// Method 1: capacity bought by a capex at a capex per watt of data-center
// capacity (GW = 亿 RMB × 1e8 / (RMB/W) / 1e9).
double capacity_from_capex_gw(double capex_yi_rmb, double capex_per_watt_rmb);

// Energy of a capacity at an energy intensity per GW-year (TWh).
double energy_from_capacity_twh(double capacity_gw, double twh_per_gw_year);

// Energy of an IT load: IT power × PUE × load factor × hours (TWh).
double energy_from_it_power_twh(double it_power_gw, double pue, double load_factor, double hours);

// Method 2: accelerator power bought by the share of capex spent on chips at a
// chip cost per watt (GW).
double chip_power_from_capex_gw(double capex_yi_rmb, double chip_share_of_capex, double chip_cost_per_watt_rmb);

// Facility power of a cluster: accelerators × watts each × PUE (MW).
double cluster_power_mw(double accelerators, double watts_per_accelerator, double pue);

// Compute route: installed compute (EFLOPS) × energy per EFLOPS-year (TWh per
// EFLOPS) per year.
std::vector<double> compute_route_twh(const std::vector<double>& eflops, const std::vector<double>& twh_per_eflops);

// An energy-intensity path from a start value changing by a constant annual
// rate (e.g. -0.10 = 10% less energy per FLOP each year); n values.
std::vector<double> intensity_path(double start, double annual_change, int n);

// Values for `years` interpolated geometrically between anchor years; outside
// the anchors the nearest segment's growth rate is continued.
std::vector<double> interpolate_geometric(const std::vector<int>& anchor_years, const std::vector<double>& anchor_values,
                                          const std::vector<int>& years);

// The data-center row driven by capex (method 1). capex_yi_rmb has one value
// per year of the path (the first is the start year). Capex of year s adds
// capacity_from_capex_gw(...) × twh_per_gw_year of load, a fraction
// `first_year_fraction` of it in year s and all of it from year s+1 on. The
// start value is an actual that already holds the start year's effect, so the
// path is start_twh + (added[t] - added[0]).
std::vector<double> capex_driven_path(double start_twh, const std::vector<double>& capex_yi_rmb,
                                      double capex_per_watt_rmb, double twh_per_gw_year, double first_year_fraction);

// The data-center row driven by compute: the energy per EFLOPS is calibrated
// on the start year (start_twh / eflops[0]) and changes by
// `intensity_change_per_year` each year, so path[t] = eflops[t] ×
// intensity[t].
std::vector<double> compute_driven_path(double start_twh, const std::vector<double>& eflops,
                                        double intensity_change_per_year);

}  // namespace aipower::dc_power
