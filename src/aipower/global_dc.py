"""Global data-center demand by region, start year → end year (IEA figures
quoted in seed 3). Regions start from their increment and growth; years in
between follow each region's and the world's CAGR; the rest of the world closes
the world totals in every year.

Units: TWh; growth over the whole period as a fraction (1.3 = +130%).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _kernel
from ._calc import Assumptions, Numbers, floats, Whole, as_result, checked, scalar, scenario_of
from ._table_errors import named_inputs

_k = _kernel.global_dc

ArrayLike = npt.ArrayLike
REGIONS = ["us", "china", "europe", "japan"]

__all__ = ["start_from_increment", "end_from_growth", "project", "cagr_path", "table"]


@checked
def start_from_increment(*, increment_twh: ArrayLike, growth: ArrayLike) -> ArrayLike:
    """Start-year TWh from the increment (TWh) and the growth over the period (fraction)."""
    return as_result(_k.start_from_increment(increment_twh, growth))


@checked
def end_from_growth(*, start_twh: ArrayLike, growth: ArrayLike) -> ArrayLike:
    """End-year TWh = start × (1 + growth)."""
    return as_result(_k.end_from_growth(start_twh, growth))


@checked(per_item=True)
def project(
    *, start_twh: Numbers, growth_to_end: Numbers, world_start_twh: float, world_end_twh: float, years: Whole
) -> dict[str, Any]:
    """Regions' end values and yearly paths, the rest of the world (residual of the world totals in
    every year) and the world CAGR."""
    return dict(_k.project(floats(start_twh), floats(growth_to_end), world_start_twh, world_end_twh, years))


@checked
def cagr_path(*, start: float, end: float, years: Whole) -> npt.NDArray[np.float64]:
    """``years + 1`` values from start (> 0) to end (> 0) at constant growth."""
    # The kernel takes end = 0 (a path that ends at zero), but no constant rate reaches 0: it would be
    # -100%, which every other growth input refuses, and the path would drop to 0 in the first year.
    if start > 0 and not end > 0:  # a bad start: the kernel names it first, as before
        raise ValueError(f"end = {end:g}: expected a finite number > 0 (a constant growth rate from start to 0 "
                         "would be -100%)")
    return _k.cagr_path(start, end, years)


@named_inputs("global_dc")
def table(scenario: Assumptions | str | Path) -> pd.DataFrame:
    """IEA table: TWh by region and year, increment, growth over the period and CAGR.

    Every year's regions add up to the world row: the rest of the world is the world path minus
    the listed regions' paths."""
    scenario = scenario_of(scenario)
    first, last = int(scalar(scenario, "global_dc.start_year")), int(scalar(scenario, "global_dc.end_year"))
    n = last - first
    if n < 1:
        raise ValueError(f"global_dc.end_year = {last}: expected a year after global_dc.start_year = {first}")
    growth = [scalar(scenario, f"global_dc.{r}_growth") for r in REGIONS]
    start = [
        float(start_from_increment(increment_twh=scalar(scenario, f"global_dc.{r}_increment_twh"), growth=g))
        for r, g in zip(REGIONS, growth)
    ]
    world = (scalar(scenario, "global_dc.world_start_twh"), scalar(scenario, "global_dc.world_end_twh"))
    p = project(start_twh=start, growth_to_end=growth, world_start_twh=world[0], world_end_twh=world[1], years=n)
    names = [*REGIONS, "rest_of_world", "world"]
    paths = [*p["region_paths"], p["rest_path"], p["world_path"]]
    years = list(range(first, last + 1))
    rows: list[dict[str | int, Any]] = []
    for name, path in zip(names, paths):
        a, b = path[0], path[-1]
        # The rest of the world closes each year to the world totals, so its rate varies by year:
        # the column gives every row's constant-growth equivalent over the period.
        # A row ending at 0 (the rest of the world when the listed regions fill the world's end total)
        # has no constant rate to reach it (cagr_path refuses end = 0): its equivalent is -100%.
        ratio = 0.0
        if not (a > 0 and b == 0):  # anything else as before: a start of 0 is refused by name
            rate = cagr_path(start=a, end=b, years=n)
            ratio = rate[1] / rate[0]
        rows.append(
            {
                "row": name,
                **dict(zip(years, path)),  # years as numbers, as in the balance tables
                "increment": b - a,
                "growth_pct": 100 * (b / a - 1),
                "cagr_pct": 100 * (ratio - 1),
                "unit": "TWh (growth_pct, cagr_pct: %)",  # one row, two kinds of column
            }
        )
    return pd.DataFrame(rows, columns=["row", *years, "increment", "growth_pct", "cagr_pct", "unit"])
