"""
Global data-center demand
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['cagr_path', 'end_from_growth', 'project', 'start_from_increment']
def cagr_path(start: typing.SupportsFloat | typing.SupportsIndex, end: typing.SupportsFloat | typing.SupportsIndex, years: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
    """
    years + 1 values from start to end at constant growth.
    """
def end_from_growth(start_twh: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], growth: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    End value = start × (1 + growth).
    """
def project(start_twh: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], growth_to_end: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], world_start_twh: typing.SupportsFloat | typing.SupportsIndex, world_end_twh: typing.SupportsFloat | typing.SupportsIndex, years: typing.SupportsInt | typing.SupportsIndex) -> dict:
    """
    Regions' end values and the rest of the world as the residual of the world totals.
    """
def start_from_increment(increment_twh: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], growth: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Start value = increment / growth over the period.
    """
