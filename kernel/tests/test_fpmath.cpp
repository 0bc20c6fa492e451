#include "aipower/fpmath.hpp"

#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "check.hpp"

using aipower::fpmath::detail::pow_or_nan;

namespace {

double fp_pow(double x, double y) { return aipower::fpmath::pow(x, y); }

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// |got - want| in units in the last place of want (want from long double powl).
double ulps(double got, long double want) {
    int e = 0;
    std::frexp(static_cast<double>(want), &e);
    return static_cast<double>(std::fabs(static_cast<long double>(got) - want) / std::ldexp(1.0L, e - 53));
}

struct Worst {
    double max_ulps = 0.0;
    double x = 0.0, y = 0.0;
    long fast = 0, cases = 0;
    void add(double x_, double y_) {
        ++cases;
        if (pow_or_nan(x_, y_) == pow_or_nan(x_, y_)) ++fast;
        const double e = ulps(fp_pow(x_, y_), powl(static_cast<long double>(x_), static_cast<long double>(y_)));
        if (e > max_ulps) max_ulps = e, x = x_, y = y_;
    }
    std::string where() const { return "x = " + std::to_string(x) + ", y = " + std::to_string(y) + ": " + std::to_string(max_ulps) + " ulp"; }
};

constexpr bool kLongDoubleReference = std::numeric_limits<long double>::digits >= 64;
constexpr int kCases = 200000;

}  // namespace

TEST_CASE("accurate to 0.52 ulp on the model's arguments (growth to a target, compounding)") {
    if (!kLongDoubleReference) return;  // powl is no more precise than pow here (e.g. MSVC)
    std::mt19937_64 g(1);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Worst w;
    for (int i = 0; i < kCases; ++i) {
        const int n = 1 + static_cast<int>(40 * u(g));
        w.add(0.05 + 20.0 * u(g), 1.0 / n);            // (target / value)^(1 / remaining years)
        w.add(1.0 + (u(g) - 0.5) * 0.6, double(n));    // (1 + rate)^years
        w.add(1.0 + (u(g) - 0.5) * 1e-6, 1.0 / n);     // targets next to the value
    }
    CHECK_MSG(w.max_ulps < 0.52, w.where());
    CHECK_MSG(w.fast == w.cases, "every model argument is on the vectorised fast path");
}

TEST_CASE("accurate to 0.52 ulp across the fast path's range") {
    if (!kLongDoubleReference) return;
    std::mt19937_64 g(2);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    Worst w;
    for (int i = 0; i < kCases; ++i) {
        const double log_x = (u(g) - 0.5) * 1400.0;  // x from 1e-304 to 1e304
        w.add(std::exp(log_x), (u(g) - 0.5) * 1000.0 / std::fabs(log_x));
        w.add(std::exp((u(g) - 0.5) * 20.0), (u(g) - 0.5) * 60.0);
    }
    CHECK_MSG(w.max_ulps < 0.52, w.where());
    CHECK_MSG(w.fast > w.cases * 9 / 10, "most of these arguments take the fast path");
}

TEST_CASE("exact where the result is a double") {
    CHECK(fp_pow(2.0, 10.0) == 1024.0);
    CHECK(fp_pow(10.0, 3.0) == 1000.0);
    CHECK(fp_pow(4.0, 0.5) == 2.0);
    CHECK(fp_pow(0.25, -0.5) == 2.0);
    CHECK(fp_pow(1.0, 0.2) == 1.0);
    CHECK(fp_pow(1.37, 0.0) == 1.0);
    std::mt19937_64 g(3);
    std::uniform_real_distribution<double> u(1e-3, 1e3);
    bool all = true;
    for (int i = 0; i < 10000; ++i) {
        const double x = u(g);
        all = all && fp_pow(x, 1.0) == x;
    }
    CHECK_MSG(all, "x^1 = x");
}

TEST_CASE("outside the fast path: std::pow's bits, C99 Annex F special values") {
    const double inf = std::numeric_limits<double>::infinity();
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double values[] = {0.0, -0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, inf, -inf, nan, 0x1p-1074,
                             0x1p-1022, 1e308, 1e-300, 0x1p21, -0x1p21, 1e6, 800.0};
    int mismatches = 0;
    for (double x : values)
        for (double y : values) {
            const double a = fp_pow(x, y), b = std::pow(x, y);
            if (!same_bits(a, b) && !(a != a && b != b)) ++mismatches;
        }
    CHECK_MSG(mismatches == 0, std::to_string(mismatches) + " of the special cases differ from std::pow");
    // The edges of the fast path: overflow, underflow, huge exponents go to std::pow.
    CHECK(pow_or_nan(10.0, 400.0) != pow_or_nan(10.0, 400.0));  // |y log x| > 512
    CHECK(same_bits(fp_pow(10.0, 400.0), std::pow(10.0, 400.0)));
    CHECK(std::isinf(fp_pow(10.0, 400.0)));
    CHECK(fp_pow(10.0, -400.0) == std::pow(10.0, -400.0));
    CHECK(pow_or_nan(1.0000001, 0x1p21) != pow_or_nan(1.0000001, 0x1p21));  // |y| >= 2^20
    CHECK(pow_or_nan(-2.0, 2.0) != pow_or_nan(-2.0, 2.0));                 // negative x
    CHECK(fp_pow(-2.0, 3.0) == -8.0);
    CHECK(std::isnan(fp_pow(-2.0, 0.5)));
}

TEST_CASE("the fast path agrees with std::pow to an ulp on the model's arguments") {
    std::mt19937_64 g(4);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    double worst = 0.0;
    for (int i = 0; i < kCases / 10; ++i) {
        const double x = 0.05 + 20.0 * u(g), y = 1.0 / (1 + static_cast<int>(40 * u(g)));
        const double a = fp_pow(x, y), b = std::pow(x, y);
        worst = std::max(worst, std::fabs(a - b) / (std::nextafter(b, std::numeric_limits<double>::infinity()) - b));
    }
    CHECK_MSG(worst <= 1.0, "fpmath::pow and std::pow differ by " + std::to_string(worst) + " ulp");
}

TEST_MAIN()
