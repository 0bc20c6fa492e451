// Shared declarations for the binding files: one register_* function per model
// area, assembled in module.cpp. Only glue lives here; every calculation is in
// the kernel.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <array>
#include <cstddef>
#include <string>
#include <tuple>
#include <type_traits>
#include <vector>

namespace aipower::bindings {

namespace py = pybind11;

// A copy of a kernel vector as a 1-D float64 numpy array.
inline py::array_t<double> to_array(const std::vector<double>& v) {
    py::array_t<double> out(static_cast<py::ssize_t>(v.size()));
    std::copy(v.begin(), v.end(), out.mutable_data());
    return out;
}

// Kernel functions with several results, as a dict of floats and as an array version. `row` is the scalar
// function as a lambda returning its results in the order of `fields`, e.g.
//     [](double a, double b, int years) { const auto r = kernel(a, b, years); return std::array{r.x, r.y}; }
// The array version takes the same arguments, each double as a 1-D float64 array (all of one length) and
// anything else (such as `years`) as is. It computes element by element with the GIL released and returns
// {field: 1-D float64 array}. The first element the kernel refuses (in order) raises the scalar call's
// exception: gil_scoped_release takes the GIL back as the exception unwinds, then pybind11 translates it.
namespace several_results {

using Column = py::array_t<double, py::array::c_style | py::array::forcecast>;

// What the array version takes for an argument of the scalar function: a column for a double.
template <typename T> struct Param { using type = T; };
template <> struct Param<double> { using type = Column; };

// Where the loop reads an argument without the GIL (a column's data, or the fixed argument itself),
// and its value at element i.
inline const double* source(const Column& column) { return column.data(); }
template <typename T> T source(const T& fixed) { return fixed; }
inline double at(const double* data, std::size_t i) { return data[i]; }
template <typename T> T at(const T& fixed, std::size_t) { return fixed; }

inline void add_length(std::vector<py::ssize_t>& lengths, const std::string& name, const Column& column) {
    if (column.ndim() != 1)
        throw py::value_error(name + "(): expected 1-D arrays, got one of " + std::to_string(column.ndim()) + " dimensions");
    lengths.push_back(column.shape(0));
}
template <typename T> void add_length(std::vector<py::ssize_t>&, const std::string&, const T&) {}

// The argument types of a lambda's call operator.
template <typename F> struct Signature : Signature<decltype(&F::operator())> {};
template <typename C, typename R, typename... A> struct Signature<R (C::*)(A...) const> {
    using args = std::tuple<A...>;
};

template <std::size_t M>
py::dict to_dict(const std::array<const char*, M>& fields, const std::array<double, M>& values) {
    py::dict d;
    for (std::size_t k = 0; k < M; ++k) d[fields[k]] = values[k];
    return d;
}

template <typename Row, std::size_t M, typename Args = typename Signature<Row>::args> struct Versions;
template <typename Row, std::size_t M, typename... A> struct Versions<Row, M, std::tuple<A...>> {
    static_assert(std::is_same_v<std::invoke_result_t<const Row&, A...>, std::array<double, M>>,
                  "row must return std::array<double, M>, M being the number of fields");
    static_assert((std::is_same_v<A, double> || ...), "row must take at least one double");

    static auto scalar(const std::array<const char*, M>& fields, Row row) {
        return [fields, row](A... args) { return to_dict(fields, row(args...)); };
    }

    static auto array(const std::string& name, const std::array<const char*, M>& fields, Row row) {
        return [name, fields, row](const typename Param<A>::type&... args) {
            std::vector<py::ssize_t> lengths;
            (add_length(lengths, name, args), ...);
            for (const auto length : lengths)
                if (length != lengths.front()) {
                    std::string listed;
                    for (const auto l : lengths) listed += (listed.empty() ? "" : ", ") + std::to_string(l);
                    throw py::value_error(name + "(): arrays of lengths " + listed +
                                          "; expected one length (broadcast them first)");
                }
            const auto n = static_cast<std::size_t>(lengths.front());
            std::array<py::array_t<double>, M> outputs;
            std::array<double*, M> out{};
            for (std::size_t k = 0; k < M; ++k) {
                outputs[k] = py::array_t<double>(static_cast<py::ssize_t>(n));
                out[k] = outputs[k].mutable_data();
            }
            const auto sources = std::make_tuple(source(args)...);
            {
                py::gil_scoped_release release;  // no Python object is touched until it is destroyed
                for (std::size_t i = 0; i < n; ++i) {
                    const auto r = std::apply([&](const auto&... s) { return row(at(s, i)...); }, sources);
                    for (std::size_t k = 0; k < M; ++k) out[k][i] = r[k];
                }
            }
            py::dict d;
            for (std::size_t k = 0; k < M; ++k) d[fields[k]] = outputs[k];
            return d;
        };
    }
};

}  // namespace several_results

// Registers `name` + "_array", the array version of `row` (see above). `args`: its py::arg names.
template <typename Row, std::size_t M, typename... Args>
void def_array(py::module_& m, const std::string& name, const std::array<const char*, M>& fields, Row row,
               const std::string& doc, const Args&... args) {
    const auto array_name = name + "_array";
    m.def(array_name.c_str(), several_results::Versions<Row, M>::array(array_name, fields, row), args...,
          (doc + " Over 1-D float64 arrays of one length (GIL released): a dict of arrays.").c_str());
}

// Registers `name` (scalar arguments → a dict of floats) and its array version `name` + "_array".
template <typename Row, std::size_t M, typename... Args>
void def_with_array(py::module_& m, const std::string& name, const std::array<const char*, M>& fields, Row row,
                    const std::string& doc, const Args&... args) {
    m.def(name.c_str(), several_results::Versions<Row, M>::scalar(fields, row), args..., doc.c_str());
    def_array(m, name, fields, row, doc, args...);
}

void register_units(py::module_& m);
void register_series(py::module_& m);
void register_china_model(py::module_& m);
// [issue-3 calculators: declare register_* functions below this line]
void register_dc_power(py::module_& m);
void register_token_cost(py::module_& m);
void register_us_gap(py::module_& m);
void register_onsite_power(py::module_& m);
void register_rack_power(py::module_& m);
void register_training(py::module_& m);
void register_global_dc(py::module_& m);
// [issue-5 sweeps: declare register_* functions below this line]
void register_sweep(py::module_& m);

}  // namespace aipower::bindings
