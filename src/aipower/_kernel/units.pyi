"""
Unit conversions
"""
from __future__ import annotations
import numpy
import numpy.typing
import typing
__all__: list[str] = ['gw_hours_to_twh', 'gw_to_mw', 'gw_to_wan_kw', 'gw_to_yi_kw', 'mw_to_gw', 'per_capita_to_twh', 'twh_per_gw_to_hours', 'twh_to_per_capita', 'twh_to_yi_kwh', 'wan_kw_to_gw', 'yi_kw_to_gw', 'yi_kwh_to_twh']
def gw_hours_to_twh(gw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], hours: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    GW × h → TWh.
    """
def gw_to_mw(gw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    GW → MW.
    """
def gw_to_wan_kw(gw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    GW → 万kW.
    """
def gw_to_yi_kw(gw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    GW → 亿kW.
    """
def mw_to_gw(mw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    MW → GW.
    """
def per_capita_to_twh(kwh_per_person: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], population_million: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    kWh per person × million people → TWh.
    """
def twh_per_gw_to_hours(twh: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], gw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    TWh / GW → h.
    """
def twh_to_per_capita(twh: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], population_million: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    TWh / million people → kWh per person.
    """
def twh_to_yi_kwh(twh: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    TWh → 亿kWh.
    """
def wan_kw_to_gw(wan_kw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    万kW → GW.
    """
def yi_kw_to_gw(yi_kw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    亿kW → GW.
    """
def yi_kwh_to_twh(yi_kwh: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    亿kWh → TWh.
    """
