"""The US capacity gap (seed 2): nameplate additions × capacity factor → firm
equivalent, needed vs built per year, cumulative gap, capex of AI data-center
gigawatts, and the data-center share of new load.

Units: GW (nameplate or firm-equivalent as named), capacity factors as
fractions, capex in USD bn.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _kernel
from ._calc import Assumptions, Numbers, floats, Whole, as_result, checked, low_high, scalar, whole, scenario_of
from ._table_errors import named_inputs

_k = _kernel.us_gap

ArrayLike = npt.ArrayLike

__all__ = [
    "firm_equivalent_gw",
    "gap_per_year",
    "cumulative_gap",
    "capacity_gap",
    "capex",
    "data_center_new_load_gw",
    "table",
]


@checked
def firm_equivalent_gw(*, nameplate_gw: Numbers, capacity_factor: Numbers) -> float:
    """Σ nameplate GW × capacity factor (0-1), one entry per technology."""
    return float(_k.firm_equivalent_gw(floats(nameplate_gw), floats(capacity_factor)))


@checked
def gap_per_year(*, needed_gw_per_year: ArrayLike, built_gw_per_year: ArrayLike) -> ArrayLike:
    """Nameplate GW needed minus GW built a year."""
    return as_result(_k.gap_per_year(needed_gw_per_year, built_gw_per_year))


@checked
def cumulative_gap(*, gap_gw_per_year: float, years: Whole) -> npt.NDArray[np.float64]:
    """Cumulative gap (GW) after 1, 2, ... ``years`` years."""
    return _k.cumulative_gap(gap_gw_per_year, years)


@checked
def capacity_gap(
    *, needed_gw_per_year: float, nameplate_gw: Numbers, capacity_factor: Numbers, years: Whole, fleet_gw: float
) -> dict[str, Any]:
    """Built nameplate and firm-equivalent GW of a technology mix, the yearly and cumulative gap, and the gap's share of the fleet."""
    return dict(_k.capacity_gap(needed_gw_per_year, floats(nameplate_gw), floats(capacity_factor), years, fleet_gw))


@checked
def capex(*, gw: ArrayLike, cost_per_gw: ArrayLike) -> ArrayLike:
    """Capex = GW × cost per GW (in the cost's currency unit)."""
    return as_result(_k.capex(gw, cost_per_gw))


@checked
def data_center_new_load_gw(*, needed_gw_per_year: ArrayLike, data_center_share: ArrayLike) -> ArrayLike:
    """GW a year of the needed additions that serve data centers."""
    return as_result(_k.data_center_new_load_gw(needed_gw_per_year, data_center_share))


@named_inputs("us_gap")
def table(scenario: Assumptions | str | Path) -> pd.DataFrame:
    """Seed-2 US gap table: low gap (60 GW built) and high gap (50 GW built) side by side."""
    scenario = scenario_of(scenario)
    s = lambda key: scalar(scenario, f"us_gap.{key}")  # noqa: E731
    needed = s("needed_gw_per_year")
    built = low_high(scenario, "us_gap.built_gw_per_year")
    years = whole(scenario, "us_gap.years")
    fleet = s("fleet_gw")
    gap = np.asarray(gap_per_year(needed_gw_per_year=needed, built_gw_per_year=built))
    cumulative = [cumulative_gap(gap_gw_per_year=g, years=years) for g in gap]

    techs = ["solar", "wind", "thermal"]
    nameplate = [s(f"{t}_additions_gw") for t in techs]
    factors = [s("solar_capacity_factor"), s("wind_capacity_factor"), s("gas_capacity_factor")]
    mix = capacity_gap(needed_gw_per_year=needed, nameplate_gw=nameplate, capacity_factor=factors, years=years, fleet_gw=fleet)
    cost = s("cost_per_gw_usd_bn")

    rows: list[tuple[str, str, Any, Any]] = [
        ("needed additions", "GW/yr", needed, needed),
        ("built additions", "GW/yr", built[0], built[1]),
        ("gap", "GW/yr", gap[0], gap[1]),
    ]
    rows += [(f"cumulative gap after {y + 1} years", "GW", cumulative[0][y], cumulative[1][y]) for y in range(years)]
    rows += [
        (f"cumulative gap after {years} years / US fleet", "%", 100 * cumulative[0][-1] / fleet, 100 * cumulative[1][-1] / fleet),
    ]
    for tech, gw, cf in zip(techs, nameplate, factors):
        firm = firm_equivalent_gw(nameplate_gw=[gw], capacity_factor=[cf])
        rows += [(f"built: {tech} nameplate", "GW/yr", gw, gw), (f"built: {tech} firm equivalent (cf {cf:.0%})", "GW/yr", firm, firm)]
    rows += [
        ("built by technology: nameplate", "GW/yr", mix["built_nameplate_gw"], mix["built_nameplate_gw"]),
        ("built by technology: firm equivalent", "GW/yr", mix["built_firm_gw"], mix["built_firm_gw"]),
        ("gap against the technology mix", "GW/yr", mix["gap_gw_per_year"], mix["gap_gw_per_year"]),
        (
            "nuclear firm equivalent per GW (for comparison)",
            "GW firm per GW nameplate",
            firm_equivalent_gw(nameplate_gw=[1.0], capacity_factor=[s("nuclear_capacity_factor")]),
            firm_equivalent_gw(nameplate_gw=[1.0], capacity_factor=[s("nuclear_capacity_factor")]),
        ),
    ]
    dc = data_center_new_load_gw(needed_gw_per_year=needed, data_center_share=s("data_center_share_of_new_load"))
    rows += [("data-center part of needed additions (nameplate, not load)", "GW/yr", dc, dc)]
    for label, key in [("OpenAI commitments", "openai_commitments_gw"), ("Stargate", "stargate_gw")]:
        gw = s(key)
        rows += [(f"{label}", "GW", gw, gw), (f"{label}: capex at the cost per GW", "USD bn", capex(gw=gw, cost_per_gw=cost), capex(gw=gw, cost_per_gw=cost))]
    rows += [
        # Seed 2 applies the AI data-center cost per GW to ~60 GW: "$3 trillion".
        ("capex if a year's built GW were AI data centers", "USD bn", capex(gw=built[0], cost_per_gw=cost), capex(gw=built[1], cost_per_gw=cost)),
    ]
    frame = pd.DataFrame(rows, columns=["row", "unit", "low", "high"])
    frame[["low", "high"]] = frame[["low", "high"]].astype(float)
    return frame[["row", "low", "high", "unit"]]
