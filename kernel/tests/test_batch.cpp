#include "aipower/batch.hpp"

#include <cstdlib>
#include <cstring>

#include "aipower/dc_power.hpp"
#include "aipower/sampling.hpp"
#include "check.hpp"
#include "sweep_fixture.hpp"

using namespace aipower;

namespace {

const std::vector<std::string> kBindings = {
    "demand.secondary.segments[0].rate[1]", "demand.data_centers.segments[1].rate", "demand.data_centers.start",
    "demand.primary.segments[0].to",        "demand.ev_charging.segments[0].value",  "demand.tertiary_total_start",
    "demand.tertiary_core.segments[0].change", "demand.population.segments[0].rate", "demand.ev_tertiary_share",
    "supply.coal.additions[1].value",       "supply.coal.additions[0].total",        "supply.coal.retirements",
    "supply.gas.additions[1].rate",         "supply.nuclear.additions[1].rate",      "supply.wind.additions[2].value",
    "hours.wind.segments[0].change",        "hours.hydro.start",                     "hours.gas.start",
    "calibration.coal_hours",               "calibration.wind_solar_generation",     "balance.net_imports",
    "renewables.target_share",              "renewables.wind_fraction"};

const std::vector<std::string> kOutputs = {"hours.coal", "demand.total", "demand.total_growth", "demand.tertiary_core",
                                           "capacity.wind", "additions.solar", "generation.required", "generation.coal",
                                           "hours.solar", "hours.biomass", "re_share.non_hydro_share",
                                           "re_share.wind_solar_additions", "requirement.level", "loss_factor", "population"};

// Values around the base, `spread` wide; a wide spread makes many scenarios infeasible.
std::vector<double> draw(const batch::Model& m, std::uint64_t seed, std::size_t n, double spread) {
    const auto base = m.base_values();
    std::vector<double> out(n * base.size());
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < base.size(); ++j) {
            const double u = sampling::uniform(seed, i, j) * 2.0 - 1.0;
            const double b = base[j];
            out[i * base.size() + j] = b + spread * u * (b == 0.0 ? 1.0 : std::fabs(b));
        }
    return out;
}

bool same_bits(const double* a, const double* b, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
        if (std::isnan(a[i]) && std::isnan(b[i])) continue;
        if (std::memcmp(a + i, b + i, sizeof(double)) != 0) return false;
    }
    return true;
}

// china::run on the scenario's inputs, in the model's output layout; false with the message if it throws.
bool reference(const batch::Model& m, const double* values, std::vector<double>& out, std::string& message) {
    out.assign(m.width(), 0.0);
    try {
        m.extract(china::run(m.inputs_for(values)), out.data());
        return true;
    } catch (const std::invalid_argument& e) {
        message = e.what();
        return false;
    }
}

// The block path (evaluate: scenarios in lanes) against china::run, scenario by
// scenario: the same ok flags and bits, and each failure reported with china::run's
// message. n need not fill the last block.
int block_mismatches(const batch::Model& m, const std::vector<double>& values, std::size_t n) {
    std::vector<double> out(n * m.width()), want;
    std::vector<std::uint8_t> ok(n);
    auto work = m.workspace();
    std::vector<std::string> messages(n);
    std::vector<std::size_t> order;
    m.evaluate_serial(values.data(), n, out.data(), ok.data(), work, [&](std::size_t i, const std::string& message) {
        messages[i] = message;
        order.push_back(i);
    });
    int mismatched = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::string message;
        const bool ref_ok = reference(m, values.data() + i * m.parameters(), want, message);
        if ((ok[i] != 0) != ref_ok) ++mismatched;
        else if (ref_ok && !same_bits(out.data() + i * m.width(), want.data(), want.size())) ++mismatched;
        else if (!ref_ok && messages[i] != message) ++mismatched;
    }
    for (std::size_t k = 1; k < order.size(); ++k)
        if (order[k] <= order[k - 1]) ++mismatched;
    return mismatched;
}

// The one-scenario lean path (evaluate_lean) against china::run on n scenarios: how many
// disagree (ok flag or bits), how many the lean path took, how many china::run accepts.
struct LeanCount {
    int mismatched = 0, lean = 0, feasible = 0;
};
LeanCount lean_mismatches(const batch::Model& m, const std::vector<double>& values, std::size_t n) {
    std::vector<double> got(m.width()), want;
    auto work = m.workspace();
    LeanCount c;
    for (std::size_t i = 0; i < n; ++i) {
        std::string message;
        const double* v = values.data() + i * m.parameters();
        const bool ref_ok = reference(m, v, want, message);
        const bool ok = m.evaluate_lean(v, got.data(), work);
        c.feasible += ref_ok ? 1 : 0;
        c.lean += ok ? 1 : 0;
        if (ok != ref_ok || (ok && !same_bits(got.data(), want.data(), got.size()))) ++c.mismatched;
    }
    return c;
}

}  // namespace

TEST_CASE("the base values reproduce china::run on the base inputs") {
    const auto base = fixture::model();
    const batch::Model m(base, kBindings, kOutputs);
    CHECK(m.parameters() == kBindings.size());
    CHECK(m.width() == 13 * 9 + 2);
    std::vector<double> got(m.width()), want(m.width());
    std::string error;
    const auto values = m.base_values();
    CHECK(m.evaluate_one(values.data(), got.data(), &error));
    m.extract(china::run(base), want.data());
    CHECK(same_bits(got.data(), want.data(), got.size()));
}

TEST_CASE("each output asked for alone equals china::run (the lean path skips results no output reads)") {
    const auto base = fixture::model();
    const batch::Model all(base, kBindings, kOutputs);
    const auto values = draw(all, 11, 70, 0.05);
    for (const auto& output : kOutputs) {
        const batch::Model m(base, kBindings, {output});
        const int mismatched = block_mismatches(m, values, 70);
        check::record(mismatched == 0, "output alone", __FILE__, __LINE__, output + ": " + std::to_string(mismatched));
    }
}

TEST_CASE("every scenario equals china::run bit for bit, failures with the same message") {
    const batch::Model m(fixture::model(), kBindings, kOutputs);
    for (double spread : {0.02, 0.2, 1.5}) {
        const std::size_t n = 300;
        const auto values = draw(m, 7, n, spread);
        std::vector<double> got(m.width()), want;
        int failed = 0, mismatched = 0, lean = 0, lean_mismatched = 0;
        auto work = m.workspace();
        std::vector<double> fast(m.width());
        for (std::size_t i = 0; i < n; ++i) {
            std::string error, message;
            const double* v = values.data() + i * m.parameters();
            const bool ok = m.evaluate_one(v, got.data(), &error);
            const bool ref_ok = reference(m, v, want, message);
            if (ok != ref_ok || (ok && !same_bits(got.data(), want.data(), got.size())) || (!ok && error != message))
                ++mismatched;
            failed += ok ? 0 : 1;
            // The lean path itself (no fallback) accepts every scenario china::run accepts and gives the same bits.
            if (m.evaluate_lean(v, fast.data(), work)) {
                ++lean;
                if (!ref_ok || !same_bits(fast.data(), want.data(), fast.size())) ++lean_mismatched;
            }
        }
        CHECK(mismatched == 0);
        CHECK(lean_mismatched == 0);
        CHECK(block_mismatches(m, values, n) == 0);
        CHECK(lean == static_cast<int>(n) - failed);
        if (spread > 1.0) CHECK(failed > 0);  // the wide spread does exercise the failure path
        if (spread < 0.05) CHECK(failed == 0);
    }
}

TEST_CASE("a scenario whose coal would run more hours than a year has is refused, as china::run refuses it") {
    const batch::Model m(fixture::model(), {"demand.secondary.segments[1].rate"}, {"hours.coal"});
    const std::size_t n = 64;
    std::vector<double> values(n);
    for (std::size_t i = 0; i < n; ++i) values[i] = 0.6 * static_cast<double>(i) / static_cast<double>(n - 1);
    int over = 0;
    std::vector<double> want;
    for (std::size_t i = 0; i < n; ++i) {
        std::string message;
        if (!reference(m, &values[i], want, message) && message.find("coal hours[") == 0) ++over;
    }
    CHECK(over > 0 && over < static_cast<int>(n));
    CHECK(block_mismatches(m, values, n) == 0);
    CHECK(lean_mismatches(m, values, n).mismatched == 0);
}
TEST_CASE("a rebased model (anchors) and a fixed renewable mode also match") {
    auto base = fixture::model();
    base.target.enabled = false;
    base.demand.secondary.anchors = {{2025, 6700.0}};
    const std::vector<std::string> bindings = {"demand.secondary.segments[1].rate", "supply.wind.additions[1].value",
                                               "supply.solar.start", "hours.nuclear.segments[0].rate"};
    const batch::Model m(base, bindings, {"hours.coal", "capacity.solar", "demand.secondary"});
    const auto values = draw(m, 3, 200, 0.3);
    const auto [mismatched, lean, feasible] = lean_mismatches(m, values, 200);
    CHECK(mismatched == 0);
    CHECK(lean == feasible && feasible > 100);
    CHECK(block_mismatches(m, values, 200) == 0);
}

TEST_CASE("with wind and solar inputs fixed (cached probe paths) the lean path still equals china::run") {
    const std::vector<std::string> bindings = {"demand.data_centers.segments[1].rate", "demand.secondary.segments[1].rate",
                                               "supply.coal.additions[1].value", "renewables.target_share",
                                               "hours.wind.segments[0].change", "supply.gas.start"};
    const batch::Model m(fixture::model(), bindings, kOutputs);
    const auto values = draw(m, 5, 300, 0.9);
    const auto [mismatched, lean, feasible] = lean_mismatches(m, values, 300);
    CHECK(mismatched == 0);
    CHECK(lean == feasible && feasible > 100 && feasible < 300);
    CHECK(block_mismatches(m, values, 300) == 0);
    CHECK(block_mismatches(m, values, 7) == 0);  // fewer scenarios than one block
}

TEST_CASE("core rows derived from sector totals follow EV and data centers only where the totals read them") {
    // Without later total anchors the core rows read EV charging and data centers in the base
    // year only: varying their segments leaves the core rows as in the base, varying their
    // starts does not.
    auto base = fixture::model();
    base.demand.tertiary_total_anchors.clear();
    base.demand.residential_total_anchors.clear();
    const std::vector<std::string> outputs = {"demand.tertiary_core", "demand.residential_core", "demand.total", "hours.coal"};
    for (const auto& bindings : std::vector<std::vector<std::string>>{
             {"demand.ev_charging.segments[0].value", "demand.data_centers.segments[1].rate"},
             {"demand.ev_charging.segments[0].value", "demand.data_centers.start"},
             {"demand.ev_charging.start", "demand.data_centers.segments[1].rate"}}) {
        const batch::Model m(base, bindings, outputs);
        const auto values = draw(m, 13, 100, 0.3);
        const auto [mismatched, lean, feasible] = lean_mismatches(m, values, 100);
        check::record(mismatched == 0 && lean == feasible && feasible > 50, "core rows", __FILE__, __LINE__,
                      bindings[0] + ", " + bindings[1] + ": " + std::to_string(mismatched) + " mismatched");
        check::record(block_mismatches(m, values, 100) == 0, "core rows (blocks)", __FILE__, __LINE__, bindings[1]);
    }
}

TEST_CASE("coal's residual sums the other sources from the base's sum of those that do not vary") {
    // The first source whose generation varies: none (no target, demand only), hydro, gas, wind (the target).
    auto fixed_mode = fixture::model();
    fixed_mode.target.enabled = false;
    const std::vector<std::pair<china::Inputs, std::vector<std::string>>> cases = {
        {fixed_mode, {"demand.secondary.segments[1].rate", "demand.data_centers.segments[1].rate"}},
        {fixed_mode, {"demand.secondary.segments[1].rate", "hours.hydro.segments[0].rate"}},
        {fixture::model(), {"supply.gas.additions[1].rate", "renewables.target_share"}},
        {fixture::model(), {"demand.secondary.segments[1].rate", "renewables.target_share"}}};
    for (const auto& [base, bindings] : cases) {
        const batch::Model m(base, bindings, {"hours.coal", "generation.coal", "generation.required", "loss_factor"});
        const auto values = draw(m, 17, 100, 0.3);
        const auto [mismatched, lean, feasible] = lean_mismatches(m, values, 100);
        check::record(mismatched == 0 && lean == feasible && feasible > 50, "residual", __FILE__, __LINE__,
                      bindings[1] + ": " + std::to_string(mismatched) + " mismatched, " + std::to_string(feasible) + " feasible");
        check::record(block_mismatches(m, values, 100) == 0, "residual (blocks)", __FILE__, __LINE__, bindings[1]);
    }
}

TEST_CASE("the calibrated loss factor follows each base-year input alone") {
    for (const std::string binding : {"demand.secondary.start", "demand.data_centers.start", "demand.tertiary_total_start", "demand.population.start",
                                      "demand.ev_tertiary_share", "balance.net_imports", "calibration.coal_hours",
                                      "hours.hydro.start", "supply.gas.start", "calibration.wind_solar_generation"}) {
        const batch::Model m(fixture::model(), {binding}, {"loss_factor", "hours.coal"});
        const auto values = draw(m, 19, 64, 0.05);
        const auto [mismatched, lean, feasible] = lean_mismatches(m, values, 64);
        check::record(mismatched == 0 && lean == feasible && feasible > 30, "loss factor", __FILE__, __LINE__,
                      binding + ": " + std::to_string(mismatched) + " mismatched, " + std::to_string(feasible) + " feasible");
        check::record(block_mismatches(m, values, 64) == 0, "loss factor (blocks)", __FILE__, __LINE__, binding);
    }
}

TEST_CASE("a data-center row driven by the capex route is recomputed per scenario, as dc_power computes it") {
    auto base = fixture::model();
    batch::DataCenterRoute route;
    route.kind = batch::DataCenterRoute::Kind::Capex;
    route.capex_yi_rmb = {0.0, 6000.0, 7800.0, 10140.0, 13182.0, 13182.0, 13182.0, 0.0, 0.0};
    route.first_year_fraction = 0.5;
    route.capex_per_watt_rmb = 120.0;
    route.twh_per_gw_year = 4.4;
    base.demand.data_centers.path =
        dc_power::capex_driven_path(288.0, route.capex_yi_rmb, route.capex_per_watt_rmb, route.twh_per_gw_year, 0.5);
    const std::vector<std::string> bindings = {"dc_power.capex_per_watt_rmb", "dc_power.twh_per_gw_year",
                                               "renewables.target_share"};
    const batch::Model m(base, bindings, {"demand.data_centers", "hours.coal", "demand.tertiary_core"}, route);
    std::vector<double> all;
    for (std::uint64_t i = 0; i < 200; ++i)
        for (std::uint64_t j = 0; j < 3; ++j) {
            const double lo[3] = {40.0, 2.0, 0.26}, width[3] = {160.0, 12.0, 0.08};
            all.push_back(lo[j] + width[j] * sampling::uniform(3, i, j));
        }
    const auto [mismatched, lean, feasible] = lean_mismatches(m, all, 200);
    CHECK(mismatched == 0);
    CHECK(lean == feasible && feasible > 100);
    CHECK(block_mismatches(m, all, 200) == 0);
    // The path itself is dc_power's: scenario 0's data-center row equals a direct call.
    std::vector<double> got(m.width());
    const double v0[3] = {100.0, 6.0, 0.3};
    std::string error;
    CHECK(m.evaluate_one(v0, got.data(), &error));
    const auto direct = dc_power::capex_driven_path(288.0, route.capex_yi_rmb, 100.0, 6.0, 0.5);
    CHECK(same_bits(got.data(), direct.data(), direct.size()));
    CHECK_THROWS(batch::Model(base, {"dc_power.twh_per_gw_year"}, {"hours.coal"}, route),
                 "dc_power.twh_per_gw_year: varied alone: vary dc_power.capex_per_watt_rmb with it");
    CHECK_THROWS(batch::Model(fixture::model(), {"dc_power.twh_per_gw_year"}, {"hours.coal"}), "driven by capex");
    CHECK_THROWS(batch::Model(fixture::model(), {}, {"hours.coal"}, route), "has no path");
    // A bad field of the route is named (it was "internal error: the lean evaluation rejects ...").
    auto bad = route;
    bad.first_year_fraction = 5.0;
    CHECK_THROWS(batch::Model(base, bindings, {"hours.coal"}, bad), "route: does not run at its own values: first_year_fraction = 5");
    bad = route;
    bad.capex_per_watt_rmb = std::nan("");
    CHECK_THROWS(batch::Model(base, bindings, {"hours.coal"}, bad), "route: does not run at its own values: capex_per_watt_rmb = nan");
}

TEST_CASE("a workspace of another model is refused even where its sizes match") {
    // it carries its own model's base values: another model's gave other numbers, silently
    const batch::Model m(fixture::model(), kBindings, kOutputs);
    auto other_base = fixture::model();
    other_base.calibration.coal_hours *= 1.05;
    const batch::Model other(other_base, kBindings, kOutputs);
    auto foreign = other.workspace();
    std::vector<double> out(m.width());
    std::string error;
    CHECK_THROWS(m.evaluate_one(m.base_values().data(), out.data(), &error, foreign), "workspace: belongs to another model");
    std::vector<std::uint8_t> ok(1);
    CHECK_THROWS(m.evaluate_serial(m.base_values().data(), 1, out.data(), ok.data(), foreign,
                                   [](std::size_t, const std::string&) {}),
                 "workspace: belongs to another model");
    auto own = m.workspace();
    CHECK(m.evaluate_one(m.base_values().data(), out.data(), &error, own));
}

TEST_CASE("evaluate is independent of the thread count and reports the lowest failing index") {
    const batch::Model m(fixture::model(), kBindings, kOutputs);
    const std::size_t n = 1500;
    const auto values = draw(m, 11, n, 0.8);
    std::vector<double> one(n * m.width()), four(n * m.width());
    std::vector<std::uint8_t> ok1(n), ok4(n);
    const auto s1 = m.evaluate(values.data(), n, one.data(), ok1.data(), 1, batch::OnError::Skip);
    const auto s4 = m.evaluate(values.data(), n, four.data(), ok4.data(), 4, batch::OnError::Skip);
    CHECK(same_bits(one.data(), four.data(), one.size()));
    CHECK(ok1 == ok4);
    CHECK(s1.failed == s4.failed && s1.first_failed == s4.first_failed && s1.first_failure == s4.first_failure);
    CHECK(s1.failed > 0);
    std::string raised;
    try {
        m.evaluate(values.data(), n, one.data(), ok1.data(), 2, batch::OnError::Raise);
    } catch (const std::invalid_argument& e) {
        raised = e.what();
    }
    CHECK(raised.find("scenario " + std::to_string(s1.first_failed) + ": " + s1.first_failure) == 0);
}

TEST_CASE("only the first failure is re-run for its message; the others are refused by the lean path's checks alone") {
    const batch::Model m(fixture::model(), kBindings, kOutputs);
    const std::size_t n = 1500;
    const auto values = draw(m, 11, n, 0.8);
    // china::run on each: which fail, the first failure's message.
    std::vector<double> want;
    std::size_t failing = 0, first = n;
    std::string first_message;
    std::vector<std::uint8_t> ref_ok(n);
    for (std::size_t i = 0; i < n; ++i) {
        std::string message;
        ref_ok[i] = reference(m, values.data() + i * m.parameters(), want, message) ? 1 : 0;
        if (ref_ok[i]) continue;
        ++failing;
        if (first == n) first = i, first_message = message;
    }
    CHECK(failing > 10);  // enough failures that skipping their re-runs is exercised
    for (int threads : {1, 2, 3}) {
        std::vector<double> out(n * m.width());
        std::vector<std::uint8_t> ok(n);
        const auto s = m.evaluate(values.data(), n, out.data(), ok.data(), threads, batch::OnError::Skip);
        CHECK(ok == ref_ok);
        CHECK(s.failed == failing && s.first_failed == first && s.first_failure == first_message);
        for (std::size_t i = 0; i < n; ++i)
            if (!ok[i]) CHECK(std::isnan(out[i * m.width()]) && std::isnan(out[(i + 1) * m.width() - 1]));
    }
    // evaluate_serial: messages where asked for, empty elsewhere, the same refusals either way.
    std::vector<double> out(n * m.width());
    std::vector<std::uint8_t> ok(n);
    auto work = m.workspace();
    std::vector<std::string> messages(n, "not reported");
    m.evaluate_serial(values.data(), n, out.data(), ok.data(), work,
                      [&](std::size_t i, const std::string& message) { messages[i] = message; },
                      [&](std::size_t i) { return i % 3 == 0; });  // (not 2: a doubled block offset keeps parity)
    CHECK(ok == ref_ok);
    int mismatched = 0;
    for (std::size_t i = 0; i < n; ++i) {
        std::string message;
        if (ref_ok[i]) mismatched += messages[i] == "not reported" ? 0 : 1;
        else if (i % 3 != 0) mismatched += messages[i].empty() ? 0 : 1;
        else mismatched += !reference(m, values.data() + i * m.parameters(), want, message) && messages[i] == message ? 0 : 1;
    }
    CHECK(mismatched == 0);
}

TEST_CASE("bad bindings, outputs and thread counts") {
    const auto base = fixture::model();
    CHECK_THROWS(batch::Model(base, {"demand.nope.start"}, {"hours.coal"}), "not an input the batch can vary");
    CHECK_THROWS(batch::Model(base, {"demand.secondary.segments[9].rate"}, {"hours.coal"}), "segment index below 2");
    CHECK_THROWS(batch::Model(base, {"demand.secondary.segments[0].rate"}, {"hours.coal"}), "one value per year");
    CHECK_THROWS(batch::Model(base, {"demand.primary.segments[0].rate"}, {"hours.coal"}), "from, to");
    CHECK_THROWS(batch::Model(base, {"demand.tertiary_core.start"}, {"hours.coal"}), "tertiary_total_start");
    CHECK_THROWS(batch::Model(base, {"supply.wind.additions[1].value"}, {"hours.coal"}), "renewable-target solve");
    CHECK_THROWS(batch::Model(base, {"hours.coal.start"}, {"hours.coal"}), "coal hours are the model's result");
    CHECK_THROWS(batch::Model(base, {"hours.solar.start"}, {"hours.coal"}), "calibrated on published generation");
    CHECK_THROWS(batch::Model(base, {"balance.loss_factor"}, {"hours.coal"}), "calibrates the loss factor");
    CHECK_THROWS(batch::Model(base, {"renewables.target_share", "renewables.target_share"}, {"hours.coal"}), "listed twice");
    CHECK_THROWS(batch::Model(base, {}, {"hours.nope"}), "output: 'hours.nope': 'nope' is not a source");
    CHECK_THROWS(batch::Model(base, {}, {"demand.nope"}), "output: 'demand.nope': 'nope' is not a demand row; expected one of primary");
    CHECK_THROWS(batch::Model(base, {"supply.oil.start"}, {"hours.coal"}), "binding: 'supply.oil.start': 'oil' is not a source");
    CHECK_THROWS(batch::Model(base, {"hours.oil.start"}, {"hours.coal"}), "binding: 'hours.oil.start': 'oil' is not a source");
    CHECK_THROWS(batch::Model(base, {}, {"coal_hours"}), "is not an output");
    CHECK_THROWS(batch::Model(base, {}, {}), "outputs");
    auto fixed = base;
    fixed.target.enabled = false;
    CHECK_THROWS(batch::Model(fixed, {"renewables.target_share"}, {"hours.coal"}), "no renewable target");
    CHECK_THROWS(batch::Model(fixed, {}, {"requirement.level"}), "needs a renewable target");
    auto broken = base;
    broken.calibration.coal_hours = -1.0;
    CHECK_THROWS(batch::Model(broken, {}, {"hours.coal"}), "base scenario: does not run");
    CHECK_THROWS(batch::resolve_threads(-1), "threads = -1");
    CHECK_THROWS(batch::resolve_threads(100000), "threads = 100000");
    CHECK(batch::resolve_threads(0) >= 1);
    const batch::Model m(base, {"renewables.target_share"}, {"hours.coal"});
    std::vector<double> out(1);
    std::vector<std::uint8_t> ok(1);
    const auto s = m.evaluate(nullptr, 0, out.data(), ok.data(), 0, batch::OnError::Raise);  // N = 0: nothing to do
    CHECK(s.failed == 0);
}

// The CI runs this test once more under valgrind's memcheck, to check the vectorised AVX2 clone
// of the batch path for uninitialised reads: AIPOWER_EXPECT_BATCH_BUILD makes sure the CPU valgrind
// presents is one the loader gives the AVX2 clone (vectorised_build() tests the CPU's features in
// the loader's order; it cannot observe the loader's choice itself).
TEST_CASE("the vectorised build this CPU runs") {
    const std::string build = batch::vectorised_build();
    std::cout << "      batch path: " << build << "\n";
    if (const char* expected = std::getenv("AIPOWER_EXPECT_BATCH_BUILD"))
        CHECK_MSG(build == expected, "runs '" + build + "', expected '" + expected + "'");
}

TEST_MAIN()
