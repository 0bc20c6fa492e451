#include "aipower/training.hpp"

#include "check.hpp"

#include <limits>

using namespace aipower::training;

TEST_CASE("time and energy of a training run") {
    // 1e26 FLOP on 25,000 accelerators at 2.5e15 FLOP/s: 1.6e6 s at 100%.
    CHECK_NEAR(training_time_s(1e26, 25000.0, 2.5e15, 1.0, 1.0), 1.6e6, 1e-3);
    CHECK_NEAR(training_time_s(1e26, 25000.0, 2.5e15, 0.4, 0.8), 1.6e6 / 0.32, 1e-3);
    CHECK_NEAR(training_energy_mwh(1000.0, 1.0, 1.5, 3600.0), 1.5, 1e-12);
    // 90 days ↔ overall utilization 1.6e6 / (90 × 86400).
    CHECK_NEAR(implied_utilization(1e26, 25000.0, 2.5e15, 90.0 * kSecondsPerDay), 1.6e6 / (90.0 * 86400.0), 1e-12);
}
TEST_CASE("interruptions scale with 1/N: seed 2's 3 h at 16k gives ~29 min at 100k") {
    CHECK_NEAR(interruption_interval_h(16000.0, 16000.0, 3.0), 3.0, 1e-12);
    CHECK_NEAR(interruption_interval_h(100000.0, 16000.0, 3.0) * 60.0, 28.8, 1e-9);
    CHECK_NEAR(goodput(2.0, 0.25, 0.5), 2.0 / 2.5, 1e-12);
    CHECK_NEAR(goodput(2.0, 0.0, 0.0), 1.0, 0.0);
    // hours and products past the largest double: the ratio, not 0
    const double big = std::numeric_limits<double>::max();
    CHECK_NEAR(goodput(big, big, 0.0), 0.5, 1e-15);
    CHECK_NEAR(goodput(big / 2, 0.0, big), 0.5, 1e-15);
    CHECK_NEAR(training_time_s(1e300, 1e200, 1e200, 1.0, 1.0), 1e-100, 1e-114);
    CHECK_NEAR(implied_utilization(1e300, 1e200, 1e200, 1e-100), 1.0, 1e-14);
    CHECK_NEAR(failures_per_week(100000.0, 0.01), 1000.0, 1e-9);
}
TEST_CASE("bad inputs name the argument") {
    CHECK_THROWS(training_time_s(1e26, 0.0, 2.5e15, 0.4, 1.0), "accelerators = 0");
    // accelerators are a count: half of one ran as 2.3 million days where the worksheet refused it
    CHECK_THROWS(training_time_s(1e26, 0.5, 2.5e15, 0.4, 1.0), "accelerators = 0.5: expected a whole number >= 1 (a count)");
    CHECK_THROWS(training_energy_mwh(0.5, 1.0, 1.2, 1.0), "accelerators = 0.5: expected a whole number >= 0 (a count)");
    CHECK_THROWS(interruption_interval_h(100.0, 16383.5, 3.0), "reference_accelerators = 16383.5");
    CHECK_THROWS(failures_per_week(2.5, 0.01), "accelerators = 2.5");
    CHECK_THROWS(training_time_s(1e26, 1.0, 2.5e15, 0.0, 1.0), "utilization = 0: expected a fraction in (0, 1]");
    CHECK_THROWS(training_time_s(1e26, 1.0, 2.5e15, 0.4, 1.5), "goodput = 1.5");
    CHECK_THROWS(training_energy_mwh(1.0, 1.0, 0.5, 1.0), "pue = 0.5");
    // a PUE of 1e300 is >= 1, as the other PUE inputs take it (a hidden bound refused it as "expected >= 1")
    CHECK_NEAR(training_energy_mwh(1.0, 1.0, 1e300, 3600.0), 1e297, 1e282);
    CHECK_THROWS(training_energy_mwh(1.0, 1.0, std::numeric_limits<double>::infinity(), 1.0), "pue = inf");
    CHECK_THROWS(goodput(0.0, 0.1, 0.1), "interruption_interval_h = 0");
    CHECK_THROWS(failures_per_week(10.0, 2.0), "weekly_failure_rate = 2");
    CHECK_THROWS(implied_utilization(1e26, 1.0, 1.0, 0.0), "time_s = 0");
    CHECK_THROWS(implied_utilization(1e26, 25000.0, 2.5e15, 1.0), "implied utilization = 1600000: expected at most 1");
}

TEST_MAIN()
