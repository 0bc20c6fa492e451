#include "aipower/sweep.hpp"

#include <algorithm>
#include <cmath>

#include "check.hpp"
#include "sweep_fixture.hpp"

using namespace aipower;

namespace {
const std::vector<std::string> kBindings = {"demand.data_centers.segments[1].rate", "supply.coal.additions[1].value",
                                            "renewables.target_share", "hours.wind.segments[0].change"};
sweep::Spec spec(std::uint64_t n, bool latin) {
    sweep::Spec s;
    s.inputs = {sampling::triangular_dist(0.15, 0.25, 0.35), sampling::uniform_dist(20.0, 30.0),
                sampling::normal_dist(0.30, 0.01, 0.27, 0.33), sampling::uniform_dist(-0.10, 0.0)};
    s.seed = 2024;
    s.latin = latin;
    s.samples = n;
    return s;
}
bool same(const reduce::Summary& a, const reduce::Summary& b) {
    if (a.failed() != b.failed() || a.first_failed() != b.first_failed()) return false;
    for (std::size_t c = 0; c < a.width(); ++c) {
        if (a.count(c) != b.count(c) || a.mean(c) != b.mean(c)) return false;
        for (double q : {0.05, 0.1, 0.5, 0.9, 0.95})
            if (a.quantile(c, q) != b.quantile(c, q)) return false;
    }
    return true;
}
}  // namespace

TEST_CASE("a sweep is the same for any thread count and any chunking") {
    const batch::Model m(fixture::model(), kBindings, {"hours.coal", "requirement.level"});
    for (bool latin : {false, true}) {
        const std::uint64_t n = 5000;
        const auto s = spec(n, latin);
        reduce::Summary one(m.width()), three(m.width()), chunked(m.width());
        sweep::run(m, s, 0, n, one, 1);
        sweep::run(m, s, 0, n, three, 3);
        for (std::uint64_t first = 0; first < n; first += 2048) {
            reduce::Summary part(m.width());
            sweep::run(m, s, first, std::min<std::uint64_t>(2048, n - first), part, 2);
            chunked.merge(part);
        }
        CHECK(one.count(0) + one.failed() == n);
        CHECK(same(one, three));
        CHECK(same(one, chunked));
    }
}

TEST_CASE("sweep quantiles are within alpha of the exact quantiles of the same samples") {
    const batch::Model m(fixture::model(), kBindings, {"hours.coal"});
    const std::uint64_t n = 3000;
    const auto s = spec(n, false);
    reduce::Summary summary(m.width(), 1e-4);
    sweep::run(m, s, 0, n, summary, 2);
    const std::size_t year = 6;  // 2030
    std::vector<double> exact;
    std::vector<double> values(4), out(m.width());
    for (std::uint64_t i = 0; i < n; ++i) {
        sweep::draw(s, i, values.data());
        std::string error;
        if (m.evaluate_one(values.data(), out.data(), &error)) exact.push_back(out[year]);
    }
    CHECK(exact.size() == summary.count(year));
    std::sort(exact.begin(), exact.end());
    double sum = 0.0;
    for (double x : exact) sum += x;
    CHECK_NEAR(summary.mean(year), sum / static_cast<double>(exact.size()), 1e-9 * std::fabs(sum / static_cast<double>(exact.size())));
    for (double q : {0.05, 0.1, 0.5, 0.9, 0.95}) {
        const double want = exact[static_cast<std::size_t>(std::floor(q * static_cast<double>(exact.size() - 1)))];
        CHECK(std::fabs(summary.quantile(year, q) - want) <= 1e-4 * std::fabs(want));
    }
}

TEST_CASE("Latin hypercube puts exactly one sample in each stratum of each input") {
    const std::uint64_t n = 500;
    auto s = spec(n, true);
    s.inputs = {sampling::uniform_dist(0.0, 1.0), sampling::uniform_dist(0.0, 1.0), sampling::uniform_dist(0.0, 1.0),
                sampling::uniform_dist(0.0, 1.0)};
    for (std::size_t j = 0; j < 4; ++j) {
        std::vector<int> hits(n, 0);
        std::vector<double> v(4);
        for (std::uint64_t i = 0; i < n; ++i) {
            sweep::draw(s, i, v.data());
            hits[static_cast<std::size_t>(v[j] * static_cast<double>(n))] += 1;
        }
        CHECK(std::all_of(hits.begin(), hits.end(), [](int h) { return h == 1; }));
    }
}

TEST_CASE("infeasible samples are counted with the first message; bad sweep arguments are refused") {
    const batch::Model m(fixture::model(), {"supply.coal.additions[1].value"}, {"hours.coal"});
    sweep::Spec s;
    s.inputs = {sampling::uniform_dist(-400.0, 25.0)};  // deep cuts make coal capacity negative
    s.samples = 3000;
    reduce::Summary summary(m.width());
    sweep::run(m, s, 0, s.samples, summary, 2);
    CHECK(summary.failed() > 0 && summary.failed() < s.samples);
    CHECK(summary.first_failure().find("sample " + std::to_string(summary.first_failed()) + ": ") == 0);
    CHECK(summary.first_failure().find("coal") != std::string::npos);  // capacity, or hours beyond a year
    reduce::Summary fresh(m.width());
    CHECK_THROWS(sweep::run(m, s, 100, 10, fresh, 1), "first = 100");
    CHECK_THROWS(sweep::run(m, s, 0, 4000, fresh, 1), "count = 4000");
    CHECK_THROWS(sweep::run(m, s, 0, 10, fresh, -2), "threads = -2");
    auto none = s;
    none.samples = 0;
    CHECK_THROWS(sweep::run(m, none, 0, 0, fresh, 1), "samples = 0");
    auto huge = s;
    huge.samples = sweep::kMaxSamples + 1;
    CHECK_THROWS(sweep::validate(huge, m), "samples = ");
    auto bad = s;
    bad.inputs = {sampling::uniform_dist(30.0, 20.0)};
    CHECK_THROWS(sweep::validate(bad, m), "supply.coal.additions[1].value.high = 20");
    bad.inputs = {};
    CHECK_THROWS(sweep::validate(bad, m), "one per binding");
    reduce::Summary wrong(5);
    CHECK_THROWS(sweep::run(m, s, 0, 10, wrong, 1), "summary width");
    // A valid spread too wide for doubles overflows in the draw: the message says which input and sample.
    auto wide = s;
    wide.inputs = {sampling::normal_dist(0.0, 1e308)};  // |z| above 1.8 overflows: most blocks have one
    CHECK_THROWS(sweep::run(m, wide, 0, 1024, fresh, 1), "input 0 (in the order of the uncertain inputs) at sample ");
}

TEST_CASE("a block with a value the sketches refuse leaves the summary as it was") {
    reduce::Summary summary(2);
    const double block[] = {1.0, 2.0, 3.0, std::nan("")};
    CHECK_THROWS(summary.add_block(0, block, 2), "sketch value = nan");
    CHECK(summary.count(0) == 0 && summary.count(1) == 0);
}

TEST_MAIN()
