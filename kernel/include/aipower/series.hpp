// Yearly series driven the ways analysts drive them. A series starts from a
// known value in a start year and is rolled forward one year at a time by
// segments, each covering a range of years with one method:
//
//   growth    x[t] = x[t-1] * (1 + r)          one rate, or one rate per year
//   glide     like growth, the rate moving linearly from `from` (first year)
//             to `to` (last year)
//   increment x[t] = x[t-1] + d                one step, or one step per year
//   pipeline  a total spread evenly over the segment's years (increments)
//   cagr      constant growth reaching x[ref] * (1 + r)^(last - ref) in the
//             last year: "a CAGR of r between year ref and the last year"
//   change    constant growth reaching x[ref] * (1 + c) in the last year
//   target    constant growth reaching an absolute value in the last year
//
// (For cagr, change and target, "the last year" is the aim year where one is set: a segment cut
// short, by the renewable target's years, still follows the path to its own last year.)
//
// Segment years at or before the start year are ignored, so a scenario written
// for base year 2024 can be rebased on 2025 without editing it.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace aipower::series {

enum class Method { Growth, Glide, Increment, Pipeline, Cagr, Change, Target };

Method method_from_name(const std::string& name);
std::string method_name(Method method);

struct Segment {
    Method method = Method::Growth;
    int first_year = 0;
    int last_year = 0;
    // growth/increment: 1 value or one per year; glide: {from, to};
    // pipeline: {total}; cagr: {rate}; change: {fraction}; target: {value}.
    std::vector<double> values;
    // Reference year for cagr and change.
    int ref_year = 0;
    // cagr/change/target: the year their value is reached when that is after the segment's last year
    // (a segment the renewable target's years cut short keeps its path); 0: the last year.
    int aim_year = 0;
};

// The year a cagr, change or target segment reaches its value.
inline int aim(const Segment& s) { return s.aim_year != 0 ? s.aim_year : s.last_year; }

struct Years {
    int first = 0;  // the start year (known value)
    int last = 0;   // last projected year
    int count() const { return last - first + 1; }
};

// Both years within the model's range (errors.hpp kMinYear-kMaxYear), last >= first.
void check_years(const std::string& name, const Years& years);

// One segment on its own: its years, value count and values (rates > -100%, finite values,
// from_year before the first year), errors prefixed by `label`. `project` runs it on every
// segment; a scenario loader can run it first, to name the file and line of a bad segment.
void check_segment(const std::string& label, const Segment& segment);

// Anchor years after years.first, up to years.last, and values >= 0; errors prefixed by `name`.
void check_anchors(const std::string& name, const Years& years, const std::map<int, double>& anchors);

// Rolls `start_value` (in years.first) forward to years.last. `anchors` pins
// a year to a known value (actuals after the start year). `name` prefixes
// every error message. Every year after the start must be covered by exactly
// one segment. `adjustments` (empty, or one per year with element 0 unused)
// is added after each year's step: retirements enter as negative values.
// Values must stay finite and >= 0.
std::vector<double> project(const std::string& name, const Years& years, double start_value,
                            const std::vector<Segment>& segments, const std::map<int, double>& anchors = {},
                            const std::vector<double>& adjustments = {});

// Growth of each year over the one before; element 0 (the start year) is
// `start_growth` (the last actual growth rate, or 0 if unknown).
std::vector<double> growth_rates(const std::vector<double>& path, double start_growth = 0.0);

// Compound annual growth between two values `years` apart.
double cagr(double from_value, double to_value, double years);

// Yearly values of a per-year array, for pipeline/increment segments: spreads
// `total` evenly over n years.
std::vector<double> spread_evenly(double total, int years);

}  // namespace aipower::series
