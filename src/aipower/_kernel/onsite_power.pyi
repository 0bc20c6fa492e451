"""
On-site power economics
"""
from __future__ import annotations
import numpy
import numpy.typing
import typing
__all__: list[str] = ['compare', 'compare_array', 'lifetime_cost', 'lifetime_cost_array']
def compare(capacity_mw: typing.SupportsFloat | typing.SupportsIndex, turbine_capex_per_mw: typing.SupportsFloat | typing.SupportsIndex, turbine_opex_per_mw_year: typing.SupportsFloat | typing.SupportsIndex, alternative_capex_multiple: typing.SupportsFloat | typing.SupportsIndex, alternative_extra_opex_per_mw_year: typing.SupportsFloat | typing.SupportsIndex, years: typing.SupportsInt | typing.SupportsIndex, discount_rate: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    """
    Gas turbine vs an alternative: totals and the alternative's extra cost.
    """
def compare_array(capacity_mw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], turbine_capex_per_mw: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], turbine_opex_per_mw_year: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], alternative_capex_multiple: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], alternative_extra_opex_per_mw_year: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], years: typing.SupportsInt | typing.SupportsIndex, discount_rate: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> dict:
    """
    Gas turbine vs an alternative: totals and the alternative's extra cost, flattened (turbine_capex, ...). Over 1-D float64 arrays of one length (GIL released): a dict of arrays.
    """
def lifetime_cost(capex: typing.SupportsFloat | typing.SupportsIndex, opex_per_year: typing.SupportsFloat | typing.SupportsIndex, years: typing.SupportsInt | typing.SupportsIndex, discount_rate: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    """
    Capex plus discounted opex over the years.
    """
def lifetime_cost_array(capex: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], opex_per_year: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], years: typing.SupportsInt | typing.SupportsIndex, discount_rate: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> dict:
    """
    Capex plus discounted opex over the years. Over 1-D float64 arrays of one length (GIL released): a dict of arrays.
    """
