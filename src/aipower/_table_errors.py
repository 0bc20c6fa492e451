"""Errors of the calculators' research tables, naming the scenario's assumptions.

A table builder calls the calculators with values it read from a scenario or derived from them
(``accelerator_cost_per_hour`` from the rental price and the exchange rate); a calculator's refusal
names its own argument, which no scenario file shows. `named_inputs` re-words it with the
assumption(s) behind it and their file and line.
"""

from __future__ import annotations

import functools
import re
import sys
from collections.abc import Callable
import numpy as np
import pandas as pd

from ._calc import Assumptions as Scenario
from ._calc import CalculatorDefaults

# The scenario section a table reads its inputs from, where it is not the table's own name.
_SECTIONS = {"dc_capex": "dc_power"}
_KERNEL_ERROR = re.compile(r"^([A-Za-z_][\w\[\]]*) = ([^:]+):")
_ELEMENT = re.compile(r"^([A-Za-z_]\w*)\[[^\]=]*\] = ")


def _where(scenario: Scenario, key: str) -> str:
    """The file and line of an assumption; an override is the user's own cell or argument."""
    origin = getattr(scenario.assumption(key), "origin", "override")
    return "" if origin == "override" else f" ({origin})"


def _holding(table: str, scenario: Scenario, name: str, value: float) -> list[str]:
    """The section's assumptions holding `value`, of those the ones whose names share most words
    with the calculator's argument `name` (capex_per_watt_rmb → dc_power.capex_per_watt_us_rmb):
    several may hold it (0 is common)."""
    section = _SECTIONS.get(table, table)
    keys = []
    for key in (k for k in scenario.keys() if k.startswith(section + ".")):  # type: ignore[attr-defined]
        held = scenario.get(key)
        items = held if isinstance(held, (list, tuple)) else [held]
        if any(isinstance(v, (int, float)) and not isinstance(v, bool) and np.isclose(float(v), value, rtol=1e-9, atol=0)
               for v in items):
            keys.append(key)
    if not keys:
        return []
    words = set(re.split(r"[_\[\]]+", name)) - {""}
    overlap = {k: len(words & set(k.split(".")[-1].split("_"))) for k in keys}
    return [k for k in keys if overlap[k] == max(overlap.values())]


def _is_default(scenario: Scenario, key: str) -> bool:
    """Whether `key` holds its calculator default (value and unit), i.e. the user did not change it."""
    defaults = CalculatorDefaults()
    if key not in defaults:
        return False
    default, own = defaults.assumption(key), scenario.assumption(key)
    return bool((own.value, own.unit) == (default.value, default.unit))


def _without_which(table: str, scenario: Scenario, build: Callable[[Scenario], pd.DataFrame]) -> list[str]:
    """The section's assumptions set away from the calculator defaults, each of which, put back to its
    default alone, lets the table build: the cause of a refusal of a value derived from them
    (accelerator_cost_per_hour = -14.4 from token_cost.rmb_per_usd = -7.2)."""
    if not hasattr(scenario, "with_overrides"):
        return []  # the calculator defaults themselves
    section = _SECTIONS.get(table, table)
    defaults = CalculatorDefaults()
    found = []
    for key in (k for k in scenario.keys() if k.startswith(section + ".")):  # type: ignore[attr-defined]
        if key not in defaults or _is_default(scenario, key):
            continue
        default = defaults.assumption(key)
        try:
            with np.errstate(over="ignore", invalid="ignore"):
                build(scenario.with_overrides({key: {"value": default.value, "unit": default.unit}}))  # type: ignore[attr-defined]
        except ValueError:
            continue
        found.append(key)
    return found


def _blamed(table: str, scenario: Scenario, exc: ValueError, build: Callable[[Scenario], pd.DataFrame]) -> ValueError:
    """A calculator's error names its own argument (``pue = 0.5``), which no worksheet or scenario
    file shows: name the assumption(s) of the table's section behind it too."""
    # the element of a low/high pair the API names (pue[1] = 0.5): the assumption named below says more
    text = _ELEMENT.sub(r"\1 = ", str(exc), count=1)
    section = _SECTIONS.get(table, table)
    m = _KERNEL_ERROR.match(text)
    if m is not None and m.group(1).startswith(section + "."):
        return exc  # already names an assumption
    keys: list[str] = []
    if m is not None:
        try:
            keys = _holding(table, scenario, m.group(1), float(m.group(2)))
        except ValueError:
            pass
    if not keys or all(_is_default(scenario, k) for k in keys):
        # An unchanged default holding the refused value (target_index = 2.5 from token_cost.cost_index_us)
        # is not the cause when a changed input, put back alone, lets the table build: name that input
        # (token_cost.electricity_price_us = [100, 200], which made the index unreachable).
        keys = _without_which(table, scenario, build) or keys
    if not keys:
        return ValueError(f"{table} table: {text}")
    held = "; ".join(f"{k} = {scenario.get(k)!r}{_where(scenario, k)}" for k in keys)
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


def named_inputs(table: str) -> Callable[[Callable[[Scenario], pd.DataFrame]], Callable[[Scenario], pd.DataFrame]]:
    """Decorates the builder of research table `table`: its refusals name the scenario's assumptions."""

    def decorate(build: Callable[[Scenario], pd.DataFrame]) -> Callable[[Scenario], pd.DataFrame]:
        @functools.wraps(build)
        def wrapper(scenario: Scenario) -> pd.DataFrame:
            try:
                with np.errstate(over="ignore", invalid="ignore"):  # an overflow is refused below, by name
                    frame = build(scenario)
            except ValueError as exc:
                raise _blamed(table, scenario, exc, build) from None
            problem = _non_finite(table, scenario, frame)
            if problem is not None:
                raise problem
            return frame

        return wrapper

    return decorate
