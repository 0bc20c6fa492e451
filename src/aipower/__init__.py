"""aipower: AI data centers, electricity demand, power supply, coal-plant hours and token cost.

The calculations live in a compiled C++ kernel (``aipower._kernel``); this
package is its typed public API.

>>> import aipower
>>> result = aipower.run("base")            # China power balance, base case
>>> result.hours.loc["coal", 2028]          # coal utilization hours (h)
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from . import actuals, units
from ._kernel import build_info as _build_info
from .balance import BalanceResult, run
from .renewables import Requirement, required_wind_solar
from .scenario import Assumption, Scenario, ScenarioError, load_scenario

try:
    __version__ = version("aipower")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+unknown"


def version_info() -> dict[str, str]:
    """Package version, kernel build (compiler, build type, C++ standard) and data vintage."""
    info = {"package": __version__}
    info.update({f"kernel_{k}": str(v) for k, v in _build_info().items()})
    info["data_vintage"] = actuals.vintage()
    return info


__all__ = [
    "Assumption",
    "BalanceResult",
    "Requirement",
    "Scenario",
    "ScenarioError",
    "actuals",
    "load_scenario",
    "required_wind_solar",
    "run",
    "units",
    "version_info",
]
