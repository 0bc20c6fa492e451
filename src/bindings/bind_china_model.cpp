#include "aipower/china_model.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

namespace {

using namespace aipower;

py::dict per_source(const std::array<std::vector<double>, supply::kSourceCount>& values) {
    py::dict d;
    for (int s = 0; s < supply::kSourceCount; ++s)
        d[py::str(supply::source_names()[static_cast<std::size_t>(s)])] = to_array(values[static_cast<std::size_t>(s)]);
    return d;
}

py::dict result_to_dict(const china::Result& r) {
    py::dict out;
    out["years"] = r.demand.years;
    py::dict demand;
    for (const auto& name : demand::row_names()) demand[py::str(name)] = to_array(r.demand.rows.at(name));
    out["demand"] = demand;
    out["population"] = to_array(r.demand.population);
    out["capacity"] = per_source(r.capacity);
    out["additions"] = per_source(r.additions);
    out["hours"] = per_source(r.hours);
    out["generation"] = per_source(r.balance.generation);
    out["required"] = to_array(r.balance.required);
    out["non_hydro_share"] = to_array(r.balance.non_hydro_share);
    out["wind_solar_additions"] = to_array(r.wind_solar_additions);
    out["loss_factor"] = r.loss_factor;
    if (r.has_requirement) {
        py::dict req;
        req["level"] = r.requirement.level;
        req["share_at_zero"] = r.requirement.share_at_zero;
        req["share_per_gw"] = r.requirement.share_per_gw;
        out["requirement"] = req;
    } else {
        out["requirement"] = py::none();
    }
    return out;
}

}  // namespace

void register_china_model(py::module_& m) {
    py::enum_<demand::Driver>(m, "Driver")
        .value("series", demand::Driver::Series)
        .value("per_capita", demand::Driver::PerCapita);
    py::enum_<china::HoursBase>(m, "HoursBase")
        .value("given", china::HoursBase::Given)
        .value("solar_from_wind_solar", china::HoursBase::SolarFromWindSolar)
        .value("residual_of_renewables", china::HoursBase::ResidualOfRenewables)
        .value("rebased_on_conventional", china::HoursBase::RebasedOnConventional);

    py::class_<demand::RowSpec>(m, "RowSpec", "How one demand row is driven (TWh).")
        .def(py::init<>())
        .def_readwrite("driver", &demand::RowSpec::driver)
        .def_readwrite("start_value", &demand::RowSpec::start_value)
        .def_readwrite("segments", &demand::RowSpec::segments)
        .def_readwrite("anchors", &demand::RowSpec::anchors)
        .def_readwrite("path", &demand::RowSpec::path);

    py::class_<demand::Inputs>(m, "DemandInputs", "Demand by sector.")
        .def(py::init<>())
        .def_readwrite("primary", &demand::Inputs::primary)
        .def_readwrite("secondary", &demand::Inputs::secondary)
        .def_readwrite("tertiary_core", &demand::Inputs::tertiary_core)
        .def_readwrite("residential_core", &demand::Inputs::residential_core)
        .def_readwrite("ev_charging", &demand::Inputs::ev_charging)
        .def_readwrite("data_centers", &demand::Inputs::data_centers)
        .def_readwrite("population_start", &demand::Inputs::population_start)
        .def_readwrite("population_segments", &demand::Inputs::population_segments)
        .def_readwrite("population_anchors", &demand::Inputs::population_anchors)
        .def_readwrite("ev_tertiary_share", &demand::Inputs::ev_tertiary_share)
        .def_readwrite("start_total_growth", &demand::Inputs::start_total_growth)
        .def_readwrite("tertiary_total_start", &demand::Inputs::tertiary_total_start)
        .def_readwrite("residential_total_start", &demand::Inputs::residential_total_start)
        .def_readwrite("tertiary_total_anchors", &demand::Inputs::tertiary_total_anchors)
        .def_readwrite("residential_total_anchors", &demand::Inputs::residential_total_anchors);
    m.def("demand_rows", &demand::row_names, "Demand row names in table order.");
    m.def("sources", [] {
        const auto& names = supply::source_names();
        return std::vector<std::string>(names.begin(), names.end());
    }, "Source names in table order.");

    py::class_<supply::CapacitySpec>(m, "CapacitySpec", "Capacity of one source (GW, end of year).")
        .def(py::init<>())
        .def_readwrite("previous_end", &supply::CapacitySpec::previous_end)
        .def_readwrite("start_end", &supply::CapacitySpec::start_end)
        .def_readwrite("additions", &supply::CapacitySpec::additions)
        .def_readwrite("retirements", &supply::CapacitySpec::retirements)
        .def_readwrite("anchors", &supply::CapacitySpec::anchors);

    py::class_<china::HoursSpec>(m, "HoursSpec", "Utilization hours of one source (h).")
        .def(py::init<>())
        .def_readwrite("base", &china::HoursSpec::base)
        .def_readwrite("start", &china::HoursSpec::start)
        .def_readwrite("segments", &china::HoursSpec::segments);

    py::class_<china::CalibrationData>(m, "CalibrationData", "Base-year data the calibration uses.")
        .def(py::init<>())
        .def_readwrite("coal_hours", &china::CalibrationData::coal_hours)
        .def_readwrite("wind_solar_generation", &china::CalibrationData::wind_solar_generation)
        .def_readwrite("renewable_generation", &china::CalibrationData::renewable_generation)
        .def_readwrite("hydro_reported_previous_end", &china::CalibrationData::hydro_reported_previous_end)
        .def_readwrite("hydro_reported_start_end", &china::CalibrationData::hydro_reported_start_end)
        .def_readwrite("loss_factor", &china::CalibrationData::loss_factor);

    py::class_<china::RenewableTarget>(m, "RenewableTarget", "A non-hydro share to reach by solving wind+solar additions.")
        .def(py::init<>())
        .def_readwrite("enabled", &china::RenewableTarget::enabled)
        .def_readwrite("share", &china::RenewableTarget::share)
        .def_readwrite("year", &china::RenewableTarget::year)
        .def_readwrite("first_year", &china::RenewableTarget::first_year)
        .def_readwrite("last_year", &china::RenewableTarget::last_year)
        .def_readwrite("wind_fraction", &china::RenewableTarget::wind_fraction);

    py::class_<china::Inputs>(m, "ModelInputs", "Every input of the China power-balance model.")
        .def(py::init<>())
        .def_property(
            "first_year", [](const china::Inputs& in) { return in.years.first; },
            [](china::Inputs& in, int y) { in.years.first = y; })
        .def_property(
            "last_year", [](const china::Inputs& in) { return in.years.last; },
            [](china::Inputs& in, int y) { in.years.last = y; })
        .def_readwrite("demand", &china::Inputs::demand)
        .def("capacity", [](china::Inputs& in, const std::string& source) -> supply::CapacitySpec& {
            return in.capacity[static_cast<std::size_t>(supply::source_from_name(source))];
        }, py::arg("source"), py::return_value_policy::reference_internal)
        .def("hours", [](china::Inputs& in, const std::string& source) -> china::HoursSpec& {
            return in.hours[static_cast<std::size_t>(supply::source_from_name(source))];
        }, py::arg("source"), py::return_value_policy::reference_internal)
        .def_readwrite("net_imports", &china::Inputs::net_imports)
        .def_readwrite("calibration", &china::Inputs::calibration)
        .def_readwrite("target", &china::Inputs::target);

    m.def("run", [](const china::Inputs& inputs) {
        china::Result r;
        {
            py::gil_scoped_release release;
            r = china::run(inputs);
        }
        return result_to_dict(r);
    }, py::arg("inputs"), "Run the China power-balance model; returns a dict of numpy arrays.");

    m.def("required_level", [](const china::Inputs& inputs, const china::RenewableTarget& target) {
        renewables::Requirement r;
        {
            py::gil_scoped_release release;
            r = china::required_level(inputs, target);
        }
        py::dict d;
        d["level"] = r.level;
        d["share_at_zero"] = r.share_at_zero;
        d["share_per_gw"] = r.share_per_gw;
        return d;
    }, py::arg("inputs"), py::arg("target"),
          "Wind+solar GW/yr over the target's years that reaches the target share, all else as in inputs.");
}

}  // namespace aipower::bindings
