#include "aipower/series.hpp"

#include <cmath>

#include "check.hpp"

using namespace aipower::series;

namespace {
Segment seg(Method m, int a, int b, std::vector<double> v, int ref = 0) {
    Segment s;
    s.method = m;
    s.first_year = a;
    s.last_year = b;
    s.values = std::move(v);
    s.ref_year = ref;
    return s;
}
const Years kYears{2024, 2030};
}  // namespace

TEST_CASE("growth, constant and per year") {
    auto x = project("x", kYears, 100.0, {seg(Method::Growth, 2025, 2030, {0.1})});
    CHECK_NEAR(x[6], 100.0 * std::pow(1.1, 6), 1e-9);
    auto y = project("y", {2024, 2026}, 100.0, {seg(Method::Growth, 2025, 2026, {0.1, -0.5})});
    CHECK_NEAR(y[2], 55.0, 1e-12);
}
TEST_CASE("glide moves the rate linearly, base year ignored") {
    auto x = project("x", kYears, 100.0, {seg(Method::Glide, 2024, 2030, {0.052, 0.02})});
    // 2025 is one sixth of the way from 5.2% to 2%.
    CHECK_NEAR(x[1] / x[0] - 1.0, 0.052 - 0.032 / 6.0, 1e-12);
    CHECK_NEAR(x[6] / x[5] - 1.0, 0.02, 1e-12);
}
TEST_CASE("increment and pipeline") {
    auto x = project("x", {2024, 2027}, 10.0, {seg(Method::Pipeline, 2025, 2027, {180.0})});
    CHECK_NEAR(x[3], 190.0, 1e-12);
    auto y = project("y", {2024, 2026}, 10.0, {seg(Method::Increment, 2025, 2026, {1.0, 2.0})});
    CHECK_NEAR(y[2], 13.0, 1e-12);
}
TEST_CASE("cagr between two years, change and target") {
    auto x = project("x", kYears, 100.0,
                     {seg(Method::Growth, 2025, 2027, {0.09}), seg(Method::Cagr, 2028, 2030, {0.07}, 2025)});
    CHECK_NEAR(cagr(x[1], x[6], 5.0), 0.07, 1e-12);
    auto c = project("c", kYears, 1017.0, {seg(Method::Change, 2025, 2030, {0.36}, 2024)});
    CHECK_NEAR(c[6], 1017.0 * 1.36, 1e-9);
    auto t = project("t", kYears, 1172.0, {seg(Method::Target, 2025, 2030, {5000.0})});
    CHECK_NEAR(t[6], 5000.0, 1e-9);
    CHECK_NEAR(t[2] / t[1], t[6] / t[5], 1e-12);
}
TEST_CASE("a target near zero keeps its relative precision") {
    // the constant factor is kept, not the rate: 1 + (f - 1) for f = 1e-10 a year (a target 1e-60 of
    // the start) missed the target by 5e-7 relative over six years
    auto t = project("t", kYears, 288.0, {seg(Method::Target, 2025, 2030, {288.0e-60})});
    CHECK_NEAR(t[6] / 288.0e-60, 1.0, 1e-13);
    auto u = project("u", kYears, 288.0, {seg(Method::Target, 2025, 2030, {288.0e9})});  // and far above
    CHECK_NEAR(u[6] / 288.0e9, 1.0, 1e-13);
}
TEST_CASE("a segment cut short keeps its path through its aim year") {
    for (Method m : {Method::Target, Method::Change, Method::Cagr}) {
        const double v = m == Method::Target ? 5000.0 : 0.36;
        auto whole = project("w", kYears, 1172.0, {seg(m, 2025, 2030, {v}, 2024)});
        Segment part = seg(m, 2025, 2026, {v}, 2024);
        part.aim_year = 2030;
        auto cut = project("c", {2024, 2026}, 1172.0, {part});
        CHECK(cut[1] == whole[1]);
        CHECK(cut[2] == whole[2]);
    }
    Segment bad = seg(Method::Growth, 2025, 2026, {0.1});
    bad.aim_year = 2030;
    CHECK_THROWS(project("x", kYears, 1.0, {bad}), "aim_year = 2030: expected 0, or for cagr, change or target");
    Segment early = seg(Method::Target, 2025, 2026, {10.0});
    early.aim_year = 2025;
    CHECK_THROWS(project("x", kYears, 1.0, {early}), "a year >= the last year 2026");
}
TEST_CASE("anchors pin known years; the segment continues from them") {
    auto x = project("x", kYears, 100.0, {seg(Method::Growth, 2025, 2030, {0.1})}, {{2025, 200.0}});
    CHECK_NEAR(x[1], 200.0, 1e-12);
    CHECK_NEAR(x[2], 220.0, 1e-12);
}
TEST_CASE("spread_evenly refuses a path longer than the model's years") {
    CHECK_THROWS(spread_evenly(1.0, 100000000), "years = 100000000: expected a number of years in 1-200");
    CHECK_THROWS(spread_evenly(1.0, 0), "years = 0");
    CHECK((spread_evenly(6.0, 3) == std::vector<double>{2.0, 2.0, 2.0}));
}
TEST_CASE("bad input names the series and the problem") {
    CHECK_THROWS(project("demand.secondary", kYears, 100.0, {seg(Method::Growth, 2025, 2029, {0.1})}),
                 "demand.secondary: year 2030 is not covered");
    CHECK_THROWS(project("x", kYears, 100.0, {seg(Method::Growth, 2025, 2030, {-1.0})}), "rate = -1");
    CHECK_THROWS(project("x", kYears, 100.0, {seg(Method::Growth, 2025, 2030, {0.1, 0.2})}), "expected 1 or 6");
    CHECK_THROWS(project("x", kYears, 100.0,
                         {seg(Method::Growth, 2025, 2030, {0.1}), seg(Method::Growth, 2030, 2030, {0.1})}),
                 "covered by two segments");
    CHECK_THROWS(project("x", kYears, -5.0, {seg(Method::Growth, 2025, 2030, {0.1})}), "x.start_value = -5");
    CHECK_THROWS(project("x", kYears, 10.0, {seg(Method::Increment, 2025, 2030, {-5.0})}), "x 2027 = -5");
    CHECK_THROWS(project("x", kYears, std::nan(""), {seg(Method::Growth, 2025, 2030, {0.1})}), "start_value = nan");
    CHECK_THROWS(method_from_name("linear"), "'linear' is not a method");
    CHECK_THROWS(cagr(0.0, 1.0, 2.0), "from_value");
    CHECK_THROWS(project("x", {2024, 2200}, 1.0, {}), "x.end_year = 2200: expected a year in 1900-2100");
    CHECK_THROWS(project("x", {2024, 2030}, 1.0, {seg(Method::Growth, 2025, 2147483647, {0.1})}), "last_year = 2147483647");
}
TEST_CASE("check_segment checks one segment on its own, naming it by the label") {
    Segment s;
    s.method = Method::Growth;
    s.first_year = 2025;
    s.last_year = 2030;
    s.values = {0.05};
    check_segment("demand.x[0]", s);  // fine
    s.values = {-1.5};
    CHECK_THROWS(check_segment("demand.x[0]", s), "demand.x[0].rate = -1.5");
    s.values = {0.05, 0.04};
    CHECK_THROWS(check_segment("demand.x[0]", s), "demand.x[0].values: has 2 values, expected 1 or 6");
    s.values = {0.05};
    s.last_year = 2024;
    CHECK_THROWS(check_segment("demand.x[0]", s), "demand.x[0].years: last year 2024 is before first year 2025");
}
TEST_CASE("growth rates of a path with NaN or inf are refused, not returned") {
    CHECK_THROWS(growth_rates({1.0, std::nan("")}, 0.0), "series::growth_rates");
    CHECK_THROWS(growth_rates({1.0, HUGE_VAL}, 0.0), "series::growth_rates");
}

TEST_MAIN()
