"""
Unit conversions
"""
from __future__ import annotations
import typing
__all__: list[str] = ['gw_hours_to_twh', 'gw_to_wan_kw', 'gw_to_yi_kw', 'per_capita_to_twh', 'twh_per_gw_to_hours', 'twh_to_per_capita', 'twh_to_yi_kwh', 'wan_kw_to_gw', 'yi_kw_to_gw', 'yi_kwh_to_twh']
def gw_hours_to_twh(gw: typing.SupportsFloat | typing.SupportsIndex, hours: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    GW × h → TWh.
    """
def gw_to_wan_kw(gw: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    GW → 万kW.
    """
def gw_to_yi_kw(gw: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    GW → 亿kW.
    """
def per_capita_to_twh(kwh_per_person: typing.SupportsFloat | typing.SupportsIndex, population_million: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    kWh per person × million people → TWh.
    """
def twh_per_gw_to_hours(twh: typing.SupportsFloat | typing.SupportsIndex, gw: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    TWh / GW → h.
    """
def twh_to_per_capita(twh: typing.SupportsFloat | typing.SupportsIndex, population_million: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    TWh / million people → kWh per person.
    """
def twh_to_yi_kwh(twh: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    TWh → 亿kWh.
    """
def wan_kw_to_gw(wan_kw: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    万kW → GW.
    """
def yi_kw_to_gw(yi_kw: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    亿kW → GW.
    """
def yi_kwh_to_twh(yi_kwh: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    亿kWh → TWh.
    """
