#include "aipower/demand.hpp"

#include <cmath>

#include "aipower/errors.hpp"
#include "aipower/units.hpp"

namespace aipower::demand {

const std::vector<std::string>& row_names() {
    static const std::vector<std::string> names{
        "primary",          "secondary",   "tertiary_core", "ev_charging", "data_centers",
        "tertiary",         "residential_core", "residential", "total",     "total_growth"};
    return names;
}

namespace {

std::vector<double> project_row(const std::string& name, const RowSpec& spec, const series::Years& years,
                                const std::vector<double>& population) {
    const auto n = static_cast<std::size_t>(years.count());
    if (!spec.path.empty()) {
        require_same_length(name + ".path", spec.path.size(), n);
        for (std::size_t i = 0; i < n; ++i) require_non_negative(name + ".path[" + std::to_string(years.first + static_cast<int>(i)) + "]", spec.path[i]);
        return spec.path;
    }
    require_non_negative(name + ".start_value", spec.start_value);
    if (spec.driver == Driver::Series) return series::project(name, years, spec.start_value, spec.segments, spec.anchors);

    // Per capita: project kWh per person, then multiply by population (of each anchor's year: checked first).
    series::check_anchors(name, years, spec.anchors);
    std::map<int, double> per_capita_anchors;
    for (const auto& [year, twh] : spec.anchors)
        per_capita_anchors[year] = units::twh_to_per_capita(twh, population[static_cast<std::size_t>(year - years.first)]);
    const double start_per_capita = units::twh_to_per_capita(spec.start_value, population[0]);
    const auto per_capita =
        series::project(name + ".per_capita", years, start_per_capita, spec.segments, per_capita_anchors);
    std::vector<double> out(n);
    for (std::size_t i = 0; i < n; ++i) out[i] = units::per_capita_to_twh(per_capita[i], population[i]);
    return out;
}

// The core row spec with its start value and anchors derived from published
// sector totals less the parts booked in the sector.
template <typename Part>
RowSpec core_from_total(const std::string& sector, RowSpec spec, double total_start,
                        const std::map<int, double>& total_anchors, const series::Years& years, Part part,
                        const std::string& booked) {
    if (std::isnan(total_start)) {
        if (!total_anchors.empty()) fail(sector + "_total_anchors", "given without " + sector + "_total_start");
        return spec;
    }
    require_positive(sector + "_total_start", total_start);
    const auto derive = [&](int year, double total) {
        const double core = total - part(static_cast<std::size_t>(year - years.first));
        if (!(core > 0.0))
            fail("demand." + sector + "_core " + std::to_string(year), core,
                 "> 0: the " + sector + " total " + format_value(total) +
                     " TWh is smaller than the parts booked in it (" + booked + ")");
        return core;
    };
    spec.start_value = derive(years.first, total_start);
    for (const auto& [year, total] : total_anchors) {
        if (year <= years.first || year > years.last)
            fail(sector + "_total_anchors year", year,
                 "a year in " + std::to_string(years.first + 1) + "-" + std::to_string(years.last));
        require_positive(sector + "_total_anchors " + std::to_string(year), total);
        spec.anchors[year] = derive(year, total);
    }
    return spec;
}

}  // namespace

Result project(const Inputs& in) {
    require_share("demand.ev_tertiary_share", in.ev_tertiary_share);
    require_growth("demand.start_total_growth", in.start_total_growth);
    require_positive("demand.population.start", in.population_start);
    const auto& years = in.years;
    series::check_years("demand", years);
    const auto n = static_cast<std::size_t>(years.count());

    Result r;
    for (int y = years.first; y <= years.last; ++y) r.years.push_back(y);
    r.population = series::project("demand.population", years, in.population_start, in.population_segments,
                                   in.population_anchors);

    auto& rows = r.rows;
    rows["primary"] = project_row("demand.primary", in.primary, years, r.population);
    rows["secondary"] = project_row("demand.secondary", in.secondary, years, r.population);
    rows["ev_charging"] = project_row("demand.ev_charging", in.ev_charging, years, r.population);
    rows["data_centers"] = project_row("demand.data_centers", in.data_centers, years, r.population);
    const auto& ev = rows["ev_charging"];
    const auto& dc = rows["data_centers"];
    const double share = in.ev_tertiary_share;
    const auto tertiary_part = [&](std::size_t i) { return share * ev[i] + dc[i]; };
    const auto residential_part = [&](std::size_t i) { return (1.0 - share) * ev[i]; };
    rows["tertiary_core"] = project_row("demand.tertiary_core",
                                        core_from_total("tertiary", in.tertiary_core, in.tertiary_total_start,
                                                        in.tertiary_total_anchors, years, tertiary_part,
                                                        "demand.ev_tertiary_share × demand.ev_charging + demand.data_centers"),
                                        years, r.population);
    rows["residential_core"] = project_row("demand.residential_core",
                                           core_from_total("residential", in.residential_core, in.residential_total_start,
                                                           in.residential_total_anchors, years, residential_part,
                                                           "(1 − demand.ev_tertiary_share) × demand.ev_charging"),
                                           years, r.population);

    auto& tertiary = rows["tertiary"] = std::vector<double>(n);
    auto& residential = rows["residential"] = std::vector<double>(n);
    auto& total = rows["total"] = std::vector<double>(n);
    for (std::size_t i = 0; i < n; ++i) {
        tertiary[i] = rows["tertiary_core"][i] + tertiary_part(i);
        residential[i] = rows["residential_core"][i] + residential_part(i);
        total[i] = rows["primary"][i] + rows["secondary"][i] + tertiary[i] + residential[i];
    }
    rows["total_growth"] = series::growth_rates(total, in.start_total_growth);
    return r;
}

}  // namespace aipower::demand
