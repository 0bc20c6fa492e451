#include "aipower/global_dc.hpp"

#include "check.hpp"

using namespace aipower::global_dc;

// Seed 3 (IEA): world 415 → 945 TWh (2024 → 2030); US +240 TWh (+130%),
// China +175 (+170%), Europe +45 (+70%), Japan +15 (+80%).
TEST_CASE("regions from increments, rest of world as residual") {
    const std::vector<double> inc = {240.0, 175.0, 45.0, 15.0}, growth = {1.3, 1.7, 0.7, 0.8};
    std::vector<double> start;
    for (std::size_t i = 0; i < inc.size(); ++i) start.push_back(start_from_increment(inc[i], growth[i]));
    CHECK_NEAR(start[0], 184.615, 1e-3);
    const auto r = project(start, growth, 415.0, 945.0, 6);
    for (std::size_t i = 0; i < inc.size(); ++i) CHECK_NEAR(r.end_twh[i] - r.start_twh[i], inc[i], 1e-9);
    double listed_start = 0.0, listed_end = 0.0;
    for (std::size_t i = 0; i < inc.size(); ++i) {
        listed_start += r.start_twh[i];
        listed_end += r.end_twh[i];
    }
    CHECK_NEAR(listed_start + r.rest_start_twh, 415.0, 1e-9);
    CHECK_NEAR(listed_end + r.rest_end_twh, 945.0, 1e-9);
    CHECK_NEAR(r.world_cagr, 0.1471, 1e-3);  // seed 3: ~15%/yr
    // Every year, not only the two the inputs give, closes to the world path.
    CHECK(r.rest_path.size() == 7 && r.world_path.size() == 7);
    for (std::size_t y = 0; y < r.rest_path.size(); ++y) {
        double sum = r.rest_path[y];
        for (const auto& path : r.region_paths) sum += path[y];
        CHECK_NEAR(sum, r.world_path[y], 1e-9);
        CHECK(r.rest_path[y] > 0.0);
    }
}
TEST_CASE("cagr path") {
    const auto p = cagr_path(415.0, 945.0, 6);
    CHECK(p.size() == 7);
    CHECK_NEAR(p[0], 415.0, 0.0);
    CHECK_NEAR(p[6], 945.0, 0.0);
    CHECK_NEAR(p[1] / p[0], p[6] / p[5], 1e-9);
}
TEST_CASE("bad inputs name the argument") {
    CHECK_THROWS(start_from_increment(10.0, 0.0), "growth = 0");
    CHECK_THROWS(start_from_increment(10.0, -0.5), "increment_twh = 10");
    CHECK_THROWS(project({100.0}, {0.5, 0.5}, 415.0, 945.0, 6), "growth_to_end: has 2 values, expected 1");
    CHECK_THROWS(project({500.0}, {0.5}, 415.0, 945.0, 6), "world_start_twh = 415");
    CHECK_THROWS(project({100.0}, {-1.5}, 415.0, 945.0, 6), "growth_to_end[0] = -1.5");
    CHECK_THROWS(cagr_path(0.0, 1.0, 6), "start = 0");
    CHECK_THROWS(cagr_path(1.0, 2.0, 0), "years = 0");
}

TEST_MAIN()
