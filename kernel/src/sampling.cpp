#include "aipower/sampling.hpp"

#include <cmath>
#include <limits>

#include "aipower/errors.hpp"

namespace aipower::sampling {

namespace {

// Odd constants of SplitMix64 and the golden-ratio increment (Steele et al. 2014).
constexpr std::uint64_t kGolden = 0x9E3779B97F4A7C15ULL;
constexpr int kFeistelRounds = 4;
// 2^-53: spacing of the 53-bit mantissa grid of a double in [0, 1).
constexpr double kTwoToMinus53 = 1.0 / 9007199254740992.0;
// The least probability a truncated normal or lognormal's bounds may hold: sampled by the inverse CDF
// between cdf(low) and cdf(high), a narrower interval is lost in the rounding of cdf values near 1.
constexpr double kMinTruncatedMass = 1e-12;

double inverse_sqrt2() { return 1.0 / std::sqrt(2.0); }

}  // namespace

std::uint64_t splitmix64(std::uint64_t x) {
    x += kGolden;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

double uniform(std::uint64_t seed, std::uint64_t sample, std::uint64_t column) {
    std::uint64_t h = splitmix64(seed ^ splitmix64(column * kGolden + 1));
    h = splitmix64(h ^ sample);
    // Top 53 bits, centred in their cell: strictly inside (0, 1).
    return (static_cast<double>(h >> 11) + 0.5) * kTwoToMinus53;
}

std::uint64_t permute(std::uint64_t index, std::uint64_t n, std::uint64_t key) {
    if (n == 0) fail("n", 0.0, "at least 1 sample");
    if (index >= n) fail("index", static_cast<double>(index), "an index below n = " + std::to_string(n));
    if (n == 1) return 0;
    int bits = 0;
    while (bits < 64 && (std::uint64_t{1} << bits) < n) ++bits;  // n above 2^63 needs all 64 bits
    const int half = (bits + 1) / 2;  // a balanced Feistel network on 2 * half bits
    const std::uint64_t mask = (std::uint64_t{1} << half) - 1;
    std::uint64_t x = index;
    do {  // cycle walking: a bijection of the power-of-4 domain restricted to 0..n-1
        std::uint64_t left = x >> half, right = x & mask;
        for (int round = 0; round < kFeistelRounds; ++round) {
            const std::uint64_t f = splitmix64(key ^ splitmix64(right + (static_cast<std::uint64_t>(round) << 56))) & mask;
            const std::uint64_t next = left ^ f;
            left = right;
            right = next;
        }
        x = (left << half) | right;
    } while (x >= n);
    return x;
}

Distribution uniform_dist(double low, double high) {
    Distribution d;
    d.kind = Kind::Uniform;
    d.low = low;
    d.high = high;
    return d;
}

Distribution triangular_dist(double low, double mode, double high) {
    Distribution d;
    d.kind = Kind::Triangular;
    d.low = low;
    d.mode = mode;
    d.high = high;
    return d;
}

Distribution normal_dist(double mean, double sd, double low, double high) {
    Distribution d;
    d.kind = Kind::Normal;
    d.mean = mean;
    d.sd = sd;
    d.low = low;
    d.high = high;
    return d;
}

Distribution lognormal_dist(double median, double sigma, double low, double high) {
    Distribution d;
    d.kind = Kind::LogNormal;
    d.median = median;
    d.sigma = sigma;
    d.low = low;
    d.high = high;
    return d;
}

Kind kind_from_name(const std::string& name) {
    if (name == "uniform") return Kind::Uniform;
    if (name == "triangular") return Kind::Triangular;
    if (name == "normal") return Kind::Normal;
    if (name == "lognormal") return Kind::LogNormal;
    fail("dist", "'" + name + "' is not a distribution; expected one of uniform, triangular, normal, lognormal");
}

std::string kind_name(Kind kind) {
    switch (kind) {
        case Kind::Uniform: return "uniform";
        case Kind::Triangular: return "triangular";
        case Kind::Normal: return "normal";
        case Kind::LogNormal: return "lognormal";
    }
    return "?";
}

void validate(const Distribution& d, const std::string& name) {
    const auto bounds = [&](bool finite_required) {
        if (finite_required) {
            require_finite(name + ".low", d.low);
            require_finite(name + ".high", d.high);
        } else {
            if (std::isnan(d.low)) fail(name + ".low", d.low, "a number (or -inf for no bound)");
            if (std::isnan(d.high)) fail(name + ".high", d.high, "a number (or +inf for no bound)");
        }
        if (!(d.low < d.high)) fail(name + ".high", d.high, "a value above low = " + format_value(d.low));
        if (finite_required && !std::isfinite(d.high - d.low))
            fail(name + ".high", d.high, "a range high - low that is a finite number");
    };
    switch (d.kind) {
        case Kind::Uniform:
            bounds(true);
            break;
        case Kind::Triangular:
            bounds(true);
            require_range(name + ".mode", d.mode, d.low, d.high);
            break;
        case Kind::Normal: {
            require_finite(name + ".mean", d.mean);
            require_positive(name + ".sd", d.sd);
            bounds(false);
            const double mass = normal_cdf((d.high - d.mean) / d.sd) - normal_cdf((d.low - d.mean) / d.sd);
            if (!(mass > kMinTruncatedMass))
                fail(name, "the bounds [" + format_value(d.low) + ", " + format_value(d.high) +
                               "] hold less than 1e-12 of the normal distribution (mean " + format_value(d.mean) +
                               ", sd " + format_value(d.sd) + "): too little to sample; expected bounds nearer the mean");
            break;
        }
        case Kind::LogNormal: {
            require_positive(name + ".median", d.median);
            require_positive(name + ".sigma", d.sigma);
            bounds(false);
            if (d.low < 0.0) fail(name + ".low", d.low, "a bound >= 0 (a lognormal value is positive)");
            const double lo = d.low > 0.0 ? normal_cdf(std::log(d.low / d.median) / d.sigma) : 0.0;
            const double hi = std::isinf(d.high) ? 1.0 : normal_cdf(std::log(d.high / d.median) / d.sigma);
            if (!(hi - lo > kMinTruncatedMass))
                fail(name, "the bounds [" + format_value(d.low) + ", " + format_value(d.high) +
                               "] hold less than 1e-12 of the lognormal distribution (median " +
                               format_value(d.median) + ", sigma " + format_value(d.sigma) +
                               "): too little to sample; expected bounds nearer the median");
            break;
        }
    }
}

double normal_cdf(double x) {
    if (std::isnan(x)) fail("x", x, "a number (or ±inf)");
    return 0.5 * std::erfc(-x * inverse_sqrt2());
}

// Wichura, M. J. (1988), Algorithm AS 241: The percentage points of the normal
// distribution, Applied Statistics 37, 477-484 (PPND16, ~1e-16 relative accuracy).
double normal_quantile(double p) {
    if (!(p > 0.0 && p < 1.0)) fail("p", p, "a probability in (0, 1)");
    const double q = p - 0.5;
    if (std::fabs(q) <= 0.425) {
        const double r = 0.180625 - q * q;
        return q *
               (((((((2509.0809287301226727 * r + 33430.575583588128105) * r + 67265.770927008700853) * r +
                    45921.953931549871457) * r + 13731.693765509461125) * r + 1971.5909503065514427) * r +
                 133.14166789178437745) * r + 3.387132872796366608) /
               (((((((5226.495278852545925 * r + 28729.085735721942674) * r + 39307.89580009271061) * r +
                    21213.794301586595867) * r + 5394.1960214247511077) * r + 687.1870074920579083) * r +
                 42.313330701600911252) * r + 1.0);
    }
    double r = q < 0.0 ? p : 1.0 - p;
    r = std::sqrt(-std::log(r));
    double value;
    if (r <= 5.0) {
        r -= 1.6;
        value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r + 0.24178072517745061177) * r +
                     1.27045825245236838258) * r + 3.64784832476320460504) * r + 5.7694972214606914055) * r +
                  4.6303378461565452959) * r + 1.42343711074968357734) /
                (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r + 0.0151986665636164571966) * r +
                     0.14810397642748007459) * r + 0.68976733498510000455) * r + 1.6763848301838038494) * r +
                  2.05319162663775882187) * r + 1.0);
    } else {
        r -= 5.0;
        value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r + 0.0012426609473880784386) * r +
                     0.026532189526576123093) * r + 0.29656057182850489123) * r + 1.7848265399172913358) * r +
                  5.4637849111641143699) * r + 6.6579046435011037772) /
                (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r + 1.8463183175100546818e-5) * r +
                     7.868691311456132591e-4) * r + 0.0148753612908506148525) * r + 0.13692988092273580531) * r +
                  0.59983220655588793769) * r + 1.0);
    }
    return q < 0.0 ? -value : value;
}

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

// z in [a, b] (standard normal units) with Φ(z) − Φ(a) = p (Φ(b) − Φ(a)). Above the mean Φ is
// close to 1, where its complement has lost its digits (bounds 7 sd up gave one value in 17): there
// the same draw is taken on the mirrored interval [−b, −a], whose probabilities are small and exact.
double truncated_standard_normal(double a, double b, double p) {
    if (a > 0.0) return -truncated_standard_normal(-b, -a, 1.0 - p);
    const double lo = normal_cdf(a);
    const double hi = normal_cdf(b);
    double u = lo + p * (hi - lo);
    // Stay strictly inside (0, 1) at the edges of the truncation.
    u = std::fmin(std::fmax(u, std::nextafter(0.0, 1.0)), std::nextafter(1.0, 0.0));
    return normal_quantile(u);
}

double quantile_unchecked(const Distribution& d, double p) {
    switch (d.kind) {
        case Kind::Uniform:
            return d.low + p * (d.high - d.low);
        case Kind::Triangular: {
            const double width = d.high - d.low;
            const double split = (d.mode - d.low) / width;
            if (p < split) return d.low + std::sqrt(p * width * (d.mode - d.low));
            return d.high - std::sqrt((1.0 - p) * width * (d.high - d.mode));
        }
        case Kind::Normal: {
            const double z = truncated_standard_normal((d.low - d.mean) / d.sd, (d.high - d.mean) / d.sd, p);
            const double x = d.mean + d.sd * z;
            return std::fmin(std::fmax(x, d.low), d.high);
        }
        case Kind::LogNormal: {
            const double a = d.low > 0.0 ? std::log(d.low / d.median) / d.sigma : -kInf;
            const double b = std::isinf(d.high) ? kInf : std::log(d.high / d.median) / d.sigma;
            const double x = d.median * std::exp(d.sigma * truncated_standard_normal(a, b, p));
            return std::fmin(std::fmax(x, d.low), d.high);
        }
    }
    return d.low;
}

}  // namespace

double quantile(const Distribution& d, double p) {
    if (!(p > 0.0 && p < 1.0)) fail("p", p, "a probability in (0, 1)");
    // A cheap test per draw; the named checks (and their messages) only when it fails. Unchecked, a
    // negative sd turned the truncation interval around and the mirrored draw recursed without end.
    const bool plausible = d.low <= d.high && (d.kind != Kind::Triangular || (d.low <= d.mode && d.mode <= d.high)) &&
                           (d.kind != Kind::Normal || (d.sd > 0.0 && !std::isnan(d.mean))) &&
                           (d.kind != Kind::LogNormal || (d.sigma > 0.0 && d.median > 0.0));
    if (!plausible) {
        validate(d, "distribution");
        fail("distribution", "invalid parameters");
    }
    // Parameters near the limits of double precision can still overflow (found by fuzzing).
    const double value = quantile_unchecked(d, p);
    // The message is built only on failure: this runs once per input per sample.
    if (!std::isfinite(value))
        finite_result("quantile of the " + kind_name(d.kind) + " distribution at p = " + format_value(p), value);
    return value;
}

}  // namespace aipower::sampling
