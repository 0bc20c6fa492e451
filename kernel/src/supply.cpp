#include "aipower/supply.hpp"

#include "aipower/errors.hpp"

namespace aipower::supply {

const std::array<std::string, kSourceCount>& source_names() {
    static const std::array<std::string, kSourceCount> names{"coal", "gas", "biomass", "hydro", "nuclear", "wind", "solar"};
    return names;
}

int find_source(const std::string& name) {
    const auto& names = source_names();
    for (int i = 0; i < kSourceCount; ++i)
        if (names[static_cast<std::size_t>(i)] == name) return i;
    return -1;
}

std::string not_a_source(const std::string& name) {
    std::string expected;
    for (const auto& source : source_names()) expected += (expected.empty() ? "" : ", ") + source;
    return "'" + name + "' is not a source; expected one of " + expected;
}

Source source_from_name(const std::string& name) {
    const int i = find_source(name);
    if (i < 0) fail("source", not_a_source(name));
    return static_cast<Source>(i);
}

std::vector<double> project_capacity(const std::string& name, const series::Years& years, const CapacitySpec& spec) {
    series::check_years(name, years);
    require_non_negative(name + ".previous_end", spec.previous_end);
    require_non_negative(name + ".start_end", spec.start_end);
    std::vector<double> adjustments;
    if (!spec.retirements.empty()) {
        require_same_length(name + ".retirements", spec.retirements.size(), static_cast<std::size_t>(years.count()));
        adjustments.resize(spec.retirements.size());
        for (std::size_t i = 0; i < spec.retirements.size(); ++i) {
            require_non_negative(name + ".retirements[" + std::to_string(years.first + static_cast<int>(i)) + "]",
                                 spec.retirements[i]);
            adjustments[i] = -spec.retirements[i];
        }
    }
    return series::project(name, years, spec.start_end, spec.additions, spec.anchors, adjustments);
}

std::vector<double> additions(const std::vector<double>& path, double previous_end, const std::vector<double>& retirements) {
    if (!retirements.empty()) require_same_length("retirements", retirements.size(), path.size(), "one per year of the path");
    require_finite("previous_end", previous_end);  // named, not "supply::additions = nan"
    std::vector<double> out(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) {
        const double before = i == 0 ? previous_end : path[i - 1];
        out[i] = path[i] - before + (retirements.empty() ? 0.0 : retirements[i]);
    }
    return finite_results("supply::additions", out);  // a NaN or inf in the path, or an overflow
}

std::vector<double> average_capacity(const std::vector<double>& path, double previous_end) {
    std::vector<double> out(path.size());
    for (std::size_t i = 0; i < path.size(); ++i) out[i] = 0.5 * ((i == 0 ? previous_end : path[i - 1]) + path[i]);
    return finite_results("supply::average_capacity", out);
}

}  // namespace aipower::supply
