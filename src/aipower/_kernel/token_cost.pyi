"""
Cost and energy of LLM tokens
"""
from __future__ import annotations
import numpy
import numpy.typing
import typing
__all__: list[str] = ['calibrate_overheads', 'calibrate_overheads_array', 'cost_index', 'cost_per_million_tokens', 'cost_per_million_tokens_array', 'depreciation_per_hour', 'embodied_electricity', 'embodied_electricity_array', 'energy_cost_per_hour', 'energy_per_million_tokens_kwh', 'non_energy_multiplier_for_index', 'throughput_ratio_for_index']
def calibrate_overheads(compute_per_hour: typing.SupportsFloat | typing.SupportsIndex, energy_per_hour: typing.SupportsFloat | typing.SupportsIndex, network_share: typing.SupportsFloat | typing.SupportsIndex, operations_share: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    """
    Network and operations costs per hour that take the given shares of the total.
    """
def calibrate_overheads_array(compute_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], energy_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], network_share: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], operations_share: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> dict:
    """
    Network and operations costs per hour that take the given shares of the total. Over 1-D float64 arrays of one length (GIL released): a dict of arrays.
    """
def cost_index(cost_a_per_million: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], cost_b_per_million: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Cost of b relative to a.
    """
def cost_per_million_tokens(accelerator_cost_per_hour: typing.SupportsFloat | typing.SupportsIndex, it_power_kw: typing.SupportsFloat | typing.SupportsIndex, pue: typing.SupportsFloat | typing.SupportsIndex, electricity_price_per_kwh: typing.SupportsFloat | typing.SupportsIndex, network_cost_per_hour: typing.SupportsFloat | typing.SupportsIndex, operations_cost_per_hour: typing.SupportsFloat | typing.SupportsIndex, tokens_per_second: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    """
    Cost per million tokens: components per hour and per million, shares, kWh per million.
    """
def cost_per_million_tokens_array(accelerator_cost_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], it_power_kw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], pue: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], electricity_price_per_kwh: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], network_cost_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], operations_cost_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], tokens_per_second: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> dict:
    """
    Cost per million tokens: components per hour and per million, shares, kWh per million. Over 1-D float64 arrays of one length (GIL released): a dict of arrays.
    """
def depreciation_per_hour(purchase_price: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], life_years: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], hours_per_year: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Straight-line depreciation per hour.
    """
def embodied_electricity(million_tokens: typing.SupportsFloat | typing.SupportsIndex, kwh_per_million: typing.SupportsFloat | typing.SupportsIndex, electricity_price_per_kwh: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    """
    Electricity (kWh) embodied in tokens and its value.
    """
def embodied_electricity_array(million_tokens: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], kwh_per_million: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], electricity_price_per_kwh: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> dict:
    """
    Electricity (kWh) embodied in tokens and its value. Over 1-D float64 arrays of one length (GIL released): a dict of arrays.
    """
def energy_cost_per_hour(it_power_kw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], pue: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], electricity_price_per_kwh: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    IT kW × PUE × price per kWh.
    """
def energy_per_million_tokens_kwh(it_power_kw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], pue: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], tokens_per_second: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Facility kWh per million tokens.
    """
def non_energy_multiplier_for_index(cost_a_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], energy_b_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], non_energy_b_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], target_index: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Multiplier on b's non-energy cost per hour that brings the index b/a to the target.
    """
def throughput_ratio_for_index(cost_a_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], cost_b_per_hour: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], target_index: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Throughput ratio a/b that brings the index b/a to the target.
    """
