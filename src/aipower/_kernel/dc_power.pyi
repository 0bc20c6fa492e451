"""
Data-center electricity from capex, chips and compute
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['capacity_from_capex_gw', 'capex_driven_path', 'chip_power_from_capex_gw', 'cluster_power_mw', 'compute_driven_path', 'compute_route_twh', 'energy_from_capacity_twh', 'energy_from_it_power_twh', 'intensity_path', 'interpolate_geometric']
def capacity_from_capex_gw(capex_yi_rmb: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], capex_per_watt_rmb: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Method 1: GW of data-center capacity bought by capex (亿 RMB) at RMB/W.
    """
def capex_driven_path(start_twh: typing.SupportsFloat | typing.SupportsIndex, capex_yi_rmb: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], capex_per_watt_rmb: typing.SupportsFloat | typing.SupportsIndex, twh_per_gw_year: typing.SupportsFloat | typing.SupportsIndex, first_year_fraction: typing.SupportsFloat | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
    """
    Data-center TWh path: start value plus method-1 energy of each year's capex.
    """
def chip_power_from_capex_gw(capex_yi_rmb: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], chip_share_of_capex: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], chip_cost_per_watt_rmb: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Method 2: GW of accelerators bought by the chip share of capex (亿 RMB) at RMB/W.
    """
def cluster_power_mw(accelerators: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], watts_per_accelerator: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], pue: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Facility MW of a cluster: count × W × PUE / 1e6.
    """
def compute_driven_path(start_twh: typing.SupportsFloat | typing.SupportsIndex, eflops: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], intensity_change_per_year: typing.SupportsFloat | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
    """
    Data-center TWh path: EFLOPS × energy per EFLOPS calibrated on the start year.
    """
def compute_route_twh(eflops: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], twh_per_eflops: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> numpy.typing.NDArray[numpy.float64]:
    """
    Compute route: EFLOPS × TWh per EFLOPS, per year.
    """
def energy_from_capacity_twh(capacity_gw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], twh_per_gw_year: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    TWh a year of a capacity (GW) at TWh per GW-year.
    """
def energy_from_it_power_twh(it_power_gw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], pue: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], load_factor: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], hours: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    TWh = IT GW × PUE × load factor × hours / 1000.
    """
def intensity_path(start: typing.SupportsFloat | typing.SupportsIndex, annual_change: typing.SupportsFloat | typing.SupportsIndex, n: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
    """
    n values from start changing by annual_change a year.
    """
def interpolate_geometric(anchor_years: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], anchor_values: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], years: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex]) -> numpy.typing.NDArray[numpy.float64]:
    """
    Geometric interpolation between anchors; the nearest segment's growth is continued outside them.
    """
