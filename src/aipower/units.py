"""Unit conversions between the kernel's units (GW, TWh, h) and those of the
Chinese sources (亿kWh, 亿kW, 万kW) and per-capita figures (kWh per person).

All conversions are computed by the compiled kernel.
"""

from __future__ import annotations

from ._kernel import units as _units

yi_kwh_to_twh = _units.yi_kwh_to_twh
twh_to_yi_kwh = _units.twh_to_yi_kwh
yi_kw_to_gw = _units.yi_kw_to_gw
gw_to_yi_kw = _units.gw_to_yi_kw
wan_kw_to_gw = _units.wan_kw_to_gw
gw_to_wan_kw = _units.gw_to_wan_kw
gw_hours_to_twh = _units.gw_hours_to_twh
twh_per_gw_to_hours = _units.twh_per_gw_to_hours
per_capita_to_twh = _units.per_capita_to_twh
twh_to_per_capita = _units.twh_to_per_capita

# Units a scenario may state, with the conversion to the unit the model uses.
# Each entry: unit as written → (model unit, function turning the value into the model unit).
_ALIASES = {
    "TWh": ("TWh", lambda v: v),
    "yi kWh": ("TWh", yi_kwh_to_twh),
    "亿kWh": ("TWh", yi_kwh_to_twh),
    "GW": ("GW", lambda v: v),
    "yi kW": ("GW", yi_kw_to_gw),
    "亿kW": ("GW", yi_kw_to_gw),
    "wan kW": ("GW", wan_kw_to_gw),
    "万kW": ("GW", wan_kw_to_gw),
    "GW/yr": ("GW/yr", lambda v: v),
    "wan kW/yr": ("GW/yr", wan_kw_to_gw),
    "万kW/yr": ("GW/yr", wan_kw_to_gw),
    "TWh/yr": ("TWh/yr", lambda v: v),
    "yi kWh/yr": ("TWh/yr", yi_kwh_to_twh),
    "亿kWh/yr": ("TWh/yr", yi_kwh_to_twh),
    "fraction": ("fraction", lambda v: v),
    "%": ("fraction", lambda v: v / 100.0),
    "fraction/yr": ("fraction/yr", lambda v: v),
    "%/yr": ("fraction/yr", lambda v: v / 100.0),
}


def to_model_unit(value: float, unit: str) -> tuple[float, str]:
    """Convert `value` stated in `unit` into the model's unit of the same kind.

    Units without an alias (h, year, kWh/person, million, ...) pass unchanged.
    """
    if unit in _ALIASES:
        model_unit, convert = _ALIASES[unit]
        return convert(value), model_unit
    return value, unit


def model_unit(unit: str) -> str:
    """The model's unit for a stated unit (itself if it has no alias)."""
    return _ALIASES[unit][0] if unit in _ALIASES else unit
