// Generation, balance and coal utilization hours (MODEL.md §3).
//   generation[s] = average capacity[s] × hours[s]            (GW × h → TWh)
//   required      = consumption × (1 + loss_factor) − net imports
//   coal          = required − every other source             (the residual)
//   coal hours    = coal generation / average coal capacity
//   non-hydro share = (wind + solar + biomass) / consumption
// loss_factor (transmission losses and plant own use) is calibrated on the
// base year so that the base year's coal hours equal the actual.
#pragma once

#include <array>
#include <vector>

#include "aipower/supply.hpp"

namespace aipower::balance {

using PerSource = std::array<std::vector<double>, supply::kSourceCount>;

struct Inputs {
    std::vector<double> consumption;  // TWh per year
    std::vector<double> net_imports;  // TWh per year
    double loss_factor = 0.0;         // fraction; (1 + f) × consumption is generation before imports
    PerSource average_capacity;       // GW per year for each source
    PerSource hours;                  // h per year for each source; coal's is ignored (residual)
    int first_year = 0;               // for error messages
};

struct Result {
    std::vector<double> required;  // TWh
    PerSource generation;          // TWh
    std::vector<double> coal_hours;
    std::vector<double> non_hydro_share;
};

Result solve(const Inputs& inputs);

// The factor f for which coal hours in year 0 equal `coal_hours_actual`.
double calibrate_loss_factor(const Inputs& inputs, double coal_hours_actual);

// Hours that turn a generation total into the residual of one source:
// (total − others) / average capacity. Used to calibrate solar hours on the
// wind+solar total and biomass hours on the renewable total.
double residual_hours(const std::string& name, double total_twh, double others_twh, double average_gw);

// Hours re-expressed on another capacity base with the same generation,
// e.g. hydro hours reported on capacity incl. pumped storage → on
// conventional capacity.
double rebase_hours(const std::string& name, double hours, double from_average_gw, double to_average_gw);

}  // namespace aipower::balance
