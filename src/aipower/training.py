"""Training clusters (seed 2): time and energy of a training run, interruption
rate vs cluster size, goodput with checkpoint/restart.

Units: FLOP, FLOP/s per accelerator, seconds (days in the table), kW per
accelerator, MWh (GWh in the table), hours for intervals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _kernel
from ._calc import Assumptions, as_result, low_high, scalar, checked, scenario_of
from ._table_errors import named_inputs

_k = _kernel.training

ArrayLike = npt.ArrayLike
SECONDS_PER_DAY = 86400.0  # unit definition
MWH_PER_GWH = 1000.0  # unit definition
MINUTES_PER_HOUR = 60.0  # unit definition

__all__ = [
    "training_time_s",
    "training_energy_mwh",
    "implied_utilization",
    "interruption_interval_h",
    "goodput",
    "failures_per_week",
    "table",
]


@checked
def training_time_s(
    *, training_flops: ArrayLike, accelerators: ArrayLike, peak_flops_per_s: ArrayLike, utilization: ArrayLike, goodput: ArrayLike = 1.0
) -> ArrayLike:
    """Wall-clock seconds: FLOPs / (accelerators (a whole count ≥ 1) × peak FLOP/s × utilization (0-1] × goodput (0-1])."""
    return as_result(_k.training_time_s(training_flops, accelerators, peak_flops_per_s, utilization, goodput))


@checked
def training_energy_mwh(*, accelerators: ArrayLike, power_kw_per_accelerator: ArrayLike, pue: ArrayLike, time_s: ArrayLike) -> ArrayLike:
    """Facility MWh: accelerators (a whole count) × kW each × PUE × time."""
    return as_result(_k.training_energy_mwh(accelerators, power_kw_per_accelerator, pue, time_s))


@checked
def implied_utilization(*, training_flops: ArrayLike, accelerators: ArrayLike, peak_flops_per_s: ArrayLike, time_s: ArrayLike) -> ArrayLike:
    """Overall utilization (utilization × goodput) that finishes the run in ``time_s``."""
    return as_result(_k.implied_utilization(training_flops, accelerators, peak_flops_per_s, time_s))


@checked
def interruption_interval_h(*, accelerators: ArrayLike, reference_accelerators: ArrayLike, reference_interval_h: ArrayLike) -> ArrayLike:
    """Mean hours between interruptions, ∝ 1 / cluster size from a reference cluster."""
    return as_result(_k.interruption_interval_h(accelerators, reference_accelerators, reference_interval_h))


@checked
def goodput(*, interruption_interval_h: ArrayLike, restart_h: ArrayLike, checkpoint_interval_h: ArrayLike) -> ArrayLike:
    """Useful share of wall time: interval / (interval + restart + checkpoint interval / 2)."""
    return as_result(_k.goodput(interruption_interval_h, restart_h, checkpoint_interval_h))


@checked
def failures_per_week(*, accelerators: ArrayLike, weekly_failure_rate: ArrayLike) -> ArrayLike:
    """Accelerators failing per week at a weekly failure rate (0-1)."""
    return as_result(_k.failures_per_week(accelerators, weekly_failure_rate))


@named_inputs("training")
def table(scenario: Assumptions | str | Path) -> pd.DataFrame:
    """Seed-2 training table: a 10^26 FLOP run on 25,000 GB200-class accelerators, short and long cases."""
    scenario = scenario_of(scenario)
    s = lambda key: scalar(scenario, f"training.{key}")  # noqa: E731
    flops, n, peak = s("training_flops"), s("accelerators"), s("peak_flops_per_s")
    utilization = low_high(scenario, "training.utilization")
    ref_n, ref_h = s("reference_accelerators"), s("reference_interval_h")
    restart, checkpoint = s("restart_h"), s("checkpoint_interval_h")
    per_rack = s("accelerators_per_rack")
    if not per_rack >= 1:
        raise ValueError(f"training.accelerators_per_rack = {per_rack:g}: expected at least 1 accelerator per rack")
    power_kw = low_high(scenario, "training.rack_power_kw") / per_rack
    pue = low_high(scenario, "training.pue")

    interval = interruption_interval_h(accelerators=n, reference_accelerators=ref_n, reference_interval_h=ref_h)
    good = goodput(interruption_interval_h=interval, restart_h=restart, checkpoint_interval_h=checkpoint)
    ideal_s = np.asarray(training_time_s(training_flops=flops, accelerators=n, peak_flops_per_s=peak, utilization=1.0))
    time_s = np.asarray(training_time_s(training_flops=flops, accelerators=n, peak_flops_per_s=peak, utilization=utilization, goodput=good))
    energy = np.asarray(training_energy_mwh(accelerators=n, power_kw_per_accelerator=power_kw, pue=pue, time_s=time_s))
    target_s = low_high(scenario, "training.target_days") * SECONDS_PER_DAY
    implied = np.asarray(implied_utilization(training_flops=flops, accelerators=n, peak_flops_per_s=peak, time_s=target_s))
    mfu = implied / good
    if (mfu > 1).any():
        days = low_high(scenario, "training.target_days")
        raise ValueError(
            f"training.target_days = {days[mfu > 1][0]:g}: expected a duration this cluster can meet at this goodput "
            f"({100 * good:.1f}%): it implies an MFU of {100 * mfu.max():.1f}%, above 100%"
        )
    target_energy = np.asarray(training_energy_mwh(accelerators=n, power_kw_per_accelerator=power_kw, pue=pue, time_s=target_s))

    def row(name: str, unit: str, values: Any) -> dict[str, Any]:
        pair = np.broadcast_to(np.asarray(values, dtype=float), (2,))
        return {"row": name, "low": pair[0], "high": pair[1], "unit": unit}

    rows = [
        row("training compute", "FLOP", flops),
        row("accelerators", "count", n),
        row("peak per accelerator", "PFLOP/s", peak / 1e15),
        row("power per accelerator (rack / accelerators)", "kW", power_kw),
        row("PUE", "ratio", pue),
        row("time at 100% of peak", "days", ideal_s / SECONDS_PER_DAY),
        row("utilization (MFU)", "%", 100 * utilization),
        row("interruption interval at this size", "min", interval * MINUTES_PER_HOUR),
        row("goodput (restart + half a checkpoint interval lost)", "%", 100 * good),
        row("training time", "days", time_s / SECONDS_PER_DAY),
        row("facility energy", "GWh", energy / MWH_PER_GWH),
        row("seed-2 duration", "days", target_s / SECONDS_PER_DAY),
        row("overall utilization implied by the seed-2 duration", "%", 100 * implied),
        row("MFU implied by the seed-2 duration at this goodput", "%", 100 * mfu),
        row("facility energy over the seed-2 duration", "GWh", target_energy / MWH_PER_GWH),
    ]
    for size in [ref_n, n, s("large_cluster_accelerators")]:
        mtbi = interruption_interval_h(accelerators=size, reference_accelerators=ref_n, reference_interval_h=ref_h)
        rows.append(row(f"interruption interval: {size:,.0f} accelerators", "min", mtbi * MINUTES_PER_HOUR))
        rows.append(
            row(
                f"goodput: {size:,.0f} accelerators",
                "%",
                100 * goodput(interruption_interval_h=mtbi, restart_h=restart, checkpoint_interval_h=checkpoint),
            )
        )
    large = s("large_cluster_accelerators")
    seed_interval = s("large_cluster_interval_min")
    if not seed_interval > 0:
        raise ValueError(f"training.large_cluster_interval_min = {seed_interval:g}: expected a positive number of minutes")
    rows.append(row(f"interruption interval: {large:,.0f} accelerators, seed 2", "min", seed_interval))
    rows.append(row(f"failed accelerators per week: {large:,.0f}", "count", failures_per_week(accelerators=large, weekly_failure_rate=s("weekly_failure_rate"))))
    return pd.DataFrame(rows, columns=["row", "low", "high", "unit"])
