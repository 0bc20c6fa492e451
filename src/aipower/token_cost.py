"""Cost and energy of serving LLM tokens, China vs US (seed 3).

Cost per million tokens = (accelerator cost per hour + IT power × PUE ×
electricity price + network + operations, all per accelerator-hour) /
(tokens per second × 3600) × 1e6. The accelerator cost per hour is either a
rental rate or a purchase price depreciated over a life.

Currency: whatever the inputs use (the table uses RMB). Power in kW per
accelerator, electricity price per kWh, throughput in tokens/s per accelerator.

The functions returning a dict compute each element of their broadcast arguments on its own, in one
kernel call: a broadcast of more than `_calc.MAX_BROADCAST_RESULTS` (10^7) elements is refused, naming
the shapes.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import _kernel
from ._calc import Assumptions, as_result, broadcast_call, default, low_high, scalar, checked, scenario_of
from ._table_errors import named_inputs

_k = _kernel.token_cost

ArrayLike = npt.ArrayLike
WATTS_PER_KW = 1000.0  # unit definition
KWH_PER_GWH = 1e6  # unit definition
KWH_PER_TWH = 1e9  # unit definition

__all__ = [
    "depreciation_per_hour",
    "energy_cost_per_hour",
    "energy_per_million_tokens_kwh",
    "cost_per_million_tokens",
    "calibrate_overheads",
    "cost_index",
    "throughput_ratio_for_index",
    "non_energy_multiplier_for_index",
    "embodied_electricity",
    "table",
]


@checked
def depreciation_per_hour(
    *, purchase_price: ArrayLike, life_years: ArrayLike, hours_per_year: ArrayLike = default("token_cost.hours_per_year")
) -> ArrayLike:
    """Straight-line depreciation (currency/h) of a purchase price (currency) over a life (years)."""
    return as_result(_k.depreciation_per_hour(purchase_price, life_years, hours_per_year))


@checked
def energy_cost_per_hour(*, it_power_kw: ArrayLike, pue: ArrayLike, electricity_price_per_kwh: ArrayLike) -> ArrayLike:
    """Electricity cost (currency/h) of one accelerator: IT kW × PUE (≥ 1) × price (currency/kWh)."""
    return as_result(_k.energy_cost_per_hour(it_power_kw, pue, electricity_price_per_kwh))


@checked
def energy_per_million_tokens_kwh(*, it_power_kw: ArrayLike, pue: ArrayLike, tokens_per_second: ArrayLike) -> ArrayLike:
    """Facility electricity (kWh) per million tokens."""
    return as_result(_k.energy_per_million_tokens_kwh(it_power_kw, pue, tokens_per_second))


# What cost_per_million_tokens returns: per hour, per million tokens, the shares, and the energy.
COST_FIELDS = (
    *(f"{part}_per_hour" for part in ("compute", "energy", "network", "operations", "total")),
    *(f"{part}_per_million" for part in ("compute", "energy", "network", "operations", "total")),
    *(f"{part}_share" for part in ("compute", "energy", "network", "operations")),
    "kwh_per_million",
)


@checked
def cost_per_million_tokens(
    *,
    it_power_kw: ArrayLike,
    pue: ArrayLike,
    electricity_price_per_kwh: ArrayLike,
    tokens_per_second: ArrayLike,
    network_cost_per_hour: ArrayLike = 0.0,
    operations_cost_per_hour: ArrayLike = 0.0,
    accelerator_cost_per_hour: ArrayLike | None = None,
    purchase_price: ArrayLike | None = None,
    life_years: ArrayLike | None = None,
    hours_per_year: ArrayLike | None = None,
) -> dict[str, Any]:
    """Cost per million tokens with its components and shares.

    Give either ``accelerator_cost_per_hour`` (a rental rate, currency/h) or
    ``purchase_price`` (currency) and ``life_years`` (and optionally ``hours_per_year``,
    by default the calculators' ``token_cost.hours_per_year``). Returns per-hour
    components (``*_per_hour``), per-million components (``*_per_million``),
    ``*_share`` (fractions summing to 1) and ``kwh_per_million``.
    """
    if accelerator_cost_per_hour is None:
        if purchase_price is None or life_years is None:  # named by what is missing of what was given
            missing = ("life_years" if purchase_price is not None else "purchase_price" if life_years is not None
                       else "accelerator_cost_per_hour")
            raise ValueError(f"{missing}: missing; give accelerator_cost_per_hour, or purchase_price and life_years")
        accelerator_cost_per_hour = depreciation_per_hour(
            purchase_price=purchase_price, life_years=life_years,
            hours_per_year=default("token_cost.hours_per_year") if hours_per_year is None else hours_per_year,
        )
    else:
        # The depreciation inputs would be ignored next to a given cost per hour: refuse them.
        for name, given in (("purchase_price", purchase_price), ("life_years", life_years), ("hours_per_year", hours_per_year)):
            if given is not None:
                raise ValueError(f"{name}: give either accelerator_cost_per_hour or purchase_price and life_years, not both")
    return broadcast_call(
        _k.cost_per_million_tokens_array,
        accelerator_cost_per_hour=accelerator_cost_per_hour,
        it_power_kw=it_power_kw,
        pue=pue,
        electricity_price_per_kwh=electricity_price_per_kwh,
        network_cost_per_hour=network_cost_per_hour,
        operations_cost_per_hour=operations_cost_per_hour,
        tokens_per_second=tokens_per_second,
    )


@checked
def calibrate_overheads(
    *, compute_per_hour: ArrayLike, energy_per_hour: ArrayLike, network_share: ArrayLike, operations_share: ArrayLike
) -> dict[str, Any]:
    """Network and operations costs per hour that take the given shares (0-1) of the total cost."""
    return broadcast_call(
        _k.calibrate_overheads_array,
        compute_per_hour=compute_per_hour,
        energy_per_hour=energy_per_hour,
        network_share=network_share,
        operations_share=operations_share,
    )


@checked
def cost_index(*, cost_a_per_million: ArrayLike, cost_b_per_million: ArrayLike) -> ArrayLike:
    """Cost of b relative to a (a = 1)."""
    return as_result(_k.cost_index(cost_a_per_million, cost_b_per_million))


@checked
def throughput_ratio_for_index(*, cost_a_per_hour: ArrayLike, cost_b_per_hour: ArrayLike, target_index: ArrayLike) -> ArrayLike:
    """Tokens/s of a over tokens/s of b needed for b to cost ``target_index`` × a per token."""
    return as_result(_k.throughput_ratio_for_index(cost_a_per_hour, cost_b_per_hour, target_index))


@checked
def non_energy_multiplier_for_index(
    *, cost_a_per_hour: ArrayLike, energy_b_per_hour: ArrayLike, non_energy_b_per_hour: ArrayLike, target_index: ArrayLike
) -> ArrayLike:
    """Multiplier on b's non-energy cost per hour needed for the index b/a to reach the target at equal throughput."""
    return as_result(_k.non_energy_multiplier_for_index(cost_a_per_hour, energy_b_per_hour, non_energy_b_per_hour, target_index))


@checked
def embodied_electricity(*, million_tokens: ArrayLike, kwh_per_million: ArrayLike, electricity_price_per_kwh: ArrayLike) -> dict[str, Any]:
    """Electricity embodied in tokens served abroad: ``{"kwh", "value"}`` (value in the price's currency)."""
    return broadcast_call(
        _k.embodied_electricity_array,
        million_tokens=million_tokens,
        kwh_per_million=kwh_per_million,
        electricity_price_per_kwh=electricity_price_per_kwh,
    )


COLUMNS = ["china_low", "china_high", "us_low", "us_high"]


def _country_inputs(scenario: Assumptions) -> dict[str, np.ndarray]:
    """Inputs of the four columns: China low/high, US low/high (seed 3 and seed 1 [65])."""
    china_price, us_price = low_high(scenario, "token_cost.electricity_price_china"), low_high(scenario, "token_cost.electricity_price_us")
    china_pue, us_pue = low_high(scenario, "token_cost.pue_china"), low_high(scenario, "token_cost.pue_us")
    china_capex, us_capex = low_high(scenario, "token_cost.capex_per_watt_china"), low_high(scenario, "token_cost.capex_per_watt_us")
    # Every per-hour cost of the table scales with the accelerator's power (compute through the capex
    # per watt, network and operations as shares): at 0 there is no cost to share out.
    power = scalar(scenario, "token_cost.it_power_kw")
    if not power > 0:
        raise ValueError(f"token_cost.it_power_kw = {power:g}: expected an accelerator's IT power > 0 kW")
    return {
        "price": np.concatenate([china_price, us_price]),
        "pue": np.concatenate([china_pue, us_pue]),
        "capex_per_watt": np.concatenate([china_capex, us_capex]),
        "it_power_kw": np.full(4, scalar(scenario, "token_cost.it_power_kw")),
        "tokens_per_second": np.full(4, scalar(scenario, "token_cost.tokens_per_second")),
    }


@named_inputs("token_cost")
def table(scenario: Assumptions | str | Path) -> pd.DataFrame:
    """Seed-3 token-cost table: China vs US (low and high cases), components, shares, cost index, exports."""
    scenario = scenario_of(scenario)
    x = _country_inputs(scenario)
    life = scalar(scenario, "token_cost.life_years")
    hours = scalar(scenario, "token_cost.hours_per_year")

    def depreciation(capex_per_watt: np.ndarray) -> np.ndarray:
        purchase = capex_per_watt * x["it_power_kw"] * WATTS_PER_KW
        return np.asarray(depreciation_per_hour(purchase_price=purchase, life_years=life, hours_per_year=hours))

    compute = depreciation(x["capex_per_watt"])
    energy = np.asarray(energy_cost_per_hour(it_power_kw=x["it_power_kw"], pue=x["pue"], electricity_price_per_kwh=x["price"]))
    # Seed 3 gives network and operations only as shares: calibrate their cost
    # per hour on the China low case and keep it for every column.
    overheads = calibrate_overheads(
        compute_per_hour=compute[0],
        energy_per_hour=energy[0],
        network_share=scalar(scenario, "token_cost.network_share"),
        operations_share=scalar(scenario, "token_cost.operations_share"),
    )

    def priced(accelerator_per_hour: np.ndarray) -> dict[str, Any]:  # every column's other inputs as given
        return cost_per_million_tokens(
            accelerator_cost_per_hour=accelerator_per_hour,
            it_power_kw=x["it_power_kw"],
            pue=x["pue"],
            electricity_price_per_kwh=x["price"],
            network_cost_per_hour=np.full(4, overheads["network_per_hour"]),
            operations_cost_per_hour=np.full(4, overheads["operations_per_hour"]),
            tokens_per_second=x["tokens_per_second"],
        )

    rmb_per_usd = scalar(scenario, "token_cost.rmb_per_usd")
    cost = priced(compute)
    rented = priced(np.full(4, scalar(scenario, "token_cost.rental_usd_per_hour") * rmb_per_usd))
    # Seed 2's US AI-campus capex (US$50 bn per GW) in the US columns instead of seed 1's 100-150 RMB/W.
    campus = scalar(scenario, "token_cost.capex_per_watt_us_ai_campus") * rmb_per_usd
    campus_capex = np.concatenate([x["capex_per_watt"][:2], [campus, campus]])
    at_campus = priced(depreciation(campus_capex))

    china_cost = np.tile(cost["total_per_million"][:2], 2)  # each case against China's same case
    china_per_hour = np.tile(cost["total_per_hour"][:2], 2)
    china_energy = np.tile(energy[:2], 2)
    index = np.asarray(cost_index(cost_a_per_million=china_cost, cost_b_per_million=cost["total_per_million"]))
    campus_index = np.asarray(cost_index(cost_a_per_million=china_cost, cost_b_per_million=at_campus["total_per_million"]))
    energy_index = np.asarray(cost_index(cost_a_per_million=china_energy, cost_b_per_million=energy))
    seed_index = np.concatenate([[1.0, 1.0], low_high(scenario, "token_cost.cost_index_us")])
    throughput_ratio = np.asarray(
        throughput_ratio_for_index(cost_a_per_hour=china_per_hour, cost_b_per_hour=cost["total_per_hour"], target_index=seed_index)
    )
    multiplier = np.asarray(
        non_energy_multiplier_for_index(
            cost_a_per_hour=china_per_hour,
            energy_b_per_hour=energy,
            non_energy_b_per_hour=cost["total_per_hour"] - energy,
            target_index=seed_index,
        )
    )
    weekly_million = scalar(scenario, "token_cost.exported_tokens_per_week") / 1e6
    exported = embodied_electricity(
        million_tokens=weekly_million, kwh_per_million=cost["kwh_per_million"], electricity_price_per_kwh=x["price"]
    )
    weeks = scalar(scenario, "token_cost.weeks_per_year")
    daily_million = scalar(scenario, "token_cost.china_tokens_per_day") / 1e6
    domestic = embodied_electricity(
        million_tokens=daily_million, kwh_per_million=cost["kwh_per_million"], electricity_price_per_kwh=x["price"]
    )
    days = scalar(scenario, "token_cost.days_per_year")

    def row(name: str, unit: str, values: Any) -> dict[str, Any]:
        return {"row": name, **dict(zip(COLUMNS, np.broadcast_to(np.asarray(values, dtype=float), (4,)))), "unit": unit}

    rows = [
        row("electricity price", "RMB/kWh", x["price"]),
        row("PUE", "ratio", x["pue"]),
        row("capex per watt (AIDC)", "RMB/W", x["capex_per_watt"]),
        row("IT power per accelerator", "kW", x["it_power_kw"]),
        row("throughput", "tokens/s per accelerator", x["tokens_per_second"]),
        row("compute (depreciation)", "RMB/h", cost["compute_per_hour"]),
        row("electricity", "RMB/h", cost["energy_per_hour"]),
        row("network", "RMB/h", cost["network_per_hour"]),
        row("operations", "RMB/h", cost["operations_per_hour"]),
        row("total", "RMB/h", cost["total_per_hour"]),
        row("cost per million tokens: compute", "RMB/M tokens", cost["compute_per_million"]),
        row("cost per million tokens: electricity", "RMB/M tokens", cost["energy_per_million"]),
        row("cost per million tokens: network", "RMB/M tokens", cost["network_per_million"]),
        row("cost per million tokens: operations", "RMB/M tokens", cost["operations_per_million"]),
        row("cost per million tokens", "RMB/M tokens", cost["total_per_million"]),
        row("share: compute (depreciation)", "%", 100 * cost["compute_share"]),
        row("share: electricity", "%", 100 * cost["energy_share"]),
        row("share: power + depreciation", "%", 100 * (cost["compute_share"] + cost["energy_share"])),
        row("share: network", "%", 100 * cost["network_share"]),
        row("share: operations", "%", 100 * cost["operations_share"]),
        row("energy per million tokens", "kWh/M tokens", cost["kwh_per_million"]),
        row("cost index (China same case = 1)", "ratio", index),
        row("cost index from electricity × PUE only", "ratio", energy_index),
        row("seed-3 cost index", "ratio", seed_index),
        row("throughput ratio China/US needed for the seed-3 index", "ratio", throughput_ratio),
        row("US non-energy cost multiple needed for the seed-3 index", "ratio", multiplier),
        row("cost per million tokens, rented accelerator", "RMB/M tokens", rented["total_per_million"]),
        row("capex per watt, US at seed 2's AI campus (US$50 bn per GW)", "RMB/W", campus_capex),
        row("cost index at the US AI-campus capex per watt", "ratio", campus_index),
        row("exported tokens", "M tokens/week", weekly_million),
        row("electricity embodied in exported tokens", "GWh/yr", exported["kwh"] * weeks / KWH_PER_GWH),
        row("value of that electricity", "RMB m/yr", exported["value"] * weeks / 1e6),
        row("China's token consumption (seed 3, Feb 2026)", "M tokens/day", daily_million),
        row("electricity embodied in China's token consumption", "TWh/yr", domestic["kwh"] * days / KWH_PER_TWH),
    ]
    return pd.DataFrame(rows, columns=["row", *COLUMNS, "unit"])
