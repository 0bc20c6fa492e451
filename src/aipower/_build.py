"""Turning scenario assumptions into kernel inputs (shared by the model areas).

Only unit conversion and bookkeeping happen here; every calculation is in the kernel.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from . import actuals, units
from . import uncertainty as _uncertainty
from ._calc import scalar
from ._kernel import series as _series
from .scenario import Assumption, Scenario, ScenarioError, resolve_actual


@dataclass
class Horizon:
    """Years of one model run.

    The kernel starts in `first_year` (the calibration year: the last year up to
    the base year with an actual coal-hours figure); years after it up to
    `base_year` are pinned to actuals where they exist. Tables start at `base_year`.
    """

    base_year: int
    first_year: int
    last_year: int
    notes: list[str] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return list(range(self.first_year, self.last_year + 1))


_SEGMENT_VALUES = {
    "growth": ("rate",),
    "glide": ("from", "to"),
    "increment": ("value",),
    "pipeline": ("total",),
    "cagr": ("rate",),
    "change": ("change",),
    "target": ("value",),
}


# The model unit of a rate method's values, whatever the series.
_RATE_UNITS = {"growth": "fraction/yr", "glide": "fraction/yr", "cagr": "fraction/yr", "change": "fraction"}


def _segment_unit_problem(method: str, model_unit: str, level: str | None) -> str | None:
    """Why a segment's unit (converted to the model's) does not fit its method on a series whose
    values are in `level` (None where the caller cannot say, e.g. per-capita rows), or None."""
    if method in _RATE_UNITS:
        expected = _RATE_UNITS[method]
    elif level is not None:
        expected = f"{level}/yr" if method == "increment" else level
    elif model_unit.startswith("fraction") or model_unit.endswith("/yr") != (method == "increment"):
        return f"expected {'a quantity per year' if method == 'increment' else 'a quantity'} in the series' unit"
    else:
        return None
    return None if model_unit == expected else f"expected {expected} or a unit that converts to it"


def segments(scenario: Scenario, key: str, level: str | None) -> list[Any]:
    """Kernel segments from a list of segment tables, values in the model's units; `level` is the
    unit of the series' values (TWh, GW, h), against which a segment's unit is checked."""
    a = scenario.assumption(key)
    out = []
    for i, seg in enumerate(a.value):
        method = seg["method"]
        unit = seg["unit"]
        problem = _segment_unit_problem(method, units.model_unit(unit), level)
        if problem:  # a rate in GW would otherwise be read as a fraction
            raise ScenarioError(f"{a.origin}: {key}[{i}]: unit '{unit}' does not fit method '{method}': {problem}")
        values: list[float] = []
        for name in _SEGMENT_VALUES[method]:
            raw = _uncertainty.point_value(seg[name])  # an uncertain field runs at its point value
            for v in raw if isinstance(raw, list) else [raw]:
                converted, _ = units.to_model_unit(float(v), unit)
                if not math.isfinite(converted):
                    raise ScenarioError(f"{a.origin}: {key}[{i}].{name} = {v!r}: expected a finite number")
                values.append(converted)
        first, last = seg["years"]
        try:
            out.append(_series.Segment(method, first, last, values, int(seg.get("from_year", 0))))
        except ValueError as exc:
            raise ScenarioError(f"{a.origin}: {key}[{i}]: {exc}") from None
    return out


def horizon(scenario: Scenario) -> Horizon:
    base_year = int(scalar(scenario, "horizon.base_year"))
    last_year = int(scalar(scenario, "horizon.end_year"))
    coal_hours = scenario.assumption("calibration.coal_hours")
    if not coal_hours.is_actual:
        first = base_year
    else:
        series = coal_hours.value["actual"]
        known = sorted(y for s, y in actuals.table() if s == series and y <= base_year)
        if not known:
            raise ValueError(f"horizon.base_year = {base_year}: expected a year with actual '{series}' at or before it")
        first = known[-1]
    if not (first < last_year <= 2100):
        raise ValueError(f"horizon.end_year = {last_year}: expected a year in {first + 1}-2100")
    if base_year >= last_year:
        raise ValueError(f"horizon.base_year = {base_year}: expected a year before horizon.end_year = {last_year}")
    h = Horizon(base_year, first, last_year)
    if first < base_year:
        h.notes.append(
            f"base year {base_year}: the loss/own-use factor stays calibrated on {first}, the last year with actual coal hours"
        )
    return h


def start_value(scenario: Scenario, key: str, h: Horizon, unit: str) -> float:
    """Value of a start assumption in the kernel's first year, in `unit`."""
    a = scenario.assumption(key)
    if a.is_actual:
        found = resolve_actual(a, h.first_year)
        if found.unit != unit:
            raise ScenarioError(f"{a.origin}: {key}: actual '{found.series}' is in {found.unit}, expected {unit}")
        return found.value
    if isinstance(a.value, list):
        raise ScenarioError(f"{a.origin}: {key} = {a.value!r}: expected a single number")
    if not math.isfinite(float(a.value)):
        raise ScenarioError(f"{a.origin}: {key} = {a.value!r}: expected a finite number")
    value, model_unit = units.to_model_unit(float(a.value), a.unit)
    if model_unit != unit:
        raise ScenarioError(f"{a.origin}: {key}: unit '{a.unit}' is not convertible to {unit}")
    return value


def anchors(scenario: Scenario, key: str, h: Horizon, label: str) -> dict[int, float]:
    """Actuals of a start assumption after the first year, up to the base year (rebasing)."""
    a: Assumption = scenario.assumption(key)
    out: dict[int, float] = {}
    for year in range(h.first_year + 1, h.base_year + 1):
        if a.is_actual and "year_offset" not in a.value:
            try:
                out[year] = resolve_actual(a, year).value
                h.notes.append(f"{year} {label}: actual ({a.value['actual']})")
                continue
            except ValueError:
                pass
        h.notes.append(f"{year} {label}: from assumptions (no actual)")
    return out


def per_year(scenario: Scenario, key: str, h: Horizon, unit: str) -> list[float]:
    """A constant or per-year assumption as one value per kernel year."""
    a = scenario.assumption(key)
    raw = a.value if isinstance(a.value, list) else [a.value] * len(h.years)
    if len(raw) != len(h.years):
        raise ScenarioError(f"{a.origin}: {key}: has {len(raw)} values, expected 1 or {len(h.years)} ({h.first_year}-{h.last_year})")
    out = []
    for v in raw:
        value, model_unit = units.to_model_unit(float(v), a.unit)
        if model_unit != unit:
            raise ScenarioError(f"{a.origin}: {key}: unit '{a.unit}' is not convertible to {unit}")
        out.append(value)
    return out
