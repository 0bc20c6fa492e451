#include "aipower/token_cost.hpp"

#include "check.hpp"

using namespace aipower::token_cost;

namespace {
Inputs sample() {
    Inputs in;
    in.accelerator_cost_per_hour = 3.0;
    in.it_power_kw = 1.0;
    in.pue = 1.2;
    in.electricity_price_per_kwh = 0.5;  // energy 0.6/h
    in.network_cost_per_hour = 0.4;
    in.operations_cost_per_hour = 0.5;
    in.tokens_per_second = 1000.0;  // 3.6 million tokens an hour
    return in;
}
}  // namespace

TEST_CASE("components, total and shares") {
    const auto b = cost_per_million_tokens(sample());
    CHECK_NEAR(b.energy_per_hour, 0.6, 1e-12);
    CHECK_NEAR(b.total_per_hour, 4.5, 1e-12);
    CHECK_NEAR(b.total_per_million, 4.5 / 3.6, 1e-12);
    CHECK_NEAR(b.compute_per_million + b.energy_per_million + b.network_per_million + b.operations_per_million,
               b.total_per_million, 1e-12);
    CHECK_NEAR(b.compute_share + b.energy_share + b.network_share + b.operations_share, 1.0, 1e-12);
    CHECK_NEAR(b.energy_share, 0.6 / 4.5, 1e-12);
    CHECK_NEAR(b.kwh_per_million, 1.2 / 3.6, 1e-12);
}
TEST_CASE("cost rises with price and falls with throughput") {
    auto in = sample();
    const double base = cost_per_million_tokens(in).total_per_million;
    in.electricity_price_per_kwh = 1.0;
    CHECK(cost_per_million_tokens(in).total_per_million > base);
    in = sample();
    in.tokens_per_second = 2000.0;
    CHECK_NEAR(cost_per_million_tokens(in).total_per_million, base / 2.0, 1e-12);
}
TEST_CASE("depreciation and energy per hour") {
    CHECK_NEAR(depreciation_per_hour(87600.0, 5.0, 8760.0), 2.0, 1e-12);
    CHECK_NEAR(energy_cost_per_hour(1.275, 1.2, 0.4), 0.612, 1e-12);
    CHECK_NEAR(energy_per_million_tokens_kwh(0.7, 1.2, 1000.0), 0.84 / 3.6, 1e-12);
}
TEST_CASE("overheads calibrated on seed-3 shares") {
    const auto o = calibrate_overheads(3.0, 0.875, 0.10, 0.125);
    const double total = 3.875 + o.network_per_hour + o.operations_per_hour;
    CHECK_NEAR(o.network_per_hour / total, 0.10, 1e-12);
    CHECK_NEAR(o.operations_per_hour / total, 0.125, 1e-12);
    CHECK_THROWS(calibrate_overheads(3.0, 1.0, 0.6, 0.4), "network_share + operations_share = 1");
}
TEST_CASE("index and what closes it") {
    CHECK_NEAR(cost_index(2.0, 5.0), 2.5, 1e-12);
    // Same costs per hour: the throughput ratio alone must equal the target.
    CHECK_NEAR(throughput_ratio_for_index(4.0, 4.0, 2.5), 2.5, 1e-12);
    CHECK_NEAR(throughput_ratio_for_index(4.0, 5.0, 2.5), 2.0, 1e-12);
    // a costs 4/h; b has 1/h of energy and 3/h else: multiplier m with (1 + 3m) = 2.5 × 4.
    CHECK_NEAR(non_energy_multiplier_for_index(4.0, 1.0, 3.0, 2.5), 3.0, 1e-12);
    // Energy alone at the target: multiple 0; above it no multiple reaches the index.
    CHECK_NEAR(non_energy_multiplier_for_index(4.0, 10.0, 3.0, 2.5), 0.0, 0.0);
    CHECK_THROWS(non_energy_multiplier_for_index(4.0, 16.6, 3.0, 2.5), "target_index = 2.5");
    CHECK_THROWS(cost_index(0.0, 1.0), "cost_a_per_million = 0");
}
TEST_CASE("embodied electricity of exported tokens") {
    const auto e = embodied_electricity(5.3e6, 0.2, 0.5);
    CHECK_NEAR(e.kwh, 1.06e6, 1e-6);
    CHECK_NEAR(e.value, 5.3e5, 1e-6);
}
TEST_CASE("bad inputs name the argument") {
    auto in = sample();
    in.tokens_per_second = 0.0;
    CHECK_THROWS(cost_per_million_tokens(in), "tokens_per_second = 0: expected a finite number > 0");
    in = sample();
    in.pue = 0.95;
    CHECK_THROWS(cost_per_million_tokens(in), "pue = 0.95");
    in = sample();
    in.electricity_price_per_kwh = -0.1;
    CHECK_THROWS(cost_per_million_tokens(in), "electricity_price_per_kwh = -0.1");
    in = sample();
    in.network_cost_per_hour = std::nan("");
    CHECK_THROWS(cost_per_million_tokens(in), "network_cost_per_hour = nan");
    Inputs zero;
    zero.tokens_per_second = 1.0;
    CHECK_THROWS(cost_per_million_tokens(zero), "all cost components are zero");
    CHECK_THROWS(depreciation_per_hour(1.0, 0.0, 8760.0), "life_years = 0");
    // a year has at most 8,784 hours (a leap year): more would spread the price too thin
    CHECK_NEAR(depreciation_per_hour(87840.0, 1.0, 8784.0), 10.0, 1e-12);
    CHECK_THROWS(depreciation_per_hour(1.0, 5.0, 9000.0), "hours_per_year = 9000: expected a number in [1, 8784]");
    CHECK_THROWS(depreciation_per_hour(1.0, 5.0, 0.5), "hours_per_year = 0.5");
    CHECK_THROWS(calibrate_overheads(1.0, 1.0, 1.5, 0.0), "network_share = 1.5");
}

TEST_MAIN()
