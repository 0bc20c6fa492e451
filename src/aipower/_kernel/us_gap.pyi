"""
US capacity gap
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['capacity_gap', 'capex', 'cumulative_gap', 'data_center_new_load_gw', 'firm_equivalent_gw', 'gap_per_year']
def capacity_gap(needed_gw_per_year: typing.SupportsFloat | typing.SupportsIndex, nameplate_gw: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], capacity_factor: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], years: typing.SupportsInt | typing.SupportsIndex, fleet_gw: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    """
    Built nameplate and firm GW, yearly and cumulative gap, gap share of the fleet.
    """
def capex(gw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], cost_per_gw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    GW × cost per GW.
    """
def cumulative_gap(gap_gw_per_year: typing.SupportsFloat | typing.SupportsIndex, years: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
    """
    Cumulative gap after 1..years years.
    """
def data_center_new_load_gw(needed_gw_per_year: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], data_center_share: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Needed additions × data-center share.
    """
def firm_equivalent_gw(nameplate_gw: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], capacity_factor: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> float:
    """
    Σ nameplate GW × capacity factor.
    """
def gap_per_year(needed_gw_per_year: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], built_gw_per_year: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Needed − built nameplate GW a year.
    """
