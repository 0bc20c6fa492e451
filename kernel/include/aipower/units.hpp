// Unit conversions between the kernel's units (GW, TWh, h) and the units of
// the Chinese sources (亿kWh, 亿kW, 万kW) and of per-capita figures.
#pragma once

namespace aipower::units {

// Every factor is a whole number, multiplied or divided by: 0.1 and 0.01 are not exact in binary, so
// multiplying by them put 628 亿kWh at 62.800000000000004 TWh; dividing by 10 gives 62.8.
// 1 TWh = 1e9 kWh = 10 亿kWh.
inline constexpr double kYiKwhPerTwh = 10.0;
// 1 亿kW = 1e8 kW = 100 GW.
inline constexpr double kGwPerYiKw = 100.0;
// 1 GW = 1e6 kW = 100 万kW.
inline constexpr double kWanKwPerGw = 100.0;
// 1 GW = 1000 MW (US and plant-level figures are quoted in MW).
inline constexpr double kMwPerGw = 1000.0;
// GW × h = GWh; 1 TWh = 1000 GWh.
inline constexpr double kGwhPerTwh = 1000.0;
// kWh per person × million people = 1e6 kWh; 1 TWh = 1000 × 1e6 kWh.
inline constexpr double kKwhTimesMillionPerTwh = 1000.0;
// Hours in a leap year (366 × 24): the upper bound of any utilization hours.
inline constexpr double kMaxHoursPerYear = 8784.0;

double yi_kwh_to_twh(double yi_kwh);
double twh_to_yi_kwh(double twh);
double yi_kw_to_gw(double yi_kw);
double gw_to_yi_kw(double gw);
double wan_kw_to_gw(double wan_kw);
double gw_to_wan_kw(double gw);
double mw_to_gw(double mw);
double gw_to_mw(double gw);
// Energy (TWh) from capacity (GW) running a number of hours.
double gw_hours_to_twh(double gw, double hours);
// Hours from energy (TWh) and capacity (GW).
double twh_per_gw_to_hours(double twh, double gw);
// TWh from kWh per person and population in millions.
double per_capita_to_twh(double kwh_per_person, double population_million);
double twh_to_per_capita(double twh, double population_million);

}  // namespace aipower::units
