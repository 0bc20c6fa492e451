// Renewable requirement: the level of wind + solar additions (GW per year,
// the same each year over a range of years) that reaches a target non-hydro
// share in a target year. The share is linear in the level (generation is
// linear in capacity and consumption does not depend on it), so two
// evaluations give the answer; a third checks it.
#pragma once

#include <functional>

namespace aipower::renewables {

struct Requirement {
    double level = 0.0;         // GW per year of wind + solar
    double share_at_zero = 0.0; // share reached with no additions in the solve years
    double share_per_gw = 0.0;  // share gained per GW/yr of level
};

// `share_of_level(level)` runs the model with that level and returns the
// non-hydro share in the target year.
Requirement solve_level(const std::function<double(double)>& share_of_level, double target_share);

}  // namespace aipower::renewables
