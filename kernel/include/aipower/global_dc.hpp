// Global data-center demand by region (MODEL.md §5, IEA figures quoted in
// seed 3): a start and an end year per region from growth inputs, the rest of
// the world as the residual of the world totals, and the yearly path between.
#pragma once

#include <vector>

namespace aipower::global_dc {

// Start-year value of a region from its increment to the end year and its
// growth over the period (increment / growth).
double start_from_increment(double increment_twh, double growth);

// End-year value from the start value and the growth over the period.
double end_from_growth(double start_twh, double growth);

struct Regions {
    std::vector<double> start_twh, end_twh;  // listed regions
    double rest_start_twh = 0.0, rest_end_twh = 0.0;  // world − listed regions
    double world_cagr = 0.0;
    // Yearly values (years + 1 each): every listed region and the world at its
    // own constant growth, the rest of the world as the world minus the regions.
    std::vector<std::vector<double>> region_paths;
    std::vector<double> world_path, rest_path;
};

// Listed regions from their start values and growth to the end year; the rest
// of the world closes each year to the world totals (so it does not grow at a
// constant rate itself).
Regions project(const std::vector<double>& start_twh, const std::vector<double>& growth_to_end, double world_start_twh,
                double world_end_twh, int years);

// Yearly path from start to end at a constant growth rate (years + 1 values).
std::vector<double> cagr_path(double start, double end, int years);

}  // namespace aipower::global_dc
