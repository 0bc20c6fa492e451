// Calls the kernel through its installed headers: a calculation, a refused input and a sweep
// summary, so that the library, its exceptions and its thread dependency all link.
#include <aipower/errors.hpp>
#include <aipower/reduce.hpp>
#include <aipower/training.hpp>
#include <aipower/version.hpp>

#include <cstdio>
#include <string>

int main() {
    const double g = aipower::training::goodput(2.0, 0.25, 0.5);
    bool refused = false;
    try {
        aipower::training::goodput(0.0, 0.1, 0.1);
    } catch (const aipower::InvalidInput& e) {
        refused = std::string(e.what()).find("interruption_interval_h = 0") != std::string::npos;
    }
    const double values[] = {1.0, 3.0};
    aipower::reduce::Summary summary(1);
    summary.add_block(0, values, 2);
    std::printf("aipower %s: goodput %.3f, refused %d, mean %.1f\n", aipower::build_info().version.c_str(), g, refused,
                summary.mean(0));
    return g == 0.8 && refused && summary.mean(0) == 2.0 ? 0 : 1;
}
