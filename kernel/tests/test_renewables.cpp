#include "aipower/renewables.hpp"

#include "check.hpp"

using namespace aipower;

TEST_CASE("a linear share is solved exactly") {
    const auto share = [](double level) { return 0.2 + 0.0004 * level; };
    const auto r = renewables::solve_level(share, 0.30);
    CHECK_NEAR(r.level, 250.0, 1e-9);
    CHECK_NEAR(r.share_at_zero, 0.2, 1e-12);
}
TEST_CASE("a share that does not respond is an error") {
    CHECK_THROWS(renewables::solve_level([](double) { return 0.2; }, 0.3), "does not rise");
    CHECK_THROWS(renewables::solve_level([](double l) { return 0.2 + l; }, 1.3), "target_share = 1.3");
    CHECK_THROWS(renewables::solve_level({}, 0.3), "share_of_level: is empty");  // was std::bad_function_call
}
TEST_MAIN()
