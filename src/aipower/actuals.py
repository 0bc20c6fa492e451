"""Actuals shipped with the package: China power data by series and year.

``china_power_actuals.csv`` is the project's data file (each row with its
public source); ``supplementary_actuals.csv`` adds the few series the model
needs that it lacks (population, pumped-storage capacity), also sourced.
Values are converted to the kernel's units (TWh, GW, h, million) on access.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from types import MappingProxyType

from . import units
from ._calc import _whole

_FILES = ("china_power_actuals.csv", "supplementary_actuals.csv")


@dataclass(frozen=True)
class Actual:
    series: str
    year: int
    value: float  # in `unit`
    unit: str  # the kernel's unit: TWh, GW, h, million, fraction
    source: str
    raw_value: float  # as published
    raw_unit: str


def _convert(value: float, unit: str) -> tuple[float, str]:
    """Published unit → kernel unit."""
    head = unit.split("(")[0].strip()
    if head.startswith("yi kWh"):
        return units.yi_kwh_to_twh(value), "TWh"
    if head.startswith("GW"):
        return value, "GW"
    if head.startswith("h"):
        return value, "h"
    if head == "%":
        return value / 100.0, "fraction"
    if head == "million":
        return value, "million"
    raise ValueError(f"actuals: unit '{unit}' has no conversion to the kernel's units")


def table() -> Mapping[tuple[str, int], Actual]:
    """Every actual, keyed by (series, year): read-only, as every run in the process reads it (copy it
    with ``dict(actuals.table())`` to change it)."""
    return MappingProxyType(_read())


@cache
def _read() -> dict[tuple[str, int], Actual]:
    out: dict[tuple[str, int], Actual] = {}
    for name in _FILES:
        with resources.files("aipower.data").joinpath(name).open(encoding="utf-8") as fh:
            for row in csv.DictReader(fh):
                raw = float(row["value"])
                value, unit = _convert(raw, row["unit"])
                key = (row["series"], int(row["year"]))
                out[key] = Actual(key[0], key[1], value, unit, row["source"], raw, row["unit"])
    return out


def _key(series: str, year: int) -> tuple[str, int]:
    """The table key of (series, year), refusing what could never be one (the checks of `get` and `has`)."""
    if not isinstance(series, str):  # a list raised "unhashable type", naming neither the argument nor the value
        raise TypeError(f"series = {series!r}: expected the name of an actual series as text (e.g. 'hours_coal')")
    whole = _whole(year)  # "2024" found nothing, yet 2024 was listed; 2024.0 (a worksheet's year) is 2024
    if whole is None:
        raise ValueError(f"year = {year!r}: expected a year as a whole number (such as 2024)")
    return series, whole


def get(series: str, year: int) -> Actual:
    """The actual of `series` in `year`; ValueError naming both if there is none."""
    found = table().get(_key(series, year))
    if found is None:
        years = sorted(y for s, y in table() if s == series)
        if not years:
            raise ValueError(f"actual series '{series}' does not exist in the packaged actuals")
        raise ValueError(f"actual series '{series}' has no value for {year}: it has {', '.join(map(str, years))}")
    return found


def unit_of(series: str) -> str:
    """The kernel unit of an actual series; ValueError if the series does not exist."""
    for (name, _), actual in table().items():
        if name == series:
            return actual.unit
    raise ValueError(f"actual series '{series}' does not exist in the packaged actuals")


def has(series: str, year: int) -> bool:
    """Whether `series` has an actual in `year`. Arguments are checked as `get` checks them ("2024" and
    2024.5 are refused, not answered False): False means only that there is no such value."""
    return _key(series, year) in table()


def vintage() -> str:
    """The latest year with any actual: the data vintage."""
    return str(max(year for _, year in table()))
