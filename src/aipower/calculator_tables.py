"""Research tables of the AI-infrastructure calculators, by CSV name.

`aipower tables` writes each as ``<name>.csv`` and `aipower run` prints them.
Each builder takes a scenario (anything with ``get(key)`` and
``assumption(key)``: `aipower.scenario.Scenario`, or
`aipower._calc.calculator_defaults()` for the calculator defaults alone).
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import dc_power, global_dc, onsite_power, rack_power, token_cost, training, us_gap

if TYPE_CHECKING:
    from .scenario import Scenario
else:  # the scenario loader lives on main; the tables only need get()/assumption()
    from ._calc import Assumptions as Scenario

# The scenario section a table reads its inputs from, where it is not the table's own name.
_SECTIONS = {"dc_capex": "dc_power"}
_KERNEL_ERROR = re.compile(r"^([A-Za-z_][\w\[\]]*) = ([^:]+):")


def _blamed(table: str, scenario: Scenario, exc: ValueError) -> ValueError:
    """A kernel error names the kernel's argument (``pue = 0.5``), which no worksheet or scenario
    file shows: name the assumption(s) of the table's section holding that value too."""
    text = str(exc)
    section = _SECTIONS.get(table, table)
    m = _KERNEL_ERROR.match(text)
    if m is None or m.group(1).startswith(section + "."):
        return exc  # already names an assumption, or is not about one value
    try:
        value = float(m.group(2))
    except ValueError:
        return exc
    keys = []
    for key in (k for k in scenario.keys() if k.startswith(section + ".")):  # type: ignore[attr-defined]
        held = scenario.get(key)
        items = held if isinstance(held, (list, tuple)) else [held]
        if any(isinstance(v, (int, float)) and not isinstance(v, bool) and np.isclose(float(v), value, rtol=1e-9, atol=0)
               for v in items):
            keys.append(key)
    if not keys:
        return ValueError(f"{table} table: {text}")
    # Several assumptions may hold the value (0 is common): keep those whose names share most words
    # with the kernel's argument (capex_per_watt_rmb → dc_power.capex_per_watt_us_rmb).
    words = set(re.split(r"[_\[\]]+", m.group(1))) - {""}
    overlap = {k: len(words & set(k.split(".")[-1].split("_"))) for k in keys}
    keys = [k for k in keys if overlap[k] == max(overlap.values())]
    def where(key: str) -> str:  # the file and line; an override is the user's own cell or argument
        origin = scenario.assumption(key).origin  # type: ignore[attr-defined]
        return "" if origin == "override" else f" ({origin})"

    held = "; ".join(f"{k} = {scenario.get(k)!r}{where(k)}" for k in keys)
    return ValueError(f"{table} table, from {held}: {text}")


_PCT_LIMIT = sys.float_info.max / 100  # beyond it a fraction's percentage (×100) is inf


def _non_finite(table: str, scenario: Scenario, frame: pd.DataFrame) -> ValueError | None:
    """A table cell that is inf or NaN, as an error naming it and the inputs too large for it; None if
    there is none. The kernel checks its own results, but the tables' percentages (100 * rate) and
    ratios are taken here, after it: an input near a float's limit made them inf, shown as a blank."""
    numbers = frame.select_dtypes("number")
    bad = np.argwhere(~np.isfinite(numbers.to_numpy(dtype=float)))
    if not len(bad):
        return None
    i, j = bad[0]
    row = frame["row"].iloc[i] if "row" in frame else frame.index[i]
    cell = f"{numbers.columns[j]} of row '{row}' = {numbers.iat[i, j]}"
    section = _SECTIONS.get(table, table)
    too_large = []
    for key in (k for k in scenario.keys() if k.startswith(section + ".")):  # type: ignore[attr-defined]
        held = scenario.get(key)
        items = held if isinstance(held, (list, tuple)) else [held]
        if any(isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) > _PCT_LIMIT for v in items):
            too_large.append(f"{key} = {held!r}")
    if not too_large:
        return ValueError(f"{table} table: {cell}: expected a finite result (an input of {section}.* is too large)")
    return ValueError(f"{table} table, from {'; '.join(too_large)}: {cell}: expected each input within "
                      f"±{_PCT_LIMIT:.1e}, so that its percentage (×100) is a finite number")


def _naming_inputs(table: str, build: Callable[[Scenario], pd.DataFrame]) -> Callable[[Scenario], pd.DataFrame]:
    @functools.wraps(build)
    def wrapper(scenario: Scenario) -> pd.DataFrame:
        try:
            with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused below, by name
                frame = build(scenario)
        except ValueError as exc:
            raise _blamed(table, scenario, exc) from None
        problem = _non_finite(table, scenario, frame)
        if problem is not None:
            raise problem
        return frame

    return wrapper


TABLES: dict[str, Callable[[Scenario], pd.DataFrame]] = {
    name: _naming_inputs(name, build)
    for name, build in {
        "dc_capex": dc_power.table,
        "token_cost": token_cost.table,
        "us_gap": us_gap.table,
        "onsite_power": onsite_power.table,
        "rack_power": rack_power.table,
        "training": training.table,
        "global_dc": global_dc.table,
    }.items()
}
