// Seeded sampling for scenario sweeps: distributions of uncertain inputs, a
// counter-based generator and Latin hypercube strata.
//
// Every draw is a pure function of (seed, sample index, column): sample i of
// a sweep is the same whichever thread, chunk or Dask worker computes it, so
// results do not depend on the thread count or the chunking.
//
//   uniform(seed, i, j)  = splitmix64 hash of (seed, i, j) → (0, 1), 53 bits
//   Latin hypercube      = (π_j(i) + uniform(seed, i, j)) / N, where π_j is a
//                          seeded bijection of 0..N-1 (a Feistel network with
//                          cycle walking), so each of the N strata of each
//                          column holds exactly one sample
//   value                = the distribution's quantile function at that draw
#pragma once

#include <cstdint>
#include <limits>
#include <string>

namespace aipower::sampling {

// 64-bit finaliser of SplitMix64 (Steele, Lea, Flood 2014): a bijection with
// full avalanche, used as a counter-based generator.
std::uint64_t splitmix64(std::uint64_t x);

// A uniform draw in the open interval (0, 1) for (seed, sample, column).
double uniform(std::uint64_t seed, std::uint64_t sample, std::uint64_t column);

// A seeded bijection of 0..n-1 (n >= 1): the Latin hypercube stratum of a sample.
std::uint64_t permute(std::uint64_t index, std::uint64_t n, std::uint64_t key);

enum class Kind { Uniform, Triangular, Normal, LogNormal };

// One uncertain input. Bounds low/high truncate normal and lognormal draws
// (±infinity for none; a lognormal is always > 0).
//   Uniform     low, high
//   Triangular  low, mode, high
//   Normal      mean, sd, [low, high]
//   LogNormal   median, sigma (of the log), [low, high]
struct Distribution {
    Kind kind = Kind::Uniform;
    double low = 0.0;
    double high = 0.0;
    double mode = 0.0;    // triangular
    double mean = 0.0;    // normal
    double sd = 0.0;      // normal
    double median = 0.0;  // lognormal
    double sigma = 0.0;   // lognormal
};

Distribution uniform_dist(double low, double high);
Distribution triangular_dist(double low, double mode, double high);
Distribution normal_dist(double mean, double sd, double low = -std::numeric_limits<double>::infinity(),
                         double high = std::numeric_limits<double>::infinity());
Distribution lognormal_dist(double median, double sigma, double low = 0.0,
                            double high = std::numeric_limits<double>::infinity());

Kind kind_from_name(const std::string& name);
std::string kind_name(Kind kind);

// Checks the parameters; `name` prefixes the message (e.g. the assumption's key).
void validate(const Distribution& d, const std::string& name);

// The value at cumulative probability p in (0, 1).
double quantile(const Distribution& d, double p);

// Standard normal CDF and its inverse (Wichura's AS 241, relative error ~1e-16).
double normal_cdf(double x);
double normal_quantile(double p);

}  // namespace aipower::sampling
