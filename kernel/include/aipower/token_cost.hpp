// Cost and energy of serving LLM tokens (MODEL.md §5, seed 3). Costs are per
// accelerator-hour in one currency (the tables use RMB); a million tokens is
// 1e6 tokens of the throughput's kind (the defaults count output tokens).
#pragma once

namespace aipower::token_cost {

inline constexpr double kTokensPerMillion = 1e6;
inline constexpr double kSecondsPerHour = 3600.0;

// Straight-line depreciation of a purchase price over a life (currency/h).
double depreciation_per_hour(double purchase_price, double life_years, double hours_per_year);

// Electricity cost of one accelerator: IT power × PUE × price (currency/h).
double energy_cost_per_hour(double it_power_kw, double pue, double electricity_price_per_kwh);

struct Inputs {
    double accelerator_cost_per_hour = 0.0;  // depreciation or rent, currency/h
    double it_power_kw = 0.0;                // IT power per accelerator incl. its server share, kW
    double pue = 1.0;                        // facility / IT power
    double electricity_price_per_kwh = 0.0;  // currency/kWh
    double network_cost_per_hour = 0.0;      // bandwidth and networking, currency/h
    double operations_cost_per_hour = 0.0;   // model optimisation and operations, currency/h
    double tokens_per_second = 0.0;          // average served tokens/s per accelerator
};

struct Breakdown {
    // Per accelerator-hour (currency/h).
    double compute_per_hour = 0.0, energy_per_hour = 0.0, network_per_hour = 0.0, operations_per_hour = 0.0,
           total_per_hour = 0.0;
    // Per million tokens (currency / 1e6 tokens).
    double compute_per_million = 0.0, energy_per_million = 0.0, network_per_million = 0.0,
           operations_per_million = 0.0, total_per_million = 0.0;
    // Shares of the total (sum to 1).
    double compute_share = 0.0, energy_share = 0.0, network_share = 0.0, operations_share = 0.0;
    double kwh_per_million = 0.0;  // facility electricity per million tokens
};

Breakdown cost_per_million_tokens(const Inputs& in);

// Facility electricity per million tokens (kWh).
double energy_per_million_tokens_kwh(double it_power_kw, double pue, double tokens_per_second);

// Network and operations costs (currency/h) that make up the given shares of
// the total when compute + energy is the rest (calibration on a reference case).
struct Overheads {
    double network_per_hour = 0.0, operations_per_hour = 0.0;
};
Overheads calibrate_overheads(double compute_per_hour, double energy_per_hour, double network_share,
                              double operations_share);

// Cost index of b relative to a (b's cost per million tokens / a's).
double cost_index(double cost_a_per_million, double cost_b_per_million);

// Throughput ratio a/b (a's tokens/s per accelerator over b's) that brings the
// index b/a to `target_index` given both costs per accelerator-hour.
double throughput_ratio_for_index(double cost_a_per_hour, double cost_b_per_hour, double target_index);

// Multiplier on b's non-energy cost per hour (compute + network + operations)
// that brings the index b/a to `target_index` at equal throughput. Refused when
// b's energy cost alone already exceeds the target (no multiple reaches it).
double non_energy_multiplier_for_index(double cost_a_per_hour, double energy_b_per_hour,
                                       double non_energy_b_per_hour, double target_index);

// Electricity embodied in tokens served abroad: kWh and its value.
struct Embodied {
    double kwh = 0.0, value = 0.0;
};
Embodied embodied_electricity(double million_tokens, double kwh_per_million, double electricity_price_per_kwh);

}  // namespace aipower::token_cost
