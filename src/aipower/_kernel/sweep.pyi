"""
Batch evaluation, sampling and streaming reductions for scenario sweeps
"""
from __future__ import annotations
import aipower._kernel.china
import collections.abc
import numpy
import numpy.typing
import typing
__all__: list[str] = ['BLOCK', 'DataCenterRoute', 'Distribution', 'MAX_SAMPLES', 'MAX_THREADS', 'Model', 'Summary', 'draw', 'resolve_threads', 'run']
class Distribution:
    """
    An uncertain input's distribution (model units).
    """
    @staticmethod
    def lognormal(median: typing.SupportsFloat | typing.SupportsIndex, sigma: typing.SupportsFloat | typing.SupportsIndex, low: typing.SupportsFloat | typing.SupportsIndex = 0.0, high: typing.SupportsFloat | typing.SupportsIndex = ...) -> Distribution:
        """
        A lognormal distribution (sigma of the log), truncated to [low, high].
        """
    @staticmethod
    def normal(mean: typing.SupportsFloat | typing.SupportsIndex, sd: typing.SupportsFloat | typing.SupportsIndex, low: typing.SupportsFloat | typing.SupportsIndex = ..., high: typing.SupportsFloat | typing.SupportsIndex = ...) -> Distribution:
        """
        A normal distribution, truncated to [low, high].
        """
    @staticmethod
    def triangular(low: typing.SupportsFloat | typing.SupportsIndex, mode: typing.SupportsFloat | typing.SupportsIndex, high: typing.SupportsFloat | typing.SupportsIndex) -> Distribution:
        ...
    @staticmethod
    def uniform(low: typing.SupportsFloat | typing.SupportsIndex, high: typing.SupportsFloat | typing.SupportsIndex) -> Distribution:
        ...
    def __repr__(self) -> str:
        ...
    def quantile(self, p: typing.SupportsFloat | typing.SupportsIndex) -> float:
        """
        The value at cumulative probability p in (0, 1).
        """
    def validate(self, name: str) -> None:
        """
        Raise ValueError naming `name` if the parameters are invalid.
        """
    @property
    def high(self) -> float:
        ...
    @property
    def kind(self) -> str:
        ...
    @property
    def low(self) -> float:
        ...
class Summary:
    """
    Streaming reductions of sweep outputs: quantiles within relative error alpha of the lower sample quantile, exact-order means; mergeable and picklable.
    """
    @staticmethod
    def from_bytes(data: bytes) -> Summary:
        ...
    def __getstate__(self) -> tuple[bytes]:
        ...
    def __init__(self, width: typing.SupportsInt | typing.SupportsIndex, alpha: typing.SupportsFloat | typing.SupportsIndex = 0.0001) -> None:
        ...
    def __setstate__(self, arg0: tuple) -> None:
        ...
    def count(self, column: typing.SupportsInt | typing.SupportsIndex) -> int:
        ...
    def max(self, column: typing.SupportsInt | typing.SupportsIndex) -> float:
        ...
    def mean(self, column: typing.SupportsInt | typing.SupportsIndex) -> float:
        ...
    def merge(self, other: Summary) -> None:
        """
        Fold another summary (other chunks) into this one.
        """
    def min(self, column: typing.SupportsInt | typing.SupportsIndex) -> float:
        ...
    def quantile(self, column: typing.SupportsInt | typing.SupportsIndex, q: typing.SupportsFloat | typing.SupportsIndex) -> float:
        ...
    def to_bytes(self) -> bytes:
        ...
    @property
    def alpha(self) -> float:
        ...
    @property
    def blocks(self) -> int:
        ...
    @property
    def failed(self) -> int:
        ...
    @property
    def first_failed(self) -> typing.Any:
        ...
    @property
    def first_failure(self) -> str:
        ...
    @property
    def width(self) -> int:
        ...
class DataCenterRoute:
    """
    The data-center route's inputs, for a batch that varies its assumptions.
    """
    @staticmethod
    def capex(capex_yi_rmb: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], first_year_fraction: typing.SupportsFloat | typing.SupportsIndex, capex_per_watt_rmb: typing.SupportsFloat | typing.SupportsIndex, twh_per_gw_year: typing.SupportsFloat | typing.SupportsIndex) -> DataCenterRoute:
        """
        Capex route: capex per year of the horizon (亿 RMB), the first-year fraction and base values.
        """
    @staticmethod
    def compute(eflops: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], energy_per_flop_change: typing.SupportsFloat | typing.SupportsIndex) -> DataCenterRoute:
        """
        Compute route: EFLOPS per year of the horizon and the base change of energy per FLOP.
        """
class Model:
    """
    The China model compiled for batch evaluation: a base ModelInputs, the scalar inputs each parameter column varies (bindings) and the outputs to compute.
    """
    def __init__(self, inputs: aipower._kernel.china.ModelInputs, bindings: collections.abc.Sequence[str], outputs: collections.abc.Sequence[str], route: DataCenterRoute = ...) -> None:
        ...
    def base_values(self) -> list[float]:
        """
        The bound inputs' values in the base inputs.
        """
    def evaluate(self, values: typing.Annotated[numpy.typing.ArrayLike, numpy.float64], threads: typing.SupportsInt | typing.SupportsIndex = 0, on_error: str = 'raise', out: typing.Any = None) -> tuple[numpy.typing.NDArray[numpy.float64], typing.Any, dict]:
        """
        Evaluate N scenarios (values: N × parameters). Returns (outputs N × width, ok N, status). on_error='raise' raises ValueError for the lowest failing scenario; 'skip' gives NaN rows and ok False. out: an N × width float64 array to write the outputs into (and return), e.g. reused across calls.
        """
    @property
    def bindings(self) -> list[str]:
        ...
    @property
    def first_year(self) -> int:
        ...
    @property
    def last_year(self) -> int:
        ...
    @property
    def output_widths(self) -> list[int]:
        ...
    @property
    def outputs(self) -> list[str]:
        ...
    @property
    def parameters(self) -> int:
        ...
    @property
    def width(self) -> int:
        ...
def draw(inputs: collections.abc.Sequence[Distribution], seed: typing.SupportsInt | typing.SupportsIndex, latin: bool, samples: typing.SupportsInt | typing.SupportsIndex, first: typing.SupportsInt | typing.SupportsIndex, count: typing.SupportsInt | typing.SupportsIndex) -> numpy.typing.NDArray[numpy.float64]:
    """
    The input values of samples [first, first + count): count × inputs.
    """
def resolve_threads(threads: typing.SupportsInt | typing.SupportsIndex) -> int:
    """
    Worker threads for a request (0: every core).
    """
def run(model: Model, inputs: collections.abc.Sequence[Distribution], seed: typing.SupportsInt | typing.SupportsIndex, latin: bool, samples: typing.SupportsInt | typing.SupportsIndex, first: typing.SupportsInt | typing.SupportsIndex, count: typing.SupportsInt | typing.SupportsIndex, summary: Summary, threads: typing.SupportsInt | typing.SupportsIndex = 0) -> None:
    """
    Samples [first, first + count) of a sweep of `samples`, folded into `summary` (GIL released).
    """
BLOCK: int = 1024
MAX_SAMPLES: int = 1099511627776
MAX_THREADS: int = 1024
