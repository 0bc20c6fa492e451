// libFuzzer harness for the kernel's entry points. Each input drives one entry
// point with fuzzed numbers (NaN, ±inf, huge, negative, mismatched lengths).
// The only acceptable outcomes are a finite result or aipower::InvalidInput;
// any other exception, a crash, or a sanitizer report is a finding.
#include <fuzzer/FuzzedDataProvider.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <vector>

#include "aipower/balance.hpp"
#include "aipower/batch.hpp"
#include "aipower/china_model.hpp"
#include "aipower/dc_power.hpp"
#include "aipower/errors.hpp"
#include "aipower/global_dc.hpp"
#include "aipower/onsite_power.hpp"
#include "aipower/rack_power.hpp"
#include "aipower/reduce.hpp"
#include "aipower/sampling.hpp"
#include "aipower/token_cost.hpp"
#include "aipower/training.hpp"
#include "aipower/us_gap.hpp"
#include "aipower/renewables.hpp"
#include "aipower/series.hpp"
#include "aipower/units.hpp"

using namespace aipower;

namespace {

void require_finite_output(double v, const char* what) {
    if (!std::isfinite(v)) {
        std::fprintf(stderr, "non-finite output from %s: %g\n", what, v);
        std::abort();
    }
}

void require_finite_output(const std::vector<double>& v, const char* what) {
    for (double x : v) require_finite_output(x, what);
}

// A number that is often ordinary and sometimes pathological.
double number(FuzzedDataProvider& p) {
    switch (p.ConsumeIntegralInRange<int>(0, 9)) {
        case 0: return std::nan("");
        case 1: return p.ConsumeBool() ? INFINITY : -INFINITY;
        case 2: return p.ConsumeBool() ? 1e308 : -1e308;
        case 3: return 0.0;
        default: return p.ConsumeFloatingPointInRange<double>(-2e4, 2e4);
    }
}

int year(FuzzedDataProvider& p) {
    return p.ConsumeBool() ? p.ConsumeIntegralInRange<int>(2015, 2045) : p.ConsumeIntegral<int>();
}

std::vector<double> numbers(FuzzedDataProvider& p, std::size_t max) {
    std::vector<double> v(p.ConsumeIntegralInRange<std::size_t>(0, max));
    for (auto& x : v) x = number(p);
    return v;
}

series::Segment segment(FuzzedDataProvider& p) {
    series::Segment s;
    s.method = static_cast<series::Method>(p.ConsumeIntegralInRange<int>(0, 6));
    s.first_year = year(p);
    // Near the first year most of the time (int64 so the harness itself cannot overflow).
    const long long near = static_cast<long long>(s.first_year) + p.ConsumeIntegralInRange<int>(-1, 12);
    s.last_year = p.ConsumeBool() && near >= INT32_MIN && near <= INT32_MAX ? static_cast<int>(near) : year(p);
    s.values = numbers(p, 14);
    s.ref_year = year(p);
    return s;
}

std::vector<series::Segment> segments(FuzzedDataProvider& p) {
    std::vector<series::Segment> v(p.ConsumeIntegralInRange<std::size_t>(0, 4));
    for (auto& s : v) s = segment(p);
    return v;
}

void fuzz_series(FuzzedDataProvider& p) {
    const series::Years years{year(p), year(p)};
    std::map<int, double> anchors;
    if (p.ConsumeBool()) anchors[year(p)] = number(p);
    const auto path = series::project("x", years, number(p), segments(p), anchors, numbers(p, 3));
    require_finite_output(path, "series::project");
}

void fuzz_units(FuzzedDataProvider& p) {
    const double a = number(p), b = number(p);
    switch (p.ConsumeIntegralInRange<int>(0, 4)) {
        case 0: require_finite_output(units::yi_kwh_to_twh(a), "yi_kwh_to_twh"); break;
        case 1: require_finite_output(units::gw_hours_to_twh(a, b), "gw_hours_to_twh"); break;
        case 2: require_finite_output(units::twh_per_gw_to_hours(a, b), "twh_per_gw_to_hours"); break;
        case 3: require_finite_output(units::per_capita_to_twh(a, b), "per_capita_to_twh"); break;
        default: require_finite_output(series::cagr(a, b, number(p)), "cagr"); break;
    }
}

void fuzz_balance(FuzzedDataProvider& p) {
    balance::Inputs in;
    const std::size_t n = p.ConsumeIntegralInRange<std::size_t>(0, 4);
    in.consumption = numbers(p, n + 1);
    in.net_imports = numbers(p, n + 1);
    in.loss_factor = number(p);
    in.first_year = year(p);
    for (auto& c : in.average_capacity) c = numbers(p, n + 1);
    for (auto& h : in.hours) h = numbers(p, n + 1);
    if (p.ConsumeBool()) {
        const auto r = balance::solve(in);
        require_finite_output(r.coal_hours, "balance::solve coal hours");
        require_finite_output(r.non_hydro_share, "balance::solve share");
    } else {
        require_finite_output(balance::calibrate_loss_factor(in, number(p)), "calibrate_loss_factor");
    }
}

// A valid China model, then a few fuzzed perturbations of its inputs.
china::Inputs valid_model() {
    china::Inputs in;
    in.years = {2024, 2030};
    const auto growth = [](double r) {
        series::Segment s;
        s.method = series::Method::Growth;
        s.first_year = 2025;
        s.last_year = 2030;
        s.values = {r};
        return s;
    };
    for (auto* row : {&in.demand.primary, &in.demand.secondary, &in.demand.tertiary_core, &in.demand.residential_core,
                      &in.demand.ev_charging, &in.demand.data_centers}) {
        row->start_value = 1000.0;
        row->segments = {growth(0.04)};
    }
    in.demand.population_start = 1400.0;
    in.demand.population_segments = {growth(0.0)};
    in.demand.ev_tertiary_share = 0.44;
    for (int s = 0; s < supply::kSourceCount; ++s) {
        in.capacity[s].previous_end = 100.0;
        in.capacity[s].start_end = 110.0;
        in.capacity[s].additions = {growth(0.02)};
        in.hours[s].start = 1000.0;
        in.hours[s].segments = {growth(0.0)};
    }
    in.net_imports.assign(7, 0.0);
    in.calibration.coal_hours = 4500.0;
    return in;
}

void fuzz_china(FuzzedDataProvider& p) {
    auto in = valid_model();
    const int edits = p.ConsumeIntegralInRange<int>(1, 4);
    for (int e = 0; e < edits; ++e) {
        const int s = p.ConsumeIntegralInRange<int>(0, supply::kSourceCount - 1);
        switch (p.ConsumeIntegralInRange<int>(0, 9)) {
            case 0: in.demand.secondary.segments = segments(p); break;
            case 1: in.demand.data_centers.start_value = number(p); break;
            case 2: in.demand.ev_tertiary_share = number(p); break;
            case 3: in.capacity[s].additions = segments(p); break;
            case 4: in.capacity[s].retirements = numbers(p, 9); break;
            case 5: in.hours[s].start = number(p); in.hours[s].base = static_cast<china::HoursBase>(p.ConsumeIntegralInRange<int>(0, 3)); break;
            case 6: in.net_imports = numbers(p, 9); break;
            case 7: in.years = {year(p), year(p)}; break;
            case 8: in.calibration.coal_hours = number(p); in.calibration.wind_solar_generation = number(p); break;
            default:
                in.target = {true, number(p), year(p), year(p), year(p), number(p)};
                break;
        }
    }
    const auto r = china::run(in);
    require_finite_output(r.hours[supply::Coal], "china::run coal hours");
    require_finite_output(r.demand.rows.at("total"), "china::run total");
    require_finite_output(r.loss_factor, "china::run loss factor");
}

int small_int(FuzzedDataProvider& p) {
    return p.ConsumeBool() ? p.ConsumeIntegralInRange<int>(-2, 40) : p.ConsumeIntegral<int>();
}

std::vector<int> years_list(FuzzedDataProvider& p) {
    std::vector<int> v(p.ConsumeIntegralInRange<std::size_t>(0, 8));
    for (auto& y : v) y = year(p);
    return v;
}

// The AI-infrastructure calculators (issue 3): every entry point with fuzzed numbers.
void fuzz_calculators(FuzzedDataProvider& p) {
    const auto x = [&] { return number(p); };
    switch (p.ConsumeIntegralInRange<int>(0, 22)) {
        case 0: require_finite_output(dc_power::capacity_from_capex_gw(x(), x()), "capacity_from_capex_gw"); break;
        case 1: require_finite_output(dc_power::energy_from_capacity_twh(x(), x()), "energy_from_capacity_twh"); break;
        case 2: require_finite_output(dc_power::energy_from_it_power_twh(x(), x(), x(), x()), "energy_from_it_power_twh"); break;
        case 3: require_finite_output(dc_power::chip_power_from_capex_gw(x(), x(), x()), "chip_power_from_capex_gw"); break;
        case 4: require_finite_output(dc_power::cluster_power_mw(x(), x(), x()), "cluster_power_mw"); break;
        case 5: require_finite_output(dc_power::compute_route_twh(numbers(p, 8), numbers(p, 8)), "compute_route_twh"); break;
        case 6: require_finite_output(dc_power::intensity_path(x(), x(), small_int(p)), "intensity_path"); break;
        case 7: require_finite_output(dc_power::interpolate_geometric(years_list(p), numbers(p, 8), years_list(p)), "interpolate_geometric"); break;
        case 8: require_finite_output(dc_power::capex_driven_path(x(), numbers(p, 12), x(), x(), x()), "capex_driven_path"); break;
        case 9: require_finite_output(dc_power::compute_driven_path(x(), numbers(p, 12), x()), "compute_driven_path"); break;
        case 10: {
            token_cost::Inputs in;
            in.accelerator_cost_per_hour = x(); in.it_power_kw = x(); in.pue = x(); in.electricity_price_per_kwh = x();
            in.network_cost_per_hour = x(); in.operations_cost_per_hour = x(); in.tokens_per_second = x();
            const auto b = token_cost::cost_per_million_tokens(in);
            require_finite_output(b.kwh_per_million, "cost_per_million_tokens kWh");
            require_finite_output(b.compute_share + b.energy_share + b.network_share + b.operations_share, "shares");
            break;
        }
        case 11: require_finite_output(token_cost::depreciation_per_hour(x(), x(), x()), "depreciation_per_hour"); break;
        case 12: {
            const auto o = token_cost::calibrate_overheads(x(), x(), x(), x());
            require_finite_output(o.network_per_hour + o.operations_per_hour, "calibrate_overheads");
            break;
        }
        case 13: require_finite_output(token_cost::throughput_ratio_for_index(x(), x(), x()), "throughput_ratio_for_index"); break;
        case 14: require_finite_output(token_cost::non_energy_multiplier_for_index(x(), x(), x(), x()), "non_energy_multiplier_for_index"); break;
        case 15: {
            const auto g = us_gap::capacity_gap(x(), numbers(p, 6), numbers(p, 6), small_int(p), x());
            require_finite_output(g.cumulative_gap_gw, "capacity_gap");
            require_finite_output(g.gap_share_of_fleet, "capacity_gap share");
            break;
        }
        case 16: require_finite_output(us_gap::cumulative_gap(x(), small_int(p)), "cumulative_gap"); break;
        case 17: {
            const auto c = onsite_power::compare(x(), x(), x(), x(), x(), small_int(p), x());
            require_finite_output(c.extra_total, "onsite compare");
            break;
        }
        case 18: require_finite_output(rack_power::loss_fraction(x(), x(), x(), x(), x(), x()), "loss_fraction"); break;
        case 19: require_finite_output(rack_power::copper_mass_for_loss_kg(x(), x(), x(), x(), x(), x()), "copper_mass_for_loss_kg"); break;
        case 20: require_finite_output(rack_power::chain_efficiency(numbers(p, 6)), "chain_efficiency"); break;
        case 21: {
            require_finite_output(training::training_time_s(x(), x(), x(), x(), x()), "training_time_s");
            require_finite_output(training::goodput(x(), x(), x()), "goodput");
            break;
        }
        default: {
            const auto r = global_dc::project(numbers(p, 5), numbers(p, 5), x(), x(), small_int(p));
            require_finite_output(r.end_twh, "global_dc project");
            require_finite_output(r.world_cagr, "global_dc cagr");
            break;
        }
    }
}

// Sweeps (issue 5): distributions, the quantile sketch, and the batch model, whose lean
// path must equal china::run bit for bit on any input china::run accepts.
void fuzz_sweep(FuzzedDataProvider& p) {
    switch (p.ConsumeIntegralInRange<int>(0, 2)) {
        case 0: {
            sampling::Distribution d;
            d.kind = static_cast<sampling::Kind>(p.ConsumeIntegralInRange<int>(0, 3));
            d.low = number(p); d.high = number(p); d.mode = number(p);
            d.mean = number(p); d.sd = number(p); d.median = number(p); d.sigma = number(p);
            sampling::validate(d, "x");
            const double v = sampling::quantile(d, p.ConsumeProbability<double>());
            require_finite_output(v, "sampling::quantile");
            if (std::isfinite(d.low) && v < d.low) std::abort();
            if (std::isfinite(d.high) && v > d.high) std::abort();
            break;
        }
        case 1: {
            reduce::QuantileSketch a(p.ConsumeBool() ? 1e-4 : number(p)), b(a.alpha());
            for (int i = p.ConsumeIntegralInRange<int>(0, 20); i > 0; --i) (p.ConsumeBool() ? a : b).add(number(p));
            a.merge(b);
            if (a.count() > 0) require_finite_output(a.quantile(p.ConsumeProbability<double>()), "QuantileSketch::quantile");
            break;
        }
        default: {
            static const char* const kBindings[] = {
                "demand.secondary.segments[0].rate", "demand.data_centers.start", "supply.coal.additions[0].rate",
                "hours.wind.start", "calibration.coal_hours", "demand.ev_tertiary_share", "balance.net_imports"};
            std::vector<std::string> bindings;
            for (int i = p.ConsumeIntegralInRange<int>(1, 3); i > 0; --i)
                bindings.push_back(kBindings[p.ConsumeIntegralInRange<int>(0, 6)]);
            const batch::Model model(valid_model(), bindings, {"hours.coal", "loss_factor"});
            const std::size_t n = p.ConsumeIntegralInRange<std::size_t>(1, 40);  // past one block of lanes
            std::vector<double> values(n * model.parameters());
            for (auto& v : values) v = p.ConsumeBool() ? number(p) : p.ConsumeFloatingPointInRange<double>(0.0, 2.0);
            std::vector<double> out(n * model.width());
            std::vector<std::uint8_t> ok(n);
            model.evaluate(values.data(), n, out.data(), ok.data(), p.ConsumeIntegralInRange<int>(1, 2), batch::OnError::Skip);
            for (std::size_t i = 0; i < n; ++i) {
                if (!ok[i]) {  // refused: china::run refuses it too
                    bool threw = false;
                    try {
                        china::run(model.inputs_for(values.data() + i * model.parameters()));
                    } catch (const std::invalid_argument&) {
                        threw = true;
                    }
                    if (!threw) {
                        std::fprintf(stderr, "batch refused a scenario china::run accepts\n");
                        std::abort();
                    }
                    continue;
                }
                const auto r = china::run(model.inputs_for(values.data() + i * model.parameters()));
                const double* row = out.data() + i * model.width();
                for (std::size_t y = 0; y < r.hours[supply::Coal].size(); ++y)
                    if (row[y] != r.hours[supply::Coal][y]) {
                        std::fprintf(stderr, "batch lean path differs from china::run\n");
                        std::abort();
                    }
            }
            break;
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    FuzzedDataProvider p(data, size);
    try {
        switch (p.ConsumeIntegralInRange<int>(0, 5)) {
            case 0: fuzz_series(p); break;
            case 1: fuzz_units(p); break;
            case 2: fuzz_balance(p); break;
            case 3: fuzz_china(p); break;
            case 4: fuzz_sweep(p); break;
            default: fuzz_calculators(p); break;
        }
    } catch (const InvalidInput&) {
        // A clear refusal is a correct answer.
    }
    return 0;
}
