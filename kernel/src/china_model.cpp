#include "aipower/china_model.hpp"

#include <algorithm>
#include <string>

#include "aipower/errors.hpp"
#include "aipower/units.hpp"

namespace aipower::china {

namespace {

using supply::Source;

std::size_t idx(Source s) { return static_cast<std::size_t>(s); }

void check_target(const RenewableTarget& t, const series::Years& years) {
    // Named as in scenario files ([renewables]) so errors point at what the user wrote.
    require_share("renewables.target_share", t.share);
    require_share("renewables.wind_fraction", t.wind_fraction);
    const auto in_horizon = [&](const char* what, int year) {
        if (year <= years.first || year > years.last)
            fail(std::string("renewables.") + what, year,
                 "a year in " + std::to_string(years.first + 1) + "-" + std::to_string(years.last));
    };
    in_horizon("first_year", t.first_year);
    in_horizon("last_year", t.last_year);
    if (t.last_year < t.first_year) fail("renewables.last_year", t.last_year, ">= renewables.first_year");
    // Additions before the target year reach it; a target year before them cannot be solved for.
    // One message with the whole range a target year may take.
    if (t.year < t.first_year || t.year > years.last)
        fail("renewables.target_year", t.year,
             "a year in " + std::to_string(t.first_year) + "-" + std::to_string(years.last) +
                 " (from renewables.first_year = " + std::to_string(t.first_year) +
                 ": the additions the solve sets start then)");
}

}  // namespace

// The solve is exact because the target year's share is linear in the level (renewables.hpp). Past
// the solve years, a wind or solar segment aiming at a value of its own (a target, or a cagr or change
// counted from another year than the one before its first after the solve) bends that line.
void check_linear_solve(const Inputs& in, const RenewableTarget& t) {
    if (t.year <= t.last_year) return;
    for (Source s : {supply::Wind, supply::Solar})
        for (const auto& seg : in.capacity[idx(s)].additions) {
            const int first = std::max(seg.first_year, t.last_year + 1);  // its part after the solve years
            if (seg.last_year <= t.last_year || first > t.year) continue;
            const bool own_value = seg.method == series::Method::Target ||
                                   ((seg.method == series::Method::Cagr || seg.method == series::Method::Change) &&
                                    seg.ref_year != first - 1);
            if (own_value)
                fail("renewables.target_year", t.year,
                     "a year in " + std::to_string(t.first_year) + "-" + std::to_string(t.last_year) +
                         ", or segments after " + std::to_string(t.last_year) +
                         " that grow from the solved capacity: the " + series::method_name(seg.method) +
                         " segment " + std::to_string(seg.first_year) + "-" + std::to_string(seg.last_year) +
                         " of supply." + supply::source_names()[idx(s)] +
                         ".additions aims at a value of its own, so the share in " + std::to_string(t.year) +
                         " is not linear in the level the solve sets (growth, glide, increment or pipeline grow "
                         "from it, as does a cagr or change counted from " + std::to_string(first - 1) + ")");
        }
}

namespace {

// apply_level on inputs and a target already checked (the solver's trials).
void level_in(Inputs& in, const RenewableTarget& t, double level) {
    const auto add = [&](Source s, double per_year) {
        auto& segments = in.capacity[idx(s)].additions;
        std::vector<series::Segment> kept;
        for (auto& seg : segments) {
            // Cut the target years out of existing segments.
            if (seg.last_year < t.first_year || seg.first_year > t.last_year) {
                kept.push_back(seg);
                continue;
            }
            if (seg.method != series::Method::Growth && seg.method != series::Method::Increment &&
                seg.method != series::Method::Glide && seg.first_year < t.first_year && seg.last_year > t.last_year)
                fail(supply::source_names()[idx(s)] + " additions", "a " + series::method_name(seg.method) +
                                                                        " segment spans the renewable target years");
            const auto cut = [&](int first, int last) {
                if (first > last) return;
                series::Segment part = seg;
                if (seg.method == series::Method::Growth || seg.method == series::Method::Increment) {
                    if (seg.values.size() > 1)
                        part.values.assign(seg.values.begin() + (first - seg.first_year),
                                           seg.values.begin() + (last - seg.first_year) + 1);
                } else if (seg.method == series::Method::Glide) {
                    const double span = seg.last_year - seg.first_year;
                    const auto rate = [&](int y) {
                        return span == 0 ? seg.values[1]
                                         : seg.values[0] + (seg.values[1] - seg.values[0]) * (y - seg.first_year) / span;
                    };
                    part.values = {rate(first), rate(last)};
                } else if (seg.method == series::Method::Pipeline) {
                    part.values = {seg.values[0] * (last - first + 1) / (seg.last_year - seg.first_year + 1)};
                } else {  // cagr, change, target: still aimed at the year the whole segment reached its value
                    part.aim_year = series::aim(seg);
                }
                part.first_year = first;
                part.last_year = last;
                kept.push_back(part);
            };
            cut(seg.first_year, t.first_year - 1);
            cut(t.last_year + 1, seg.last_year);
        }
        series::Segment level_segment;
        level_segment.method = series::Method::Increment;
        level_segment.first_year = t.first_year;
        level_segment.last_year = t.last_year;
        level_segment.values = {per_year};
        kept.push_back(level_segment);
        segments = kept;
    };
    add(supply::Wind, level * t.wind_fraction);
    add(supply::Solar, level * (1.0 - t.wind_fraction));
}

}  // namespace

void apply_level(Inputs& in, const RenewableTarget& t, double level) {
    // Its own checks: the cut reads each segment's values by year (a short list read past its end).
    series::check_years("years", in.years);
    check_target(t, in.years);
    require_finite("level", level);
    for (Source s : {supply::Wind, supply::Solar})
        for (const auto& seg : in.capacity[idx(s)].additions)
            series::check_segment("supply." + supply::source_names()[idx(s)] + ".additions", seg);
    level_in(in, t, level);
}

namespace {

struct Supply {
    std::array<std::vector<double>, supply::kSourceCount> capacity, average, additions, hours;
};

Supply project_supply(const Inputs& in) {
    Supply out;
    const auto& names = supply::source_names();
    for (int s = 0; s < supply::kSourceCount; ++s) {
        const auto& spec = in.capacity[static_cast<std::size_t>(s)];
        out.capacity[static_cast<std::size_t>(s)] =
            supply::project_capacity("supply." + names[static_cast<std::size_t>(s)], in.years, spec);
        out.average[static_cast<std::size_t>(s)] = supply::average_capacity(out.capacity[static_cast<std::size_t>(s)], spec.previous_end);
        out.additions[static_cast<std::size_t>(s)] =
            supply::additions(out.capacity[static_cast<std::size_t>(s)], spec.previous_end, spec.retirements);
    }
    // Base-year hours, then their paths.
    const auto& cal = in.calibration;
    const auto base_hours = [&](Source s) -> double {
        const auto& h = in.hours[idx(s)];
        const auto& name = names[idx(s)];
        switch (h.base) {
            case HoursBase::Given:
                return h.start;
            case HoursBase::SolarFromWindSolar: {
                const double wind = units::gw_hours_to_twh(out.average[supply::Wind][0], in.hours[supply::Wind].start);
                return balance::residual_hours(name, cal.wind_solar_generation, wind, out.average[idx(s)][0]);
            }
            case HoursBase::ResidualOfRenewables: {
                double hydro_hours = in.hours[supply::Hydro].start;
                if (in.hours[supply::Hydro].base == HoursBase::RebasedOnConventional)
                    hydro_hours = balance::rebase_hours("hydro", hydro_hours,
                                                        0.5 * (cal.hydro_reported_previous_end + cal.hydro_reported_start_end),
                                                        out.average[supply::Hydro][0]);
                const double hydro = units::gw_hours_to_twh(out.average[supply::Hydro][0], hydro_hours);
                return balance::residual_hours(name, cal.renewable_generation, cal.wind_solar_generation + hydro,
                                               out.average[idx(s)][0]);
            }
            case HoursBase::RebasedOnConventional:
                return balance::rebase_hours(name, h.start,
                                             0.5 * (cal.hydro_reported_previous_end + cal.hydro_reported_start_end),
                                             out.average[idx(s)][0]);
        }
        return h.start;
    };
    for (int s = 0; s < supply::kSourceCount; ++s) {
        if (s == supply::Coal) continue;
        const auto source = static_cast<Source>(s);
        const double start = base_hours(source);
        require_range(names[idx(source)] + " hours (start year)", start, 0.0, units::kMaxHoursPerYear);
        out.hours[idx(source)] = series::project("hours." + names[idx(source)], in.years, start, in.hours[idx(source)].segments);
    }
    return out;
}

balance::Inputs balance_inputs(const Inputs& in, const demand::Result& d, const Supply& s) {
    balance::Inputs b;
    b.consumption = d.rows.at("total");
    b.net_imports = in.net_imports;
    b.average_capacity = s.average;
    b.hours = s.hours;
    b.hours[supply::Coal].assign(b.consumption.size(), 0.0);
    b.first_year = in.years.first;
    return b;
}

double loss_factor_for(const Inputs& in, const balance::Inputs& b) {
    if (!std::isnan(in.calibration.loss_factor)) return in.calibration.loss_factor;
    return balance::calibrate_loss_factor(b, in.calibration.coal_hours);
}

}  // namespace

renewables::Requirement required_level(const Inputs& base_inputs, const RenewableTarget& target) {
    require_year("start_year", base_inputs.years.first);
    require_year("end_year", base_inputs.years.last);
    check_target(target, base_inputs.years);
    check_linear_solve(base_inputs, target);
    Inputs inputs = base_inputs;
    inputs.demand.years = inputs.years;
    const auto d = demand::project(inputs.demand);
    // The loss factor is calibrated on the base year, which the level does not touch.
    const double factor = loss_factor_for(inputs, balance_inputs(inputs, d, project_supply(inputs)));
    const auto year_index = static_cast<std::size_t>(target.year - inputs.years.first);
    const auto share_of_level = [&](double level) {
        Inputs trial = inputs;
        level_in(trial, target, level);
        auto b = balance_inputs(trial, d, project_supply(trial));
        b.loss_factor = factor;
        const auto consumption = b.consumption[year_index];
        double re = 0.0;
        for (Source s : {supply::Wind, supply::Solar, supply::Biomass})
            re += units::gw_hours_to_twh(b.average_capacity[idx(s)][year_index], b.hours[idx(s)][year_index]);
        return re / consumption;
    };
    const auto r = renewables::solve_level(share_of_level, target.share);
    if (r.level < 0.0)
        fail("renewables.target_share", target.share,
             "a share above " + format_value(r.share_at_zero) + ", the share reached in " + std::to_string(target.year) +
                 " with no new wind and solar in " + std::to_string(target.first_year) + "-" +
                 std::to_string(target.last_year) + " (the target is already met: use fixed additions)");
    return r;
}

Result run(const Inputs& given) {
    require_year("start_year", given.years.first);
    require_year("end_year", given.years.last);
    if (given.years.last < given.years.first + 1)
        fail("end_year", given.years.last, "a year after the base year " + std::to_string(given.years.first));
    require_same_length("net_imports", given.net_imports.size(), static_cast<std::size_t>(given.years.count()));
    Inputs in = given;
    in.demand.years = in.years;

    Result r;
    if (in.target.enabled) {
        r.requirement = required_level(in, in.target);
        r.has_requirement = true;
        level_in(in, in.target, r.requirement.level);
    }
    r.demand = demand::project(in.demand);
    const Supply s = project_supply(in);
    auto b = balance_inputs(in, r.demand, s);
    r.loss_factor = loss_factor_for(in, b);
    b.loss_factor = r.loss_factor;
    r.balance = balance::solve(b);
    r.capacity = s.capacity;
    r.additions = s.additions;
    r.hours = s.hours;
    r.hours[supply::Coal] = r.balance.coal_hours;
    r.wind_solar_additions.resize(s.capacity[0].size());
    for (std::size_t i = 0; i < r.wind_solar_additions.size(); ++i)
        r.wind_solar_additions[i] = s.additions[supply::Wind][i] + s.additions[supply::Solar][i];
    return r;
}

}  // namespace aipower::china
