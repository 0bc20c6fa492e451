#include "aipower/global_dc.hpp"

#include "bindings.hpp"

namespace aipower::bindings {

void register_global_dc(py::module_& m) {
    using namespace aipower::global_dc;
    m.def("start_from_increment", py::vectorize(&start_from_increment), py::arg("increment_twh"), py::arg("growth"),
          "Start value = increment / growth over the period.");
    m.def("end_from_growth", py::vectorize(&end_from_growth), py::arg("start_twh"), py::arg("growth"),
          "End value = start × (1 + growth).");
    m.def(
        "project",
        [](const std::vector<double>& start_twh, const std::vector<double>& growth_to_end, double world_start_twh,
           double world_end_twh, int years) {
            const auto r = project(start_twh, growth_to_end, world_start_twh, world_end_twh, years);
            py::dict d;
            d["start_twh"] = to_array(r.start_twh);
            d["end_twh"] = to_array(r.end_twh);
            d["rest_start_twh"] = r.rest_start_twh;
            d["rest_end_twh"] = r.rest_end_twh;
            d["world_cagr"] = r.world_cagr;
            py::list region_paths;
            for (const auto& path : r.region_paths) region_paths.append(to_array(path));
            d["region_paths"] = region_paths;
            d["world_path"] = to_array(r.world_path);
            d["rest_path"] = to_array(r.rest_path);
            return d;
        },
        py::arg("start_twh"), py::arg("growth_to_end"), py::arg("world_start_twh"), py::arg("world_end_twh"),
        py::arg("years"), "Regions' end values and yearly paths; the rest of the world as the residual of the world totals in every year.");
    m.def(
        "cagr_path", [](double start, double end, int years) { return to_array(cagr_path(start, end, years)); },
        py::arg("start"), py::arg("end"), py::arg("years"), "years + 1 values from start to end at constant growth.");
}

}  // namespace aipower::bindings
