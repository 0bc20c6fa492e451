"""Unit conversions between the kernel's units (GW, TWh, h) and those of the
Chinese sources (亿kWh, 亿kW, 万kW) and per-capita figures (kWh per person).

All conversions are computed by the compiled kernel.
"""

from __future__ import annotations

import inspect
import math
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from ._calc import _check_number_like, as_result, checked
from ._kernel import units as _units


ArrayLike = npt.ArrayLike


def _converter(kernel: Callable[..., Any], *params: str) -> Callable[..., Any]:
    """The kernel's conversion with the calculators' argument checks: numbers, numpy arrays or pandas
    Series in (text, None and booleans refused by name), a number or an array of their shape out."""

    def convert(*args: Any) -> Any:
        return as_result(kernel(*args))

    convert.__name__ = convert.__qualname__ = kernel.__name__
    convert.__doc__ = str(kernel.__doc__).strip().splitlines()[-1]  # pybind11 puts the signature first
    convert.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation="ArrayLike") for p in params])
    return checked(convert)


if TYPE_CHECKING:  # the converters' arguments as a type checker sees them (a misspelt keyword is an error)
    def yi_kwh_to_twh(yi_kwh: ArrayLike) -> Any: ...
    def twh_to_yi_kwh(twh: ArrayLike) -> Any: ...
    def yi_kw_to_gw(yi_kw: ArrayLike) -> Any: ...
    def gw_to_yi_kw(gw: ArrayLike) -> Any: ...
    def wan_kw_to_gw(wan_kw: ArrayLike) -> Any: ...
    def gw_to_wan_kw(gw: ArrayLike) -> Any: ...
    def mw_to_gw(mw: ArrayLike) -> Any: ...
    def gw_to_mw(gw: ArrayLike) -> Any: ...
    def gw_hours_to_twh(gw: ArrayLike, hours: ArrayLike) -> Any: ...
    def twh_per_gw_to_hours(twh: ArrayLike, gw: ArrayLike) -> Any: ...
    def per_capita_to_twh(kwh_per_person: ArrayLike, population_million: ArrayLike) -> Any: ...
    def twh_to_per_capita(twh: ArrayLike, population_million: ArrayLike) -> Any: ...
else:
    yi_kwh_to_twh = _converter(_units.yi_kwh_to_twh, "yi_kwh")
    twh_to_yi_kwh = _converter(_units.twh_to_yi_kwh, "twh")
    yi_kw_to_gw = _converter(_units.yi_kw_to_gw, "yi_kw")
    gw_to_yi_kw = _converter(_units.gw_to_yi_kw, "gw")
    wan_kw_to_gw = _converter(_units.wan_kw_to_gw, "wan_kw")
    gw_to_wan_kw = _converter(_units.gw_to_wan_kw, "gw")
    mw_to_gw = _converter(_units.mw_to_gw, "mw")
    gw_to_mw = _converter(_units.gw_to_mw, "gw")
    gw_hours_to_twh = _converter(_units.gw_hours_to_twh, "gw", "hours")
    twh_per_gw_to_hours = _converter(_units.twh_per_gw_to_hours, "twh", "gw")
    per_capita_to_twh = _converter(_units.per_capita_to_twh, "kwh_per_person", "population_million")
    twh_to_per_capita = _converter(_units.twh_to_per_capita, "twh", "population_million")

# Units a scenario may state, with the conversion to the unit the model uses.
# Each entry: unit as written → (model unit, function turning the value into the model unit).
# The kernel's functions themselves: to_model_unit checks its value once, the scenario loader
# calls it with numbers it has checked.
_ALIASES = {
    "TWh": ("TWh", lambda v: v),
    "yi kWh": ("TWh", _units.yi_kwh_to_twh),
    "亿kWh": ("TWh", _units.yi_kwh_to_twh),
    "GW": ("GW", lambda v: v),
    "yi kW": ("GW", _units.yi_kw_to_gw),
    "亿kW": ("GW", _units.yi_kw_to_gw),
    "wan kW": ("GW", _units.wan_kw_to_gw),
    "万kW": ("GW", _units.wan_kw_to_gw),
    "GW/yr": ("GW/yr", lambda v: v),
    "yi kW/yr": ("GW/yr", _units.yi_kw_to_gw),
    "亿kW/yr": ("GW/yr", _units.yi_kw_to_gw),
    "wan kW/yr": ("GW/yr", _units.wan_kw_to_gw),
    "万kW/yr": ("GW/yr", _units.wan_kw_to_gw),
    "MW/yr": ("GW/yr", _units.mw_to_gw),  # not "MW": the calculators take MW as their own unit (capacity_mw)
    "TWh/yr": ("TWh/yr", lambda v: v),
    "yi kWh/yr": ("TWh/yr", _units.yi_kwh_to_twh),
    "亿kWh/yr": ("TWh/yr", _units.yi_kwh_to_twh),
    "fraction": ("fraction", lambda v: v),
    "%": ("fraction", lambda v: v / 100.0),
    "fraction/yr": ("fraction/yr", lambda v: v),
    "%/yr": ("fraction/yr", lambda v: v / 100.0),
    # the data-center intensity, as seed 1 [61] gives it (44-100 亿kWh per GW) and the dc_capex table shows it
    "TWh per GW-year": ("TWh per GW-year", lambda v: v),
    "yi kWh per GW-year": ("TWh per GW-year", _units.yi_kwh_to_twh),
    "亿kWh per GW-year": ("TWh per GW-year", _units.yi_kwh_to_twh),
}


def to_model_unit(value: float, unit: str) -> tuple[float, str]:
    """Convert `value` stated in `unit` into the model's unit of the same kind.

    Units without an alias (h, year, kWh/person, million, ...) pass unchanged.
    """
    if not isinstance(unit, str):
        raise ValueError(f"unit = {unit!r}: expected a unit as text (e.g. one of {', '.join(_ALIASES)})")
    huge = isinstance(value, int) and abs(value) > sys.float_info.max  # 10**400: math.isfinite raised OverflowError
    if huge or not (isinstance(value, (int, float)) and not isinstance(value, bool)):  # the loader's numbers skip this
        value = as_result(_check_number_like("value", value))
    finite = math.isfinite(value) if isinstance(value, float) else np.all(np.isfinite(value))  # the loader's floats: fast
    if not finite:  # the kernel's conversions carry NaN and inf through
        raise ValueError(f"value = {value!r}: expected a finite number")
    unit = _canonical(unit)  # '亿 kWh' is 亿kWh, as known_unit reads it
    if unit in _ALIASES:
        model_unit, convert = _ALIASES[unit]
        return convert(value), model_unit
    return value, unit


def _spelling(unit: str) -> str:
    return "".join(unit.split()).casefold().replace("％", "%")


_SPELLINGS = {_spelling(u): u for u in _ALIASES}


def _canonical(unit: str) -> str:
    """The unit of `_ALIASES` that `unit` spells with other spaces or case ('亿 kWh' → '亿kWh'), else `unit`."""
    return _SPELLINGS.get(_spelling(unit), unit)


_MODEL_UNITS = frozenset(model for model, _ in _ALIASES.values())
_LEADS = sorted(_ALIASES, key=len, reverse=True)  # a unit's leading unit, longest first: 'GW/yr' before 'GW'


def same_spelling(a: str, b: str) -> bool:
    """Whether two units are one unit written with other spaces or case ('亿RMB' and '亿 rmb')."""
    return _spelling(a) == _spelling(b)


def known_unit(unit: str) -> str | None:
    """The unit of `_ALIASES` that `unit` spells with other spaces or case ('亿 KWH' → '亿kWh'), or None."""
    if not isinstance(unit, str):  # None failed on str.split
        raise ValueError(f"unit = {unit!r}: expected a unit as text (e.g. one of {', '.join(_ALIASES)})")
    return _SPELLINGS.get(_spelling(unit))


def accepted(unit: str) -> str:
    """A model unit and the units that convert to it, for a message: 'fraction/yr (or %/yr)'."""
    others = [u for u in known_units() if model_unit(u) == unit and u != unit]
    return f"{unit} (or {', '.join(others)})" if others else unit


def known_units() -> list[str]:
    return list(_ALIASES)


def model_unit(unit: str) -> str:
    """The model's unit for a stated unit (itself if it has no alias)."""
    if not isinstance(unit, str):  # None came back as None, a list raised a TypeError
        raise ValueError(f"unit = {unit!r}: expected a unit as text, e.g. 'TWh' or '亿kWh'")
    unit = _canonical(unit)
    return _ALIASES[unit][0] if unit in _ALIASES else unit


def measure(unit: str) -> str:
    """The model unit an assumption's unit measures in: its model unit, or for a unit the model
    converts followed by a description ('GW/yr nameplate', 'fraction of cost', 'fraction of peak
    (MFU)'), the model unit of that leading unit, so that '90 GW/yr' or '10%' can set it. A compound
    unit ('TWh per GW-year', 'fraction per week') is a unit of its own."""
    own = model_unit(unit)
    if own in _MODEL_UNITS:
        return own
    for lead in _LEADS:
        rest = unit[len(lead):] if unit.startswith(lead) else ""
        if rest.startswith(" ") and not rest.split()[0].startswith(("per", "/", "×")):
            return model_unit(lead)
    return own


__all__ = ["accepted", "gw_hours_to_twh", "gw_to_mw", "gw_to_wan_kw", "gw_to_yi_kw", "known_unit", "known_units",
           "measure", "same_spelling", "model_unit", "mw_to_gw", "per_capita_to_twh", "to_model_unit", "twh_per_gw_to_hours", "twh_to_per_capita",
           "twh_to_yi_kwh", "wan_kw_to_gw", "yi_kw_to_gw", "yi_kwh_to_twh"]
