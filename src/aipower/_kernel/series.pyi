"""
Yearly series driven by segments
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['Segment', 'cagr', 'check_segment', 'project']
class Segment:
    """
    One method driving a series over a range of years.
    """
    def __init__(self, method: str, first_year: typing.SupportsInt | typing.SupportsIndex, last_year: typing.SupportsInt | typing.SupportsIndex, values: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], ref_year: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
        ...
    def __repr__(self) -> str:
        ...
    @property
    def first_year(self) -> int:
        ...
    @property
    def last_year(self) -> int:
        ...
    @property
    def method(self) -> str:
        ...
    @property
    def ref_year(self) -> int:
        ...
    @property
    def values(self) -> list[float]:
        ...
def cagr(from_value: typing.SupportsFloat | typing.SupportsIndex, to_value: typing.SupportsFloat | typing.SupportsIndex, years: typing.SupportsFloat | typing.SupportsIndex) -> float:
    """
    Compound annual growth rate between two values `years` apart.
    """
def check_segment(label: str, segment: Segment) -> None:
    """
    Check one segment on its own (years, value count, values); errors start with `label`.
    """
def project(name: str, first_year: typing.SupportsInt | typing.SupportsIndex, last_year: typing.SupportsInt | typing.SupportsIndex, start_value: typing.SupportsFloat | typing.SupportsIndex, segments: collections.abc.Sequence[Segment], anchors: collections.abc.Mapping[typing.SupportsInt | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex] = {}) -> numpy.typing.NDArray[numpy.float64]:
    """
    Roll start_value (in first_year) forward to last_year by the segments; anchors pin known years.
    """
