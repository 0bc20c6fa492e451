#include "aipower/training.hpp"

#include "aipower/errors.hpp"

#include <initializer_list>
#include <limits>

namespace aipower::training {

namespace {
void require_fraction_positive(const char* argument, double value) {
    if (!(value > 0.0 && value <= 1.0)) fail(argument, value, "a fraction in (0, 1]");
}

// numerator / (f1 × f2 × ...) with positive finite factors. Where the product overflows, the
// quotient is taken one factor at a time instead: a finite product's bits are kept, and a
// product past the largest double no longer makes the quotient 0 (or, as a denominator's
// sum, a fraction's 1/2 into 0).
double divide_by_product(double numerator, std::initializer_list<double> factors) {
    double product = 1.0;
    for (const double f : factors) product *= f;
    if (product <= std::numeric_limits<double>::max()) return numerator / product;
    for (const double f : factors) numerator /= f;
    return numerator;
}
}  // namespace

double training_time_s(double training_flops, double accelerators, double peak_flops_per_s, double utilization,
                       double goodput) {
    require_non_negative("training_flops", training_flops);
    require_count("accelerators", accelerators, true);
    require_positive("peak_flops_per_s", peak_flops_per_s);
    require_fraction_positive("utilization", utilization);
    require_fraction_positive("goodput", goodput);
    return finite_result("training::training_time_s",
                         divide_by_product(training_flops, {accelerators, peak_flops_per_s, utilization, goodput}));
}

double training_energy_mwh(double accelerators, double power_kw_per_accelerator, double pue, double time_s) {
    require_count("accelerators", accelerators, false);
    require_non_negative("power_kw_per_accelerator", power_kw_per_accelerator);
    require_pue("pue", pue);
    require_non_negative("time_s", time_s);
    return finite_result("training::training_energy_mwh", accelerators * power_kw_per_accelerator * pue * time_s / kSecondsPerHour / kKwhPerMwh);
}

double implied_utilization(double training_flops, double accelerators, double peak_flops_per_s, double time_s) {
    require_non_negative("training_flops", training_flops);
    require_count("accelerators", accelerators, true);
    require_positive("peak_flops_per_s", peak_flops_per_s);
    require_positive("time_s", time_s);
    const double u = finite_result("training::implied_utilization",
                                   divide_by_product(training_flops, {accelerators, peak_flops_per_s, time_s}));
    if (u > 1.0)  // more than the accelerators' peak: the run cannot finish in time_s
        fail("implied utilization", u,
             "at most 1 (the accelerators' peak): training_flops cannot be done in time_s = " + format_value(time_s) +
                 " s on these accelerators");
    return u;
}

double interruption_interval_h(double accelerators, double reference_accelerators, double reference_interval_h) {
    require_count("accelerators", accelerators, true);
    require_count("reference_accelerators", reference_accelerators, true);
    require_positive("reference_interval_h", reference_interval_h);
    return finite_result("training::interruption_interval_h", reference_interval_h * reference_accelerators / accelerators);
}

double goodput(double interruption_interval_h, double restart_h, double checkpoint_interval_h) {
    require_positive("interruption_interval_h", interruption_interval_h);
    require_non_negative("restart_h", restart_h);
    require_non_negative("checkpoint_interval_h", checkpoint_interval_h);
    const double cycle_h = interruption_interval_h + restart_h + 0.5 * checkpoint_interval_h;
    if (cycle_h <= std::numeric_limits<double>::max())
        return finite_result("training::goodput", interruption_interval_h / cycle_h);
    // Hours past the largest double: the same ratio from quarter hours (an exact scaling).
    return finite_result("training::goodput", 0.25 * interruption_interval_h /
                                                  (0.25 * interruption_interval_h + 0.25 * restart_h + 0.125 * checkpoint_interval_h));
}

double failures_per_week(double accelerators, double weekly_failure_rate) {
    require_count("accelerators", accelerators, false);
    require_share("weekly_failure_rate", weekly_failure_rate);
    return finite_result("training::failures_per_week", accelerators * weekly_failure_rate);
}

}  // namespace aipower::training
