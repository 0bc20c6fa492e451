#include "aipower/token_cost.hpp"

#include <cmath>

#include "aipower/errors.hpp"
#include "aipower/units.hpp"

namespace aipower::token_cost {

double depreciation_per_hour(double purchase_price, double life_years, double hours_per_year) {
    require_non_negative("purchase_price", purchase_price);
    require_positive("life_years", life_years);
    require_range("hours_per_year", hours_per_year, 1.0, units::kMaxHoursPerYear);
    return finite_result("token_cost::depreciation_per_hour", purchase_price / (life_years * hours_per_year));
}

double energy_cost_per_hour(double it_power_kw, double pue, double electricity_price_per_kwh) {
    require_non_negative("it_power_kw", it_power_kw);
    require_pue("pue", pue);
    require_non_negative("electricity_price_per_kwh", electricity_price_per_kwh);
    return finite_result("token_cost::energy_cost_per_hour", it_power_kw * pue * electricity_price_per_kwh);
}

double energy_per_million_tokens_kwh(double it_power_kw, double pue, double tokens_per_second) {
    require_non_negative("it_power_kw", it_power_kw);
    require_pue("pue", pue);
    require_positive("tokens_per_second", tokens_per_second);
    return finite_result("token_cost::energy_per_million_tokens_kwh", it_power_kw * pue / (tokens_per_second * kSecondsPerHour) * kTokensPerMillion);
}

Breakdown cost_per_million_tokens(const Inputs& in) {
    require_non_negative("accelerator_cost_per_hour", in.accelerator_cost_per_hour);
    require_non_negative("network_cost_per_hour", in.network_cost_per_hour);
    require_non_negative("operations_cost_per_hour", in.operations_cost_per_hour);
    require_positive("tokens_per_second", in.tokens_per_second);
    Breakdown b;
    b.compute_per_hour = in.accelerator_cost_per_hour;
    b.energy_per_hour = energy_cost_per_hour(in.it_power_kw, in.pue, in.electricity_price_per_kwh);
    b.network_per_hour = in.network_cost_per_hour;
    b.operations_per_hour = in.operations_cost_per_hour;
    b.total_per_hour = finite_result("token_cost::cost_per_million_tokens total_per_hour",
                                     b.compute_per_hour + b.energy_per_hour + b.network_per_hour + b.operations_per_hour);
    if (!(b.total_per_hour > 0.0)) fail("accelerator_cost_per_hour", "all cost components are zero: nothing to share");
    const double million_per_hour = in.tokens_per_second * kSecondsPerHour / kTokensPerMillion;
    b.compute_per_million = b.compute_per_hour / million_per_hour;
    b.energy_per_million = b.energy_per_hour / million_per_hour;
    b.network_per_million = b.network_per_hour / million_per_hour;
    b.operations_per_million = b.operations_per_hour / million_per_hour;
    b.total_per_million = finite_result("token_cost::cost_per_million_tokens total_per_million", b.total_per_hour / million_per_hour);
    b.compute_share = b.compute_per_hour / b.total_per_hour;
    b.energy_share = b.energy_per_hour / b.total_per_hour;
    b.network_share = b.network_per_hour / b.total_per_hour;
    b.operations_share = b.operations_per_hour / b.total_per_hour;
    b.kwh_per_million = energy_per_million_tokens_kwh(in.it_power_kw, in.pue, in.tokens_per_second);
    return b;
}

Overheads calibrate_overheads(double compute_per_hour, double energy_per_hour, double network_share,
                              double operations_share) {
    require_non_negative("compute_per_hour", compute_per_hour);
    require_non_negative("energy_per_hour", energy_per_hour);
    require_share("network_share", network_share);
    require_share("operations_share", operations_share);
    const double rest = 1.0 - network_share - operations_share;
    if (!(rest > 0.0))
        fail("network_share + operations_share", network_share + operations_share,
             "a sum < 1 (compute and energy need a share)");
    const double total = finite_result("token_cost::calibrate_overheads total", (compute_per_hour + energy_per_hour) / rest);
    return {total * network_share, total * operations_share};
}

double cost_index(double cost_a_per_million, double cost_b_per_million) {
    require_positive("cost_a_per_million", cost_a_per_million);
    require_non_negative("cost_b_per_million", cost_b_per_million);
    return finite_result("token_cost::cost_index", cost_b_per_million / cost_a_per_million);
}

double throughput_ratio_for_index(double cost_a_per_hour, double cost_b_per_hour, double target_index) {
    require_positive("cost_a_per_hour", cost_a_per_hour);
    require_positive("cost_b_per_hour", cost_b_per_hour);
    require_positive("target_index", target_index);
    // index = (C_b / T_b) / (C_a / T_a) = (C_b / C_a) × (T_a / T_b).
    return finite_result("token_cost::throughput_ratio_for_index", target_index * cost_a_per_hour / cost_b_per_hour);
}

double non_energy_multiplier_for_index(double cost_a_per_hour, double energy_b_per_hour,
                                       double non_energy_b_per_hour, double target_index) {
    require_positive("cost_a_per_hour", cost_a_per_hour);
    require_non_negative("energy_b_per_hour", energy_b_per_hour);
    require_positive("non_energy_b_per_hour", non_energy_b_per_hour);
    require_positive("target_index", target_index);
    const double target_per_hour = target_index * cost_a_per_hour;
    if (energy_b_per_hour > target_per_hour)
        fail("target_index", target_index,
             "an index b can reach: at it b may cost " + format_value(target_per_hour) +
                 " per hour (target_index × cost_a_per_hour), but its energy alone costs " +
                 format_value(energy_b_per_hour) + " (energy_b_per_hour)");
    return finite_result("token_cost::non_energy_multiplier_for_index", (target_per_hour - energy_b_per_hour) / non_energy_b_per_hour);
}

Embodied embodied_electricity(double million_tokens, double kwh_per_million, double electricity_price_per_kwh) {
    require_non_negative("million_tokens", million_tokens);
    require_non_negative("kwh_per_million", kwh_per_million);
    require_non_negative("electricity_price_per_kwh", electricity_price_per_kwh);
    const double kwh = finite_result("token_cost::embodied_electricity kwh", million_tokens * kwh_per_million);
    return {kwh, finite_result("token_cost::embodied_electricity value", kwh * electricity_price_per_kwh)};
}

}  // namespace aipower::token_cost
