#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>

#include "aipower/batch.hpp"
#include "aipower/errors.hpp"
#include "aipower/reduce.hpp"
#include "aipower/sampling.hpp"
#include "aipower/sweep.hpp"
#include "bindings.hpp"

namespace aipower::bindings {

namespace {

using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;
constexpr double kInf = std::numeric_limits<double>::infinity();

batch::OnError on_error_from(const std::string& name) {
    if (name == "raise") return batch::OnError::Raise;
    if (name == "skip") return batch::OnError::Skip;
    fail("on_error", "'" + name + "' is not a policy; expected 'raise' or 'skip'");
}

// A thread count from Python: any integer (numpy's too), checked here so that one that is not a
// C int, or not a whole number, is named like any other bad count rather than left to pybind11's
// "incompatible function arguments".
int threads_from(const py::handle& obj) {
    const auto refuse = [&](const std::string& whole_number) {
        throw std::invalid_argument("threads = " + py::repr(obj).cast<std::string>() + ": expected 0 (every core) or a count in 1-" +
                                    std::to_string(batch::kMaxThreads) + whole_number);
    };
    if (py::isinstance<py::bool_>(obj) || !PyIndex_Check(obj.ptr())) refuse(" (a whole number)");
    const auto whole = py::reinterpret_steal<py::object>(PyNumber_Index(obj.ptr()));
    if (!whole) throw py::error_already_set();
    int overflow = 0;
    const long long value = PyLong_AsLongLongAndOverflow(whole.ptr(), &overflow);
    if (overflow != 0 || value < 0 || value > batch::kMaxThreads) refuse("");
    return static_cast<int>(value);
}

// What an `out` buffer that does not fit is: its type, or its dtype and shape and what it lacks.
std::string described(const py::handle& obj) {
    if (!py::isinstance<py::array>(obj)) return "got " + py::str(py::type::of(obj).attr("__name__")).cast<std::string>();
    const auto a = py::reinterpret_borrow<py::array>(obj);
    std::string shape;
    for (py::ssize_t d = 0; d < a.ndim(); ++d) shape += (d ? ", " : "") + std::to_string(a.shape(d));
    std::string text = "got a " + py::str(a.dtype()).cast<std::string>() + " array of shape (" + shape +
                       (a.ndim() == 1 ? ",)" : ")");
    if (!(a.flags() & py::array::c_style)) text += ", not C-contiguous";
    if (!a.writeable()) text += ", read-only";
    return text;
}

sweep::Spec make_spec(const std::vector<sampling::Distribution>& inputs, std::uint64_t seed, bool latin, std::uint64_t samples) {
    sweep::Spec s;
    s.inputs = inputs;
    s.seed = seed;
    s.latin = latin;
    s.samples = samples;
    return s;
}

}  // namespace

void register_sweep(py::module_& m) {
    py::class_<sampling::Distribution>(m, "Distribution", "An uncertain input's distribution (model units).")
        .def_static("uniform", &sampling::uniform_dist, py::arg("low"), py::arg("high"))
        .def_static("triangular", &sampling::triangular_dist, py::arg("low"), py::arg("mode"), py::arg("high"))
        .def_static("normal", &sampling::normal_dist, py::arg("mean"), py::arg("sd"), py::arg("low") = -kInf,
                    py::arg("high") = kInf, "A normal distribution, truncated to [low, high].")
        .def_static("lognormal", &sampling::lognormal_dist, py::arg("median"), py::arg("sigma"), py::arg("low") = 0.0,
                    py::arg("high") = kInf, "A lognormal distribution (sigma of the log), truncated to [low, high].")
        .def_property_readonly("kind", [](const sampling::Distribution& d) { return sampling::kind_name(d.kind); })
        .def_readonly("low", &sampling::Distribution::low)
        .def_readonly("high", &sampling::Distribution::high)
        .def("validate", &sampling::validate, py::arg("name"), "Raise ValueError naming `name` if the parameters are invalid.")
        .def("quantile", &sampling::quantile, py::arg("p"), "The value at cumulative probability p in (0, 1).")
        .def("__repr__", [](const sampling::Distribution& d) { return "Distribution('" + sampling::kind_name(d.kind) + "')"; });

    py::class_<reduce::Summary>(m, "Summary",
                                "Streaming reductions of sweep outputs: quantiles within relative error alpha of the "
                                "lower sample quantile, exact-order means; mergeable and picklable.")
        .def(py::init<std::size_t, double>(), py::arg("width"), py::arg("alpha") = 1e-4)
        .def_property_readonly("width", &reduce::Summary::width)
        .def_property_readonly("alpha", &reduce::Summary::alpha)
        .def_property_readonly("failed", &reduce::Summary::failed)
        .def_property_readonly("first_failed", [](const reduce::Summary& s) -> py::object {
            return s.failed() ? py::object(py::int_(s.first_failed())) : py::object(py::none());
        })
        .def_property_readonly("first_failure", &reduce::Summary::first_failure)
        .def_property_readonly("blocks", &reduce::Summary::blocks)
        .def("count", &reduce::Summary::count, py::arg("column"))
        .def("mean", &reduce::Summary::mean, py::arg("column"))
        .def("quantile", &reduce::Summary::quantile, py::arg("column"), py::arg("q"))
        .def("min", &reduce::Summary::min, py::arg("column"))
        .def("max", &reduce::Summary::max, py::arg("column"))
        .def("merge", &reduce::Summary::merge, py::arg("other"), "Fold another summary (other chunks) into this one.")
        .def("to_bytes", [](const reduce::Summary& s) { return py::bytes(s.serialize()); })
        .def_static("from_bytes", [](const py::bytes& b) { return reduce::Summary::deserialize(std::string(b)); },
                    py::arg("data"))
        .def(py::pickle([](const reduce::Summary& s) { return py::make_tuple(py::bytes(s.serialize())); },
                        [](const py::tuple& t) {
                            if (t.size() != 1) fail("Summary state", "expected one bytes object");
                            return reduce::Summary::deserialize(t[0].cast<std::string>());
                        }));

    py::class_<batch::DataCenterRoute>(m, "DataCenterRoute",
                                       "The data-center route's inputs, for a batch that varies its assumptions.")
        .def_static(
            "capex",
            [](std::vector<double> capex, double fraction, double capex_per_watt, double twh_per_gw) {
                batch::DataCenterRoute r;
                r.kind = batch::DataCenterRoute::Kind::Capex;
                r.capex_yi_rmb = std::move(capex);
                r.first_year_fraction = fraction;
                r.capex_per_watt_rmb = capex_per_watt;
                r.twh_per_gw_year = twh_per_gw;
                return r;
            },
            py::arg("capex_yi_rmb"), py::arg("first_year_fraction"), py::arg("capex_per_watt_rmb"), py::arg("twh_per_gw_year"),
            "Capex route: capex per year of the horizon (亿 RMB), the first-year fraction and base values.")
        .def_static(
            "compute",
            [](std::vector<double> eflops, double change) {
                batch::DataCenterRoute r;
                r.kind = batch::DataCenterRoute::Kind::Compute;
                r.eflops = std::move(eflops);
                r.energy_per_flop_change = change;
                return r;
            },
            py::arg("eflops"), py::arg("energy_per_flop_change"),
            "Compute route: EFLOPS per year of the horizon and the base change of energy per FLOP.");

    py::class_<batch::Model>(m, "Model",
                             "The China model compiled for batch evaluation: a base ModelInputs, the scalar inputs "
                             "each parameter column varies (bindings) and the outputs to compute.")
        .def(py::init<const china::Inputs&, const std::vector<std::string>&, const std::vector<std::string>&,
                      const batch::DataCenterRoute&>(),
             py::arg("inputs"), py::arg("bindings"), py::arg("outputs"), py::arg("route") = batch::DataCenterRoute{})
        .def_property_readonly("parameters", &batch::Model::parameters)
        .def_property_readonly("bindings", &batch::Model::binding_names)
        .def_property_readonly("outputs", &batch::Model::output_names)
        .def_property_readonly("output_widths", &batch::Model::output_widths)
        .def_property_readonly("width", &batch::Model::width)
        .def_property_readonly("first_year", [](const batch::Model& mo) { return mo.years().first; })
        .def_property_readonly("last_year", [](const batch::Model& mo) { return mo.years().last; })
        .def("base_values", &batch::Model::base_values, "The bound inputs' values in the base inputs.")
        .def(
            "evaluate",
            [](const batch::Model& mo, const Array& values, const py::object& threads_arg, const std::string& on_error,
               py::object out_arg) {
                // Shapes are checked with the GIL held; the loop runs without it.
                const auto policy = on_error_from(on_error);
                const int threads = threads_from(threads_arg);
                if (values.ndim() != 2)
                    fail("values", "has " + std::to_string(values.ndim()) + " dimensions, expected 2 (scenarios × parameters)");
                const auto n = static_cast<std::size_t>(values.shape(0));
                if (static_cast<std::size_t>(values.shape(1)) != mo.parameters())
                    fail("values", "has " + std::to_string(values.shape(1)) + " columns, expected " +
                                       std::to_string(mo.parameters()) + " (one per binding)");
                // A caller's buffer (reused across calls: no fresh pages to fault in) or a new array.
                py::array_t<double> out;
                if (out_arg.is_none()) {
                    out = py::array_t<double>({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(mo.width())});
                } else {
                    // An ndarray, not anything numpy can copy into one: the outputs must land in the caller's buffer.
                    const bool is_array = py::isinstance<py::array>(out_arg);
                    const auto given = is_array ? py::reinterpret_borrow<py::array>(out_arg) : py::array();
                    const bool fits = is_array && given.dtype().is(py::dtype::of<double>()) && given.ndim() == 2 &&
                                      static_cast<std::size_t>(given.shape(0)) == n &&
                                      static_cast<std::size_t>(given.shape(1)) == mo.width() &&
                                      (given.flags() & py::array::c_style) && given.writeable();
                    if (!fits)
                        fail("out", "must be a writable C-contiguous float64 array of shape (" + std::to_string(n) + ", " +
                                        std::to_string(mo.width()) + ") (scenarios × output width); " + described(out_arg));
                    out = py::reinterpret_borrow<py::array_t<double>>(given);
                    // The kernel reads the values while it writes the outputs: they must not overlap.
                    const auto o0 = reinterpret_cast<std::uintptr_t>(out.data());
                    const auto v0 = reinterpret_cast<std::uintptr_t>(values.data());
                    const auto o1 = o0 + static_cast<std::uintptr_t>(out.nbytes());
                    const auto v1 = v0 + static_cast<std::uintptr_t>(values.nbytes());
                    if (out.nbytes() > 0 && values.nbytes() > 0 && o0 < v1 && v0 < o1)
                        fail("out", "shares memory with values: give a separate array for the outputs");
                }
                py::array_t<std::uint8_t> ok(static_cast<py::ssize_t>(n));
                const double* in = values.data();
                double* o = out.mutable_data();
                std::uint8_t* k = ok.mutable_data();
                batch::Status status;
                {
                    py::gil_scoped_release release;
                    status = mo.evaluate(in, n, o, k, threads, policy);
                }
                py::dict s;
                s["failed"] = status.failed;
                s["first_failed"] = status.failed ? py::object(py::int_(status.first_failed)) : py::object(py::none());
                s["first_failure"] = status.first_failure;
                return py::make_tuple(out, ok.attr("astype")("bool"), s);
            },
            py::arg("values"), py::arg("threads") = 0, py::arg("on_error") = "raise", py::arg("out") = py::none(),
            "Evaluate N scenarios (values: N × parameters). Returns (outputs N × width, ok N, status). "
            "on_error='raise' raises ValueError for the lowest failing scenario; 'skip' gives NaN rows and ok False. "
            "out: an N × width float64 array to write the outputs into (and return), e.g. reused across calls.");

    m.def("resolve_threads", &batch::resolve_threads, py::arg("threads"), "Worker threads for a request (0: every core).");
    m.attr("BLOCK") = reduce::kBlock;
    m.attr("MAX_SAMPLES") = sweep::kMaxSamples;
    m.attr("MAX_THREADS") = batch::kMaxThreads;

    m.def(
        "run",
        [](const batch::Model& mo, const std::vector<sampling::Distribution>& inputs, std::uint64_t seed, bool latin,
           std::uint64_t samples, std::uint64_t first, std::uint64_t count, reduce::Summary& into, int threads) {
            const auto spec = make_spec(inputs, seed, latin, samples);
            sweep::validate(spec, mo);
            py::gil_scoped_release release;
            sweep::run(mo, spec, first, count, into, threads);
        },
        py::arg("model"), py::arg("inputs"), py::arg("seed"), py::arg("latin"), py::arg("samples"), py::arg("first"),
        py::arg("count"), py::arg("summary"), py::arg("threads") = 0,
        "Samples [first, first + count) of a sweep of `samples`, folded into `summary` (GIL released).");

    m.def(
        "draw",
        [](const std::vector<sampling::Distribution>& inputs, std::uint64_t seed, bool latin, std::uint64_t samples,
           std::uint64_t first, std::uint64_t count) {
            const auto spec = make_spec(inputs, seed, latin, samples);
            for (std::size_t j = 0; j < inputs.size(); ++j) sampling::validate(inputs[j], "inputs[" + std::to_string(j) + "]");
            if (samples == 0 || samples > sweep::kMaxSamples)
                fail("samples", static_cast<double>(samples), "a count in 1-" + std::to_string(sweep::kMaxSamples));
            if (first > samples || count > samples - first)
                fail("count", static_cast<double>(count), "at most samples - first");
            py::array_t<double> out({static_cast<py::ssize_t>(count), static_cast<py::ssize_t>(inputs.size())});
            double* o = out.mutable_data();
            {
                py::gil_scoped_release release;
                for (std::uint64_t i = 0; i < count; ++i) sweep::draw(spec, first + i, o + i * inputs.size());
            }
            return out;
        },
        py::arg("inputs"), py::arg("seed"), py::arg("latin"), py::arg("samples"), py::arg("first"), py::arg("count"),
        "The input values of samples [first, first + count): count × inputs.");
}

}  // namespace aipower::bindings
