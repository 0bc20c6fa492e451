"""Research tables of the AI-infrastructure calculators, by CSV name.

`aipower tables` writes each as ``<name>.csv`` and `aipower run` prints them.
Each builder takes a scenario (anything with ``get(key)`` and
``assumption(key)``: `aipower.scenario.Scenario`, or
`aipower._calc.calculator_defaults()` for the calculator defaults alone).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pandas as pd

from . import dc_power, global_dc, onsite_power, rack_power, token_cost, training, us_gap

if TYPE_CHECKING:
    from .scenario import Scenario
else:  # the scenario loader lives on main; the tables only need get()/assumption()
    from ._calc import Assumptions as Scenario

# Each builder names the scenario's assumptions in its refusals (`_table_errors.named_inputs`).
TABLES: dict[str, Callable[[Scenario], pd.DataFrame]] = {
    "dc_capex": dc_power.table,
    "token_cost": token_cost.table,
    "us_gap": us_gap.table,
    "onsite_power": onsite_power.table,
    "rack_power": rack_power.table,
    "training": training.table,
    "global_dc": global_dc.table,
}
