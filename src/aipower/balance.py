"""The China power balance end to end: `run(scenario)` → demand, capacity,
generation, utilization hours and renewable share, as pandas DataFrames.

Rows are named, columns are integer years from the base year; units are TWh
(demand, generation), GW (capacity), h (hours), fractions (growth, shares).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _build, actuals, demand, supply, units
from ._calc import _calculator_tree, is_extreme, not_finite_text, not_finite_value
from ._kernel import china as _china
from .renewables import Requirement, target_from
from .scenario import Scenario, ScenarioError, _kind, combined_overrides, load_scenario

HOURS_ROWS = supply.SOURCES  # every source, biomass too (its hours are the renewables' residual)
RE_SHARE_ROWS = ("non_hydro_share", "wind_solar_additions")
TABLES = ("demand", "capacity", "generation", "hours", "re_share")
UNITS = {"demand": "TWh (total_growth: fraction)", "capacity": "GW, end of year", "generation": "TWh",
         "hours": "h", "re_share": "fraction (wind_solar_additions: GW/yr)"}
_TABLE_UNIT = {"demand": "TWh", "capacity": "GW", "generation": "TWh", "hours": "h", "re_share": "fraction"}
_ROW_UNIT = {("demand", "total_growth"): "fraction", ("re_share", "wind_solar_additions"): "GW/yr"}


def row_unit(table: str, row: str) -> str:
    """The unit of one row of a balance table (UNITS says the same per table, for a heading)."""
    return _ROW_UNIT.get((table, row), _TABLE_UNIT[table])


@dataclass(eq=False, repr=False)  # frames do not compare with ==, and a repr of every frame is pages long
class BalanceResult:
    """Outputs of one run of the China power-balance model.

    Tables: rows by name (index ``row``), one column per year (int). Units: demand and generation
    in TWh (demand's total_growth a fraction),
    capacity and additions in GW (end of year), hours in h, re_share's non_hydro_share a fraction and
    wind_solar_additions in GW/yr. ``tables()`` gives the five main ones by name.
    """

    scenario: Scenario
    base_year: int
    demand: pd.DataFrame
    capacity: pd.DataFrame
    generation: pd.DataFrame
    hours: pd.DataFrame
    re_share: pd.DataFrame
    additions: pd.DataFrame  # GW added per year by source
    loss_factor: float  # calibrated (or given) losses and own use, fraction of consumption
    requirement: Requirement | None  # the solved wind+solar level when renewables.mode = 'target'
    notes: list[str] = field(default_factory=list)  # where base-year inputs came from

    @property
    def years(self) -> list[int]:
        """The years of the tables' columns, from the base year."""
        return list(self.demand.columns)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The five main tables by name (demand, capacity, generation, hours, re_share): a method, where
        a sweep result's ``tables`` is a dict of percentile tables."""
        return {name: getattr(self, name) for name in TABLES}

    def __repr__(self) -> str:
        years = self.years
        level = "" if self.requirement is None else f", requirement={self.requirement.level_gw_per_year:.1f} GW/yr"
        return (f"BalanceResult(scenario={self.scenario.name!r}, base_year={self.base_year}, years={years[0]}-{years[-1]}, "
                f"loss_factor={self.loss_factor:.4f}{level}, tables={list(TABLES)}, notes={len(self.notes)})")


def _resolve(scenario: str | Path | Scenario, base_year: int | None, overrides: Mapping[str, Any] | None) -> Scenario:
    if isinstance(scenario, Scenario):
        extra = combined_overrides(overrides, base_year)  # base_year and horizon.base_year both set: refused
        return scenario.with_overrides(extra) if extra else scenario
    return load_scenario(scenario, base_year=base_year, overrides=overrides)


def model_inputs(scenario: str | Path | Scenario = "base", base_year: int | None = None,
                 overrides: Mapping[str, Any] | None = None) -> tuple[_china.ModelInputs, _build.Horizon, Scenario]:
    """Kernel inputs for a scenario (for advanced use and the batch API)."""
    sc = _resolve(scenario, base_year, overrides)
    try:
        return _built(sc)
    except ValueError as exc:  # a conversion's overflow named its own function (twh_to_per_capita = inf)
        if base_year is not None and str(exc).startswith(prefix := f"override: horizon.base_year = {sc.base_year}: "):
            # named by the argument given, as the command line names --base-year and a worksheet base_year
            raise ScenarioError(f"base_year = {sc.base_year}: {str(exc)[len(prefix):]}") from None
        raise _with_bare_numbers(sc, _extreme_named(sc, exc) or exc) from None


def _with_bare_numbers(sc: Scenario, exc: ValueError) -> ValueError:
    """`exc`, saying which numbers were given without a unit in a scenario that writes them in another
    (2880 meant as 亿kWh runs as 2880 TWh, and the check it fails can be another assumption's), and
    which data row a refused actual was read from (the scenario's line only points to the series)."""
    exc = _with_data_row(sc, exc)
    said = str(exc)
    # (one the refusal is about says it already, where a scale can mend it; a sign it cannot)
    bare = [a for a in sc._read_only() if a.bare_number_file_unit and isinstance(a.value, (int, float))
            and not isinstance(a.value, bool) and a.value > 0 and f"{a.key} = " not in said]
    if not bare or "a number without a unit" in said:
        return exc
    hints = "; ".join(f"{a.key} = {a.value:g} ({a.origin}) is read in {a.unit}, the scenario writes it in "
                      f"{a.bare_number_file_unit}: for that, give {a.in_file_unit()}" for a in bare)
    return type(exc)(f"{said} (a number without a unit is in the model's unit: {hints})")


def _with_data_row(sc: Scenario, exc: ValueError) -> ValueError:
    """`exc` naming the data file and line of the actual it refuses: 'hours_coal,2024,9000' was
    reported as the scenario's calibration.coal_hours (base.toml) or as the kernel's coal_hours_actual."""
    said = str(exc)
    try:
        start = sc.start_year()
    except (TypeError, ValueError):  # the base year itself refused: the message says so
        return exc
    if start is None or "(read from the data:" in said:
        return exc
    for a in sc._read_only():
        if not a.is_actual or "less" in a.value:
            continue
        series, year = a.value["actual"], start + int(a.value.get("year_offset", 0))
        found, where = actuals.table().get((series, year)), actuals.line_of(series, year)
        if found is None or where is None:  # a missing actual is refused in words of its own
            continue
        value = found.value  # in the model's unit, as the kernel shows it
        # named by its key, or by the refused value the kernel shows under its own name
        if f"{a.key} = " in said or f"{a.key}.start = " in said or re.search(rf"= {re.escape(f'{value:g}')}(?![\d.])", said):
            return type(exc)(f"{said} (read from the data: {series} {year}, {where})")
    return exc


def _built(sc: Scenario) -> tuple[_china.ModelInputs, _build.Horizon, Scenario]:
    h = _build.horizon(sc)
    inputs = _china.ModelInputs()
    inputs.first_year = h.first_year
    inputs.last_year = h.last_year
    inputs.demand = demand.build(sc, h)
    supply.build(sc, h, inputs)
    inputs.net_imports = _build.per_year(sc, "balance.net_imports", h, "TWh/yr")
    cal = _china.CalibrationData()
    cal.coal_hours = _build.start_value(sc, "calibration.coal_hours", h, "h")
    cal.wind_solar_generation = _build.start_value(sc, "calibration.wind_solar_generation", h, "TWh")
    cal.renewable_generation = _build.start_value(sc, "calibration.renewable_generation", h, "TWh")
    cal.hydro_reported_previous_end = _build.start_value(sc, "calibration.hydro_reported_previous_end", h, "GW")
    cal.hydro_reported_start_end = _build.start_value(sc, "calibration.hydro_reported_start_end", h, "GW")
    cal.loss_factor = math.nan  # the kernel's "calibrate on the base year's coal hours"
    if sc.get("balance.loss_factor_mode") == "fixed":
        cal.loss_factor = sc.get("balance.loss_factor")
        if not math.isfinite(cal.loss_factor):  # would silently calibrate instead
            a = sc.assumption("balance.loss_factor")
            raise ScenarioError(f"{a.origin}: balance.loss_factor = {a.value!r}: expected a finite fraction "
                                "(balance.loss_factor_mode is 'fixed')")
    inputs.calibration = cal
    if sc.get("renewables.mode") == "target":
        inputs.target = target_from(sc)
        _check_level_years(sc, inputs.target.first_year)
    return inputs, h, sc


def _check_level_years(sc: Scenario, first_year: int) -> None:
    """The level of wind + solar additions applies from renewables.first_year; a later base year takes
    wind and solar capacity up to it from the actuals, so a level starting in such a year would be
    reported for years it does not set."""
    start = sc.start_year()
    pinned = [y for key in ("supply.wind.start", "supply.solar.start") if sc.assumption(key).is_actual
              for y in sc._pinned_years(sc.assumption(key), start if start is not None else sc.base_year)]
    if pinned and first_year <= max(pinned):
        raise ScenarioError(f"{sc.assumption('renewables.first_year').origin}: renewables.first_year = {first_year}: expected a year after {max(pinned)}: base "
                            f"year {sc.base_year} takes wind and solar capacity up to {max(pinned)} from the actuals, "
                            "so a level of additions cannot apply there")


# The kernel's names of values it takes from an assumption under another name
_KERNEL_NAMES = {"tertiary_total_start": "demand.tertiary_core.sector_total",
                 "residential_total_start": "demand.residential_core.sector_total"}


def _extreme_named(sc: Scenario, exc: ValueError) -> ScenarioError | None:
    """A result beyond a float's range, which the kernel names by its own function (supply::average_capacity
    = inf), as the assumptions of extreme magnitude that gave it; None if it is not one or none is."""
    value = not_finite_value(exc)
    if value is None:
        return None
    # the calculators' own sections are not read by the balance (dc_power is: the data-center route)
    unread = {s for s in _calculator_tree() if s != "dc_power"}
    extreme = [a for a in sc.assumptions() if a.key.split(".")[0] not in unread and not a.is_actual
               and _kind(a.value) in ("number", "list of numbers") and is_extreme(a.value)]
    if not extreme:
        return None
    extreme.sort(key=lambda a: a.origin != "override")  # an override is the newest, likeliest cause: its place first
    given = ", ".join(f"{a.key} = {a.value:g}" if isinstance(a.value, (int, float)) else f"{a.key} = {a.value}"
                      for a in extreme)
    return ScenarioError(f"{extreme[0].origin}: {not_finite_text(value, given)}")


def _booked_parts(sc: Scenario, message: str) -> list[str]:
    """The assumptions behind "… is smaller than the parts booked in it (demand.ev_tertiary_share ×
    demand.ev_charging + demand.data_centers)": a series named by its start."""
    booked = re.search(r"is smaller than the parts booked in it \(([^)]*)\)", message)
    if booked is None:
        return []
    keys = [k if k in sc else f"{k}.start" for k in re.findall(r"demand\.[\w.]+", booked.group(1))]
    return [k for k in keys if k in sc]


def _named(sc: Scenario, exc: ValueError) -> ValueError:
    """The kernel's error about one assumption, with the assumption's file:line, and the value as
    written where the kernel shows it converted (demand.x.start_value = -0.1 for -1 亿kWh)."""
    extreme = _extreme_named(sc, exc)
    if extreme is not None:
        return extreme
    name = str(exc).split(" = ")[0]
    if name in _KERNEL_NAMES:  # tertiary_total_start = 0: …, as the assumption it came from
        exc = ValueError(_KERNEL_NAMES[name] + str(exc)[len(name):])
        name = _KERNEL_NAMES[name]
    if ".start_value" in name:  # the kernel's name for a series' .start, shown as the file's key
        shown = name.replace(".start_value", ".start", 1)
        exc, name = ValueError(shown + str(exc)[len(name):]), shown
    parts = _booked_parts(sc, str(exc))
    if parts:  # a core row below zero: the parts booked in its sector total were set too high, not its own segments
        where = "; ".join(f"{k} at {sc.assumption(k).origin}" for k in parts)
        # the part the user set: in their own file, or as an override
        lead = next((k for k in parts if sc.assumption(k).origin == "override"
                     or sc.assumption(k).origin.startswith(f"{sc.files[-1]}:")), None)
        if lead is not None:
            return ScenarioError(f"{sc.assumption(lead).origin}: {lead}: {exc} (set: {where})")
    key = name
    key = re.sub(r"\[\d{4}\]$", "", key)  # one year of a per-year assumption: supply.coal.retirements[2025]
    if " " in key or key not in sc:
        # a value a series' segments projected ("gas hours[2025]", "demand.data_centers segment cagr
        # 2028-2030.from_year", "supply.coal 2027"): where those segments were set
        hours = re.match(r"(\w+) hours\[\d+\]$", name)
        head = name.split(" ")[0].removesuffix(".start")  # a segment's start: "x.start 2024"
        keys = [f"hours.{hours.group(1)}.segments"] if hours else [f"{head}.segments", f"{head}.additions"]
        found = next((k for k in keys if k in sc), None)
        if found is None or "retirements" in str(exc):  # the retirements, not the segments, may be the cause
            return exc
        a = sc.assumption(found)
        # "segment cagr 2028-2030": that segment's own line, where its years are the ones named
        segment = re.search(r" segment \w+ (\d{4})-(\d{4})", str(exc))
        years = [int(segment.group(1)), int(segment.group(2))] if segment else None
        index = next((i for i, seg in enumerate(a.value) if isinstance(seg, dict) and seg.get("years") == years), -1)
        return ScenarioError(f"{a.item_origin(index)}: {found}: {exc}")
    a = sc.assumption(key)
    written = ""
    if not a.is_actual and isinstance(a.value, (int, float)) and units.model_unit(a.unit) != a.unit:
        written = f" (given as {a.value:g} {a.unit})"
    elif a.bare_number_file_unit and isinstance(a.value, (int, float)) and a.value > 0:  # a scale can mend it, not a sign
        written = (f" (a number without a unit is in the model's unit, {a.unit}; the scenario writes this one in "
                   f"{a.bare_number_file_unit}: give the unit, e.g. {a.in_file_unit()})")
    if key.startswith("renewables.") and key.endswith("_year") and "expected a year in" in str(exc) \
            and "not linear in the level" not in str(exc):  # the segments after the solve years, not the horizon
        end = sc.assumption("horizon.end_year")  # a shorter horizon is the usual cause: say where it was set
        written += f" (the horizon ends in {end.value:g}: horizon.end_year at {end.origin})"
    return ScenarioError(f"{a.origin}: {exc}{written}")


def _frame(rows: Mapping[str, np.ndarray], names: tuple[str, ...] | list[str], years: list[int], keep: slice) -> pd.DataFrame:
    df = pd.DataFrame({y: [float(rows[name][i]) for name in names] for i, y in enumerate(years)}, index=list(names))
    df.index.name = "row"
    return df.iloc[:, keep]


def run(scenario: str | Path | Scenario = "base", base_year: int | None = None,
        overrides: Mapping[str, Any] | None = None, **kw_overrides: Any) -> BalanceResult:
    """Run the China power-balance model.

    `scenario`: a shipped name (``base``, ``ai``), a scenario file path, or a loaded Scenario.
    `base_year`: rebase (e.g. 2025: actuals pin consumption by sector and wind/solar capacity).
    `overrides` / keyword overrides: assumption keys (dotted, or ``__`` for dots) → values. A
    number without a unit is in the model's unit (TWh, GW, fraction: the unit of the results and of
    ``Scenario.get``), e.g. ``run("base", renewables__target_share=0.28)``; a number in another unit
    says it, as text (``"3000 亿kWh"``, ``"28%"``) or as ``{"value": 3000, "unit": "亿kWh"}``.
    """
    # a key both in overrides and as a keyword is refused: one would quietly win
    inputs, h, sc = model_inputs(scenario, base_year, combined_overrides(overrides, keywords=kw_overrides))
    try:
        out = _china.run(inputs)
    except ValueError as exc:  # a message about one assumption (renewables.target_share = 2: ...) gets its file:line
        named = _named(sc, exc)
        if named is exc:  # a result no one assumption explains (coal hours over 8,784): which scenario gave it
            named = ScenarioError(f"scenario '{sc.name}' ({sc.files[-1]}) does not run: {exc}")
        raise _with_bare_numbers(sc, named) from None
    years = list(out["years"])
    keep = slice(years.index(h.base_year), None)

    generation = dict(out["generation"])
    generation["required"] = out["required"]
    re_share = {"non_hydro_share": out["non_hydro_share"], "wind_solar_additions": out["wind_solar_additions"]}
    requirement = None
    if out["requirement"] is not None:
        t = inputs.target
        r = out["requirement"]
        requirement = Requirement(t.share, t.year, t.first_year, t.last_year, r["level"], r["share_at_zero"], r["share_per_gw"])
    return BalanceResult(
        scenario=sc,
        base_year=h.base_year,
        demand=_frame(out["demand"], demand.ROWS, years, keep),
        capacity=_frame(out["capacity"], supply.SOURCES, years, keep),
        generation=_frame(generation, [*supply.SOURCES, "required"], years, keep),
        hours=_frame(out["hours"], HOURS_ROWS, years, keep),
        re_share=_frame(re_share, RE_SHARE_ROWS, years, keep),
        additions=_frame(out["additions"], supply.SOURCES, years, keep),
        loss_factor=float(out["loss_factor"]),
        requirement=requirement,
        notes=h.notes,
    )
