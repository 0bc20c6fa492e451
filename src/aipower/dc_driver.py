"""Hook: the data-center demand row driven by capex or compute instead of a CAGR.

`data_center_path` returns the data-center consumption path (TWh, one value per
year from the base year) when the scenario's ``demand.data_centers.driver`` is
not ``cagr``, and None otherwise (the row is then driven by its segments).

* ``capex``: a yearly capex path (亿 RMB) from the ``dc_power.capex_path_*``
  assumptions, turned into TWh by method 1 (capex per watt, TWh per GW-year) in
  the case chosen by ``dc_power.capex_case`` (low, mid = mean of low and high,
  high), added on top of the start value.
* ``compute``: the EFLOPS path of seed 1 (2024 and 2028 anchors, growth
  continued outside them) × an energy per EFLOPS calibrated on the start value
  and changing by ``dc_power.energy_per_flop_change`` a year.

The calculation is in the kernel (`dc_power.capex_driven_path`,
`dc_power.compute_driven_path`, `series.project`); this hook gathers inputs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from . import _kernel
from ._calc import low_high, scalar

if TYPE_CHECKING:
    from .scenario import Scenario
else:
    from ._calc import Assumptions as Scenario

DRIVERS = ("cagr", "capex", "compute")
CASES = ("low", "mid", "high")


def _get_optional(scenario: Scenario, key: str, fallback: Any) -> Any:
    """The value of ``key``, or ``fallback`` if the scenario does not define it."""
    try:
        present = key in scenario  # type: ignore[operator]
    except TypeError:  # a scenario-like object without __contains__
        present = True
    if not present:
        return fallback
    try:
        value = scenario.get(key)
    except KeyError:
        return fallback
    return fallback if value is None else value


def _capex_path(scenario: Scenario, years: list[int]) -> list[float]:
    """Capex (亿 RMB) for each of ``years``: the seed-1 path, zero outside its years."""
    first = int(scalar(scenario, "dc_power.capex_path_first_year"))
    last = int(scalar(scenario, "dc_power.capex_path_last_year"))
    growth_last = int(scalar(scenario, "dc_power.capex_path_growth_last_year"))
    segments = [
        _kernel.series.Segment("growth", first + 1, growth_last, [scalar(scenario, "dc_power.capex_path_growth")]),
        _kernel.series.Segment("growth", growth_last + 1, last, [scalar(scenario, "dc_power.capex_path_growth_after")]),
    ]
    segments = [seg for seg in segments if seg.first_year <= seg.last_year]
    path = _kernel.series.project("dc_power.capex_path", first, last, scalar(scenario, "dc_power.capex_path_first_value"), segments)
    by_year = dict(zip(range(first, last + 1), path))
    return [float(by_year.get(year, 0.0)) for year in years]


def _capex_route(scenario: Scenario, years: list[int], start_value: float) -> np.ndarray:
    case = str(scenario.get("dc_power.capex_case"))
    if case not in CASES:
        raise ValueError(f"dc_power.capex_case = {case!r}: expected one of {', '.join(CASES)}")
    capex = _capex_path(scenario, years)
    capex_per_watt = low_high(scenario, "dc_power.capex_per_watt_rmb")
    twh_per_gw = low_high(scenario, "dc_power.twh_per_gw_year")
    fraction = scalar(scenario, "dc_power.capex_first_year_fraction")
    low, high = (
        _kernel.dc_power.capex_driven_path(start_value, capex, float(capex_per_watt[i]), float(twh_per_gw[i]), fraction)
        for i in (0, 1)
    )
    return {"low": low, "high": high, "mid": 0.5 * (low + high)}[case]


def _compute_eflops(scenario: Scenario, years: list[int]) -> list[float]:
    """General + AI compute (EFLOPS) for each year, geometric between the seed's anchor years."""
    anchors = [2024, 2028]  # the years of seed 1 [79]'s compute figures (the keys name them)
    total = [
        scalar(scenario, f"dc_power.general_eflops_{year}") + scalar(scenario, f"dc_power.ai_eflops_{year}") for year in anchors
    ]
    return list(_kernel.dc_power.interpolate_geometric(anchors, total, list(years)))


def _compute_route(scenario: Scenario, years: list[int], start_value: float) -> np.ndarray:
    return _kernel.dc_power.compute_driven_path(start_value, _compute_eflops(scenario, years),
                                                scalar(scenario, "dc_power.energy_per_flop_change"))


def data_center_path(scenario: Scenario, years: list[int], start_value: float) -> np.ndarray | None:
    driver = str(_get_optional(scenario, "demand.data_centers.driver", "cagr"))
    if driver not in DRIVERS:
        raise ValueError(f"demand.data_centers.driver = {driver!r}: expected one of {', '.join(DRIVERS)}")
    if driver == "cagr":
        return None
    years = [int(y) for y in years]
    if not years:
        raise ValueError("years: empty; expected the years of the path from the base year")
    if driver == "capex":
        return _capex_route(scenario, years, float(start_value))
    return _compute_route(scenario, years, float(start_value))
