#include "aipower/sweep.hpp"

#include <cmath>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>

#include "aipower/errors.hpp"

namespace aipower::sweep {

void validate(const Spec& spec, const batch::Model& model) {
    if (spec.inputs.size() != model.parameters())
        fail("inputs", "has " + std::to_string(spec.inputs.size()) + " distributions, expected " +
                           std::to_string(model.parameters()) + " (one per binding)");
    for (std::size_t j = 0; j < spec.inputs.size(); ++j) sampling::validate(spec.inputs[j], model.binding_names()[j]);
    if (spec.samples == 0 || spec.samples > kMaxSamples)
        fail("samples", static_cast<double>(spec.samples), "a count in 1-" + std::to_string(kMaxSamples));
}

void draw(const Spec& spec, std::uint64_t sample, double* values) {
    for (std::size_t j = 0; j < spec.inputs.size(); ++j) {
        double u = sampling::uniform(spec.seed, sample, j);
        if (spec.latin) {
            const std::uint64_t key = sampling::splitmix64(spec.seed ^ sampling::splitmix64(~static_cast<std::uint64_t>(j)));
            const std::uint64_t stratum = sampling::permute(sample, spec.samples, key);
            u = (static_cast<double>(stratum) + u) / static_cast<double>(spec.samples);
            // In the top stratum of a large N the division can round up to 1, outside (0, 1).
            u = std::fmin(u, std::nextafter(1.0, 0.0));
        }
        try {
            values[j] = sampling::quantile(spec.inputs[j], u);
        } catch (const InvalidInput& e) {  // say which input and sample: a sweep draws millions
            throw InvalidInput("input " + std::to_string(j) + " (in the order of the uncertain inputs) at sample " +
                               std::to_string(sample) + ": " + e.what());
        }
    }
}

void run(const batch::Model& model, const Spec& spec, std::uint64_t first, std::uint64_t count, reduce::Summary& into,
         int threads) {
    validate(spec, model);
    if (first % reduce::kBlock != 0)
        fail("first", static_cast<double>(first), "a multiple of " + std::to_string(reduce::kBlock) + " (chunks start on a block)");
    if (first > spec.samples || count > spec.samples - first)
        fail("count", static_cast<double>(count), "at most samples - first = " + std::to_string(spec.samples - std::min(first, spec.samples)));
    if (into.width() != model.width())
        fail("summary width", static_cast<double>(into.width()), "the model's output width " + std::to_string(model.width()));
    const std::uint64_t blocks = (count + reduce::kBlock - 1) / reduce::kBlock;
    const int workers = static_cast<int>(std::min<std::uint64_t>(static_cast<std::uint64_t>(batch::resolve_threads(threads)),
                                                                 std::max<std::uint64_t>(1, blocks)));
    const std::size_t P = model.parameters();
    const std::size_t W = model.width();
    std::atomic<std::uint64_t> next{0};
    std::atomic<std::uint64_t> lowest{UINT64_MAX};  // the lowest failing sample with a message so far
    std::vector<reduce::Summary> partial(static_cast<std::size_t>(workers), reduce::Summary(W, into.alpha()));
    std::exception_ptr unexpected;
    std::mutex lock;
    const auto work = [&](int t) {
        try {
            auto& mine = partial[static_cast<std::size_t>(t)];
            std::vector<double> values(reduce::kBlock * P), rows(reduce::kBlock * W);
            std::vector<std::uint8_t> ok(reduce::kBlock);
            auto workspace = model.workspace();
            while (true) {
                const std::uint64_t b = next.fetch_add(1);
                if (b >= blocks) break;
                const std::uint64_t begin = first + b * reduce::kBlock;
                const std::size_t m = static_cast<std::size_t>(std::min(first + count, begin + reduce::kBlock) - begin);
                for (std::size_t i = 0; i < m; ++i) draw(spec, begin + i, values.data() + i * P);
                model.evaluate_serial(
                    values.data(), m, rows.data(), ok.data(), workspace,
                    [&](std::size_t i, const std::string& message) {
                        if (message.empty()) return mine.add_failure(begin + i, message);
                        mine.add_failure(begin + i, "sample " + std::to_string(begin + i) + ": " + message);
                        // Lower the bar for messages; the lowest failure always gets one, whichever thread finds it.
                        auto seen = lowest.load(std::memory_order_relaxed);
                        while (begin + i < seen && !lowest.compare_exchange_weak(seen, begin + i, std::memory_order_relaxed)) {
                        }
                    },
                    // The summary keeps only the lowest failure's message: none is made above one already found.
                    [&](std::size_t i) { return begin + i < lowest.load(std::memory_order_relaxed); });
                // The kept rows, in sample order, at the front.
                std::size_t kept = 0;
                for (std::size_t i = 0; i < m; ++i) {
                    if (!ok[i]) continue;
                    if (kept != i) std::copy(rows.begin() + static_cast<std::ptrdiff_t>(i * W),
                                             rows.begin() + static_cast<std::ptrdiff_t>((i + 1) * W),
                                             rows.begin() + static_cast<std::ptrdiff_t>(kept * W));
                    ++kept;
                }
                mine.add_block(begin / reduce::kBlock, rows.data(), kept);
            }
        } catch (...) {
            std::lock_guard<std::mutex> g(lock);
            if (!unexpected) unexpected = std::current_exception();
        }
    };
    if (workers <= 1) {
        work(0);
    } else {
        std::vector<std::thread> pool;
        for (int t = 0; t < workers; ++t) pool.emplace_back(work, t);
        for (auto& t : pool) t.join();
    }
    if (unexpected) std::rethrow_exception(unexpected);
    for (const auto& p : partial) into.merge(p);
}

}  // namespace aipower::sweep
