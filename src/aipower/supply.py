"""China capacity by source and utilization hours (MODEL.md §2-3): scenario → kernel inputs."""

from __future__ import annotations

import math

from . import _build
from ._kernel import china as _china

#: Sources in table order. Pumped storage is storage, not a source.
SOURCES: tuple[str, ...] = tuple(_china.sources())

_HOURS_BASE = {
    "given": _china.HoursBase.given,
    "solar_from_wind_solar": _china.HoursBase.solar_from_wind_solar,
    "residual_of_renewables": _china.HoursBase.residual_of_renewables,
    "rebased_on_conventional": _china.HoursBase.rebased_on_conventional,
}


def build(scenario, h: _build.Horizon, inputs: _china.ModelInputs) -> None:
    """Fill capacity and hours specs of `inputs` from the scenario."""
    n = len(h.years)
    unread = _build.unread_start_hours(scenario)  # a base derived from generation reads no start hours
    for source in SOURCES:
        prefix = f"supply.{source}"
        cap = inputs.capacity(source)
        cap.previous_end = _build.start_value(scenario, f"{prefix}.previous_end", h, "GW")
        cap.start_end = _build.start_value(scenario, f"{prefix}.start", h, "GW")
        cap.additions = _build.segments(scenario, f"{prefix}.additions", "GW", h)
        retirements = _build.per_year(scenario, f"{prefix}.retirements", h, "GW/yr")
        cap.retirements = [0.0] + retirements[1:] if n else []
        cap.anchors = _build.anchors(scenario, f"{prefix}.start", h, f"capacity.{source}")

        if source == "coal":
            continue  # coal hours are the model's output
        hours = inputs.hours(source)
        prefix = f"hours.{source}"
        hours.base = _HOURS_BASE[scenario.get(f"{prefix}.base")]
        read = f"{prefix}.start" in scenario and f"{prefix}.start" not in unread
        hours.start = _build.start_value(scenario, f"{prefix}.start", h, "h") if read else math.nan
        hours.segments = _build.segments(scenario, f"{prefix}.segments", "h", h)
