#include "aipower/us_gap.hpp"

#include <string>

#include "aipower/errors.hpp"

namespace aipower::us_gap {

double firm_equivalent_gw(const std::vector<double>& nameplate_gw, const std::vector<double>& capacity_factor) {
    if (nameplate_gw.empty()) fail("nameplate_gw", "has no values, expected one per technology");
    if (capacity_factor.size() != nameplate_gw.size())
        fail("capacity_factor", "has " + std::to_string(capacity_factor.size()) + " values, expected " +
                                    std::to_string(nameplate_gw.size()) + " (one per technology)");
    double firm = 0.0;
    for (std::size_t i = 0; i < nameplate_gw.size(); ++i) {
        require_non_negative("nameplate_gw[" + std::to_string(i) + "]", nameplate_gw[i]);
        require_share("capacity_factor[" + std::to_string(i) + "]", capacity_factor[i]);
        firm += nameplate_gw[i] * capacity_factor[i];
    }
    return finite_result("us_gap::firm_equivalent_gw", firm);
}

double gap_per_year(double needed_gw_per_year, double built_gw_per_year) {
    require_non_negative("needed_gw_per_year", needed_gw_per_year);
    require_non_negative("built_gw_per_year", built_gw_per_year);
    return finite_result("us_gap::gap_per_year", needed_gw_per_year - built_gw_per_year);
}

std::vector<double> cumulative_gap(double gap_gw_per_year, int years) {
    require_finite("gap_gw_per_year", gap_gw_per_year);
    require_years_count("years", years, 1);
    std::vector<double> out(static_cast<std::size_t>(years));
    for (int y = 1; y <= years; ++y) out[static_cast<std::size_t>(y - 1)] = gap_gw_per_year * y;
    return finite_results("us_gap::cumulative_gap", out);
}

Gap capacity_gap(double needed_gw_per_year, const std::vector<double>& nameplate_gw,
                 const std::vector<double>& capacity_factor, int years, double fleet_gw) {
    require_non_negative("needed_gw_per_year", needed_gw_per_year);
    require_years_count("years", years, 1);
    require_positive("fleet_gw", fleet_gw);
    Gap g;
    g.built_firm_gw = firm_equivalent_gw(nameplate_gw, capacity_factor);
    for (double v : nameplate_gw) g.built_nameplate_gw += v;
    g.gap_gw_per_year = gap_per_year(needed_gw_per_year, g.built_nameplate_gw);
    g.cumulative_gap_gw = cumulative_gap(g.gap_gw_per_year, years);
    finite_result("us_gap::capacity_gap built_nameplate_gw", g.built_nameplate_gw);
    g.gap_share_of_fleet = finite_result("us_gap::capacity_gap gap_share_of_fleet", g.cumulative_gap_gw.back() / fleet_gw);
    return g;
}

double capex(double gw, double cost_per_gw) {
    require_non_negative("gw", gw);
    require_non_negative("cost_per_gw", cost_per_gw);
    return finite_result("us_gap::capex", gw * cost_per_gw);
}

double data_center_new_load_gw(double needed_gw_per_year, double data_center_share) {
    require_non_negative("needed_gw_per_year", needed_gw_per_year);
    require_share("data_center_share", data_center_share);
    return finite_result("us_gap::data_center_new_load_gw", needed_gw_per_year * data_center_share);
}

}  // namespace aipower::us_gap
