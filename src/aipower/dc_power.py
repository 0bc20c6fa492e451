"""Data-center electricity from capex, chips and compute (seed 1 §4, [61]-[86]).

Every function takes numbers, numpy arrays or pandas Series (broadcast together;
Series matched by label), so ``capex_per_watt_rmb=[120, 70]`` gives the low and
the high case at once.

Units: capex in 亿 RMB (1 亿 = 1e8), capex per watt in RMB/W, capacity and
power in GW (clusters in MW), energy in TWh (1 TWh = 10 亿kWh).
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeAlias, Union

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _kernel
from ._calc import Assumptions, Numbers, floats, Whole, Years, as_result, checked, default, low_high, scalar, scenario_of
from ._table_errors import named_inputs

_k = _kernel.dc_power

ArrayLike = npt.ArrayLike
# A path: an array, or a Series labelled like a Series given for its per-year argument
YearlyPath: TypeAlias = Union[npt.NDArray[np.float64], pd.Series]
YI_KWH_PER_TWH = 10.0  # 1 TWh = 10 亿kWh (unit definition)

__all__ = [
    "capacity_from_capex_gw",
    "energy_from_capacity_twh",
    "energy_from_it_power_twh",
    "chip_power_from_capex_gw",
    "cluster_power_mw",
    "compute_route_twh",
    "intensity_path",
    "interpolate_geometric",
    "capex_driven_path",
    "compute_driven_path",
    "method1",
    "method2",
    "table",
]


@checked
def capacity_from_capex_gw(*, capex_yi_rmb: ArrayLike, capex_per_watt_rmb: ArrayLike) -> ArrayLike:
    """Method 1: data-center capacity (GW) bought by ``capex_yi_rmb`` (亿 RMB) at ``capex_per_watt_rmb`` (RMB/W)."""
    return as_result(_k.capacity_from_capex_gw(capex_yi_rmb, capex_per_watt_rmb))


@checked
def energy_from_capacity_twh(*, capacity_gw: ArrayLike, twh_per_gw_year: ArrayLike) -> ArrayLike:
    """Energy a year (TWh) of a capacity (GW) at an intensity (TWh per GW-year)."""
    return as_result(_k.energy_from_capacity_twh(capacity_gw, twh_per_gw_year))


@checked
def energy_from_it_power_twh(
    *,
    it_power_gw: ArrayLike,
    pue: ArrayLike,
    load_factor: ArrayLike,
    hours: ArrayLike = default("dc_power.hours_per_year"),
) -> ArrayLike:
    """Energy (TWh) = IT power (GW) × PUE (≥ 1) × load factor (0-1) × hours (h) / 1000."""
    return as_result(_k.energy_from_it_power_twh(it_power_gw, pue, load_factor, hours))


@checked
def chip_power_from_capex_gw(
    *, capex_yi_rmb: ArrayLike, chip_share_of_capex: ArrayLike, chip_cost_per_watt_rmb: ArrayLike
) -> ArrayLike:
    """Method 2: accelerator power (GW) bought by the chip share (0-1) of capex (亿 RMB) at RMB/W of chip."""
    return as_result(_k.chip_power_from_capex_gw(capex_yi_rmb, chip_share_of_capex, chip_cost_per_watt_rmb))


@checked
def cluster_power_mw(*, accelerators: ArrayLike, watts_per_accelerator: ArrayLike, pue: ArrayLike) -> ArrayLike:
    """Facility power (MW) of a cluster: accelerators (a whole count) × W each × PUE."""
    return as_result(_k.cluster_power_mw(accelerators, watts_per_accelerator, pue))


@checked(per_item=True)
def compute_route_twh(*, eflops: Numbers, twh_per_eflops: Numbers) -> YearlyPath:
    """Compute route: installed compute (EFLOPS) × energy intensity (TWh per EFLOPS-year), year by year."""
    return _k.compute_route_twh(floats(eflops), floats(twh_per_eflops))


@checked
def intensity_path(*, start: float, annual_change: float, n: Whole) -> npt.NDArray[np.float64]:
    """``n`` yearly values of an energy intensity starting at ``start`` and changing by ``annual_change`` (fraction/yr)."""
    return _k.intensity_path(start, annual_change, n)


@checked
def interpolate_geometric(
    *, anchor_years: Years, anchor_values: Numbers, years: Years
) -> npt.NDArray[np.float64]:
    """Values for ``years`` on constant growth between anchors (continued outside them)."""
    return _k.interpolate_geometric(list(anchor_years), floats(anchor_values), list(years))


@checked(per_item=True)
def capex_driven_path(
    *,
    start_twh: float,
    capex_yi_rmb: Numbers,
    capex_per_watt_rmb: float,
    twh_per_gw_year: float,
    first_year_fraction: float,
) -> YearlyPath:
    """Data-center consumption (TWh) from the start value plus the method-1 energy of each year's capex.

    ``capex_yi_rmb`` has one value (亿 RMB) per year of the path, the first in the start year;
    a year's capex adds ``first_year_fraction`` of its full-year energy in that year, all of it after.
    The start value already holds the start year's own effect: the start year's capex adds only the
    rest, ``1 - first_year_fraction`` of its energy, from the next year on (path = start + added[t] -
    added[0]; ``[1000, 0, 0]`` at 100 RMB/W and 10 TWh/GW-year, fraction 0.5, from 100 TWh gives
    100, 105, 105).
    """
    return _k.capex_driven_path(start_twh, floats(capex_yi_rmb), capex_per_watt_rmb, twh_per_gw_year, first_year_fraction)


@checked(per_item=True)
def compute_driven_path(*, start_twh: float, eflops: Numbers, intensity_change_per_year: float) -> YearlyPath:
    """Data-center consumption (TWh): EFLOPS path × energy per EFLOPS calibrated on the start year."""
    return _k.compute_driven_path(start_twh, floats(eflops), intensity_change_per_year)


@checked
def method1(*, capex_yi_rmb: ArrayLike, capex_per_watt_rmb: ArrayLike, twh_per_gw_year: ArrayLike) -> dict[str, ArrayLike]:
    """Method 1 in one call: ``{"capacity_gw", "energy_twh"}``."""
    gw = capacity_from_capex_gw(capex_yi_rmb=capex_yi_rmb, capex_per_watt_rmb=capex_per_watt_rmb)
    return {"capacity_gw": gw, "energy_twh": energy_from_capacity_twh(capacity_gw=gw, twh_per_gw_year=twh_per_gw_year)}


@checked
def method2(
    *,
    capex_yi_rmb: ArrayLike,
    chip_share_of_capex: ArrayLike,
    chip_cost_per_watt_rmb: ArrayLike,
    pue: ArrayLike,
    load_factor: ArrayLike,
    hours: ArrayLike = default("dc_power.hours_per_year"),
) -> dict[str, ArrayLike]:
    """Method 2 in one call: ``{"chip_power_gw", "energy_twh"}`` (chip power × PUE × load factor × hours)."""
    gw = chip_power_from_capex_gw(
        capex_yi_rmb=capex_yi_rmb, chip_share_of_capex=chip_share_of_capex, chip_cost_per_watt_rmb=chip_cost_per_watt_rmb
    )
    twh = energy_from_it_power_twh(it_power_gw=gw, pue=pue, load_factor=load_factor, hours=hours)
    return {"chip_power_gw": gw, "energy_twh": twh}


def _rows_for_capex(scenario: Assumptions, capex: float, label: str) -> list[tuple[str, str, float, float]]:
    m1 = method1(
        capex_yi_rmb=capex,
        capex_per_watt_rmb=low_high(scenario, "dc_power.capex_per_watt_rmb"),
        twh_per_gw_year=low_high(scenario, "dc_power.twh_per_gw_year"),
    )
    m2 = method2(
        capex_yi_rmb=capex,
        chip_share_of_capex=low_high(scenario, "dc_power.chip_share_of_capex"),
        chip_cost_per_watt_rmb=low_high(scenario, "dc_power.chip_cost_per_watt_rmb"),
        pue=low_high(scenario, "dc_power.chip_pue"),
        load_factor=low_high(scenario, "dc_power.chip_load_factor"),
        hours=scalar(scenario, "dc_power.hours_per_year"),
    )
    gw1, twh1 = np.asarray(m1["capacity_gw"]), np.asarray(m1["energy_twh"])
    gw2, twh2 = np.asarray(m2["chip_power_gw"]), np.asarray(m2["energy_twh"])
    return [
        (f"{label}: capex", "亿 RMB", capex, capex),
        (f"{label}: method 1 capacity (AIDC low / IDC high)", "GW", gw1[0], gw1[1]),
        (f"{label}: method 1 energy", "亿kWh", twh1[0] * YI_KWH_PER_TWH, twh1[1] * YI_KWH_PER_TWH),
        (f"{label}: method 2 chip power", "GW", gw2[0], gw2[1]),
        (f"{label}: method 2 energy", "亿kWh", twh2[0] * YI_KWH_PER_TWH, twh2[1] * YI_KWH_PER_TWH),
    ]


@named_inputs("dc_capex")
def table(scenario: Assumptions | str | Path) -> pd.DataFrame:
    """The seed-1 §4 table: methods 1 and 2 for the given capex (`dc_power.capex_yi_rmb`, by default
    the seed's 1,000 亿 RMB) and for 2025 internet capex, cluster power, compute route."""
    scenario = scenario_of(scenario)
    rows: list[tuple[str, str, float, float]] = [
        ("capex per watt (AIDC low / IDC high)", "RMB/W", *low_high(scenario, "dc_power.capex_per_watt_rmb")),
        ("energy per GW-year", "亿kWh per GW-year", *(low_high(scenario, "dc_power.twh_per_gw_year") * YI_KWH_PER_TWH)),
        ("chip cost per watt", "RMB/W", *low_high(scenario, "dc_power.chip_cost_per_watt_rmb")),
    ]
    rows += [
        ("capex per watt, US (low case / high case)", "RMB/W", *low_high(scenario, "dc_power.capex_per_watt_us_rmb")),
        ("AI-server share of capex (AIDC / IDC; context, not used by methods 1-2)", "fraction",
         *low_high(scenario, "dc_power.ai_server_share_of_capex")),
    ]
    rows += _rows_for_capex(scenario, scalar(scenario, "dc_power.capex_yi_rmb"), "given capex")
    us = method1(capex_yi_rmb=scalar(scenario, "dc_power.capex_yi_rmb"),
                 capex_per_watt_rmb=low_high(scenario, "dc_power.capex_per_watt_us_rmb"),
                 twh_per_gw_year=low_high(scenario, "dc_power.twh_per_gw_year"))
    us_gw, us_twh = np.asarray(us["capacity_gw"]), np.asarray(us["energy_twh"])
    rows += [
        ("given capex: method 1 capacity at the US capex per watt", "GW", us_gw[0], us_gw[1]),
        ("given capex: method 1 energy at the US capex per watt", "亿kWh", us_twh[0] * YI_KWH_PER_TWH,
         us_twh[1] * YI_KWH_PER_TWH),
    ]
    rows += _rows_for_capex(scenario, scalar(scenario, "dc_power.capex_2025_internet_yi_rmb"), "2025 internet capex")

    accelerators = scalar(scenario, "dc_power.cluster_accelerators")
    watts = scalar(scenario, "dc_power.cluster_watts_per_accelerator")
    it_mw = cluster_power_mw(accelerators=accelerators, watts_per_accelerator=watts, pue=1.0)
    facility_mw = cluster_power_mw(accelerators=accelerators, watts_per_accelerator=watts, pue=scalar(scenario, "dc_power.cluster_pue"))
    rows += [
        ("cluster: accelerators", "count", accelerators, accelerators),
        ("cluster: accelerator power (IT)", "MW", it_mw, it_mw),
        ("cluster: facility power at the cluster PUE", "MW", facility_mw, facility_mw),
    ]

    years = [2024, 2028]
    general = [scalar(scenario, "dc_power.general_eflops_2024"), scalar(scenario, "dc_power.general_eflops_2028")]
    ai = [scalar(scenario, "dc_power.ai_eflops_2024"), scalar(scenario, "dc_power.ai_eflops_2028")]
    total = [g + a for g, a in zip(general, ai)]
    compute_growth = float(interpolate_geometric(anchor_years=years, anchor_values=total, years=[2025])[0] / total[0] - 1.0)
    change = scalar(scenario, "dc_power.energy_per_flop_change")
    # Energy growth with compute growth and a falling energy per FLOP, from the kernel path.
    energy = compute_driven_path(start_twh=1.0, eflops=[total[0], total[0] * (1.0 + compute_growth)], intensity_change_per_year=change)
    energy_growth = float(energy[1] / energy[0] - 1.0)
    rows += [
        ("compute route: total compute 2024", "EFLOPS", total[0], total[0]),
        ("compute route: total compute 2028", "EFLOPS", total[1], total[1]),
        ("compute route: compute growth 2024-28", "%/yr", 100 * compute_growth, 100 * compute_growth),
        ("compute route: energy per FLOP change", "%/yr", 100 * change, 100 * change),
        ("compute route: data-center electricity growth", "%/yr", 100 * energy_growth, 100 * energy_growth),
    ]
    frame = pd.DataFrame(rows, columns=["row", "unit", "low", "high"])
    frame[["low", "high"]] = frame[["low", "high"]].astype(float)
    return frame[["row", "low", "high", "unit"]]
