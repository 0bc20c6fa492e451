// Streaming reductions of sweep outputs: quantiles with a stated relative
// error and exact-order means, mergeable across threads, chunks and machines.
//
// Quantiles: a log-bucketed histogram (the DDSketch construction of Masson,
// Rim and Lee, VLDB 2019) with relative accuracy `alpha`. A value x > 0 falls
// in bucket k = ceil(ln x / ln gamma), gamma = (1 + alpha) / (1 − alpha), and
// bucket k is reported as 2 gamma^k / (gamma + 1); negatives mirror this and
// |x| < kZeroThreshold counts as zero. For a probability q the sketch returns
// a value within alpha × |x_q| of x_q, the sample's lower q-quantile (the
// element of 0-based rank floor(q (n − 1)) in sorted order, numpy's
// method="lower"). Counts are integers, so merging is exact and the result
// does not depend on how samples were split. Memory per column grows with the
// spread of the values, ln(max / min) / (2 alpha) buckets of 8 bytes (a
// factor of 10 at alpha = 1e-4: 11,500 buckets, 92 kB), not with their number.
//
// Means: samples are summed in blocks of kBlock consecutive sample indices (in
// index order), and block sums are added in block order, so a mean is the same
// bit for bit whatever the thread count or chunking (chunks start on a block
// boundary).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace aipower::reduce {

// Sample indices per summation block; chunks of a sweep start at multiples of it.
inline constexpr std::uint64_t kBlock = 1024;
// Values of smaller magnitude are counted as zero (far below any model quantity).
inline constexpr double kZeroThreshold = 1e-300;
// Most buckets one sign of a sketch may span (64 MiB of counts). At the default alpha that covers every
// finite magnitude; a small alpha over a wide spread is refused by name instead of allocating until
// memory runs out.
inline constexpr std::int64_t kMaxBuckets = std::int64_t{1} << 23;
// Columns of one Summary (a sweep's outputs × years are a few hundred): a width of 2^40 was a
// std::bad_alloc, not a message.
inline constexpr std::size_t kMaxColumns = std::size_t{1} << 20;

class QuantileSketch {
  public:
    explicit QuantileSketch(double alpha = 1e-4);
    void add(double x);
    void merge(const QuantileSketch& other);
    // Fails (changing nothing) where merge(other) would: another alpha, or buckets beyond kMaxBuckets.
    void require_mergeable(const QuantileSketch& other) const;
    // The lower q-quantile within the relative accuracy; NaN if empty.
    double quantile(double q) const;
    std::uint64_t count() const { return count_; }
    double min() const { return min_; }
    double max() const { return max_; }
    double alpha() const { return alpha_; }

    // Flat state for serialisation.
    struct Store {
        std::int64_t offset = 0;  // bucket index of counts[0]
        std::vector<std::uint64_t> counts;
    };
    const Store& positive() const { return pos_; }
    const Store& negative() const { return neg_; }
    std::uint64_t zeros() const { return zero_; }
    static QuantileSketch from_state(double alpha, std::uint64_t count, double min, double max, std::uint64_t zeros,
                                     Store positive, Store negative);

  private:
    std::int64_t key(double magnitude) const;
    double value_of(std::int64_t key) const;
    static void add_to(Store& s, std::int64_t key, std::uint64_t n);
    // Fails unless the store's buckets together with keys [lo, hi] stay within kMaxBuckets.
    void require_span(const Store& s, std::int64_t lo, std::int64_t hi) const;
    friend class Summary;

    double alpha_, gamma_, log_gamma_;
    Store pos_, neg_;
    std::uint64_t zero_ = 0, count_ = 0;
    double min_, max_;
};

// Reductions of `width` output columns over a set of samples.
class Summary {
  public:
    Summary(std::size_t width = 0, double alpha = 1e-4);
    std::size_t width() const { return sketches_.size(); }
    double alpha() const { return alpha_; }

    // One block of samples [block * kBlock, ...): `rows` × width values
    // (row-major) of the samples that succeeded, in sample-index order.
    void add_block(std::uint64_t block, const double* values, std::size_t rows);
    // A failed sample: counted, and its message kept if its index is the lowest so far.
    void add_failure(std::uint64_t sample, const std::string& message);
    void merge(const Summary& other);

    std::uint64_t count(std::size_t column) const;
    double mean(std::size_t column) const;
    double quantile(std::size_t column, double q) const;
    double min(std::size_t column) const;
    double max(std::size_t column) const;
    std::uint64_t failed() const { return failed_; }
    std::uint64_t first_failed() const { return first_failed_; }  // UINT64_MAX if none
    const std::string& first_failure() const { return first_failure_; }
    std::uint64_t blocks() const { return block_ids_.size(); }

    // A portable byte string (for shipping between processes) and back.
    std::string serialize() const;
    static Summary deserialize(const std::string& bytes);

  private:
    std::vector<std::size_t> block_order() const;  // indices of the blocks in id order

    double alpha_;
    std::vector<QuantileSketch> sketches_;
    std::vector<std::uint64_t> block_ids_;
    std::vector<double> block_sums_;  // block-major: width per block, scaled by 2^-64 (reduce.cpp)
    std::uint64_t failed_ = 0;
    std::uint64_t first_failed_ = UINT64_MAX;
    std::string first_failure_;
};

}  // namespace aipower::reduce
