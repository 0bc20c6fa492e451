#include "aipower/reduce.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "aipower/errors.hpp"

namespace aipower::reduce {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();
// Largest relative accuracy accepted: beyond it the buckets are too coarse to be useful.
constexpr double kMaxAlpha = 0.1;
// Smallest accepted: below it bucket counts per column explode for any spread.
constexpr double kMinAlpha = 1e-7;
constexpr char kMagic[] = "aipower.summary.v2";  // v2: block sums scaled by kSumScale, blocks in id order

// Block sums hold values times 2^-64, so that sums of values up to the largest
// double stay finite; scaling by a power of two is exact, so a mean is the
// same bit for bit as the unscaled sum's wherever that does not overflow.
const double kSumScale = std::ldexp(1.0, -64);

// Appends n bytes (none for an empty buffer, whose data() may be null).
void put_bytes(std::string& out, const void* data, std::size_t n) {
    if (n != 0) out.append(static_cast<const char*>(data), n);
}

template <typename T>
void put(std::string& out, const T& v) {
    char buf[sizeof(T)];
    std::memcpy(buf, &v, sizeof(T));
    out.append(buf, sizeof(T));
}

struct Reader {
    const std::string& in;
    std::size_t pos = 0;
    template <typename T>
    T get() {
        if (pos + sizeof(T) > in.size()) fail("summary bytes", "truncated: not a serialized Summary");
        T v;
        std::memcpy(&v, in.data() + pos, sizeof(T));
        pos += sizeof(T);
        return v;
    }
};

}  // namespace

QuantileSketch::QuantileSketch(double alpha)
    : alpha_(alpha), min_(std::numeric_limits<double>::infinity()), max_(-std::numeric_limits<double>::infinity()) {
    require_range("alpha", alpha, kMinAlpha, kMaxAlpha);
    gamma_ = (1.0 + alpha) / (1.0 - alpha);
    log_gamma_ = std::log(gamma_);
}

std::int64_t QuantileSketch::key(double magnitude) const {
    return static_cast<std::int64_t>(std::ceil(std::log(magnitude) / log_gamma_));
}

double QuantileSketch::value_of(std::int64_t k) const {
    return 2.0 * std::exp(static_cast<double>(k) * log_gamma_) / (gamma_ + 1.0);
}

void QuantileSketch::add_to(Store& s, std::int64_t k, std::uint64_t n) {
    if (s.counts.empty()) {
        s.offset = k;
        s.counts.assign(1, 0);
    } else if (k < s.offset) {
        s.counts.insert(s.counts.begin(), static_cast<std::size_t>(s.offset - k), 0);
        s.offset = k;
    } else if (k >= s.offset + static_cast<std::int64_t>(s.counts.size())) {
        s.counts.resize(static_cast<std::size_t>(k - s.offset + 1), 0);
    }
    s.counts[static_cast<std::size_t>(k - s.offset)] += n;
}

void QuantileSketch::require_span(const Store& s, std::int64_t lo, std::int64_t hi) const {
    if (!s.counts.empty()) {
        lo = std::min(lo, s.offset);
        hi = std::max(hi, s.offset + static_cast<std::int64_t>(s.counts.size()) - 1);
    }
    if (hi - lo + 1 <= kMaxBuckets) return;
    fail("alpha", alpha_,
         "a relative accuracy whose buckets fit in a sketch: magnitudes from " + format_value(value_of(lo)) + " to " +
             format_value(value_of(hi)) + " need " + std::to_string(hi - lo + 1) + " buckets at this alpha, more than the " +
             std::to_string(kMaxBuckets) + " one sketch keeps (ln(max / min) / (2 alpha): a larger alpha needs fewer)");
}

void QuantileSketch::add(double x) {
    if (!std::isfinite(x)) fail("sketch value", x, "a finite number");
    if (x > kZeroThreshold) {
        const auto k = key(x);
        require_span(pos_, k, k);
        add_to(pos_, k, 1);
    } else if (x < -kZeroThreshold) {
        const auto k = key(-x);
        require_span(neg_, k, k);
        add_to(neg_, k, 1);
    } else {
        ++zero_;
    }
    ++count_;
    min_ = std::min(min_, x);
    max_ = std::max(max_, x);
}

void QuantileSketch::require_mergeable(const QuantileSketch& o) const {
    if (o.alpha_ != alpha_) fail("alpha", o.alpha_, "the same relative accuracy as the sketch merged into (" + format_value(alpha_) + ")");
    if (!o.pos_.counts.empty())
        require_span(pos_, o.pos_.offset, o.pos_.offset + static_cast<std::int64_t>(o.pos_.counts.size()) - 1);
    if (!o.neg_.counts.empty())
        require_span(neg_, o.neg_.offset, o.neg_.offset + static_cast<std::int64_t>(o.neg_.counts.size()) - 1);
}

void QuantileSketch::merge(const QuantileSketch& o) {
    require_mergeable(o);
    for (std::size_t i = 0; i < o.pos_.counts.size(); ++i)
        if (o.pos_.counts[i]) add_to(pos_, o.pos_.offset + static_cast<std::int64_t>(i), o.pos_.counts[i]);
    for (std::size_t i = 0; i < o.neg_.counts.size(); ++i)
        if (o.neg_.counts[i]) add_to(neg_, o.neg_.offset + static_cast<std::int64_t>(i), o.neg_.counts[i]);
    zero_ += o.zero_;
    count_ += o.count_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
}

double QuantileSketch::quantile(double q) const {
    require_range("q", q, 0.0, 1.0);
    if (count_ == 0) return kNaN;
    // The element of 0-based rank floor(q (n - 1)): the first bucket whose cumulative count exceeds it.
    const auto rank = static_cast<std::uint64_t>(std::floor(q * static_cast<double>(count_ - 1)));
    std::uint64_t seen = 0;
    double found = kNaN;
    for (std::size_t i = neg_.counts.size(); i-- > 0;) {  // most negative first
        seen += neg_.counts[i];
        if (seen > rank) {
            found = -value_of(neg_.offset + static_cast<std::int64_t>(i));
            break;
        }
    }
    if (std::isnan(found)) {
        seen += zero_;
        if (seen > rank) found = 0.0;
    }
    if (std::isnan(found)) {
        for (std::size_t i = 0; i < pos_.counts.size(); ++i) {
            seen += pos_.counts[i];
            if (seen > rank) {
                found = value_of(pos_.offset + static_cast<std::int64_t>(i));
                break;
            }
        }
    }
    // Clamping to the exact extremes never moves the estimate away from the true quantile.
    return std::min(std::max(found, min_), max_);
}

QuantileSketch QuantileSketch::from_state(double alpha, std::uint64_t count, double min, double max, std::uint64_t zeros,
                                          Store positive, Store negative) {
    QuantileSketch s(alpha);
    // Bytes from another process are checked as input: every bucket a finite value can fall in (keys
    // within ±log(DBL_MAX) / log γ), counts that add up without wrapping, finite ordered extremes.
    const auto key_limit = static_cast<std::int64_t>(std::ceil(std::log(std::numeric_limits<double>::max()) / s.log_gamma_)) + 1;
    std::uint64_t total = zeros;
    for (const Store* store : {&positive, &negative}) {
        const auto size = static_cast<std::int64_t>(store->counts.size());
        if (size > kMaxBuckets)
            fail("sketch buckets", static_cast<double>(size), "at most " + std::to_string(kMaxBuckets) + " buckets per sign");
        if (size > 0 && (store->offset < -key_limit || store->offset > key_limit - size))
            fail("sketch bucket offset", static_cast<double>(store->offset),
                 "buckets within ±" + std::to_string(key_limit) + " (the keys of finite values)");
        for (const auto c : store->counts) {
            if (c > std::numeric_limits<std::uint64_t>::max() - total) fail("sketch count", "its bucket counts overflow");
            total += c;
        }
    }
    if (total != count) fail("sketch count", static_cast<double>(count), "the sum of its bucket counts (" + std::to_string(total) + ")");
    if (count > 0 && !(std::isfinite(min) && std::isfinite(max) && min <= max))
        fail("sketch min", min, "finite extremes with min <= max (max = " + format_value(max) + ")");
    s.count_ = count;
    s.min_ = min;
    s.max_ = max;
    s.zero_ = zeros;
    s.pos_ = std::move(positive);
    s.neg_ = std::move(negative);
    return s;
}

namespace {
std::size_t checked_width(std::size_t width) {
    if (width > kMaxColumns)
        fail("width", static_cast<double>(width), "at most " + std::to_string(kMaxColumns) + " columns");
    return width;
}
}  // namespace

Summary::Summary(std::size_t width, double alpha)
    : alpha_(alpha), sketches_(checked_width(width), QuantileSketch(alpha)) {}

void Summary::add_block(std::uint64_t block, const double* values, std::size_t rows) {
    const std::size_t w = width();
    // Checked before any column takes a value: a refused block leaves the summary as it was.
    for (std::size_t i = 0; i < rows * w; ++i)
        if (!std::isfinite(values[i])) fail("sketch value", values[i], "a finite number");
    for (std::size_t c = 0; c < w; ++c) {
        // The block's smallest and largest magnitude of each sign, so a span too wide is refused before any add.
        double lo[2] = {kInf, kInf}, hi[2] = {0.0, 0.0};
        for (std::size_t r = 0; r < rows; ++r) {
            const double x = values[r * w + c];
            const int sign = x < 0.0;
            if (std::fabs(x) > kZeroThreshold) {
                lo[sign] = std::min(lo[sign], std::fabs(x));
                hi[sign] = std::max(hi[sign], std::fabs(x));
            }
        }
        const auto& sk = sketches_[c];
        if (hi[0] > 0.0) sk.require_span(sk.pos_, sk.key(lo[0]), sk.key(hi[0]));
        if (hi[1] > 0.0) sk.require_span(sk.neg_, sk.key(lo[1]), sk.key(hi[1]));
    }
    std::vector<double> sums(w, 0.0);
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < w; ++c) {
            const double x = values[r * w + c];
            sketches_[c].add(x);
            sums[c] += x * kSumScale;
        }
    }
    block_ids_.push_back(block);
    block_sums_.insert(block_sums_.end(), sums.begin(), sums.end());
}

void Summary::add_failure(std::uint64_t sample, const std::string& message) {
    ++failed_;
    if (sample < first_failed_) {
        first_failed_ = sample;
        first_failure_ = message;
    }
}

void Summary::merge(const Summary& o) {
    if (o.width() != width()) fail("summary width", static_cast<double>(o.width()), "the width of the summary merged into (" + std::to_string(width()) + ")");
    if (o.alpha_ != alpha_) fail("summary alpha", o.alpha_, "the alpha of the summary merged into (" + format_value(alpha_) + ")");
    for (std::size_t c = 0; c < width(); ++c) sketches_[c].require_mergeable(o.sketches_[c]);  // all before any change
    for (std::size_t c = 0; c < width(); ++c) sketches_[c].merge(o.sketches_[c]);
    block_ids_.insert(block_ids_.end(), o.block_ids_.begin(), o.block_ids_.end());
    block_sums_.insert(block_sums_.end(), o.block_sums_.begin(), o.block_sums_.end());
    failed_ += o.failed_;
    if (o.first_failed_ < first_failed_) {
        first_failed_ = o.first_failed_;
        first_failure_ = o.first_failure_;
    }
}

std::uint64_t Summary::count(std::size_t column) const {
    if (column >= width()) fail("column", static_cast<double>(column), "a column below " + std::to_string(width()));
    return sketches_[column].count();
}

std::vector<std::size_t> Summary::block_order() const {
    std::vector<std::size_t> order(block_ids_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return block_ids_[a] < block_ids_[b]; });
    return order;
}

double Summary::mean(std::size_t column) const {
    const auto n = count(column);
    if (n == 0) return kNaN;
    // Block sums in block order; a block merged twice is an error, not a double count.
    const auto order = block_order();
    double total = 0.0;
    for (std::size_t i = 0; i < order.size(); ++i) {
        if (i > 0 && block_ids_[order[i]] == block_ids_[order[i - 1]])
            fail("summary", "block " + std::to_string(block_ids_[order[i]]) + " was merged twice (the same chunk added twice)");
        total += block_sums_[order[i] * width() + column];
    }
    // The exact mean lies within the extremes; rounding in the sum can put the computed one just outside
    // (a constant column: 4627.6299999999155 for 4627.63), so it is held to them.
    const auto& sk = sketches_[column];
    return std::min(std::max(total / static_cast<double>(n) / kSumScale, sk.min()), sk.max());
}

double Summary::quantile(std::size_t column, double q) const {
    count(column);
    return sketches_[column].quantile(q);
}

double Summary::min(std::size_t column) const {
    return count(column) ? sketches_[column].min() : kNaN;
}

double Summary::max(std::size_t column) const {
    return count(column) ? sketches_[column].max() : kNaN;
}

std::string Summary::serialize() const {
    std::string out(kMagic);
    put(out, alpha_);
    put(out, static_cast<std::uint64_t>(width()));
    for (const auto& s : sketches_) {
        put(out, s.count());
        put(out, s.min());
        put(out, s.max());
        put(out, s.zeros());
        for (const auto* store : {&s.positive(), &s.negative()}) {
            put(out, store->offset);
            put(out, static_cast<std::uint64_t>(store->counts.size()));
            put_bytes(out, store->counts.data(), store->counts.size() * sizeof(std::uint64_t));
        }
    }
    // Blocks in id order, so that the bytes do not depend on the order the workers finished in.
    const auto order = block_order();
    put(out, static_cast<std::uint64_t>(order.size()));
    for (const auto i : order) put(out, block_ids_[i]);
    for (const auto i : order) put_bytes(out, &block_sums_[i * width()], width() * sizeof(double));
    put(out, failed_);
    put(out, first_failed_);
    put(out, static_cast<std::uint64_t>(first_failure_.size()));
    out += first_failure_;
    return out;
}

Summary Summary::deserialize(const std::string& bytes) {
    const std::size_t magic = sizeof(kMagic) - 1;
    if (bytes.size() < magic || bytes.compare(0, magic, kMagic) != 0)
        fail("summary bytes", "not a serialized Summary (wrong header)");
    Reader r{bytes, magic};
    const auto alpha = r.get<double>();
    const auto width = r.get<std::uint64_t>();
    const auto remaining = [&] { return static_cast<std::uint64_t>(bytes.size() - r.pos); };
    if (width > remaining()) fail("summary bytes", "truncated: not a serialized Summary");
    Summary s(static_cast<std::size_t>(width), alpha);
    const auto read_u64s = [&](std::uint64_t n) {
        if (n > remaining() / sizeof(std::uint64_t)) fail("summary bytes", "truncated: not a serialized Summary");
        std::vector<std::uint64_t> v(static_cast<std::size_t>(n));
        if (!v.empty()) std::memcpy(v.data(), bytes.data() + r.pos, v.size() * sizeof(std::uint64_t));
        r.pos += v.size() * sizeof(std::uint64_t);
        return v;
    };
    for (std::size_t c = 0; c < width; ++c) {
        const auto count = r.get<std::uint64_t>();
        const auto mn = r.get<double>();
        const auto mx = r.get<double>();
        const auto zeros = r.get<std::uint64_t>();
        QuantileSketch::Store stores[2];
        for (auto& store : stores) {
            store.offset = r.get<std::int64_t>();
            store.counts = read_u64s(r.get<std::uint64_t>());
        }
        s.sketches_[c] = QuantileSketch::from_state(alpha, count, mn, mx, zeros, std::move(stores[0]), std::move(stores[1]));
    }
    const auto blocks = r.get<std::uint64_t>();
    s.block_ids_ = read_u64s(blocks);
    if (width != 0 && blocks > remaining() / sizeof(double) / width) fail("summary bytes", "truncated: not a serialized Summary");
    s.block_sums_.resize(static_cast<std::size_t>(blocks * width));
    if (!s.block_sums_.empty()) std::memcpy(s.block_sums_.data(), bytes.data() + r.pos, s.block_sums_.size() * sizeof(double));
    r.pos += s.block_sums_.size() * sizeof(double);
    s.failed_ = r.get<std::uint64_t>();
    s.first_failed_ = r.get<std::uint64_t>();
    const auto len = r.get<std::uint64_t>();
    if (len != remaining()) fail("summary bytes", "trailing or missing bytes: not a serialized Summary");
    s.first_failure_ = bytes.substr(r.pos);
    return s;
}

}  // namespace aipower::reduce
