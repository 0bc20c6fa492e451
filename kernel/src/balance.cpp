#include "aipower/balance.hpp"

#include <cmath>
#include <string>

#include "aipower/errors.hpp"
#include "aipower/units.hpp"

namespace aipower::balance {

namespace {

std::size_t check(const Inputs& in) {
    const std::size_t n = in.consumption.size();
    if (n == 0) fail("consumption", "is empty: expected one value per year");
    require_same_length("net_imports", in.net_imports.size(), n);
    require_range("balance.loss_factor", in.loss_factor, -0.5, 1.0);  // the scenario's key: the API adds its file:line
    const auto& names = supply::source_names();
    for (int s = 0; s < supply::kSourceCount; ++s) {
        const auto& name = names[static_cast<std::size_t>(s)];
        require_same_length(name + " average_capacity", in.average_capacity[static_cast<std::size_t>(s)].size(), n);
        if (s != supply::Coal) require_same_length(name + " hours", in.hours[static_cast<std::size_t>(s)].size(), n);
    }
    for (std::size_t i = 0; i < n; ++i) {
        const std::string year = std::to_string(in.first_year + static_cast<int>(i));
        require_positive("consumption[" + year + "]", in.consumption[i]);
        require_finite("net_imports[" + year + "]", in.net_imports[i]);
        for (int s = 0; s < supply::kSourceCount; ++s) {
            const auto& name = names[static_cast<std::size_t>(s)];
            require_non_negative(name + " average_capacity[" + year + "]", in.average_capacity[static_cast<std::size_t>(s)][i]);
            if (s != supply::Coal) require_range(name + " hours[" + year + "]", in.hours[static_cast<std::size_t>(s)][i], 0.0, units::kMaxHoursPerYear);
        }
    }
    return n;
}

double others_generation(const Inputs& in, std::size_t i) {
    double sum = 0.0;
    for (int s = 0; s < supply::kSourceCount; ++s)
        if (s != supply::Coal)
            sum += units::gw_hours_to_twh(in.average_capacity[static_cast<std::size_t>(s)][i], in.hours[static_cast<std::size_t>(s)][i]);
    return sum;
}

}  // namespace

Result solve(const Inputs& in) {
    const std::size_t n = check(in);
    Result r;
    r.required.resize(n);
    r.coal_hours.resize(n);
    r.non_hydro_share.resize(n);
    for (auto& g : r.generation) g.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
        const std::string year = std::to_string(in.first_year + static_cast<int>(i));
        r.required[i] = in.consumption[i] * (1.0 + in.loss_factor) - in.net_imports[i];
        for (int s = 0; s < supply::kSourceCount; ++s)
            if (s != supply::Coal)
                r.generation[static_cast<std::size_t>(s)][i] =
                    units::gw_hours_to_twh(in.average_capacity[static_cast<std::size_t>(s)][i], in.hours[static_cast<std::size_t>(s)][i]);
        const double coal = r.required[i] - others_generation(in, i);
        if (coal < 0.0)
            fail("coal generation[" + year + "]", coal,
                 "a value >= 0: other sources generate more than required; lower renewable additions or hours");
        r.generation[supply::Coal][i] = coal;
        const double coal_gw = in.average_capacity[supply::Coal][i];
        if (!(coal_gw > 0.0)) fail("coal average_capacity[" + year + "]", coal_gw, "> 0 to compute coal hours");
        r.coal_hours[i] = units::twh_per_gw_to_hours(coal, coal_gw);
        if (!(r.coal_hours[i] <= units::kMaxHoursPerYear))  // more than the plants can run in a year
            fail("coal hours[" + year + "]", r.coal_hours[i],
                 "at most " + format_value(units::kMaxHoursPerYear) +
                     " (a leap year's hours): demand leaves coal more than its capacity can generate; "
                     "add coal capacity or lower demand growth");
        r.non_hydro_share[i] =
            (r.generation[supply::Wind][i] + r.generation[supply::Solar][i] + r.generation[supply::Biomass][i]) /
            in.consumption[i];
    }
    return r;
}

double calibrate_loss_factor(const Inputs& in, double coal_hours_actual) {
    check(in);
    require_range("coal_hours_actual", coal_hours_actual, 0.0, units::kMaxHoursPerYear);
    const double coal = units::gw_hours_to_twh(in.average_capacity[supply::Coal][0], coal_hours_actual);
    const double generation = coal + others_generation(in, 0);
    const double factor = (generation + in.net_imports[0]) / in.consumption[0] - 1.0;
    if (!(std::isfinite(factor) && factor >= -0.5 && factor <= 1.0))
        fail("calibrated loss_factor", factor,
             "a number in [-0.5, 1]: check the base year's demand, balance.net_imports, capacities and hours");
    return factor;
}

double residual_hours(const std::string& name, double total_twh, double others_twh, double average_gw) {
    require_positive(name + " total generation", total_twh);
    require_non_negative(name + " other generation", others_twh);
    require_positive(name + " average capacity", average_gw);
    const double residual = total_twh - others_twh;
    if (!(residual > 0.0))
        fail(name + " residual generation", residual, "> 0: the total is smaller than the other sources in it");
    return units::twh_per_gw_to_hours(residual, average_gw);
}

double rebase_hours(const std::string& name, double hours, double from_average_gw, double to_average_gw) {
    require_range(name + " hours", hours, 0.0, units::kMaxHoursPerYear);
    require_positive(name + " reported capacity", from_average_gw);
    require_positive(name + " model capacity", to_average_gw);
    const double rebased = hours * from_average_gw / to_average_gw;
    require_range(name + " rebased hours", rebased, 0.0, units::kMaxHoursPerYear);
    return rebased;
}

}  // namespace aipower::balance
