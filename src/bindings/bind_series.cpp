#include "aipower/series.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

void register_series(py::module_& m) {
    using namespace aipower::series;
    py::class_<Segment>(m, "Segment", "One method driving a series over a range of years.")
        .def(py::init([](const std::string& method, int first_year, int last_year, std::vector<double> values, int ref_year) {
                 Segment s;
                 s.method = method_from_name(method);
                 s.first_year = first_year;
                 s.last_year = last_year;
                 s.values = std::move(values);
                 s.ref_year = ref_year;
                 return s;
             }),
             py::arg("method"), py::arg("first_year"), py::arg("last_year"), py::arg("values"), py::arg("ref_year") = 0)
        .def_property_readonly("method", [](const Segment& s) { return method_name(s.method); })
        .def_readonly("first_year", &Segment::first_year)
        .def_readonly("last_year", &Segment::last_year)
        .def_readonly("values", &Segment::values)
        .def_readonly("ref_year", &Segment::ref_year)
        .def("__repr__", [](const Segment& s) {
            return "Segment('" + method_name(s.method) + "', " + std::to_string(s.first_year) + ", " +
                   std::to_string(s.last_year) + ")";
        });
    m.def(
        "project",
        [](const std::string& name, int first_year, int last_year, double start_value, const std::vector<Segment>& segments,
           const std::map<int, double>& anchors) {
            std::vector<double> out;
            {
                py::gil_scoped_release release;
                out = project(name, {first_year, last_year}, start_value, segments, anchors);
            }
            return to_array(out);
        },
        py::arg("name"), py::arg("first_year"), py::arg("last_year"), py::arg("start_value"), py::arg("segments"),
        py::arg("anchors") = std::map<int, double>{},
        "Roll start_value (in first_year) forward to last_year by the segments; anchors pin known years.");
    m.def("check_segment", &check_segment, py::arg("label"), py::arg("segment"),
          "Check one segment on its own (years, value count, values); errors start with `label`.");
    m.def("cagr", &cagr, py::arg("from_value"), py::arg("to_value"), py::arg("years"),
          "Compound annual growth rate between two values `years` apart.");
}

}  // namespace aipower::bindings
