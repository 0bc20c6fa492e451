"""Rack power distribution (seed 2): current, conductor I²R loss, the copper a
loss target needs, and the end-to-end efficiency chain; 54 V vs 800 V DC.

SI units: W, V, A, Ω, m, m², kg. The conductor length is the whole current
path (out and back). Copper resistivity and density default to the IEC 60028
annealed-copper values in calculators.toml.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _kernel
from ._calc import Assumptions, Numbers, floats, as_result, checked, default, low_high, scalar, scenario_of
from ._table_errors import named_inputs

_k = _kernel.rack_power

ArrayLike = npt.ArrayLike
RESISTIVITY = default("rack_power.copper_resistivity_ohm_m")
DENSITY = default("rack_power.copper_density_kg_m3")
LENGTH = default("rack_power.conductor_length_m")
MM2_PER_M2 = 1e6  # unit definition

__all__ = [
    "current_a",
    "conductor_resistance_ohm",
    "cross_section_for_mass_m2",
    "loss_fraction",
    "copper_mass_for_loss_kg",
    "conductor_length_for_loss_m",
    "chain_efficiency",
    "table",
]


@checked
def current_a(*, power_w: ArrayLike, voltage_v: ArrayLike) -> ArrayLike:
    """I = P / V (A)."""
    return as_result(_k.current_a(power_w, voltage_v))


@checked
def conductor_resistance_ohm(
    *, cross_section_m2: ArrayLike, length_m: ArrayLike = LENGTH, resistivity_ohm_m: ArrayLike = RESISTIVITY
) -> ArrayLike:
    """R = ρ L / A (Ω)."""
    return as_result(_k.conductor_resistance_ohm(resistivity_ohm_m, length_m, cross_section_m2))


@checked
def cross_section_for_mass_m2(*, mass_kg: ArrayLike, length_m: ArrayLike = LENGTH, density_kg_m3: ArrayLike = DENSITY) -> ArrayLike:
    """Cross-section (m²) of ``mass_kg`` of copper stretched over ``length_m``."""
    return as_result(_k.cross_section_for_mass_m2(mass_kg, density_kg_m3, length_m))


@checked
def loss_fraction(
    *,
    power_w: ArrayLike,
    voltage_v: ArrayLike,
    mass_kg: ArrayLike,
    length_m: ArrayLike = LENGTH,
    resistivity_ohm_m: ArrayLike = RESISTIVITY,
    density_kg_m3: ArrayLike = DENSITY,
) -> ArrayLike:
    """I²R loss as a fraction of the rack power, for ``mass_kg`` of copper over ``length_m``."""
    return as_result(_k.loss_fraction(power_w, voltage_v, resistivity_ohm_m, density_kg_m3, length_m, mass_kg))


@checked
def copper_mass_for_loss_kg(
    *,
    power_w: ArrayLike,
    voltage_v: ArrayLike,
    loss_fraction_target: ArrayLike,
    length_m: ArrayLike = LENGTH,
    resistivity_ohm_m: ArrayLike = RESISTIVITY,
    density_kg_m3: ArrayLike = DENSITY,
) -> ArrayLike:
    """Copper (kg) that keeps the I²R loss at ``loss_fraction_target`` (0-1] of the rack power."""
    return as_result(_k.copper_mass_for_loss_kg(power_w, voltage_v, loss_fraction_target, resistivity_ohm_m, density_kg_m3, length_m))


@checked
def conductor_length_for_loss_m(
    *,
    power_w: ArrayLike,
    voltage_v: ArrayLike,
    loss_fraction_target: ArrayLike,
    mass_kg: ArrayLike,
    resistivity_ohm_m: ArrayLike = RESISTIVITY,
    density_kg_m3: ArrayLike = DENSITY,
) -> ArrayLike:
    """Current-path length (m) at which ``mass_kg`` of copper loses ``loss_fraction_target``."""
    return as_result(_k.conductor_length_for_loss_m(power_w, voltage_v, loss_fraction_target, mass_kg, resistivity_ohm_m, density_kg_m3))


@checked
def chain_efficiency(*, stage_efficiencies: Numbers) -> float:
    """End-to-end efficiency of stages in series (each 0-1): their product."""
    return float(_k.chain_efficiency(floats(stage_efficiencies)))


@named_inputs("rack_power")
def table(scenario: Assumptions | str | Path) -> pd.DataFrame:
    """Seed-2 rack table: 54 V and 800 V DC side by side for a 1 MW rack."""
    scenario = scenario_of(scenario)
    s = lambda key: scalar(scenario, f"rack_power.{key}")  # noqa: E731
    power = s("rack_power_w")
    volts = np.array([s("low_voltage_v"), s("high_voltage_v")])
    rho, density, length, mass = s("copper_resistivity_ohm_m"), s("copper_density_kg_m3"), s("conductor_length_m"), s("copper_mass_kg")
    seed_loss = np.array([s("copper_loss_low_voltage"), s("copper_loss_high_voltage")])
    phys = {"resistivity_ohm_m": rho, "density_kg_m3": density}

    current = np.asarray(current_a(power_w=power, voltage_v=volts))
    implied_length = np.asarray(
        conductor_length_for_loss_m(power_w=power, voltage_v=volts, loss_fraction_target=seed_loss, mass_kg=mass, **phys)
    )
    area = cross_section_for_mass_m2(mass_kg=mass, length_m=length, density_kg_m3=density)
    loss = np.asarray(loss_fraction(power_w=power, voltage_v=volts, mass_kg=mass, length_m=length, **phys))
    mass_for_seed_loss = np.asarray(
        copper_mass_for_loss_kg(power_w=power, voltage_v=volts, loss_fraction_target=seed_loss, length_m=length, **phys)
    )
    mass_for_low_voltage_loss = np.asarray(
        copper_mass_for_loss_kg(power_w=power, voltage_v=volts, loss_fraction_target=seed_loss[0], length_m=length, **phys)
    )
    today = low_high(scenario, "rack_power.end_to_end_efficiency_today")
    future = low_high(scenario, "rack_power.end_to_end_efficiency_800v")
    # Chain: the seed's end-to-end efficiency × (1 − this rack's copper loss). The seed's figure is
    # grid to chip for today's racks, so it holds their (small) in-rack loss already: a lower bound.
    chain_today = [chain_efficiency(stage_efficiencies=[e, 1.0 - loss[0]]) for e in today]
    chain_future = [chain_efficiency(stage_efficiencies=[e, 1.0 - loss[1]]) for e in future]

    def row(name: str, unit: str, v54: Any, v800: Any) -> dict[str, Any]:
        return {"row": name, "dc_54v": float(v54), "dc_800v": float(v800), "unit": unit}

    rows = [
        row("rack power", "kW", power / 1e3, power / 1e3),
        row("voltage", "V DC", *volts),
        row("current", "A", *current),
        row("current: H100 rack", "A", *np.asarray(current_a(power_w=s("h100_rack_w"), voltage_v=volts))),
    ]
    for label, watts in zip(["low", "high"], low_high(scenario, "rack_power.gb200_rack_w")):
        rows.append(row(f"current: GB200 rack ({label})", "A", *np.asarray(current_a(power_w=watts, voltage_v=volts))))
    rows += [
        row("seed-2 copper loss", "%", *(100 * seed_loss)),
        row("current path implied by seed 2's loss with its copper mass", "m", *implied_length),
        row("conductor: copper mass (seed 2, 54 V)", "kg", mass, mass),
        row("conductor: current path", "m", length, length),
        row("conductor: cross-section", "mm²", area * MM2_PER_M2, area * MM2_PER_M2),
        row("conductor: current density", "A/mm²", *(current / (area * MM2_PER_M2))),
        row("copper loss with the seed-2 conductor", "%", *(100 * loss)),
        row("copper loss power with the seed-2 conductor", "kW", *(loss * power / 1e3)),
        row("copper for the seed-2 loss of this voltage", "kg", *mass_for_seed_loss),
        row("copper for the 54 V loss at this voltage", "kg", *mass_for_low_voltage_loss),
        row("end-to-end efficiency (seed 2, low)", "%", 100 * today[0], 100 * future[0]),
        row("end-to-end efficiency (seed 2, high)", "%", 100 * today[1], 100 * future[1]),
        row("end-to-end × (1 − rack copper loss), low: a lower bound", "%", 100 * chain_today[0], 100 * chain_future[0]),
        row("end-to-end × (1 − rack copper loss), high: a lower bound", "%", 100 * chain_today[1], 100 * chain_future[1]),
    ]
    return pd.DataFrame(rows, columns=["row", "dc_54v", "dc_800v", "unit"])
