#include "aipower/sampling.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "check.hpp"

using namespace aipower::sampling;

TEST_CASE("uniform draws are in (0, 1), reproducible and roughly uniform") {
    double sum = 0.0;
    const int n = 100000;
    for (int i = 0; i < n; ++i) {
        const double u = uniform(42, static_cast<std::uint64_t>(i), 3);
        CHECK(u > 0.0 && u < 1.0);
        sum += u;
    }
    CHECK_NEAR(sum / n, 0.5, 0.005);  // sd of the mean is 0.29 / sqrt(n) = 0.0009
    CHECK(uniform(42, 5, 3) == uniform(42, 5, 3));
    CHECK(uniform(42, 5, 3) != uniform(43, 5, 3));
    CHECK(uniform(42, 5, 3) != uniform(42, 5, 4));
}

TEST_CASE("permute is a bijection of 0..n-1 for awkward n") {
    for (std::uint64_t n : {1ULL, 2ULL, 3ULL, 7ULL, 64ULL, 1000ULL, 4097ULL}) {
        std::vector<char> seen(n, 0);
        for (std::uint64_t i = 0; i < n; ++i) {
            const auto p = permute(i, n, 99);
            CHECK(p < n);
            if (p < n) seen[p] += 1;
        }
        CHECK(std::all_of(seen.begin(), seen.end(), [](char c) { return c == 1; }));
    }
    CHECK_THROWS(permute(5, 5, 1), "index");
    CHECK_THROWS(permute(0, 0, 1), "at least 1 sample");
    // n above 2^63: every one of the 64 bits is needed (the bit count used to shift by 64, UB).
    const std::uint64_t huge = (1ULL << 63) + 1;
    CHECK(permute(0, huge, 7) < huge && permute(huge - 1, huge, 7) < huge);
}

TEST_CASE("quantile refuses parameters a direct caller did not validate") {
    // A negative sd turned the truncation interval around: the mirrored draw recursed until the stack ran out.
    CHECK_THROWS(quantile(normal_dist(0.0, -1.0), 0.5), "distribution.sd = -1");
    CHECK_THROWS(quantile(lognormal_dist(1.0, -0.5), 0.5), "distribution.sigma = -0.5");
    // A mode outside [low, high] gave 2.12 from [0, 1]; a NaN mean an "-inf" quantile naming neither.
    CHECK_THROWS(quantile(triangular_dist(0.0, 5.0, 1.0), 0.9), "distribution.mode = 5");
    CHECK_THROWS(quantile(normal_dist(std::nan(""), 1.0), 0.5), "distribution.mean = nan");
    CHECK_THROWS(normal_cdf(std::nan("")), "x = nan");
}

TEST_CASE("quantile functions") {
    CHECK_NEAR(normal_quantile(0.975), 1.959963984540054, 1e-14);
    CHECK_NEAR(normal_quantile(0.5), 0.0, 1e-15);
    CHECK_NEAR(normal_quantile(1e-10), -6.361340902404056, 1e-12);
    CHECK_NEAR(normal_cdf(normal_quantile(0.123)), 0.123, 1e-14);
    const auto u = uniform_dist(2.0, 4.0);
    CHECK_NEAR(quantile(u, 0.25), 2.5, 1e-15);
    const auto t = triangular_dist(0.0, 1.0, 4.0);
    CHECK_NEAR(quantile(t, 0.25), 1.0, 1e-12);  // the mode sits at F = (mode - low) / (high - low)
    CHECK_NEAR(quantile(t, 0.5), 4.0 - std::sqrt(0.5 * 4.0 * 3.0), 1e-12);
    const auto nd = normal_dist(10.0, 2.0);
    CHECK_NEAR(quantile(nd, 0.975), 10.0 + 2.0 * 1.959963984540054, 1e-12);
    const auto truncated = normal_dist(10.0, 2.0, 9.0, 11.0);
    for (double p : {1e-9, 0.3, 0.999999}) CHECK(quantile(truncated, p) >= 9.0 && quantile(truncated, p) <= 11.0);
    CHECK_NEAR(quantile(truncated, 0.5), 10.0, 1e-12);
    const auto ln = lognormal_dist(5.0, 0.5);
    CHECK_NEAR(quantile(ln, 0.5), 5.0, 1e-12);
    CHECK_NEAR(quantile(ln, 0.975), 5.0 * std::exp(0.5 * 1.959963984540054), 1e-11);
    const auto ln_bounded = lognormal_dist(5.0, 0.5, 4.0, 6.0);
    CHECK(quantile(ln_bounded, 0.01) >= 4.0 && quantile(ln_bounded, 0.99) <= 6.0);
}

TEST_CASE("a truncation far above the mean is as exact as its mirror image below it") {
    // Bounds 7 sd up: Φ is within 1e-12 of 1 there, and drawing through it left one value in 17.
    const double inf = std::numeric_limits<double>::infinity();
    const auto up = normal_dist(0.0, 1.0, 7.0, inf);
    const auto down = normal_dist(0.0, 1.0, -inf, -7.0);
    for (double p : {1e-9, 0.1, 0.5, 0.9, 0.9999, 1.0 - 1e-6}) CHECK(quantile(up, p) == -quantile(down, 1.0 - p));
    CHECK(quantile(up, 0.5) > 7.0 && quantile(up, 0.5) < quantile(up, 0.5000001));  // strictly increasing, not flat
    const auto ln_up = lognormal_dist(1.0, 0.5, std::exp(0.5 * 7.0), inf);  // the same, in log space
    CHECK_NEAR(std::log(quantile(ln_up, 0.9999)) / 0.5, quantile(up, 0.9999), 1e-9);
}

TEST_CASE("invalid distributions are refused with the argument named") {
    CHECK_THROWS(validate(uniform_dist(3.0, 2.0), "x"), "x.high = 2: expected a value above low = 3");
    CHECK_THROWS(validate(uniform_dist(2.0, 2.0), "x"), "x.high");
    CHECK_THROWS(validate(uniform_dist(NAN, 2.0), "x"), "x.low");
    CHECK_THROWS(validate(triangular_dist(0.0, 5.0, 4.0), "x"), "x.mode = 5");
    CHECK_THROWS(validate(normal_dist(0.0, 0.0), "x"), "x.sd = 0");
    CHECK_THROWS(validate(normal_dist(0.0, 1.0, 50.0, 60.0), "x"),
                 "x: the bounds [50, 60] hold less than 1e-12 of the normal distribution (mean 0, sd 1): too little to "
                 "sample; expected bounds nearer the mean");
    CHECK_THROWS(validate(lognormal_dist(-1.0, 1.0), "x"), "x.median");
    CHECK_THROWS(validate(lognormal_dist(1.0, 1.0, -2.0, 3.0), "x"), "x.low = -2");
    CHECK_THROWS(kind_from_name("beta"), "'beta' is not a distribution");
    validate(normal_dist(0.0, 1.0), "x");  // unbounded normal is fine
    CHECK_THROWS(quantile(uniform_dist(0.0, 1.0), 0.0), "p = 0");
}

TEST_MAIN()
