"""On-site power economics (seed 2): gas turbines vs an alternative (e.g. fuel
cells) over N years. Money in USD m in the table (any one unit in the API),
capacity in MW.

Each element of the broadcast arguments is computed on its own, in one kernel call: a broadcast of more
than `_calc.MAX_BROADCAST_RESULTS` (10^7) elements is refused, naming the shapes.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _kernel
from ._calc import Assumptions, Whole, broadcast_call, checked, default, low_high, scalar, whole, scenario_of
from ._table_errors import named_inputs

_k = _kernel.onsite_power
# keyword defaults from calculators.toml, with their sources there
DISCOUNT_RATE = default("onsite_power.discount_rate")
TURBINE_OPEX_PER_MW_YEAR = default("onsite_power.turbine_opex_per_mw_year")

ArrayLike = npt.ArrayLike

__all__ = ["lifetime_cost", "compare", "table"]


def _flatten(result: dict[str, Any]) -> dict[str, Any]:
    """The scalar kernel's nested compare result with COMPARE_FIELDS' names, as compare_array gives them."""
    out: dict[str, Any] = {}
    for key, value in result.items():
        if isinstance(value, dict):
            out.update({f"{key}_{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


@checked
def lifetime_cost(*, capex: ArrayLike, opex_per_year: ArrayLike, years: Whole, discount_rate: ArrayLike = DISCOUNT_RATE) -> dict[str, Any]:
    """Capex plus ``years`` of opex discounted at ``discount_rate`` (fraction/yr): ``{"capex", "opex", "total"}``."""
    return broadcast_call(
        partial(_k.lifetime_cost_array, years=years),
        capex=capex,
        opex_per_year=opex_per_year,
        discount_rate=discount_rate,
    )


# What compare returns (the kernel's compare result flattened, as its compare_array gives it).
COMPARE_FIELDS = (
    *(f"{side}_{part}" for side in ("turbine", "alternative") for part in ("capex", "opex", "total")),
    "alternative_opex_per_year",
    "turbine_opex_per_year",
    *(f"extra_{part}" for part in ("capex", "opex", "total")),
)


@checked
def compare(
    *,
    capacity_mw: ArrayLike,
    turbine_capex_per_mw: ArrayLike,
    alternative_capex_multiple: ArrayLike,
    alternative_extra_opex_per_mw_year: ArrayLike,
    years: Whole,
    turbine_opex_per_mw_year: ArrayLike = TURBINE_OPEX_PER_MW_YEAR,
    discount_rate: ArrayLike = DISCOUNT_RATE,
) -> dict[str, Any]:
    """Gas turbine vs an alternative costing ``alternative_capex_multiple`` × the turbine capex and
    ``alternative_extra_opex_per_mw_year`` more opex. Returns ``turbine_{capex,opex,total}``,
    ``alternative_{capex,opex,total}``, the opex per year of both, and ``extra_{capex,opex,total}``."""
    return broadcast_call(
        partial(_k.compare_array, years=years),
        capacity_mw=capacity_mw,
        turbine_capex_per_mw=turbine_capex_per_mw,
        turbine_opex_per_mw_year=turbine_opex_per_mw_year,
        alternative_capex_multiple=alternative_capex_multiple,
        alternative_extra_opex_per_mw_year=alternative_extra_opex_per_mw_year,
        discount_rate=discount_rate,
    )


@named_inputs("onsite_power")
def table(scenario: Assumptions | str | Path) -> pd.DataFrame:
    """Seed-2 on-site power table (USD m per 100 MW over 5 years), low and high cases."""
    scenario = scenario_of(scenario)
    years = whole(scenario, "onsite_power.years")
    c = compare(
        capacity_mw=scalar(scenario, "onsite_power.capacity_mw"),
        turbine_capex_per_mw=scalar(scenario, "onsite_power.turbine_capex_per_mw"),
        turbine_opex_per_mw_year=scalar(scenario, "onsite_power.turbine_opex_per_mw_year"),
        alternative_capex_multiple=low_high(scenario, "onsite_power.alternative_capex_multiple"),
        alternative_extra_opex_per_mw_year=low_high(scenario, "onsite_power.alternative_extra_opex_per_mw_year"),
        years=years,
        discount_rate=scalar(scenario, "onsite_power.discount_rate"),
    )
    rows = [
        ("capacity", "MW", scalar(scenario, "onsite_power.capacity_mw")),
        ("years", "years", years),
        ("gas turbine: capex", "USD m", c["turbine_capex"]),
        ("gas turbine: opex per year", "USD m/yr", c["turbine_opex_per_year"]),
        (f"gas turbine: total over {years} years", "USD m", c["turbine_total"]),
        ("alternative: capex", "USD m", c["alternative_capex"]),
        ("alternative: opex per year", "USD m/yr", c["alternative_opex_per_year"]),
        (f"alternative: total over {years} years", "USD m", c["alternative_total"]),
        ("alternative: extra capex", "USD m", c["extra_capex"]),
        (f"alternative: extra opex over {years} years", "USD m", c["extra_opex"]),
        (f"alternative: extra cost over {years} years", "USD m", c["extra_total"]),
    ]
    out = []
    for name, unit, value in rows:
        pair = np.broadcast_to(np.asarray(value, dtype=float), (2,))
        out.append({"row": name, "low": pair[0], "high": pair[1], "unit": unit})
    return pd.DataFrame(out, columns=["row", "low", "high", "unit"])
