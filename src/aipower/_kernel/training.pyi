"""
Training clusters
"""
from __future__ import annotations
import numpy
import numpy.typing
import typing
__all__: list[str] = ['failures_per_week', 'goodput', 'implied_utilization', 'interruption_interval_h', 'training_energy_mwh', 'training_time_s']
def failures_per_week(accelerators: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], weekly_failure_rate: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Accelerators failing per week.
    """
def goodput(interruption_interval_h: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], restart_h: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], checkpoint_interval_h: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    interval / (interval + restart + checkpoint/2).
    """
def implied_utilization(training_flops: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], accelerators: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], peak_flops_per_s: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], time_s: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Overall utilization that finishes the run in time_s.
    """
def interruption_interval_h(accelerators: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], reference_accelerators: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], reference_interval_h: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Mean hours between interruptions ∝ 1/N.
    """
def training_energy_mwh(accelerators: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], power_kw_per_accelerator: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], pue: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], time_s: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Facility MWh of a run.
    """
def training_time_s(training_flops: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], accelerators: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], peak_flops_per_s: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], utilization: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], goodput: typing.Annotated[numpy.typing.ArrayLike, numpy.float64]) -> typing.Any:
    """
    Seconds: FLOPs / (count × peak × utilization × goodput).
    """
