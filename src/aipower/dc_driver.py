"""Hook: the data-center demand row driven by capex or compute instead of a CAGR.

`data_center_path` returns the data-center consumption path (TWh, one value per
year from the base year) when the scenario's ``demand.data_centers.driver`` is
not ``cagr``, and None otherwise (the row is then driven by its segments).
"""

from __future__ import annotations

import numpy as np

from .scenario import Scenario


def data_center_path(scenario: Scenario, years: list[int], start_value: float) -> np.ndarray | None:
    return None
