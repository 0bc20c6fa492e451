"""
On-site power economics
"""
from __future__ import annotations
import typing
__all__: list[str] = ['compare', 'lifetime_cost']
def compare(capacity_mw: typing.SupportsFloat | typing.SupportsIndex, turbine_capex_per_mw: typing.SupportsFloat | typing.SupportsIndex, turbine_opex_per_mw_year: typing.SupportsFloat | typing.SupportsIndex, alternative_capex_multiple: typing.SupportsFloat | typing.SupportsIndex, alternative_extra_opex_per_mw_year: typing.SupportsFloat | typing.SupportsIndex, years: typing.SupportsInt | typing.SupportsIndex, discount_rate: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    """
    Gas turbine vs an alternative: totals and the alternative's extra cost.
    """
def lifetime_cost(capex: typing.SupportsFloat | typing.SupportsIndex, opex_per_year: typing.SupportsFloat | typing.SupportsIndex, years: typing.SupportsInt | typing.SupportsIndex, discount_rate: typing.SupportsFloat | typing.SupportsIndex) -> dict:
    """
    Capex plus discounted opex over the years.
    """
