// The kernel's pow (aipower::fpmath::pow) against the C library's, side by side in one run, in the
// form the batch path uses: a loop over a block of 32 lanes, x^(1/n) - 1 (a constant-growth rate).
//
//   g++ -std=c++17 -O3 -ffp-contract=off -fno-trapping-math -fopenmp-simd -mavx2 \
//       -Ikernel/include benchmarks/bench_pow.cpp -o /tmp/bench_pow && /tmp/bench_pow
//
// (the kernel's Release flags; -mavx2 as in its AVX2 clone). Prints ns per call for each, best of 5.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>
#include <vector>

#include "aipower/fpmath.hpp"

namespace {

constexpr int kLanes = 32;

__attribute__((noinline)) void lanes_fpmath(const double* x, double y, double* out) {
#pragma omp simd
    for (int l = 0; l < kLanes; ++l) out[l] = aipower::fpmath::detail::pow_or_nan(x[l], y) - 1.0;
    for (int l = 0; l < kLanes; ++l)
        if (out[l] != out[l]) out[l] = aipower::fpmath::pow(x[l], y) - 1.0;
}

__attribute__((noinline)) void lanes_libm(const double* x, double y, double* out) {
    for (int l = 0; l < kLanes; ++l) out[l] = std::pow(x[l], y) - 1.0;
}

template <class F>
double best_ns(F block, const std::vector<double>& x, std::vector<double>& out) {
    const std::size_t blocks = x.size() / kLanes;
    double best = 1e300;
    for (int rep = 0; rep < 5; ++rep) {
        const auto t0 = std::chrono::steady_clock::now();
        for (int pass = 0; pass < 20; ++pass)
            for (std::size_t b = 0; b < blocks; ++b) block(&x[b * kLanes], 0.2, &out[b * kLanes]);
        const auto t1 = std::chrono::steady_clock::now();
        best = std::min(best, std::chrono::duration<double, std::nano>(t1 - t0).count() / (20.0 * x.size()));
    }
    return best;
}

}  // namespace

int main() {
    std::mt19937_64 g(1);
    std::uniform_real_distribution<double> u(0.5, 3.0);  // target / value, as in the model
    std::vector<double> x(4096 * kLanes), a(x.size()), b(x.size());
    for (auto& v : x) v = u(g);
    const double t_fpmath = best_ns(lanes_fpmath, x, a);
    const double t_libm = best_ns(lanes_libm, x, b);
    std::size_t differ = 0;
    for (std::size_t i = 0; i < x.size(); ++i) differ += a[i] != b[i];
    std::printf("fpmath::pow %.2f ns/call, C library pow %.2f ns/call (%.1fx); results differ (by an ulp) in %zu of %zu\n",
                t_fpmath, t_libm, t_libm / t_fpmath, differ, x.size());
}
