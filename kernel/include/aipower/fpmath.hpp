#pragma once
// aipower::fpmath::pow: x^y with the same bits in every build of the kernel.
//
// Why not std::pow: the batch path evaluates many scenarios at once in vector
// registers and must give china::run's bits. A libm pow is scalar (about 13 ns a
// call, the largest single cost of a sweep), and libms differ in their last bits
// (glibc, MSVC; glibc's FMA and non-FMA variants). This pow is one inline
// function of plain arithmetic, table lookups and selects, without FMA: the
// compiler vectorises it in a lane loop and the scalar call in series::project
// performs the same operations, so both give the same bits on every platform.
//
// Method (Szabolcs Nagy's table-driven pow, as in Arm optimized-routines, glibc
// and musl; the tables are generated from their definitions by
// kernel/tools/gen_power_tables.py):
//   x = 2^k z, z in [0x1.69555p-1, 0x1.69555p0) split into 128 subintervals;
//   log x = k ln2 + log c + log1p(z/c - 1), c near the subinterval's centre with
//   a short 1/c, so z/c - 1 is formed exactly in two parts; log1p by its Taylor
//   series to r^9 (|r| < 0x1.6bp-8: truncation below 2^-70 relative);
//   y log x = ehi + elo, split exactly into 26-bit halves;
//   exp(ehi + elo) = 2^(m/128) exp(r), |r| <= ln2/256, 2^(m/128) from a
//   128-entry table, exp(r) - 1 by its Taylor series to r^5 (below 2^-60).
// Accuracy, measured against long double powl (tests/test_fpmath.cpp): below
// 0.52 ulp on the model's arguments and on wide random ones.
//
// The fast path covers x positive and normal, y zero or normal with |y| < 2^20,
// and |y log x| < 512 (a normal result). Everything else (zeros, negatives,
// infinities, NaN, subnormals, overflow, underflow) goes to std::pow, so special
// values follow C99 Annex F exactly as before.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "aipower/fpmath_tables.hpp"

namespace aipower::fpmath {

namespace detail {

inline std::uint64_t bits(double x) {
    std::uint64_t u;
    std::memcpy(&u, &x, sizeof u);
    return u;
}
inline double from_bits(std::uint64_t u) {
    double x;
    std::memcpy(&x, &u, sizeof x);
    return x;
}

constexpr double kShift = 0x1.8p52;  // adding it rounds a double below 2^51 to an integer, kept in the low bits
constexpr double kMinNormal = std::numeric_limits<double>::min();  // 2^-1022
constexpr double kMaxFinite = std::numeric_limits<double>::max();
constexpr double kMaxY = 0x1p20;
constexpr double kMaxExponent = 512.0;                   // |y log x| below this: 2^-739 < x^y < 2^739

// log1p(r) = r - r^2/2 + p, p = ar3 * (A1 + r A2 + ar2 (A3 + r A4 + ar2 (A5 + r A6 + ar2 A7))),
// with ar = -r/2: the Taylor coefficients 1/3 .. 1/9 scaled by the powers of -2 that ar carries.
constexpr double kA1 = -2.0 / 3.0;
constexpr double kA2 = 0.5;
constexpr double kA3 = 0.8;
constexpr double kA4 = -2.0 / 3.0;
constexpr double kA5 = -8.0 / 7.0;
constexpr double kA6 = 1.0;
constexpr double kA7 = 16.0 / 9.0;
// exp(r) - 1 - r = r^2 (C2 + r C3) + r^4 (C4 + r C5): Taylor.
constexpr double kC2 = 0.5;
constexpr double kC3 = 1.0 / 6.0;
constexpr double kC4 = 1.0 / 24.0;
constexpr double kC5 = 1.0 / 120.0;

// An integer below 2^51 in magnitude as a double (a vector int64 -> double conversion needs AVX-512).
inline double integer_to_double(std::int64_t k) {
    return from_bits(bits(kShift) + static_cast<std::uint64_t>(k)) - kShift;
}

// x^y on the fast path, or NaN where std::pow must answer (see above). Branch-free.
inline double pow_or_nan(double x, double y) {
    const std::uint64_t ix = bits(x);
    const std::uint64_t iy = bits(y);
    // Floating-point compares, not 64-bit integer ones (SSE2 has none); | and &, not || and &&: no branches.
    const double ay = std::fabs(y);
    const bool x_ok = (x >= kMinNormal) & (x <= kMaxFinite);  // positive, normal, finite (NaN fails)
    const bool y_ok = (ay == 0.0) | ((ay >= kMinNormal) & (ay < kMaxY));

    // log x = hi + lo.
    const std::uint64_t offset = ix - kLogOffset;
    const LogEntry& entry = kLogTable[(offset >> (52 - kTableBits)) % kTableSize];
    const double kd = integer_to_double(static_cast<std::int64_t>(offset) >> 52);  // arithmetic shift
    const std::uint64_t iz = ix - (offset & (0xfffULL << 52));
    const double z = from_bits(iz);
    // z = zhi + zlo, zhi with 21 significant bits: zhi/c and zlo/c are exact (1/c has 9 bits).
    const double zhi = from_bits((iz + (1ULL << 31)) & (~0ULL << 32));
    const double zlo = z - zhi;
    const double rhi = zhi * entry.invc - 1.0;
    const double rlo = zlo * entry.invc;
    const double r = rhi + rlo;
    // k ln2 + log c + r, with the rounding errors gathered in lo.
    const double t1 = kd * kLn2Hi + entry.logc;
    const double t2 = t1 + r;
    const double lo1 = kd * kLn2Lo + entry.logctail;
    const double lo2 = t1 - t2 + r;
    const double ar = -0.5 * r;
    const double ar2 = r * ar;
    const double ar3 = r * ar2;
    const double arhi = -0.5 * rhi;
    const double arhi2 = rhi * arhi;
    const double hi = t2 + arhi2;
    const double lo3 = rlo * (ar + arhi);
    const double lo4 = t2 - hi + arhi2;
    const double p = ar3 * (kA1 + r * kA2 + ar2 * (kA3 + r * kA4 + ar2 * (kA5 + r * kA6 + ar2 * kA7)));
    const double lo = lo1 + lo2 + lo3 + lo4 + p;
    const double log_hi = hi + lo;
    const double log_lo = hi - log_hi + lo;

    // y log x = ehi + elo: both factors split into 26-bit halves, so ehi is exact.
    const double yhi = from_bits(iy & (~0ULL << 27));
    const double ylo = y - yhi;
    const double lhi = from_bits(bits(log_hi) & (~0ULL << 27));
    const double llo = log_hi - lhi + log_lo;
    const double ehi = yhi * lhi;
    const double elo = ylo * lhi + y * llo;

    // exp(ehi + elo) = 2^(m/128) exp(s), m = round(128 (ehi) / ln2).
    const double shifted = kInvLn2N * ehi + kShift;
    const std::uint64_t im = bits(shifted);
    const double m = shifted - kShift;
    const double s = ehi + m * kNegLn2HiN + m * kNegLn2LoN + elo;
    const ExpEntry& power = kExpTable[im % kTableSize];
    const double scale = from_bits(power.sbits + (im << (52 - kTableBits)));  // 2^(m/128) = scale (1 + tail)
    const double s2 = s * s;
    const double q = power.tail + s + s2 * (kC2 + s * kC3) + s2 * s2 * (kC4 + s * kC5);
    const double result = scale + scale * q;

    const bool e_ok = std::fabs(ehi) < kMaxExponent;
    return (x_ok & y_ok & e_ok) ? result : std::numeric_limits<double>::quiet_NaN();
}

}  // namespace detail

// x^y: the fast path where it applies, std::pow elsewhere (never NaN on the fast path).
inline double pow(double x, double y) {
    const double r = detail::pow_or_nan(x, y);
    return r == r ? r : std::pow(x, y);
}

}  // namespace aipower::fpmath
