#include "aipower/balance.hpp"

#include "check.hpp"

using namespace aipower;

namespace {
balance::Inputs sample() {
    balance::Inputs in;
    in.consumption = {9852.1, 10000.0};
    in.net_imports = {0.0, 0.0};
    in.first_year = 2024;
    const double caps[] = {1180.0, 135.0, 45.0, 374.0, 59.0, 481.0, 748.0};
    const double hours[] = {0.0, 2363.0, 4300.0, 3800.0, 7683.0, 2127.0, 1080.0};
    for (int s = 0; s < supply::kSourceCount; ++s) {
        in.average_capacity[s] = {caps[s], caps[s] * 1.01};
        in.hours[s] = {hours[s], hours[s]};
    }
    return in;
}
}  // namespace

TEST_CASE("calibration reproduces the actual coal hours") {
    auto in = sample();
    in.loss_factor = balance::calibrate_loss_factor(in, 4627.63);
    const auto r = balance::solve(in);
    CHECK_NEAR(r.coal_hours[0], 4627.63, 1e-9);
}
TEST_CASE("generation sums to required generation") {
    auto in = sample();
    in.loss_factor = 0.02;
    const auto r = balance::solve(in);
    for (std::size_t i = 0; i < 2; ++i) {
        double sum = 0.0;
        for (const auto& g : r.generation) sum += g[i];
        CHECK_NEAR(sum, r.required[i], 1e-9);
        CHECK_NEAR(r.required[i], in.consumption[i] * 1.02, 1e-9);
    }
}
TEST_CASE("calibration helpers") {
    CHECK_NEAR(balance::residual_hours("solar", 1830.0, 1023.0, 748.0), 807.0 / 748.0 * 1000.0, 1e-9);
    CHECK_NEAR(balance::rebase_hours("hydro", 3349.42, 428.745, 374.0), 3349.42 * 428.745 / 374.0, 1e-9);
    CHECK_THROWS(balance::residual_hours("solar", 100.0, 200.0, 10.0), "solar residual generation");
}
TEST_CASE("bad input") {
    auto in = sample();
    in.net_imports = {0.0};
    CHECK_THROWS(balance::solve(in), "net_imports: has 1 values, expected 2");
    in = sample();
    in.hours[supply::Wind][1] = 9000.0;
    CHECK_THROWS(balance::solve(in), "wind hours[2025] = 9000");
    in = sample();
    in.hours[supply::Solar] = {20000.0, 20000.0};
    in.hours[supply::Solar][0] = 1080.0;
    CHECK_THROWS(balance::solve(in), "solar hours[2025]");
    in = sample();
    in.average_capacity[supply::Solar][1] = 1e6;
    CHECK_THROWS(balance::solve(in), "coal generation[2025]");
    in = sample();  // demand left to coal that its capacity cannot generate in a year
    in.loss_factor = 0.0;
    in.average_capacity[supply::Coal][1] = 100.0;
    CHECK_THROWS(balance::solve(in), "coal hours[2025] = ");
    CHECK_THROWS(balance::solve(in), "expected at most 8784");
}
TEST_MAIN()
