"""Research tables of the AI-infrastructure calculators, by CSV name.

`aipower tables` writes each as ``<name>.csv`` and `aipower run` prints them.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from .scenario import Scenario

TABLES: dict[str, Callable[[Scenario], pd.DataFrame]] = {}
