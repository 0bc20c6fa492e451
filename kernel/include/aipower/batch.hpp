// Batch evaluation of the China power-balance model: one call evaluates N
// scenarios that differ from a base china::Inputs in P scalar inputs.
//
// A Model is compiled once from the base inputs, the P parameter bindings
// (which scalar each column varies) and the outputs the caller wants.
// Scenarios are evaluated on a lean path (preallocated buffers, no maps or
// strings, series that no binding can change computed once) in blocks of 32:
// every loop runs over the block's scenarios (lanes) and is vectorised, with an
// AVX2 build of the path picked at load time where GCC can make one. Each lane
// performs the same floating-point operations as china::run, in the same order
// (no FMA contraction), so its outputs equal china::run's bit for bit (tested,
// in Debug and vectorised Release builds). Every condition under which
// china::run would reject an input is detected on the lean path, by the same
// checks on the same values (tested both ways, and fuzzed); the first failing
// scenario is then re-run through china::run itself, so it fails with exactly
// the message the single-scenario API gives.
//
// Bindings (names as in the scenario files; i is a 0-based segment index):
//   demand.<row>.start                 row in primary, secondary, tertiary_core,
//   demand.<row>.segments[i].<field>   residential_core, ev_charging, data_centers
//   demand.tertiary_total_start, demand.residential_total_start
//   demand.population.start, demand.population.segments[i].<field>
//   demand.ev_tertiary_share
//   supply.<source>.previous_end, supply.<source>.start,
//   supply.<source>.additions[i].<field>, supply.<source>.retirements (every year)
//   hours.<source>.start, hours.<source>.segments[i].<field>
//   balance.net_imports (every year), balance.loss_factor (when fixed)
//   calibration.coal_hours, calibration.wind_solar_generation,
//   calibration.renewable_generation
//   renewables.target_share, renewables.wind_fraction
//   dc_power.capex_per_watt_rmb, dc_power.twh_per_gw_year, dc_power.energy_per_flop_change
//     (with a DataCenterRoute: the data-center path is recomputed per scenario)
// <field> is the segment's value: rate (growth, cagr), from / to (glide),
// value (increment, target), total (pipeline), change (change); a per-year
// list takes an index, e.g. rate[2].
//
// Outputs (one value per year of the horizon unless noted):
//   demand.<row>  (primary … total, total_growth), population,
//   capacity.<source>, additions.<source>, generation.<source>,
//   generation.required, hours.<source> (hours.coal: the coal hours),
//   re_share.non_hydro_share, re_share.wind_solar_additions,
//   requirement.level (one value: wind+solar GW/yr; needs a renewable target),
//   loss_factor (one value)
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aipower/china_model.hpp"

namespace aipower::batch {

enum class OnError {
    Raise,  // a failing scenario raises InvalidInput naming its index (the lowest failing index)
    Skip    // its outputs are NaN and its ok flag 0; the failure is counted and reported
};

struct Status {
    std::uint64_t failed = 0;
    std::uint64_t first_failed = UINT64_MAX;  // lowest failing scenario index
    std::string first_failure;                // its message
};

// Worker threads for `requested` (0: every core). Negative or above
// kMaxThreads is an InvalidInput.
inline constexpr int kMaxThreads = 1024;
int resolve_threads(int requested);

// The data-center row's route when it is driven by capex or compute (the
// base inputs then hold its path): what the route needs besides the bound
// inputs, so the batch can recompute the path per scenario with the same
// kernel function (dc_power::capex_driven_path / compute_driven_path). Where
// its inputs are bound, every scenario's path is the route's (the base's path
// is not read), so the route is the caller's to keep consistent with the base.
//   capex:   bind dc_power.capex_per_watt_rmb and dc_power.twh_per_gw_year together
//   compute: bind dc_power.energy_per_flop_change
struct DataCenterRoute {
    enum class Kind { None, Capex, Compute } kind = Kind::None;
    std::vector<double> capex_yi_rmb;   // capex: one value per year of the horizon
    double first_year_fraction = 0.0;   // capex
    double capex_per_watt_rmb = 0.0;    // capex: base values (used where not bound)
    double twh_per_gw_year = 0.0;
    std::vector<double> eflops;         // compute: one value per year of the horizon
    double energy_per_flop_change = 0.0;
};

class Model {
  public:
    Model(const china::Inputs& base, const std::vector<std::string>& bindings, const std::vector<std::string>& outputs,
          const DataCenterRoute& route = {});
    ~Model();
    Model(Model&&) noexcept;  // a moved-from Model may only be assigned to or destroyed
    Model& operator=(Model&&) noexcept;

    std::size_t parameters() const;                      // P
    const std::vector<std::string>& binding_names() const;
    const std::vector<std::string>& output_names() const;
    // Columns of each output in the output row (years or 1), and their total.
    const std::vector<std::size_t>& output_widths() const;
    std::size_t width() const;
    const series::Years& years() const;
    // The bound inputs' values in the base (one per binding).
    std::vector<double> base_values() const;

    // Scenario i has the P values values[i * P .. i * P + P). Outputs go to
    // out[i * width() ..), ok[i] is 1 or 0. Deterministic and independent of
    // `threads`.
    Status evaluate(const double* values, std::size_t n, double* out, std::uint8_t* ok, int threads,
                    OnError on_error) const;

    // Buffers of one thread's evaluations (create one per thread with
    // workspace(), reuse it): one scenario, and a block of scenarios evaluated
    // at once (lanes). For this model only: it holds the model's base values, so
    // another model's workspace is refused, whatever its sizes.
    struct Workspace {
        std::uint64_t model_id = 0;  // the model that made it
        std::vector<double> slots, state, temps, bad;
        std::vector<double> lane_slots, lane_state, lane_temps, lane_bad;
        std::vector<const double*> transpose_from;  // row pointers of a block's transpositions
        std::vector<double*> transpose_to;
    };
    Workspace workspace() const;

    // Scenarios [0, n) on the calling thread, in blocks of lanes: outputs and ok
    // flags as in evaluate; each failing scenario is reported as failed(i, message)
    // in increasing i. The message is china::run's, from running the scenario
    // again through it (about 0.3 ms, over a thousand lean evaluations), so it is
    // made only where wants_message(i) holds (always when wants_message is
    // empty); elsewhere the lean path's refusal stands and the message is empty.
    // Callers that keep only the first failure's message ask for it below the
    // lowest failure found so far.
    using Failed = std::function<void(std::size_t, const std::string&)>;
    using WantsMessage = std::function<bool(std::size_t)>;
    void evaluate_serial(const double* values, std::size_t n, double* out, std::uint8_t* ok, Workspace& work,
                         const Failed& failed, const WantsMessage& wants_message = {}) const;

    // One scenario (no threads); returns false and leaves the message in
    // `error` if it fails (outputs NaN).
    bool evaluate_one(const double* values, double* out, std::string* error, Workspace& work) const;
    bool evaluate_one(const double* values, double* out, std::string* error) const;
    // The lean path alone: false where it defers to china::run (for tests).
    bool evaluate_lean(const double* values, double* out, Workspace& work) const;

    // The full inputs of one scenario (the base with the P values applied).
    china::Inputs inputs_for(const double* values) const;
    // Outputs of a china::Result in this model's output layout.
    void extract(const china::Result& result, double* out) const;

    struct Impl;

  private:
    std::unique_ptr<Impl> impl_;
};

// Which build of the vectorised path this CPU runs ("AVX2", "x86-64", or
// "one build (no per-CPU clones)" where the kernel has none).
std::string vectorised_build();

}  // namespace aipower::batch
