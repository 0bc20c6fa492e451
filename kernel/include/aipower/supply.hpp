// China generating capacity by source (MODEL.md §2). Capacity is rolled
// forward from end-of-year actuals: cap[t] = cap[t-1] + additions[t] -
// retirements[t], with additions given per year, as a pipeline spread over
// years, or as a growth rate. Pumped storage is storage, not a source: hydro
// here is conventional hydro.
#pragma once

#include <array>
#include <map>
#include <string>
#include <vector>

#include "aipower/series.hpp"

namespace aipower::supply {

enum Source { Coal = 0, Gas, Biomass, Hydro, Nuclear, Wind, Solar, kSourceCount };

const std::array<std::string, kSourceCount>& source_names();
Source source_from_name(const std::string& name);
int find_source(const std::string& name);          // -1 if `name` is not a source
std::string not_a_source(const std::string& name);  // the problem, with the sources expected

struct CapacitySpec {
    double previous_end = 0.0;  // GW at the end of the year before the start year
    double start_end = 0.0;     // GW at the end of the start year
    std::vector<series::Segment> additions;
    // GW retired per year, one per year of the horizon (element 0 unused), or empty for none.
    std::vector<double> retirements;
    std::map<int, double> anchors;  // known end-of-year capacity after the start year
};

// End-of-year capacity path (GW), one per year from the start year.
std::vector<double> project_capacity(const std::string& name, const series::Years& years, const CapacitySpec& spec);

// Capacity added each year (GW): cap[t] - cap[t-1] + retirements[t]; element 0
// is start_end - previous_end.
std::vector<double> additions(const std::vector<double>& path, double previous_end, const std::vector<double>& retirements);

// Average of start- and end-of-year capacity (GW) for each year.
std::vector<double> average_capacity(const std::vector<double>& path, double previous_end);

}  // namespace aipower::supply
