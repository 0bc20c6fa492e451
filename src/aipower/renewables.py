"""Renewable requirement: wind + solar additions needed for a non-hydro share target."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import units
from ._calc import scalar
from ._kernel import china as _china
from .scenario import Scenario


@dataclass(frozen=True)
class Requirement:
    """The level of wind + solar additions (GW/yr, each year of first_year..last_year)
    that makes the non-hydro share of consumption equal `target_share` in `target_year`."""

    target_share: float
    target_year: int
    first_year: int
    last_year: int
    level_gw_per_year: float
    share_without_additions: float  # share in the target year with no additions in the solve years
    share_per_gw_per_year: float  # share gained per GW/yr of level


def target_from(scenario: Scenario) -> _china.RenewableTarget:
    t = _china.RenewableTarget()
    t.enabled = True
    t.share = scalar(scenario, "renewables.target_share")
    t.year = int(scalar(scenario, "renewables.target_year"))
    t.first_year = int(scalar(scenario, "renewables.first_year"))
    t.last_year = int(scalar(scenario, "renewables.last_year"))
    t.wind_fraction = scalar(scenario, "renewables.wind_fraction")
    return t


def required_wind_solar(
    scenario: str | Path | Scenario = "base",
    *,
    target_share: float | str | None = None,
    target_year: int | None = None,
    first_year: int | None = None,
    last_year: int | None = None,
    base_year: int | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Requirement:
    """Solve the wind + solar level for a target share (defaults from the scenario's [renewables]).

    `target_share` is a fraction (0.3 for 30%) whatever unit the scenario file writes the share in, or
    text with its unit ('30%', '0.3 fraction'), read as a scenario override reads it.
    """
    from .balance import model_inputs
    from .scenario import combined_overrides

    given: dict[str, Any] = {f"renewables.{k}": v for k, v in dict(target_year=target_year, first_year=first_year,
                                                                   last_year=last_year).items() if v is not None}
    if isinstance(target_share, str):  # text carries its own unit ('30%'): parsed as an override's text is
        given["renewables.target_share"] = target_share
    elif target_share is not None:  # tagged with its unit: a file giving the share in % would read 0.29 as 0.29%
        given["renewables.target_share"] = {"value": target_share, "unit": units.model_unit("%")}
    # the keywords are overrides, so they are checked as any assumption is (a year is a whole number, ...)
    # The solve's own arguments win over the same keys in `overrides` (a workbook's Overrides range that
    # sets the scenario's target share must not break a table of requirements at other shares).
    inputs, _, sc = model_inputs(scenario, base_year=base_year, overrides={**combined_overrides(overrides), **given})
    target = target_from(sc)
    r = _china.required_level(inputs, target)
    return Requirement(target.share, target.year, target.first_year, target.last_year, r["level"],
                       r["share_at_zero"], r["share_per_gw"])
