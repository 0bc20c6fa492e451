#include "aipower/units.hpp"

#include "aipower/errors.hpp"

namespace aipower::units {

double yi_kwh_to_twh(double yi_kwh) {
    require_finite("yi_kwh", yi_kwh);
    return finite_result("yi_kwh_to_twh", yi_kwh / kYiKwhPerTwh);
}
double twh_to_yi_kwh(double twh) {
    require_finite("twh", twh);
    return finite_result("twh_to_yi_kwh", twh * kYiKwhPerTwh);
}
double yi_kw_to_gw(double yi_kw) {
    require_finite("yi_kw", yi_kw);
    return finite_result("yi_kw_to_gw", yi_kw * kGwPerYiKw);
}
double gw_to_yi_kw(double gw) {
    require_finite("gw", gw);
    return finite_result("gw_to_yi_kw", gw / kGwPerYiKw);
}
double wan_kw_to_gw(double wan_kw) {
    require_finite("wan_kw", wan_kw);
    return finite_result("wan_kw_to_gw", wan_kw / kWanKwPerGw);
}
double gw_to_wan_kw(double gw) {
    require_finite("gw", gw);
    return finite_result("gw_to_wan_kw", gw * kWanKwPerGw);
}
double mw_to_gw(double mw) {
    require_finite("mw", mw);
    return finite_result("mw_to_gw", mw / kMwPerGw);
}
double gw_to_mw(double gw) {
    require_finite("gw", gw);
    return finite_result("gw_to_mw", gw * kMwPerGw);
}
double gw_hours_to_twh(double gw, double hours) {
    require_finite("gw", gw);
    require_finite("hours", hours);
    return finite_result("gw_hours_to_twh", gw * hours / kGwhPerTwh);
}
double twh_per_gw_to_hours(double twh, double gw) {
    require_finite("twh", twh);
    require_positive("gw", gw);
    return finite_result("twh_per_gw_to_hours", twh * kGwhPerTwh / gw);
}
double per_capita_to_twh(double kwh_per_person, double population_million) {
    require_finite("kwh_per_person", kwh_per_person);
    require_positive("population_million", population_million);
    return finite_result("per_capita_to_twh", kwh_per_person * population_million / kKwhTimesMillionPerTwh);
}
double twh_to_per_capita(double twh, double population_million) {
    require_finite("twh", twh);
    require_positive("population_million", population_million);
    return finite_result("twh_to_per_capita", twh * kKwhTimesMillionPerTwh / population_million);
}

}  // namespace aipower::units
