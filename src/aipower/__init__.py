"""aipower: AI data centers, electricity demand, power supply, coal-plant hours and token cost.

The calculations live in a compiled C++ kernel (``aipower._kernel``); this
package is its typed public API.

>>> import aipower
>>> result = aipower.run("base")            # China power balance, base case
>>> result.hours.loc["coal", 2028]          # coal utilization hours (h)

The names below are imported on first use (PEP 562), so that ``import aipower``
and the start of the ``aipower`` command stay fast and a Ctrl-C while the
command starts is handled like one during its run.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Public name → (submodule, attribute in it; None for the submodule itself).
_LAZY: dict[str, tuple[str, str | None]] = {
    "Assumption": ("scenario", "Assumption"),
    "BalanceResult": ("balance", "BalanceResult"),
    "Requirement": ("renewables", "Requirement"),
    "Scenario": ("scenario", "Scenario"),
    "ScenarioError": ("scenario", "ScenarioError"),
    "actuals": ("actuals", None),
    "load_scenario": ("scenario", "load_scenario"),
    "required_wind_solar": ("renewables", "required_wind_solar"),
    "run": ("balance", "run"),
    "units": ("units", None),
}
# The API's submodules, so that `aipower.sweep.run(...)` works after `import aipower` alone (it
# raised AttributeError until the submodule had been imported by name). Not in __all__: a star
# import keeps to the names above.
_SUBMODULES = ("balance", "calculator_tables", "calibration", "dc_power", "demand", "global_dc", "onsite_power",
               "rack_power", "renewables", "scenario", "supply", "sweep", "token_cost", "training", "uncertainty",
               "us_gap", "xlfunctions")  # not workbooks or recalc: they need the excel extra
_LAZY.update({m: (m, None) for m in _SUBMODULES})

if TYPE_CHECKING:  # what type checkers and IDEs see: the same names and submodules, imported eagerly
    from . import (actuals, balance, calculator_tables, calibration, dc_power, demand, global_dc, onsite_power,
                   rack_power, renewables, scenario, supply, sweep, token_cost, training, uncertainty, units, us_gap,
                   xlfunctions)
    from .balance import BalanceResult, run
    from .renewables import Requirement, required_wind_solar
    from .scenario import Assumption, Scenario, ScenarioError, load_scenario

    __version__: str


def _package_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aipower")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0.0.0+unknown"


def _lazy(name: str) -> Any:
    if name == "__version__":  # read from the installed metadata on first use: it takes a while
        globals()[name] = value = _package_version()
        return value
    try:
        module, attribute = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    found: Any = importlib.import_module(f".{module}", __name__)
    if attribute is not None:
        found = getattr(found, attribute)
    globals()[name] = found  # later lookups skip __getattr__
    return found


if not TYPE_CHECKING:  # hidden from type checkers, which would take any misspelt name through it as Any
    __getattr__ = _lazy


_PACKAGE_SHA256: list[str] = []  # computed once, on first use (not at import)


def _package_sha256() -> str:
    """One SHA-256 over the package's Python modules: each one's path in the package and the SHA-256
    of its bytes, in sorted order (as kernel/cmake/SourceSha256.cmake hashes the C++ sources)."""
    if not _PACKAGE_SHA256:
        import hashlib
        from pathlib import Path

        root = Path(__file__).parent
        names = sorted((p.relative_to(root).as_posix(), p) for p in root.rglob("*.py"))
        listing = "".join(f"{name} {hashlib.sha256(p.read_bytes()).hexdigest()}\n" for name, p in names)
        _PACKAGE_SHA256.append(hashlib.sha256(listing.encode()).hexdigest())
    return _PACKAGE_SHA256[0]


def __dir__() -> list[str]:
    # the public names, loaded or not; not the helpers this file imports (Any, importlib, TYPE_CHECKING)
    return sorted({n for n in globals() if n.startswith("__")} | set(__all__) | set(_LAZY) | {"__version__"})


def version_info() -> dict[str, str]:
    """Package version, kernel build (compiler, build type, C++ standard, the batch path's build this CPU
    runs), data vintage, and the SHA-256 of the code that runs: the package's Python modules
    (`package_sha256`), the kernel's and the bindings' C++ sources as built (`kernel_source_sha256`,
    `kernel_bindings_sha256`). The version alone names a release, not every build of the code. The
    hashes are of the sources, not of the build's flags: the compiler and build type are listed beside them."""
    from . import actuals
    from ._kernel import build_info

    actuals.refresh()  # the data files as they are now
    info = {"package": globals().get("__version__") or _lazy("__version__")}  # the lazy name, read once
    info["package_sha256"] = _package_sha256()
    info.update({f"kernel_{k}": str(v) for k, v in build_info().items()})
    info["data_vintage"] = actuals.vintage()
    info["data_sha256"] = actuals.digest()  # the vintage alone stays the same when a row changes
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
