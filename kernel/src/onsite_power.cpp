#include "aipower/onsite_power.hpp"

#include <cmath>

#include "aipower/errors.hpp"

namespace aipower::onsite_power {

Totals lifetime_cost(const Option& option, int years, double discount_rate) {
    require_non_negative("capex", option.capex);
    require_non_negative("opex_per_year", option.opex_per_year);  // as capex: a cost, not an income
    require_years_count("years", years, 1);
    require_range("discount_rate", discount_rate, 0.0, 1.0);
    Totals t;
    t.capex = option.capex;
    for (int y = 1; y <= years; ++y) t.opex += option.opex_per_year / std::pow(1.0 + discount_rate, y);
    t.total = finite_result("onsite_power::lifetime_cost total", t.capex + t.opex);
    return t;
}

Comparison compare(double capacity_mw, double turbine_capex_per_mw, double turbine_opex_per_mw_year,
                   double alternative_capex_multiple, double alternative_extra_opex_per_mw_year, int years,
                   double discount_rate) {
    require_positive("capacity_mw", capacity_mw);
    require_non_negative("turbine_capex_per_mw", turbine_capex_per_mw);
    require_non_negative("turbine_opex_per_mw_year", turbine_opex_per_mw_year);
    require_non_negative("alternative_capex_multiple", alternative_capex_multiple);
    require_finite("alternative_extra_opex_per_mw_year", alternative_extra_opex_per_mw_year);
    Comparison c;
    // Products of valid inputs can still overflow: name the inputs that did.
    c.turbine = {finite_result("capacity_mw × turbine_capex_per_mw", turbine_capex_per_mw * capacity_mw),
                 finite_result("capacity_mw × turbine_opex_per_mw_year", turbine_opex_per_mw_year * capacity_mw)};
    c.alternative = {finite_result("turbine capex × alternative_capex_multiple", c.turbine.capex * alternative_capex_multiple),
                     finite_result("capacity_mw × alternative_extra_opex_per_mw_year",
                                   c.turbine.opex_per_year + alternative_extra_opex_per_mw_year * capacity_mw)};
    if (c.alternative.opex_per_year < 0.0)
        fail("alternative_extra_opex_per_mw_year", alternative_extra_opex_per_mw_year,
             "a value that leaves the alternative's opex >= 0");
    c.turbine_totals = lifetime_cost(c.turbine, years, discount_rate);
    c.alternative_totals = lifetime_cost(c.alternative, years, discount_rate);
    c.extra_capex = c.alternative_totals.capex - c.turbine_totals.capex;
    c.extra_opex = c.alternative_totals.opex - c.turbine_totals.opex;
    c.extra_total = finite_result("onsite_power::compare extra_total", c.alternative_totals.total - c.turbine_totals.total);
    finite_result("onsite_power::compare extra_capex", c.extra_capex);
    finite_result("onsite_power::compare extra_opex", c.extra_opex);
    return c;
}

}  // namespace aipower::onsite_power
