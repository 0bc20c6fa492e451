// Input validation shared by every kernel area. A bad argument raises
// aipower::InvalidInput (a std::invalid_argument, so pybind11 turns it into a
// Python ValueError) whose message names the argument, the value and the
// expected range.
#pragma once

#include <cmath>
#include <cstddef>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace aipower {

class InvalidInput : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

inline std::string format_value(double value) {
    std::ostringstream out;
    out.precision(10);
    out << value;
    return out.str();
}

// Arguments are named by std::string_view: a check that passes builds no string (a name longer than
// the small-string buffer was a heap allocation per check, a good part of a calculator's time).
[[noreturn]] inline void fail(std::string_view argument, double value, const std::string& expected) {
    throw InvalidInput(std::string(argument) + " = " + format_value(value) + ": expected " + expected);
}

[[noreturn]] inline void fail(std::string_view argument, const std::string& problem) {
    throw InvalidInput(std::string(argument) + ": " + problem);
}

inline void require_finite(std::string_view argument, double value) {
    if (!std::isfinite(value)) fail(argument, value, "a finite number");
}

inline void require_non_negative(std::string_view argument, double value) {
    if (!(std::isfinite(value) && value >= 0.0)) fail(argument, value, "a finite number >= 0");
}

inline void require_positive(std::string_view argument, double value) {
    if (!(std::isfinite(value) && value > 0.0)) fail(argument, value, "a finite number > 0");
}

// A count of things (accelerators): whole, as a worksheet's integer argument takes it; > 0 if `positive`.
inline void require_count(std::string_view argument, double value, bool positive) {
    if (!(std::isfinite(value) && value >= (positive ? 1.0 : 0.0) && value == std::floor(value)))
        fail(argument, value, positive ? "a whole number >= 1 (a count)" : "a whole number >= 0 (a count)");
}

inline void require_range(std::string_view argument, double value, double lo, double hi) {
    if (!(std::isfinite(value) && value >= lo && value <= hi))
        fail(argument, value, "a number in [" + format_value(lo) + ", " + format_value(hi) + "]");
}

// Power usage effectiveness: facility power over IT power, so never below 1.
inline void require_pue(std::string_view argument, double pue) {
    if (!(std::isfinite(pue) && pue >= 1.0)) fail(argument, pue, "a PUE >= 1 (facility power / IT power)");
}

// Growth rates at or below -100% would make a series zero or negative.
inline void require_growth(std::string_view argument, double rate) {
    if (!(std::isfinite(rate) && rate > -1.0)) fail(argument, rate, "a growth rate > -1 (-100%)");
}

// Years the model accepts. Beyond 2100 projections lose meaning (and year
// arithmetic on arbitrary integers could overflow), so they are refused.
inline constexpr int kMinYear = 1900;
inline constexpr int kMaxYear = 2100;

inline void require_year(std::string_view argument, int year) {
    if (year < kMinYear || year > kMaxYear)
        fail(argument, static_cast<double>(year),
             "a year in " + std::to_string(kMinYear) + "-" + std::to_string(kMaxYear));
}

// A number of years for a path or a period: at least `min_years` and no longer
// than the model's year range (a longer path means nothing and could exhaust memory).
inline constexpr int kMaxYears = kMaxYear - kMinYear;

inline void require_years_count(std::string_view argument, int years, int min_years) {
    if (years < min_years || years > kMaxYears)
        fail(argument, static_cast<double>(years),
             "a number of years in " + std::to_string(min_years) + "-" + std::to_string(kMaxYears));
}

// A path given as one value per year: at most kMaxYears of them (a million were computed, unasked).
inline void require_path_length(std::string_view argument, std::size_t values) {
    if (values > static_cast<std::size_t>(kMaxYears))
        fail(argument, "has " + std::to_string(values) + " values; expected one per year of a path of at most " +
                           std::to_string(kMaxYears) + " years");
}

inline void require_share(std::string_view argument, double share) { require_range(argument, share, 0.0, 1.0); }

// A computed result that overflowed (finite inputs too large) is refused, not returned.
inline double finite_result(std::string_view what, double value) {
    if (!std::isfinite(value))
        fail(what, value, "a finite result (an input is too large, or one it divides by too close to zero)");
    return value;
}

template <typename Vector>
Vector finite_results(std::string_view what, Vector values) {
    for (double v : values) finite_result(what, v);
    return values;
}

// `per` says what each value pairs with, for the message.
inline void require_same_length(std::string_view argument, std::size_t got, std::size_t expected,
                                const std::string& per = "one per year of the horizon") {
    if (got != expected)
        fail(argument, "has " + std::to_string(got) + " values, expected " + std::to_string(expected) + " (" + per + ")");
}

}  // namespace aipower
