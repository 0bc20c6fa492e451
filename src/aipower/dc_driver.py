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

import re
import sys
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from . import _kernel, units
from ._calc import is_extreme, low_high, scalar, shown

if TYPE_CHECKING:
    from .scenario import Scenario
else:
    from ._calc import Assumptions as Scenario

DRIVERS = ("cagr", "capex", "compute")
CASES = ("low", "mid", "high")
START_KEY = "demand.data_centers.start"  # the route's start value (start_twh), read by the demand builder
_T = TypeVar("_T")
# A kernel refusal: "name = value: expected ..." (name may carry an item index: eflops[3], anchor_values[0])
_KERNEL_REFUSAL = re.compile(r"^(?P<name>[^=:]+?)(?:\[\d+\])? = (?P<value>[^:]+): (?P<why>.*)$", re.S)


def _refusal(scenario: Scenario, key: str, why: str, item: str = "") -> ValueError:
    """A refusal of the route's input ``key`` worded like the scenario's own errors: where the key was
    set (file:line or "override"), the key and its value as written, and what was expected. The kernel's
    message names its own argument (first_year_fraction), which no scenario file shows."""
    from .scenario import ScenarioError  # imported here: the scenario module imports the demand builder

    a = scenario.assumption(key)
    origin = getattr(a, "origin", None)
    value, unit = getattr(a, "value", scenario.get(key)), getattr(a, "unit", "")
    written = shown(value)
    if isinstance(unit, str) and unit and isinstance(value, (int, float, list)) and units.model_unit(unit) != unit:
        written += f" {unit}"  # the kernel's range is in the model's unit: say which unit the value was in
    if item and isinstance(value, list):  # a [low, high] pair: which case was refused
        written += f" ({item})"
    return ScenarioError(f"{origin + ': ' if origin else ''}{key} = {written}: {why}")


def _named(scenario: Scenario, names: Mapping[str, str], call: Callable[[], _T], item: str = "") -> _T:
    """``call()``, with a kernel refusal of an argument in ``names`` (kernel name → scenario key) re-worded
    by `_refusal`; other errors (a non-finite result, named by the balance) pass unchanged."""
    try:
        return call()
    except ValueError as exc:
        m = _KERNEL_REFUSAL.match(str(exc))
        key = names.get(m["name"]) if m else None
        if m is None or key is None or key not in scenario:
            raise
        raise _refusal(scenario, key, m["why"], item) from None


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
    if last < first:  # checked here to name both keys: the kernel names its own series' end_year
        where = getattr(scenario.assumption("dc_power.capex_path_first_year"), "origin", None)
        raise _refusal(scenario, "dc_power.capex_path_last_year",
                       f"expected a year >= dc_power.capex_path_first_year = {first}{f' ({where})' if where else ''}")
    label = "dc_power.capex_path"
    segments = [
        (_kernel.series.Segment("growth", first + 1, growth_last, [scalar(scenario, "dc_power.capex_path_growth")]),
         "dc_power.capex_path_growth"),
        (_kernel.series.Segment("growth", growth_last + 1, last, [scalar(scenario, "dc_power.capex_path_growth_after")]),
         "dc_power.capex_path_growth_after"),
    ]
    segments = [(seg, key) for seg, key in segments if seg.first_year <= seg.last_year]
    # the kernel names a segment by its method and years ("dc_power.capex_path segment growth 2026-2028")
    names = {f"{label}.start_value": "dc_power.capex_path_first_value",
             **{f"{label} segment growth {seg.first_year}-{seg.last_year}.rate": key for seg, key in segments}}
    start = scalar(scenario, "dc_power.capex_path_first_value")
    try:
        path = _named(scenario, names, lambda: _kernel.series.project(label, first, last, start, [seg for seg, _ in segments]))
    except ValueError as exc:  # "dc_power.capex_path 2026 = inf: ... (check the segment ... growth 2026-2028)"
        m = re.match(rf"^{re.escape(label)} (\d+) = ([^:]+): .*segment growth (\d+)-(\d+)\)$", str(exc))
        if m is None:
            raise
        key = next(key for seg, key in segments if (seg.first_year, seg.last_year) == (int(m[3]), int(m[4])))
        if is_extreme(start):
            key = "dc_power.capex_path_first_value"
        raise _refusal(scenario, key, f"the capex path reaches {m[2]} in {m[1]} (from dc_power.capex_path_first_value = "
                       f"{start:g}); expected inputs whose path stays within a float's range (±{sys.float_info.max:.1e})") from None
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
    names = {"start_twh": START_KEY, "capex_per_watt_rmb": "dc_power.capex_per_watt_rmb",
             "twh_per_gw_year": "dc_power.twh_per_gw_year", "first_year_fraction": "dc_power.capex_first_year_fraction"}
    low, high = (
        _named(scenario, names, lambda i=i: _kernel.dc_power.capex_driven_path(  # type: ignore[misc]
            start_value, capex, float(capex_per_watt[i]), float(twh_per_gw[i]), fraction), item=f"{which} case")
        for i, which in enumerate(("low", "high"))
    )
    return {"low": low, "high": high, "mid": 0.5 * (low + high)}[case]


def _compute_eflops(scenario: Scenario, years: list[int]) -> list[float]:
    """General + AI compute (EFLOPS) for each year, geometric between the seed's anchor years."""
    anchors = [2024, 2028]  # the years of seed 1 [79]'s compute figures (the keys name them)
    total = [
        scalar(scenario, f"dc_power.general_eflops_{year}") + scalar(scenario, f"dc_power.ai_eflops_{year}") for year in anchors
    ]
    for year, value in zip(anchors, total):
        if not value > 0:  # geometric interpolation needs positive anchors: the kernel names anchor_values[i]
            keys = [f"dc_power.general_eflops_{year}", f"dc_power.ai_eflops_{year}"]
            raise _refusal(scenario, keys[1], f"with {keys[0]} = {shown(scenario.get(keys[0]))}, the total compute "
                           f"in {year} is {value:g}; expected a positive total (EFLOPS)")
    return list(_kernel.dc_power.interpolate_geometric(anchors, total, list(years)))


def _compute_route(scenario: Scenario, years: list[int], start_value: float) -> np.ndarray:
    eflops = _compute_eflops(scenario, years)
    change = scalar(scenario, "dc_power.energy_per_flop_change")
    names = {"start_twh": START_KEY, "intensity_change_per_year": "dc_power.energy_per_flop_change"}
    return _named(scenario, names, lambda: _kernel.dc_power.compute_driven_path(start_value, eflops, change))


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
