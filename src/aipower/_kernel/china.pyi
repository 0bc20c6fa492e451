"""
China power-balance model
"""
from __future__ import annotations
import aipower._kernel.series
import collections.abc
import typing
__all__: list[str] = ['CalibrationData', 'CapacitySpec', 'DemandInputs', 'Driver', 'HoursBase', 'HoursSpec', 'ModelInputs', 'RenewableTarget', 'RowSpec', 'demand_rows', 'required_level', 'run', 'sources']
class Driver:
    """
    Members:
    
      series
    
      per_capita
    """
    __members__: typing.ClassVar[dict[str, Driver]]
    per_capita: typing.ClassVar[Driver]
    series: typing.ClassVar[Driver]
    @typing.overload
    def __eq__(self, other: Driver) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: Driver) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class HoursBase:
    """
    Members:
    
      given
    
      solar_from_wind_solar
    
      residual_of_renewables
    
      rebased_on_conventional
    """
    __members__: typing.ClassVar[dict[str, HoursBase]]
    given: typing.ClassVar[HoursBase]
    rebased_on_conventional: typing.ClassVar[HoursBase]
    residual_of_renewables: typing.ClassVar[HoursBase]
    solar_from_wind_solar: typing.ClassVar[HoursBase]
    @typing.overload
    def __eq__(self, other: HoursBase) -> bool:
        ...
    @typing.overload
    def __eq__(self, other: typing.Any) -> bool:
        ...
    def __getstate__(self) -> int:
        ...
    def __hash__(self) -> int:
        ...
    def __index__(self) -> int:
        ...
    def __init__(self, value: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __int__(self) -> int:
        ...
    @typing.overload
    def __ne__(self, other: HoursBase) -> bool:
        ...
    @typing.overload
    def __ne__(self, other: typing.Any) -> bool:
        ...
    def __repr__(self) -> str:
        ...
    def __setstate__(self, state: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    def __str__(self) -> str:
        ...
    @property
    def name(self) -> str:
        ...
    @property
    def value(self) -> int:
        ...
class RowSpec:
    """
    How one demand row is driven (TWh).
    """
    driver: Driver
    def __init__(self) -> None:
        ...
    @property
    def anchors(self) -> dict[int, float]:
        ...
    @anchors.setter
    def anchors(self, arg0: collections.abc.Mapping[typing.SupportsInt | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def path(self) -> list[float]:
        ...
    @path.setter
    def path(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def segments(self) -> list[aipower._kernel.series.Segment]:
        ...
    @segments.setter
    def segments(self, arg0: collections.abc.Sequence[aipower._kernel.series.Segment]) -> None:
        ...
    @property
    def start_value(self) -> float:
        ...
    @start_value.setter
    def start_value(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class DemandInputs:
    """
    Demand by sector.
    """
    data_centers: RowSpec
    ev_charging: RowSpec
    primary: RowSpec
    residential_core: RowSpec
    secondary: RowSpec
    tertiary_core: RowSpec
    def __init__(self) -> None:
        ...
    @property
    def ev_tertiary_share(self) -> float:
        ...
    @ev_tertiary_share.setter
    def ev_tertiary_share(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def population_anchors(self) -> dict[int, float]:
        ...
    @population_anchors.setter
    def population_anchors(self, arg0: collections.abc.Mapping[typing.SupportsInt | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def population_segments(self) -> list[aipower._kernel.series.Segment]:
        ...
    @population_segments.setter
    def population_segments(self, arg0: collections.abc.Sequence[aipower._kernel.series.Segment]) -> None:
        ...
    @property
    def population_start(self) -> float:
        ...
    @population_start.setter
    def population_start(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def residential_total_anchors(self) -> dict[int, float]:
        ...
    @residential_total_anchors.setter
    def residential_total_anchors(self, arg0: collections.abc.Mapping[typing.SupportsInt | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def residential_total_start(self) -> float:
        ...
    @residential_total_start.setter
    def residential_total_start(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def start_total_growth(self) -> float:
        ...
    @start_total_growth.setter
    def start_total_growth(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def tertiary_total_anchors(self) -> dict[int, float]:
        ...
    @tertiary_total_anchors.setter
    def tertiary_total_anchors(self, arg0: collections.abc.Mapping[typing.SupportsInt | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def tertiary_total_start(self) -> float:
        ...
    @tertiary_total_start.setter
    def tertiary_total_start(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class CapacitySpec:
    """
    Capacity of one source (GW, end of year).
    """
    def __init__(self) -> None:
        ...
    @property
    def additions(self) -> list[aipower._kernel.series.Segment]:
        ...
    @additions.setter
    def additions(self, arg0: collections.abc.Sequence[aipower._kernel.series.Segment]) -> None:
        ...
    @property
    def anchors(self) -> dict[int, float]:
        ...
    @anchors.setter
    def anchors(self, arg0: collections.abc.Mapping[typing.SupportsInt | typing.SupportsIndex, typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def previous_end(self) -> float:
        ...
    @previous_end.setter
    def previous_end(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def retirements(self) -> list[float]:
        ...
    @retirements.setter
    def retirements(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
    @property
    def start_end(self) -> float:
        ...
    @start_end.setter
    def start_end(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class HoursSpec:
    """
    Utilization hours of one source (h).
    """
    base: HoursBase
    def __init__(self) -> None:
        ...
    @property
    def segments(self) -> list[aipower._kernel.series.Segment]:
        ...
    @segments.setter
    def segments(self, arg0: collections.abc.Sequence[aipower._kernel.series.Segment]) -> None:
        ...
    @property
    def start(self) -> float:
        ...
    @start.setter
    def start(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class CalibrationData:
    """
    Base-year data the calibration uses.
    """
    def __init__(self) -> None:
        ...
    @property
    def coal_hours(self) -> float:
        ...
    @coal_hours.setter
    def coal_hours(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def hydro_reported_previous_end(self) -> float:
        ...
    @hydro_reported_previous_end.setter
    def hydro_reported_previous_end(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def hydro_reported_start_end(self) -> float:
        ...
    @hydro_reported_start_end.setter
    def hydro_reported_start_end(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def loss_factor(self) -> float:
        ...
    @loss_factor.setter
    def loss_factor(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def renewable_generation(self) -> float:
        ...
    @renewable_generation.setter
    def renewable_generation(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def wind_solar_generation(self) -> float:
        ...
    @wind_solar_generation.setter
    def wind_solar_generation(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
class RenewableTarget:
    """
    A non-hydro share to reach by solving wind+solar additions.
    """
    enabled: bool
    def __init__(self) -> None:
        ...
    @property
    def first_year(self) -> int:
        ...
    @first_year.setter
    def first_year(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def last_year(self) -> int:
        ...
    @last_year.setter
    def last_year(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def share(self) -> float:
        ...
    @share.setter
    def share(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def wind_fraction(self) -> float:
        ...
    @wind_fraction.setter
    def wind_fraction(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def year(self) -> int:
        ...
    @year.setter
    def year(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class ModelInputs:
    """
    Every input of the China power-balance model.
    """
    calibration: CalibrationData
    demand: DemandInputs
    target: RenewableTarget
    def __init__(self) -> None:
        ...
    def capacity(self, source: str) -> CapacitySpec:
        ...
    def hours(self, source: str) -> HoursSpec:
        ...
    @property
    def first_year(self) -> int:
        ...
    @first_year.setter
    def first_year(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def last_year(self) -> int:
        ...
    @last_year.setter
    def last_year(self, arg1: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def net_imports(self) -> list[float]:
        ...
    @net_imports.setter
    def net_imports(self, arg0: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex]) -> None:
        ...
def demand_rows() -> list[str]:
    """
    Demand row names in table order.
    """
def required_level(inputs: ModelInputs, target: RenewableTarget) -> dict:
    """
    Wind+solar GW/yr over the target's years that reaches the target share, all else as in inputs.
    """
def run(inputs: ModelInputs) -> dict:
    """
    Run the China power-balance model; returns a dict of numpy arrays.
    """
def sources() -> list[str]:
    """
    Source names in table order.
    """
