#include "aipower/supply.hpp"

#include "check.hpp"

using namespace aipower;

TEST_CASE("capacity rolls forward with additions less retirements") {
    supply::CapacitySpec spec;
    spec.previous_end = 1164.93;
    spec.start_end = 1194.98;
    series::Segment pipeline;
    pipeline.method = series::Method::Pipeline;
    pipeline.first_year = 2025;
    pipeline.last_year = 2027;
    pipeline.values = {180.0};
    spec.additions = {pipeline};
    spec.retirements = {0.0, 5.0, 5.0, 5.0};
    const auto path = supply::project_capacity("coal", {2024, 2027}, spec);
    CHECK_NEAR(path[3], 1194.98 + 180.0 - 15.0, 1e-9);
    const auto added = supply::additions(path, spec.previous_end, spec.retirements);
    CHECK_NEAR(added[1], 60.0, 1e-9);
    CHECK_NEAR(added[0], 1194.98 - 1164.93, 1e-9);
    const auto avg = supply::average_capacity(path, spec.previous_end);
    CHECK_NEAR(avg[0], 0.5 * (1164.93 + 1194.98), 1e-9);
}
TEST_CASE("additions name a previous end that is not a number") {
    CHECK_THROWS(supply::additions({1.0, 2.0}, std::nan(""), {}), "previous_end = nan");
}
TEST_CASE("negative capacity and retirements are refused") {
    supply::CapacitySpec spec;
    spec.previous_end = 10.0;
    spec.start_end = -1.0;
    CHECK_THROWS(supply::project_capacity("gas", {2024, 2025}, spec), "gas.start_end = -1");
    spec.start_end = 10.0;
    series::Segment flat;
    flat.method = series::Method::Increment;
    flat.first_year = 2025;
    flat.last_year = 2025;
    flat.values = {0.0};
    spec.additions = {flat};
    spec.retirements = {0.0, -3.0};
    CHECK_THROWS(supply::project_capacity("gas", {2024, 2025}, spec), "gas.retirements[2025] = -3");
    spec.retirements = {0.0, 30.0};
    CHECK_THROWS(supply::project_capacity("gas", {2024, 2025}, spec), "gas 2025 = -20");
    CHECK_THROWS(supply::source_from_name("oil"), "'oil' is not a source");
}
TEST_MAIN()
