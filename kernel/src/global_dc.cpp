#include "aipower/global_dc.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "aipower/errors.hpp"

namespace aipower::global_dc {

double start_from_increment(double increment_twh, double growth) {
    require_finite("increment_twh", increment_twh);
    if (!(std::isfinite(growth) && growth > -1.0 && growth != 0.0))
        fail("growth", growth, "a growth over the period > -1 (-100%) and not 0");
    const double start = increment_twh / growth;
    if (start < 0.0) fail("increment_twh", increment_twh, "the same sign as growth");
    return finite_result("global_dc::start_from_increment", start);
}

double end_from_growth(double start_twh, double growth) {
    require_non_negative("start_twh", start_twh);
    require_growth("growth", growth);
    return finite_result("global_dc::end_from_growth", start_twh * (1.0 + growth));
}

Regions project(const std::vector<double>& start_twh, const std::vector<double>& growth_to_end, double world_start_twh,
                double world_end_twh, int years) {
    if (growth_to_end.size() != start_twh.size())
        fail("growth_to_end", "has " + std::to_string(growth_to_end.size()) + " values, expected " +
                                  std::to_string(start_twh.size()) + " (one per region)");
    require_positive("world_start_twh", world_start_twh);
    require_positive("world_end_twh", world_end_twh);
    require_years_count("years", years, 1);
    Regions r;
    double listed_start = 0.0, listed_end = 0.0;
    for (std::size_t i = 0; i < start_twh.size(); ++i) {
        require_non_negative("start_twh[" + std::to_string(i) + "]", start_twh[i]);
        require_growth("growth_to_end[" + std::to_string(i) + "]", growth_to_end[i]);
        r.start_twh.push_back(start_twh[i]);
        r.end_twh.push_back(end_from_growth(start_twh[i], growth_to_end[i]));
        listed_start += r.start_twh.back();
        listed_end += r.end_twh.back();
    }
    r.rest_start_twh = world_start_twh - listed_start;
    r.rest_end_twh = world_end_twh - listed_end;
    if (r.rest_start_twh < 0.0)
        fail("world_start_twh", world_start_twh, "at least the listed regions' sum " + format_value(listed_start));
    if (r.rest_end_twh < 0.0)
        fail("world_end_twh", world_end_twh, "at least the listed regions' sum " + format_value(listed_end));
    finite_result("global_dc::project listed regions", listed_start + listed_end);
    r.world_cagr = finite_result("global_dc::project world_cagr", std::pow(world_end_twh / world_start_twh, 1.0 / years) - 1.0);
    r.world_path = cagr_path(world_start_twh, world_end_twh, years);
    r.rest_path = r.world_path;
    for (std::size_t i = 0; i < r.start_twh.size(); ++i) {
        // A region that starts at 0 stays at 0 (its end is start × (1 + growth)).
        r.region_paths.push_back(r.start_twh[i] > 0.0 ? cagr_path(r.start_twh[i], r.end_twh[i], years)
                                                      : std::vector<double>(r.world_path.size(), 0.0));
        for (std::size_t y = 0; y < r.rest_path.size(); ++y) r.rest_path[y] -= r.region_paths[i][y];
    }
    // No year's residual is below zero when the end years' are not: the regions' sum of exponentials
    // is log-convex, so it stays under the log-linear chord between its end values, on or under the
    // world path. Below zero is rounding only (-1e-14 when the regions fill the world): held at 0.
    for (auto& v : r.rest_path) v = std::max(v, 0.0);
    r.rest_path.front() = r.rest_start_twh;  // the same bits as the residual of the two end years
    r.rest_path.back() = r.rest_end_twh;
    return r;
}

std::vector<double> cagr_path(double start, double end, int years) {
    require_positive("start", start);
    require_non_negative("end", end);
    require_years_count("years", years, 1);
    const double rate = std::pow(end / start, 1.0 / years);
    std::vector<double> out(static_cast<std::size_t>(years) + 1);
    double value = start;
    for (auto& v : out) {
        v = value;
        value *= rate;
    }
    out.back() = end;  // exact end despite rounding
    return finite_results("global_dc::cagr_path", out);
}

}  // namespace aipower::global_dc
