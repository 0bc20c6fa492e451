"""
Rack power distribution
"""
from __future__ import annotations
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['chain_efficiency', 'conductor_length_for_loss_m', 'conductor_resistance_ohm', 'copper_mass_for_loss_kg', 'cross_section_for_mass_m2', 'current_a', 'loss_fraction']
def chain_efficiency(stage_efficiencies: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> float:
    """
    Product of stage efficiencies.
    """
def conductor_length_for_loss_m(power_w: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], voltage_v: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], loss_fraction_target: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], mass_kg: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], resistivity_ohm_m: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], density_kg_m3: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Path length at which a copper mass loses the target fraction.
    """
def conductor_resistance_ohm(resistivity_ohm_m: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], length_m: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], cross_section_m2: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    R = ρ L / A.
    """
def copper_mass_for_loss_kg(power_w: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], voltage_v: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], loss_fraction_target: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], resistivity_ohm_m: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], density_kg_m3: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], length_m: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Copper mass for a loss target: d ρ L² I² / (f P).
    """
def cross_section_for_mass_m2(mass_kg: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], density_kg_m3: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], length_m: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    A = m / (d L).
    """
def current_a(power_w: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], voltage_v: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    I = P / V.
    """
def loss_fraction(power_w: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], voltage_v: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], resistivity_ohm_m: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], density_kg_m3: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], length_m: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], mass_kg: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    I²R loss / P for a conductor of the given mass and length.
    """
