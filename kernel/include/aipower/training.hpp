// Training clusters (MODEL.md §8, seed 2): time and energy of a training run,
// interruptions against cluster size, and goodput with checkpoint/restart.
#pragma once

namespace aipower::training {

inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kSecondsPerHour = 3600.0;
inline constexpr double kKwhPerMwh = 1000.0;

// Wall-clock time (s): FLOPs / (accelerators × peak FLOP/s × utilization ×
// goodput). utilization is model FLOPs utilization while running; goodput is
// the share of wall time doing useful work (1 = no interruptions).
double training_time_s(double training_flops, double accelerators, double peak_flops_per_s, double utilization,
                       double goodput);

// Facility energy (MWh): accelerators × power per accelerator (kW) × PUE × time.
double training_energy_mwh(double accelerators, double power_kw_per_accelerator, double pue, double time_s);

// Overall utilization (utilization × goodput) that finishes the run in time_s.
double implied_utilization(double training_flops, double accelerators, double peak_flops_per_s, double time_s);

// Mean time between interruptions (h), inversely proportional to cluster size
// from a reference cluster (failures are per accelerator).
double interruption_interval_h(double accelerators, double reference_accelerators, double reference_interval_h);

// Goodput: each interruption costs the restart time plus, on average, half a
// checkpoint interval of lost work: interval / (interval + restart + checkpoint/2).
double goodput(double interruption_interval_h, double restart_h, double checkpoint_interval_h);

// Accelerators failing per week at a weekly failure rate.
double failures_per_week(double accelerators, double weekly_failure_rate);

}  // namespace aipower::training
