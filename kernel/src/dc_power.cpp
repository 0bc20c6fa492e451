#include "aipower/dc_power.hpp"

#include <cmath>
#include <string>

#include "aipower/errors.hpp"
#include "aipower/units.hpp"

namespace aipower::dc_power {

double capacity_from_capex_gw(double capex_yi_rmb, double capex_per_watt_rmb) {
    require_non_negative("capex_yi_rmb", capex_yi_rmb);
    require_positive("capex_per_watt_rmb", capex_per_watt_rmb);
    return finite_result("dc_power::capacity_from_capex_gw", capex_yi_rmb * kRmbPerYiRmb / capex_per_watt_rmb / kWattsPerGw);
}

double energy_from_capacity_twh(double capacity_gw, double twh_per_gw_year) {
    require_non_negative("capacity_gw", capacity_gw);
    require_non_negative("twh_per_gw_year", twh_per_gw_year);
    return finite_result("dc_power::energy_from_capacity_twh", capacity_gw * twh_per_gw_year);
}

double energy_from_it_power_twh(double it_power_gw, double pue, double load_factor, double hours) {
    require_non_negative("it_power_gw", it_power_gw);
    require_pue("pue", pue);
    require_share("load_factor", load_factor);
    require_range("hours", hours, 0.0, units::kMaxHoursPerYear);  // at most a leap year
    return finite_result("dc_power::energy_from_it_power_twh", it_power_gw * pue * load_factor * hours / kGwhPerTwh);
}

double chip_power_from_capex_gw(double capex_yi_rmb, double chip_share_of_capex, double chip_cost_per_watt_rmb) {
    require_non_negative("capex_yi_rmb", capex_yi_rmb);
    require_share("chip_share_of_capex", chip_share_of_capex);
    require_positive("chip_cost_per_watt_rmb", chip_cost_per_watt_rmb);
    return finite_result("dc_power::chip_power_from_capex_gw", capex_yi_rmb * kRmbPerYiRmb * chip_share_of_capex / chip_cost_per_watt_rmb / kWattsPerGw);
}

double cluster_power_mw(double accelerators, double watts_per_accelerator, double pue) {
    require_count("accelerators", accelerators, false);
    require_non_negative("watts_per_accelerator", watts_per_accelerator);
    require_pue("pue", pue);
    return finite_result("dc_power::cluster_power_mw", accelerators * watts_per_accelerator * pue / kWattsPerMw);
}

std::vector<double> compute_route_twh(const std::vector<double>& eflops, const std::vector<double>& twh_per_eflops) {
    require_same_length("twh_per_eflops", twh_per_eflops.size(), eflops.size(), "one per value of eflops");
    std::vector<double> out(eflops.size());
    for (std::size_t i = 0; i < eflops.size(); ++i) {
        require_non_negative("eflops[" + std::to_string(i) + "]", eflops[i]);
        require_non_negative("twh_per_eflops[" + std::to_string(i) + "]", twh_per_eflops[i]);
        out[i] = eflops[i] * twh_per_eflops[i];
    }
    return finite_results("dc_power::compute_route_twh", out);
}

std::vector<double> intensity_path(double start, double annual_change, int n) {
    require_non_negative("start", start);
    require_growth("annual_change", annual_change);
    require_years_count("n", n, 0);
    std::vector<double> out(static_cast<std::size_t>(n));
    double value = start;
    for (auto& v : out) {
        v = value;
        value *= 1.0 + annual_change;
    }
    return finite_results("dc_power::intensity_path", out);
}

std::vector<double> interpolate_geometric(const std::vector<int>& anchor_years, const std::vector<double>& anchor_values,
                                          const std::vector<int>& years) {
    if (anchor_years.size() < 2) fail("anchor_years", "needs at least two anchor years");
    require_same_length("anchor_values", anchor_values.size(), anchor_years.size(), "one per anchor year");
    for (std::size_t i = 0; i < anchor_years.size(); ++i) {
        require_year("anchor_years[" + std::to_string(i) + "]", anchor_years[i]);
        require_positive("anchor_values[" + std::to_string(i) + "]", anchor_values[i]);
        if (i > 0 && anchor_years[i] <= anchor_years[i - 1])
            fail("anchor_years[" + std::to_string(i) + "]", anchor_years[i], "years in increasing order");
    }
    std::vector<double> out;
    out.reserve(years.size());
    for (std::size_t i = 0; i < years.size(); ++i) require_year("years[" + std::to_string(i) + "]", years[i]);
    for (int year : years) {
        // The segment [k, k+1] containing the year, or the nearest end segment.
        std::size_t k = 0;
        while (k + 2 < anchor_years.size() && year > anchor_years[k + 1]) ++k;
        const double span = anchor_years[k + 1] - anchor_years[k];
        const double rate = std::pow(anchor_values[k + 1] / anchor_values[k], 1.0 / span);
        out.push_back(anchor_values[k] * std::pow(rate, year - anchor_years[k]));
    }
    return finite_results("dc_power::interpolate_geometric", out);
}

std::vector<double> capex_driven_path(double start_twh, const std::vector<double>& capex_yi_rmb,
                                      double capex_per_watt_rmb, double twh_per_gw_year, double first_year_fraction) {
    require_non_negative("start_twh", start_twh);
    require_share("first_year_fraction", first_year_fraction);
    if (capex_yi_rmb.empty()) fail("capex_yi_rmb", "needs one value per year of the path (got none)");
    require_path_length("capex_yi_rmb", capex_yi_rmb.size());
    std::vector<double> added(capex_yi_rmb.size());
    double in_service = 0.0;  // TWh a year from capex of earlier years
    for (std::size_t t = 0; t < capex_yi_rmb.size(); ++t) {
        const std::string name = "capex_yi_rmb[" + std::to_string(t) + "]";
        require_non_negative(name, capex_yi_rmb[t]);
        const double full_year =
            energy_from_capacity_twh(capacity_from_capex_gw(capex_yi_rmb[t], capex_per_watt_rmb), twh_per_gw_year);
        added[t] = in_service + full_year * first_year_fraction;
        in_service += full_year;
    }
    std::vector<double> out(added.size());
    for (std::size_t t = 0; t < added.size(); ++t) out[t] = start_twh + added[t] - added[0];
    return finite_results("dc_power::capex_driven_path", out);
}

std::vector<double> compute_driven_path(double start_twh, const std::vector<double>& eflops,
                                        double intensity_change_per_year) {
    require_non_negative("start_twh", start_twh);
    if (eflops.empty()) fail("eflops", "needs one value per year of the path (got none)");
    require_path_length("eflops", eflops.size());
    require_positive("eflops[0]", eflops[0]);
    require_growth("intensity_change_per_year", intensity_change_per_year);
    // The energy per EFLOPS calibrated on the start year; name the inputs if their ratio overflows.
    const double start_intensity = finite_result("start_twh / eflops[0]", start_twh / eflops[0]);
    const auto intensity = intensity_path(start_intensity, intensity_change_per_year, static_cast<int>(eflops.size()));
    return finite_results("dc_power::compute_driven_path", compute_route_twh(eflops, intensity));
}

}  // namespace aipower::dc_power
