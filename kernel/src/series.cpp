#include "aipower/series.hpp"

#include <cmath>

#include "aipower/errors.hpp"
#include "aipower/fpmath.hpp"

namespace aipower::series {

namespace {

const std::map<std::string, Method>& method_names() {
    static const std::map<std::string, Method> names{
        {"growth", Method::Growth}, {"glide", Method::Glide},   {"increment", Method::Increment},
        {"pipeline", Method::Pipeline}, {"cagr", Method::Cagr}, {"change", Method::Change},
        {"target", Method::Target}};
    return names;
}

std::string segment_label(const std::string& name, const Segment& s) {
    return name + " segment " + method_name(s.method) + " " + std::to_string(s.first_year) + "-" +
           std::to_string(s.last_year);
}

}  // namespace

void check_segment(const std::string& label, const Segment& s) {
    require_year(label + ".first_year", s.first_year);
    require_year(label + ".last_year", s.last_year);
    if (s.last_year < s.first_year)
        fail(label + ".years", "last year " + std::to_string(s.last_year) + " is before first year " +
                                   std::to_string(s.first_year));
    const std::size_t span = static_cast<std::size_t>(s.last_year - s.first_year + 1);
    const auto expect_count = [&](std::size_t n, const char* what) {
        if (s.values.size() != n)
            fail(label + ".values", "has " + std::to_string(s.values.size()) + " values, expected " + what);
    };
    switch (s.method) {
        case Method::Growth:
        case Method::Increment:
            if (s.values.size() != 1 && s.values.size() != span)
                fail(label + ".values", "has " + std::to_string(s.values.size()) + " values, expected 1 or " +
                                            std::to_string(span) + " (one per year)");
            for (double v : s.values) {
                if (s.method == Method::Growth)
                    require_growth(label + ".rate", v);
                else
                    require_finite(label + ".value", v);
            }
            break;
        case Method::Glide:
            expect_count(2, "2 (from, to)");
            require_growth(label + ".from", s.values[0]);
            require_growth(label + ".to", s.values[1]);
            break;
        case Method::Pipeline:
            expect_count(1, "1 (total)");
            require_finite(label + ".total", s.values[0]);
            break;
        case Method::Cagr:
            expect_count(1, "1 (rate)");
            require_growth(label + ".rate", s.values[0]);
            require_year(label + ".from_year", s.ref_year);
            if (s.ref_year >= s.first_year)
                fail(label + ".from_year", s.ref_year, "a year before the segment's first year " +
                                                           std::to_string(s.first_year));
            break;
        case Method::Change:
            expect_count(1, "1 (fraction)");
            require_growth(label + ".change", s.values[0]);
            require_year(label + ".from_year", s.ref_year);
            if (s.ref_year >= s.first_year)
                fail(label + ".from_year", s.ref_year, "a year before the segment's first year " +
                                                           std::to_string(s.first_year));
            break;
        case Method::Target:
            expect_count(1, "1 (value)");
            require_positive(label + ".value", s.values[0]);
            break;
    }
    if (s.aim_year != 0) {
        require_year(label + ".aim_year", s.aim_year);
        if (s.aim_year < s.last_year || s.method == Method::Growth || s.method == Method::Glide ||
            s.method == Method::Increment || s.method == Method::Pipeline)
            fail(label + ".aim_year", s.aim_year, "0, or for cagr, change or target a year >= the last year " +
                                                      std::to_string(s.last_year));
    }
}

void check_years(const std::string& name, const Years& years) {
    require_year(name + ".start_year", years.first);
    require_year(name + ".end_year", years.last);
    if (years.last < years.first)
        fail(name + ".end_year", years.last, "a year >= the start year " + std::to_string(years.first));
}

Method method_from_name(const std::string& name) {
    const auto& names = method_names();
    const auto it = names.find(name);
    if (it == names.end())
        fail("method", "'" + name + "' is not a method; expected one of growth, glide, increment, pipeline, "
                                    "cagr, change, target");
    return it->second;
}

std::string method_name(Method method) {
    for (const auto& [name, m] : method_names())
        if (m == method) return name;
    return "?";
}

std::vector<double> spread_evenly(double total, int years) {
    require_years_count("years", years, 1);  // a path of INT_MAX years was attempted
    require_finite("total", total);
    return std::vector<double>(static_cast<std::size_t>(years), total / years);
}

double cagr(double from_value, double to_value, double years) {
    require_positive("from_value", from_value);
    require_non_negative("to_value", to_value);
    require_positive("years", years);
    return finite_result("cagr", std::pow(to_value / from_value, 1.0 / years) - 1.0);
}

std::vector<double> growth_rates(const std::vector<double>& path, double start_growth) {
    std::vector<double> out(path.size(), 0.0);
    if (path.empty()) return out;
    out[0] = start_growth;
    for (std::size_t i = 1; i < path.size(); ++i) {
        if (!(path[i - 1] > 0.0)) fail("path", path[i - 1], "positive values to take growth rates of");
        out[i] = path[i] / path[i - 1] - 1.0;
    }
    return finite_results("series::growth_rates", out);  // a NaN or inf in the path, or an overflow
}

void check_anchors(const std::string& name, const Years& years, const std::map<int, double>& anchors) {
    for (const auto& [year, value] : anchors) {
        if (year <= years.first || year > years.last)
            fail(name + ".anchor year", year,
                 "a year in " + std::to_string(years.first + 1) + "-" + std::to_string(years.last));
        require_non_negative(name + ".anchor " + std::to_string(year), value);
    }
}

std::vector<double> project(const std::string& name, const Years& years, double start_value,
                            const std::vector<Segment>& segments, const std::map<int, double>& anchors,
                            const std::vector<double>& adjustments) {
    check_years(name, years);
    if (!adjustments.empty()) require_same_length(name + ".adjustments", adjustments.size(), static_cast<std::size_t>(years.count()));
    require_non_negative(name + ".start_value", start_value);
    for (const auto& s : segments) check_segment(segment_label(name, s), s);
    check_anchors(name, years, anchors);

    const int n = years.count();
    std::vector<double> x(static_cast<std::size_t>(n), 0.0);
    x[0] = start_value;
    const auto at = [&](int year) -> double& { return x[static_cast<std::size_t>(year - years.first)]; };

    // Per projected year, the segment covering it (exactly one).
    std::vector<const Segment*> cover(static_cast<std::size_t>(n), nullptr);
    for (const auto& s : segments) {
        for (int year = std::max(s.first_year, years.first + 1); year <= std::min(s.last_year, years.last); ++year) {
            auto& slot = cover[static_cast<std::size_t>(year - years.first)];
            if (slot != nullptr)
                fail(name, "year " + std::to_string(year) + " is covered by two segments (" +
                               segment_label(name, *slot) + " and " + segment_label(name, s) + ")");
            slot = &s;
        }
    }

    double constant_factor = 1.0;  // for cagr/change/target: fixed when the segment starts
    for (int year = years.first + 1; year <= years.last; ++year) {
        const auto idx = static_cast<std::size_t>(year - years.first);
        if (auto a = anchors.find(year); a != anchors.end()) {
            x[idx] = a->second;
            continue;
        }
        const Segment* s = cover[idx];
        if (s == nullptr)
            fail(name, "year " + std::to_string(year) + " is not covered by any segment (the horizon runs to " +
                           std::to_string(years.last) + ")");
        const double prev = x[idx - 1];
        const int k = year - s->first_year;  // position within the segment
        const int span = s->last_year - s->first_year + 1;
        const auto per_year = [&](const std::vector<double>& v) { return v.size() == 1 ? v[0] : v[k]; };
        // Constant-growth methods fix their rate on the first projected year of the segment.
        const bool segment_start = (year == std::max(s->first_year, years.first + 1)) ||
                                   (anchors.count(year - 1) != 0);
        switch (s->method) {
            case Method::Growth:
                x[idx] = prev * (1.0 + per_year(s->values));
                break;
            case Method::Glide: {
                const double t = span == 1 ? 1.0 : static_cast<double>(k) / (span - 1);
                x[idx] = prev * (1.0 + s->values[0] + (s->values[1] - s->values[0]) * t);
                break;
            }
            case Method::Increment:
                x[idx] = prev + per_year(s->values);
                break;
            case Method::Pipeline:
                x[idx] = prev + s->values[0] / span;
                break;
            case Method::Cagr:
            case Method::Change:
            case Method::Target: {
                if (segment_start) {
                    double target = s->values[0];
                    if (s->method != Method::Target) {
                        if (s->ref_year < years.first)
                            fail(segment_label(name, *s) + ".from_year", s->ref_year,
                                 "a year >= the start year " + std::to_string(years.first));
                        const double ref = at(s->ref_year);
                        target = s->method == Method::Cagr ? ref * fpmath::pow(1.0 + s->values[0], aim(*s) - s->ref_year)
                                                           : ref * (1.0 + s->values[0]);
                    }
                    const int remaining = aim(*s) - year + 1;  // the target sits in the aim year, even past the horizon
                    if (!(prev > 0.0))
                        fail(name + (year - 1 == years.first ? ".start_value " : " ") + std::to_string(year - 1), prev,
                             "a positive value for " + segment_label(name, *s) +
                                 " to grow from at a constant rate");
                    // the factor, not the rate: 1 + (f - 1) is f only for f in [0.5, 2], and a target
                    // near zero (f near 0) would lose its digits; the batch path's vectorised pow, same bits
                    constant_factor = fpmath::pow(target / prev, 1.0 / remaining);
                }
                x[idx] = prev * constant_factor;
                break;
            }
        }
        if (!adjustments.empty()) x[idx] += adjustments[idx];
        if (!std::isfinite(x[idx]) || x[idx] < 0.0) {
            // the retirements (the only adjustments) can be what took the value below zero
            const bool retired = !adjustments.empty() && adjustments[idx] < 0.0;
            fail(name + " " + std::to_string(year), x[idx],
                 "a finite value >= 0 (check the segment " + segment_label(name, *s) +
                     (retired ? " and " + name + ".retirements)" : ")"));
        }
    }
    return x;
}

}  // namespace aipower::series
