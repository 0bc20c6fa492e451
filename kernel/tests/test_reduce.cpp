#include "aipower/reduce.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "aipower/sampling.hpp"
#include "check.hpp"

using namespace aipower;

namespace {
double lower_quantile(std::vector<double> v, double q) {
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(std::floor(q * static_cast<double>(v.size() - 1)))];
}
}  // namespace

TEST_CASE("sketch quantiles are within the stated relative error of the exact lower quantile") {
    for (double alpha : {1e-4, 1e-2}) {
        // Normal around 4,000 (coal hours), lognormal (skewed), values of both signs with zeros (growth rates).
        std::vector<std::vector<double>> sets(3);
        for (std::uint64_t i = 0; i < 20000; ++i) {
            const double u = sampling::uniform(5, i, 0);
            sets[0].push_back(4000.0 + 300.0 * sampling::normal_quantile(u));
            sets[1].push_back(std::exp(2.0 * sampling::normal_quantile(u)));
            sets[2].push_back(i % 97 == 0 ? 0.0 : 0.05 * sampling::normal_quantile(u));
        }
        for (const auto& values : sets) {
            reduce::QuantileSketch s(alpha);
            for (double x : values) s.add(x);
            for (double q : {0.0, 0.05, 0.1, 0.5, 0.9, 0.95, 1.0}) {
                const double exact = lower_quantile(values, q);
                CHECK(std::fabs(s.quantile(q) - exact) <= alpha * std::fabs(exact) * (1.0 + 1e-12));
            }
        }
    }
}

TEST_CASE("merging is exact: split sketches equal one sketch") {
    reduce::QuantileSketch whole(1e-3), a(1e-3), b(1e-3);
    for (std::uint64_t i = 0; i < 5000; ++i) {
        const double x = 100.0 * sampling::uniform(1, i, 0) - 20.0;
        whole.add(x);
        (i % 3 == 0 ? a : b).add(x);
    }
    a.merge(b);
    for (double q : {0.01, 0.3, 0.5, 0.77, 0.99}) CHECK(a.quantile(q) == whole.quantile(q));
    CHECK(a.count() == 5000 && a.min() == whole.min() && a.max() == whole.max());
    // exact zeros have a count of their own, merged too (a sweep merges every thread's partial summary)
    reduce::QuantileSketch zeros(1e-3), negatives(1e-3);
    for (int i = 0; i < 60; ++i) zeros.add(0.0);
    for (int i = 1; i <= 40; ++i) negatives.add(-static_cast<double>(i));
    negatives.merge(zeros);
    CHECK(negatives.count() == 100 && negatives.quantile(0.5) == 0.0 && negatives.quantile(0.99) == 0.0);
    CHECK_THROWS(a.merge(reduce::QuantileSketch(1e-2)), "alpha");
    CHECK_THROWS(a.add(NAN), "a finite number");
    CHECK_THROWS(reduce::QuantileSketch(0.5), "alpha = 0.5");
    CHECK(std::isnan(reduce::QuantileSketch().quantile(0.5)));
}

TEST_CASE("a summary wider than its column limit is refused by name, not allocated") {
    CHECK_THROWS(reduce::Summary(std::size_t{1} << 40), "width = 1.099511628e+12: expected at most 1048576 columns");
    CHECK(reduce::Summary(3).width() == 3);
}
TEST_CASE("a spread too wide for the alpha is refused by name, changing nothing, instead of exhausting memory") {
    // 1e-7 over 1e-300 .. 1e300 would need about 6.9e9 buckets (55 GB).
    reduce::QuantileSketch s(1e-7);
    s.add(1.0);
    s.add(1.5);
    CHECK_THROWS(s.add(1e300), "alpha = 1e-07: expected a relative accuracy whose buckets fit in a sketch");
    CHECK_THROWS(s.add(1e-299), "alpha");  // and below as much as above
    // Negatives have their own buckets, counted from the first one.
    s.add(-1e-299);
    CHECK_THROWS(s.add(-1.0), "buckets at this alpha, more than the 8388608");
    CHECK(s.count() == 3 && s.max() == 1.5 && s.min() == -1e-299);  // the refused values left no trace
    CHECK(std::fabs(s.quantile(1.0) - 1.5) <= 1.5e-7);
    // The default alpha keeps every finite magnitude.
    reduce::QuantileSketch wide;
    for (double x : {1e-299, 1.0, 1.7e308, -1e-299, -1.7e308}) wide.add(x);
    CHECK(wide.count() == 5);

    // Merges and blocks are checked before any column changes.
    reduce::QuantileSketch near(1e-7), far(1e-7);
    near.add(1.0);
    far.add(1e10);
    CHECK_THROWS(near.merge(far), "buckets at this alpha");
    CHECK(near.count() == 1 && near.max() == 1.0);
    reduce::Summary sum(2, 1e-7);
    const double ok[4] = {1.0, 2.0, 1.1, 2.1};
    sum.add_block(0, ok, 2);
    const double wide_block[4] = {1.0, 2.0, 1.0, 2e10};  // the second column's span is too wide
    CHECK_THROWS(sum.add_block(1, wide_block, 2), "alpha");
    CHECK(sum.count(0) == 2 && sum.count(1) == 2 && sum.blocks() == 1);
    reduce::Summary other(2, 1e-7);
    const double far_block[2] = {1.0, 1e12};
    other.add_block(1, far_block, 1);
    CHECK_THROWS(sum.merge(other), "alpha");
    CHECK(sum.count(0) == 2 && sum.blocks() == 1);
}

TEST_CASE("summary means do not depend on the order blocks arrive in; serialisation round-trips") {
    const std::size_t width = 2;
    std::vector<double> block0 = {1.0, 10.0, 2.0, 20.0}, block1 = {0.1, 1e16, 0.2, -1e16}, block2 = {3.0, 1.0};
    reduce::Summary forward(width), backward(width);
    forward.add_block(0, block0.data(), 2);
    forward.add_block(1, block1.data(), 2);
    forward.add_block(2, block2.data(), 1);
    forward.add_failure(9, "sample 9: bad");
    backward.add_block(2, block2.data(), 1);
    backward.add_failure(12, "sample 12: worse");
    backward.add_block(1, block1.data(), 2);
    backward.add_block(0, block0.data(), 2);
    backward.add_failure(9, "sample 9: bad");
    CHECK(forward.mean(0) == backward.mean(0));
    CHECK(forward.mean(1) == backward.mean(1));
    CHECK_NEAR(forward.mean(0), (1.0 + 2.0 + 0.1 + 0.2 + 3.0) / 5.0, 1e-15);
    CHECK(backward.failed() == 2 && backward.first_failed() == 9 && backward.first_failure() == "sample 9: bad");
    const auto copy = reduce::Summary::deserialize(backward.serialize());
    CHECK(copy.mean(1) == backward.mean(1) && copy.quantile(0, 0.5) == backward.quantile(0, 0.5));
    CHECK(copy.failed() == 2 && copy.first_failure() == "sample 9: bad" && copy.count(0) == 5);
    {  // the bytes, too, do not depend on the order the blocks arrived in (workers finish in any order)
        reduce::Summary shuffled(width);
        shuffled.add_block(1, block1.data(), 2);
        shuffled.add_failure(9, "sample 9: bad");
        shuffled.add_block(2, block2.data(), 1);
        shuffled.add_block(0, block0.data(), 2);
        CHECK(shuffled.serialize() == forward.serialize());
    }
    CHECK_THROWS(reduce::Summary::deserialize("junk"), "not a serialized Summary");
    CHECK_THROWS(reduce::Summary::deserialize(backward.serialize().substr(0, 60)), "truncated");
    {  // bytes from another process are input: a bucket offset no finite value has is refused
        auto bytes = backward.serialize();
        // magic, alpha, width; then column 0's count, min, max and zeros come before its positive offset
        const std::size_t offset_at = std::string("aipower.summary.v2").size() + 2 * 8 + 4 * 8;
        const std::int64_t far = std::numeric_limits<std::int64_t>::max();
        std::memcpy(&bytes[offset_at], &far, sizeof far);
        CHECK_THROWS(reduce::Summary::deserialize(bytes), "sketch bucket offset");
    }
    auto twice = forward;
    twice.merge(forward);
    CHECK_THROWS(twice.mean(0), "merged twice");
    CHECK_THROWS(forward.merge(reduce::Summary(3)), "summary width");
    CHECK_THROWS(forward.count(5), "column");
}

TEST_CASE("a mean stays within the extremes: a constant column's mean is the constant") {
    reduce::Summary s(1);
    std::vector<double> block(reduce::kBlock, 4627.63);
    for (std::uint64_t b = 0; b < 3; ++b) s.add_block(b, block.data(), block.size());
    CHECK(s.mean(0) == 4627.63);  // the rounded sum gave 4627.6299999999155
    CHECK(s.mean(0) >= s.min(0) && s.mean(0) <= s.max(0));
}

TEST_CASE("summary means of values near the largest double stay finite") {
    const double big = std::numeric_limits<double>::max();
    std::vector<double> block = {big, -big, big, -big, big / 2, -big / 2};
    reduce::Summary s(2);
    s.add_block(0, block.data(), 3);
    s.add_block(1, block.data(), 3);
    CHECK(std::isfinite(s.mean(0)));
    CHECK_NEAR(s.mean(0) / big, 5.0 / 6.0, 1e-15);  // (1 + 1 + 1/2) × 2 blocks / 6 samples
    CHECK(s.mean(1) == -s.mean(0));
    // and where nothing overflows, the mean is the plain sum's divided by the count, bit for bit
    std::vector<double> small = {0.1, 0.7, 1e-3, 3.3};
    reduce::Summary t(1);
    t.add_block(0, small.data(), 4);
    CHECK(t.mean(0) == (((0.1 + 0.7) + 1e-3) + 3.3) / 4.0);
}

TEST_MAIN()
