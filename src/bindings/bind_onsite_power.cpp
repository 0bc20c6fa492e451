#include "aipower/onsite_power.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

namespace {
py::dict totals_to_dict(const onsite_power::Totals& t) {
    py::dict d;
    d["capex"] = t.capex;
    d["opex"] = t.opex;
    d["total"] = t.total;
    return d;
}
}  // namespace

void register_onsite_power(py::module_& m) {
    using namespace aipower::onsite_power;
    def_with_array(
        m, "lifetime_cost", std::array{"capex", "opex", "total"},
        [](double capex, double opex_per_year, int years, double discount_rate) {
            const auto t = lifetime_cost({capex, opex_per_year}, years, discount_rate);
            return std::array{t.capex, t.opex, t.total};
        },
        "Capex plus discounted opex over the years.", py::arg("capex"), py::arg("opex_per_year"), py::arg("years"),
        py::arg("discount_rate"));
    m.def(
        "compare",
        [](double capacity_mw, double turbine_capex_per_mw, double turbine_opex_per_mw_year,
           double alternative_capex_multiple, double alternative_extra_opex_per_mw_year, int years, double discount_rate) {
            const auto c = compare(capacity_mw, turbine_capex_per_mw, turbine_opex_per_mw_year, alternative_capex_multiple,
                                   alternative_extra_opex_per_mw_year, years, discount_rate);
            py::dict d;
            d["turbine"] = totals_to_dict(c.turbine_totals);
            d["alternative"] = totals_to_dict(c.alternative_totals);
            d["alternative_opex_per_year"] = c.alternative.opex_per_year;
            d["turbine_opex_per_year"] = c.turbine.opex_per_year;
            d["extra_capex"] = c.extra_capex;
            d["extra_opex"] = c.extra_opex;
            d["extra_total"] = c.extra_total;
            return d;
        },
        py::arg("capacity_mw"), py::arg("turbine_capex_per_mw"), py::arg("turbine_opex_per_mw_year"),
        py::arg("alternative_capex_multiple"), py::arg("alternative_extra_opex_per_mw_year"), py::arg("years"),
        py::arg("discount_rate"), "Gas turbine vs an alternative: totals and the alternative's extra cost.");
    // The same fields flattened, as onsite_power.COMPARE_FIELDS names them.
    def_array(
        m, "compare",
        std::array{"turbine_capex", "turbine_opex", "turbine_total", "alternative_capex", "alternative_opex",
                   "alternative_total", "alternative_opex_per_year", "turbine_opex_per_year", "extra_capex", "extra_opex",
                   "extra_total"},
        [](double capacity_mw, double turbine_capex_per_mw, double turbine_opex_per_mw_year,
           double alternative_capex_multiple, double alternative_extra_opex_per_mw_year, int years, double discount_rate) {
            const auto c = compare(capacity_mw, turbine_capex_per_mw, turbine_opex_per_mw_year, alternative_capex_multiple,
                                   alternative_extra_opex_per_mw_year, years, discount_rate);
            return std::array{c.turbine_totals.capex, c.turbine_totals.opex, c.turbine_totals.total,
                              c.alternative_totals.capex, c.alternative_totals.opex, c.alternative_totals.total,
                              c.alternative.opex_per_year, c.turbine.opex_per_year, c.extra_capex, c.extra_opex,
                              c.extra_total};
        },
        "Gas turbine vs an alternative: totals and the alternative's extra cost, flattened (turbine_capex, ...).",
        py::arg("capacity_mw"), py::arg("turbine_capex_per_mw"), py::arg("turbine_opex_per_mw_year"),
        py::arg("alternative_capex_multiple"), py::arg("alternative_extra_opex_per_mw_year"), py::arg("years"),
        py::arg("discount_rate"));
}

}  // namespace aipower::bindings
