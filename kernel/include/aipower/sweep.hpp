// Monte Carlo sweeps of the China power-balance model: draw each uncertain
// input from its distribution, evaluate the scenario on the batch model and
// fold the outputs into a streaming Summary, block by block, so no output is
// materialised beyond one block per thread (the Summary keeps one sum per output
// column and block of samples, for means independent of the chunking).
//
// Sample i's inputs depend only on (seed, i, N when Latin hypercube): a sweep
// gives the same Summary whatever the thread count and however its samples
// are split into chunks (chunks start at multiples of reduce::kBlock).
#pragma once

#include <cstdint>
#include <vector>

#include "aipower/batch.hpp"
#include "aipower/reduce.hpp"
#include "aipower/sampling.hpp"

namespace aipower::sweep {

// Largest sweep accepted (sample indices and strata stay exact in a double).
inline constexpr std::uint64_t kMaxSamples = std::uint64_t{1} << 40;

struct Spec {
    std::vector<sampling::Distribution> inputs;  // one per binding of the model, in its order
    std::uint64_t seed = 0;
    bool latin = false;          // Latin hypercube strata over `samples`
    std::uint64_t samples = 0;   // N: the size of the whole sweep
};

// Checks the spec against a model (counts, distributions, N).
void validate(const Spec& spec, const batch::Model& model);

// The P input values of sample i.
void draw(const Spec& spec, std::uint64_t sample, double* values);

// Samples [first, first + count) of the sweep, folded into `into`. `first`
// must be a multiple of reduce::kBlock. Failing samples are counted in the
// summary with the first message, not raised.
void run(const batch::Model& model, const Spec& spec, std::uint64_t first, std::uint64_t count, reduce::Summary& into,
         int threads);

}  // namespace aipower::sweep
