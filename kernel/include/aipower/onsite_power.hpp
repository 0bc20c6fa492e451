// On-site power for a data center (MODEL.md §6, seed 2): gas turbines against
// an alternative (e.g. fuel cells) over a number of years. Money in one
// currency unit (the table uses $ million).
#pragma once

namespace aipower::onsite_power {

struct Option {
    double capex = 0.0;           // up-front, currency
    double opex_per_year = 0.0;   // currency a year
};

struct Totals {
    double capex = 0.0, opex = 0.0, total = 0.0;  // opex and total discounted if a rate is given
};

// Capex plus `years` of opex, opex of year y (1..years) discounted by
// (1 + discount_rate)^y (0 = undiscounted).
Totals lifetime_cost(const Option& option, int years, double discount_rate);

struct Comparison {
    Option turbine, alternative;
    Totals turbine_totals, alternative_totals;
    double extra_capex = 0.0, extra_opex = 0.0, extra_total = 0.0;  // alternative − turbine
};

// The turbine costs capex_per_mw × capacity and opex_per_mw_year × capacity;
// the alternative costs `alternative_capex_multiple` × the turbine's capex and
// the turbine's opex plus `alternative_extra_opex_per_mw_year` × capacity.
Comparison compare(double capacity_mw, double turbine_capex_per_mw, double turbine_opex_per_mw_year,
                   double alternative_capex_multiple, double alternative_extra_opex_per_mw_year, int years,
                   double discount_rate);

}  // namespace aipower::onsite_power
