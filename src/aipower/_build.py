"""Turning scenario assumptions into kernel inputs (shared by the model areas).

Only unit conversion and bookkeeping happen here; every calculation is in the kernel.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from . import _kernel, units
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


def _segment_unit_problem(method: str, model_unit: str, level: str) -> str | None:
    """Why a segment's unit (converted to the model's) does not fit its method on a series whose
    values are in `level` (TWh, GW, h, million, kWh/person), or None."""
    if method in _RATE_UNITS:
        expected = _RATE_UNITS[method]
    else:
        expected = f"{level}/yr" if method == "increment" else level
    return None if model_unit == expected else f"expected {units.accepted(expected)}"


def _coverage_problem(key: str, built: list[Any], h: Horizon, end_origin: str) -> str | None:
    """A year the kernel will find covered by two segments, or (after the base year, where no actual
    pins it) by none, in the kernel's words; None if there is none."""
    series = key.rsplit(".", 1)[0]  # the kernel's name: demand.secondary for demand.secondary.segments
    cover: dict[int, int] = {}
    for i, seg in enumerate(built):
        for year in range(max(seg.first_year, h.first_year + 1), min(seg.last_year, h.last_year) + 1):
            if year in cover:
                j = cover[year]
                return (f"{series}: year {year} is covered by two segments of {key} "
                        f"([{j}] {built[j].first_year}-{built[j].last_year} and [{i}] {seg.first_year}-{seg.last_year})")
            cover[year] = i
    for year in range(h.base_year + 1, h.last_year + 1):
        if year not in cover:  # end_origin: the end year is often set in another file than the segments
            return (f"{series}: year {year} is not covered by any segment of {key} "
                    f"(the horizon runs to {h.last_year}: horizon.end_year in {end_origin})")
    return None


def segments(scenario: Scenario, key: str, level: str, h: Horizon | None = None, *,
             why: str = "", coverage: bool = True) -> list[Any]:
    """Kernel segments from a list of segment tables, values in the model's units; `level` is the
    unit of the series' values (TWh, GW, h, kWh/person), against which a segment's unit is checked
    (`why` says why that unit, in the message). `coverage`: check that the segments cover the
    horizon once (False where the kernel does not use them, e.g. a row driven by a route)."""
    a = scenario.assumption(key)
    out = []
    for i, seg in enumerate(a.value):
        method = seg["method"]
        unit = seg["unit"]
        problem = _segment_unit_problem(method, units.model_unit(unit), level)
        if problem:  # a rate in GW would otherwise be read as a fraction
            raise ScenarioError(f"{a.item_origin(i)}: {key}[{i}]: unit '{unit}' does not fit method '{method}': {problem}{why}")
        values: list[float] = []
        for name in _SEGMENT_VALUES[method]:
            raw = _uncertainty.point_value(seg[name])  # an uncertain field runs at its point value
            for v in raw if isinstance(raw, list) else [raw]:
                converted, _ = units.to_model_unit(float(v), unit)
                if not math.isfinite(converted):
                    raise ScenarioError(f"{a.item_origin(i)}: {key}[{i}].{name} = {v!r}: expected a finite number")
                values.append(converted)
        first, last = seg["years"]
        start = h.first_year if h is not None else None
        if start is not None and method in ("cagr", "change") and int(seg["from_year"]) < start < last:
            # the kernel's "expected a year >= the start year", without the file, the line or the way out
            raise ScenarioError(
                f"{a.item_origin(i)}: {key}[{i}].from_year = {seg['from_year']}: expected a year >= {start}, the year the "
                f"model starts from ({_why_start(scenario, start)}): "
                f"the model has no {key.rsplit('.', 1)[0]} in {seg['from_year']} to apply the {method} to; restate the "
                f"{method} from {start} or later (from_year = {start} and years from {start + 1}), or take a base year "
                f"before {start}")
        try:
            built = _series.Segment(method, first, last, values, int(seg.get("from_year", 0)))
            # the kernel's own checks (rate > -1, value counts, from_year before the first year), which it
            # otherwise runs only inside the model run, where the file and line are lost
            _series.check_segment(f"{key}[{i}]", built)
        except ValueError as exc:
            message = str(exc)
            if len(_SEGMENT_VALUES[method]) == 1:  # the kernel's name for the values; the file's is the field
                message = message.replace(f"{key}[{i}].values:", f"{key}[{i}].{_SEGMENT_VALUES[method][0]}:", 1)
            raise ScenarioError(f"{a.item_origin(i)}: {message}" if message.startswith(key) else f"{a.item_origin(i)}: {key}[{i}]: {message}") from None
        out.append(built)
    if coverage:
        h = h if h is not None else horizon(scenario)
        problem = _coverage_problem(key, out, h, scenario.assumption("horizon.end_year").origin)
        if problem:  # the kernel says this at run time, without the file and line
            raise ScenarioError(f"{a.origin}: {problem}{_also_short(scenario, key, out, h)}")
    return out


def _also_short(scenario: Scenario, key: str, built: list[Any], h: Horizon) -> str:
    """For a list of segments that stops before the horizon's end: the scenario's other lists that stop
    before it too, so that a longer horizon is one edit, not one run per list."""
    if not built or max(seg.last_year for seg in built) >= h.last_year:
        return ""  # a gap inside the horizon, not an end short of it
    short = []
    for other in scenario._read_only():  # (a list's segments are tables with their years)
        items = other.value
        if (other.key != key and isinstance(items, list) and items
                and all(isinstance(t, dict) and "years" in t for t in items)):
            last = max(int(t["years"][1]) for t in items)
            if last < h.last_year:
                short.append(f"{other.key} (to {last})")
    if not short:
        return ""
    return f"; these lists end before {h.last_year} too: {', '.join(short)}"


def _why_start(scenario: Scenario, start: int) -> str:
    """Why the model starts in `start`, for a message."""
    if not scenario.assumption("calibration.coal_hours").is_actual:
        return f"the base year: calibration.coal_hours is a number, read as {start}'s"
    return f"the last year up to base year {scenario.base_year} with actual coal hours"


def _first_year(scenario: Scenario, base_year: int) -> int | None:
    """The kernel's first year for a base year (Scenario.start_year)."""
    return scenario.start_year(base_year)


# Bases of a source's start hours that derive them from generation: its own start hours go unread.
_DERIVED_HOURS_BASES = ("solar_from_wind_solar", "residual_of_renewables")


def unread_start_hours(scenario: Scenario) -> set[str]:
    """The keys hours.<source>.start that the scenario's hours bases leave unread (a 2025 start asked for
    2025 solar plant hours, which solar_from_wind_solar never reads)."""
    return {key for key in scenario.keys()
            if re.fullmatch(r"hours\.\w+\.start", key)
            and scenario.get(key.removesuffix(".start") + ".base", "given") in _DERIVED_HOURS_BASES}


def _missing_actual(scenario: Scenario, base_year: int) -> str | None:
    """Why a base year cannot be used: an actual the scenario starts from has no value in its first
    year (every actual assumption is a start value, read in the first year); None if it can."""
    first = _first_year(scenario, base_year)
    if first is None:
        series = scenario.assumption("calibration.coal_hours").value["actual"]
        return f"calibration.coal_hours: actual series '{series}' has no value at or before {base_year}"
    unread = unread_start_hours(scenario)
    for a in scenario._read_only():
        if a.is_actual and a.key not in unread:
            try:
                resolve_actual(a, first)
            except ValueError as exc:
                return f"{a.key}: {exc}"
    return None


def _spans(years: list[int]) -> str:
    """2024, 2025, 2026, 2030 → '2024-2026, 2030'."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def _valid_base_years(scenario: Scenario, last_year: int) -> str:
    """The base years the scenario can start from before `last_year`, as spans ('2024-2034'); '' if none."""
    return _spans([y for y in range(_kernel.MIN_YEAR, last_year) if _missing_actual(scenario, y) is None])


def horizon(scenario: Scenario) -> Horizon:
    base_year = int(scalar(scenario, "horizon.base_year"))
    last_year = int(scalar(scenario, "horizon.end_year"))
    missing = _missing_actual(scenario, base_year)
    if missing:  # said which actual lacks which year, but not that the base year was the cause, nor which work
        base = scenario.assumption("horizon.base_year")
        valid = _valid_base_years(scenario, last_year)
        coal = scenario.assumption("calibration.coal_hours")
        why = ("" if coal.is_actual else  # the cause may be the number, not the base year
               f"; calibration.coal_hours is a number ({coal.origin}), so the model starts from the base year "
               f"itself and reads every actual there; with the actual series (the shipped default) it starts "
               f"from the last year with actual coal hours")
        raise ScenarioError(f"{base.origin}: horizon.base_year = {base_year}: expected a base year for which every actual "
                            f"the scenario starts from exists: {valid or 'none before horizon.end_year'} "
                            f"(with {base_year}, {missing}){why}")
    first = _first_year(scenario, base_year)
    assert first is not None  # _missing_actual said so
    if not (first < last_year <= 2100):
        end = scenario.assumption("horizon.end_year")
        raise ScenarioError(f"{end.origin}: horizon.end_year = {last_year}: expected a year in {first + 1}-2100")
    if base_year >= last_year:  # the range as a base year too early is told it, not only its upper end
        base = scenario.assumption("horizon.base_year")
        raise ScenarioError(f"{base.origin}: horizon.base_year = {base_year}: expected a base year before "
                            f"horizon.end_year = {last_year}: {_valid_base_years(scenario, last_year) or 'none'}")
    h = Horizon(base_year, first, last_year)
    for a in scenario._read_only():  # 1200 copied from `aipower params` (yi kWh) ran as 1200 TWh without a word
        if a.bare_number_file_unit and isinstance(a.value, (int, float)) and not isinstance(a.value, bool):
            h.notes.append(f"{a.key} = {a.value:g} ({a.origin}, a number without a unit) is read in the model's unit, "
                           f"{a.unit}; the scenario writes it in {a.bare_number_file_unit}: for that, give "
                           f"{a.in_file_unit()}")
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
    if a.year is not None and a.year != h.first_year:  # a 2024 figure read as 2025's when 2025 became the start
        h.notes.append(f"{key} = {a.value:g} {a.unit} ({a.origin}) is given as {a.year}'s value and read as "
                       f"{h.first_year}'s, the year the model starts from ({_why_start(scenario, h.first_year)}): "
                       f"give {h.first_year}'s to rebase it")
    elif h.first_year < h.base_year:  # a number given with a later base year is not that year's value
        h.notes.append(f"{key} = {a.value:g} {a.unit} ({a.origin}) is the {h.first_year} value, where the model "
                       f"starts (the last year with actual coal hours), not the base year {h.base_year}'s")
    return value


def anchors(scenario: Scenario, key: str, h: Horizon, label: str) -> dict[Any, float]:  # Any: the kernel's key type
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
