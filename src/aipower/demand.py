"""China electricity demand by sector (MODEL.md §1): scenario → kernel inputs."""

from __future__ import annotations

import math

from . import _build
from ._calc import scalar
from ._kernel import china as _china
from .dc_driver import data_center_path
from .scenario import Scenario, ScenarioError

#: Row names of the demand table, in order (TWh; total_growth is a fraction).
ROWS: tuple[str, ...] = tuple(_china.demand_rows())
#: Rows driven by their own assumptions.
DRIVEN_ROWS = ("primary", "secondary", "tertiary_core", "residential_core", "ev_charging", "data_centers")
#: Core rows whose start comes from a published sector total.
_SECTOR_TOTAL = {"tertiary_core": "tertiary", "residential_core": "residential"}


def build(scenario: Scenario, h: _build.Horizon) -> _china.DemandInputs:
    d = _china.DemandInputs()
    d.ev_tertiary_share = scalar(scenario, "demand.ev_tertiary_share")
    d.population_start = _build.start_value(scenario, "demand.population.start", h, "million")
    d.population_segments = _build.segments(scenario, "demand.population.segments", "million", h)
    d.population_anchors = _build.anchors(scenario, "demand.population.start", h, "population")
    d.start_total_growth = _build.start_value(scenario, "demand.total_growth_start", h, "fraction")

    for row in DRIVEN_ROWS:
        prefix = f"demand.{row}"
        spec = _china.RowSpec()
        driver = scenario.get(f"{prefix}.driver")
        spec.driver = _china.Driver.per_capita if driver == "per_capita" else _china.Driver.series
        # A per-capita row's segments drive kWh per person (the kernel multiplies by population):
        # a target in TWh was read as kWh/person
        per_capita = spec.driver == _china.Driver.per_capita
        why = f" ({prefix}.driver = 'per_capita': the segments drive kWh per person)" if per_capita else ""
        routed = row == "data_centers" and driver in ("capex", "compute")  # the route replaces the segments
        spec.segments = _build.segments(scenario, f"{prefix}.segments", "kWh/person" if per_capita else "TWh", h,
                                        why=why, coverage=not routed)
        if row in _SECTOR_TOTAL:
            sector = _SECTOR_TOTAL[row]
            total_key = f"{prefix}.sector_total"
            setattr(d, f"{sector}_total_start", _build.start_value(scenario, total_key, h, "TWh"))
            setattr(d, f"{sector}_total_anchors", _build.anchors(scenario, total_key, h, f"demand.{sector} (sector total)"))
        else:
            spec.start_value = _build.start_value(scenario, f"{prefix}.start", h, "TWh")
            spec.anchors = _build.anchors(scenario, f"{prefix}.start", h, f"demand.{row}")
        if routed:
            path = data_center_path(scenario, h.years, spec.start_value)
            if path is None:
                raise ScenarioError(f"demand.data_centers.driver = '{driver}': this build has no {driver} route")
            spec.path = [float(v) for v in path]
            if not all(math.isfinite(v) for v in spec.path):
                raise ValueError(f"demand.data_centers.driver = '{driver}': the route gave a non-finite value")
        setattr(d, row, spec)
    return d
