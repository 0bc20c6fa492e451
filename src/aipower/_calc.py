"""Shared glue of the calculator modules (private).

* `Assumptions`: what a table builder needs from a scenario: ``get(key)`` (the
  value) and ``assumption(key)`` (value, unit, source). The main scenario
  loader (`aipower.scenario`) provides it; `calculator_defaults()` provides it
  from ``scenarios/calculators.toml`` alone.
* `broadcast_call`: calls the array version of a kernel function that returns a
  dict over numpy-broadcast keyword arguments, so every calculator takes arrays
  (e.g. ``[low, high]``) as well as scalars.
"""

from __future__ import annotations

import difflib
import math
import os
import re
import reprlib
import sys
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec, Protocol, SupportsIndex, TypeAlias, Union, overload

import numpy as np
import numpy.typing as npt

from . import _kernel

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

CALCULATORS_TOML = "calculators.toml"


class SupportsArray(Protocol):
    """What numpy converts with ``__array__``: an ndarray, a pandas Series (typed by pandas-stubs)."""

    def __array__(self) -> np.ndarray[Any, Any]: ...


# Parameter types of the calculators. `checked` reads an annotation by its text, so these names also say
# what it checks at run time: a Whole is an int, a numpy integer or a 0-d integer array (not a bool), and
# at run time also a float with no fractional part (2030.0, as worksheets give numbers; a type checker
# still flags a float, which may not be whole); Numbers is a 1-D list of numbers; Years is a list of wholes.
Whole: TypeAlias = SupportsIndex
Numbers: TypeAlias = Union[Sequence[float], SupportsArray]
Years: TypeAlias = Union[Sequence[int], npt.NDArray[np.integer[Any]]]


class Assumptions(Protocol):
    def get(self, key: str) -> Any: ...

    def assumption(self, key: str) -> Any: ...


class Assumption(NamedTuple):
    value: Any
    unit: str
    source: str


@lru_cache(maxsize=1)
def _calculator_tree() -> dict[str, Any]:
    text = resources.files("aipower").joinpath("scenarios").joinpath(CALCULATORS_TOML).read_text(encoding="utf-8")
    return tomllib.loads(text)


class CalculatorDefaults:
    """The calculator defaults of ``scenarios/calculators.toml`` as a scenario-like object."""

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        self._overrides = dict(overrides or {})

    def _leaf(self, key: str) -> dict[str, Any]:
        node: Any = _calculator_tree()
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                raise KeyError(f"{key}: no such assumption in {CALCULATORS_TOML}")
            node = node[part]
        if not (isinstance(node, dict) and "value" in node):
            raise KeyError(f"{key}: not a leaf assumption (an inline table with value, unit, source)")
        return node

    def __contains__(self, key: str) -> bool:
        if key in self._overrides:
            return True
        try:
            self._leaf(key)
        except KeyError:
            return False
        return True

    def get(self, key: str) -> Any:
        if key in self._overrides:
            return self._overrides[key]
        return self._leaf(key)["value"]

    def assumption(self, key: str) -> Assumption:
        leaf = self._leaf(key)
        return Assumption(self.get(key), str(leaf.get("unit", "")), str(leaf.get("source", "")))

    def keys(self, section: str | None = None) -> list[str]:
        """The leaf keys of one section, or of every section (as a loaded Scenario lists them)."""
        sections = [section] if section is not None else list(_calculator_tree())
        return [f"{s}.{name}" for s in sections for name, leaf in _calculator_tree()[s].items()
                if isinstance(leaf, dict) and "value" in leaf]


def calculator_defaults(overrides: Mapping[str, Any] | None = None) -> CalculatorDefaults:
    """The calculator defaults, optionally with some values replaced (``{"token_cost.pue_us": 1.4}``)."""
    return CalculatorDefaults(overrides)


def default(key: str) -> float:
    """A scalar default from calculators.toml (used as keyword defaults of the public functions)."""
    value = CalculatorDefaults().get(key)
    if isinstance(value, list):
        raise TypeError(f"{key} is a [low, high] pair, not a scalar default")
    return float(value)


def scenario_of(scenario: Any) -> Assumptions:
    """A calculator table's scenario: a name or a path is loaded, as ``aipower.run`` takes it (a table
    of 'base' raised AttributeError: 'str' object has no attribute 'get')."""
    if isinstance(scenario, (str, os.PathLike)):
        from .scenario import load_scenario
        return load_scenario(scenario if isinstance(scenario, str) else Path(scenario))
    if not (hasattr(scenario, "get") and hasattr(scenario, "assumption")):
        raise ValueError(f"scenario = {reprlib.repr(scenario)}: expected a scenario name (base, ai, ai_ranges), "
                         "a path to a .toml file or a loaded Scenario")
    return scenario


def low_high(scenario: Assumptions, key: str) -> np.ndarray:
    """A value as ``[low case, high case]``; a scalar is used for both cases."""
    value = scenario.get(key)
    if isinstance(value, (list, tuple)):
        if len(value) != 2:
            raise ValueError(f"{key} = {value!r}: expected a number or a [low, high] pair")
        return np.array([float(value[0]), float(value[1])])
    return np.array([float(value), float(value)])


def scalar(scenario: Assumptions, key: str) -> float:
    value = scenario.get(key)
    if isinstance(value, (list, tuple)):  # a per-year list where one number is read: say where it was set
        origin = getattr(scenario.assumption(key), "origin", "override")
        raise ValueError(f"{'' if origin == 'override' else origin + ': '}{key} = {value!r}: expected a single number")
    return float(value)


def whole(scenario: Assumptions, key: str) -> int:
    """A count such as a number of years: refused, naming the key, unless a whole number (never cut down)."""
    value = scalar(scenario, key)
    if not (np.isfinite(value) and float(value).is_integer() and abs(value) < _INT_LIMIT):
        raise ValueError(f"{key} = {value:g}: expected a whole number")
    return int(value)


def _unwrap(value: Any) -> Any:
    return value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value


# The most results `broadcast_call` computes in one call. The kernel computes each in well under a µs, but
# holds every input and output at once: for the 7 inputs and 15 fields of token_cost.cost_per_million_tokens,
# 10^7 elements take up to 1.8 GB. A larger broadcast, such as a (10^4, 1) column against a (1, 10^4) row, is
# almost always a mistake, and would need about 18 GB: it is refused, naming the shapes.
MAX_BROADCAST_RESULTS = 10**7


def broadcast_call(kernel: Callable[..., Mapping[str, Any]], **kwargs: Any) -> dict[str, Any]:
    """Call ``kernel`` over broadcast array arguments, given by name.

    ``kernel`` is the array version of a kernel function (``_kernel.<area>.<name>_array``): 1-D float64
    arrays of one length by name → a dict of 1-D arrays, computed element by element in C order, so the
    first element it refuses is the one an index loop would meet first. Fixed arguments (an int such as
    ``years``) are bound beforehand, e.g. with ``functools.partial``. Scalars in → floats out; arrays in →
    arrays of the broadcast shape out (an empty shape: every field, empty, as the kernel gives them for
    arrays of length 0). A shape of more than `MAX_BROADCAST_RESULTS` elements is refused with a
    ValueError naming the arguments' shapes.
    """
    names = list(kwargs)
    given = [np.asarray(kwargs[n], dtype=float) for n in names]
    broadcast = np.broadcast(*given)
    shape, size = broadcast.shape, broadcast.size
    if size > MAX_BROADCAST_RESULTS:
        listed = ", ".join(f"{n} {a.shape}" for n, a in zip(names, given) if a.ndim)
        raise ValueError(f"{listed}: broadcast together to shape {shape}, {size:,} results; expected at most "
                         f"{MAX_BROADCAST_RESULTS:,} (each is computed on its own: check that a row was not meant "
                         "as a column)")
    # Flat in C order (a view where no broadcast is needed; np.broadcast_to takes µs even for a scalar).
    result = kernel(**{n: (a if a.shape == shape else np.broadcast_to(a, shape)).reshape(-1) for n, a in zip(names, given)})
    if shape == ():
        return {key: float(column[0]) for key, column in result.items()}
    return {key: column.reshape(shape) for key, column in result.items()}


def as_result(value: Any) -> Any:
    """A 0-d array as a float, anything else unchanged."""
    return _unwrap(np.asarray(value)) if np.ndim(value) == 0 else value


_YEARS = (_kernel.MIN_YEAR, _kernel.MAX_YEAR)  # the years the kernel accepts
_INT_LIMIT = 2**31  # the kernel's whole-number arguments are C++ ints


def non_number(value: Any, raw: np.ndarray) -> str | None:
    """What `value` (as the array `raw`) holds that numpy would quietly turn into a float, or None.

    numpy reads True as 1, parses '100', drops a complex part and counts dates in days; a list
    mixing a boolean with numbers even becomes a float array, so lists are checked item by item.
    """
    kind = raw.dtype.kind
    if kind == "O" or (kind in "fiu" and isinstance(value, (list, tuple))):
        try:
            items = np.asarray(value, dtype=object).flat if kind != "O" else raw.flat
        except (TypeError, ValueError):  # ragged: the float conversion names it
            return None
        for item in items:
            if item is None:  # an empty cell
                return "an empty value"
            if type(item).__name__ == "NAType":  # pandas' missing value (pandas imported only where used)
                return "a missing value (NA)"
            if isinstance(item, (bool, np.bool_)):
                return "a boolean"
            if isinstance(item, (str, bytes)):
                return "text"
            if isinstance(item, (complex, np.complexfloating)):
                return "a complex number"
        return None
    return {"b": "a boolean", "U": "text", "S": "text", "a": "text", "c": "a complex number",
            "m": "a time span", "M": "a date", "V": "a record"}.get(kind)


def shown(value: Any) -> str:
    """A short repr for an error message (a Series or array as its list, cut like reprlib's)."""
    return reprlib.repr(value.tolist() if hasattr(value, "tolist") else value)


def described(value: Any) -> str:
    """`value` for a message that refuses its kind or shape: its repr (cut like reprlib's), or a pandas object
    by its kind and size, whose repr spans lines ('start = 0    1.0\ndtype: float64'), as may an array's."""
    if _is_labelled(value):
        size = f"length {len(value)}" if value.ndim == 1 else f"shape {value.shape}"
        return f"a pandas {type(value).__name__} of {size}"
    text = reprlib.repr(value)
    return f"{type(value).__name__} of shape {np.shape(value)}" if "\n" in text else text


def floats(values: Numbers) -> list[float]:
    """A checked list of numbers (`checked` made it an array) as the kernel's list of floats."""
    return np.asarray(values, dtype=float).tolist()


def _whole(value: Any) -> int | None:
    """`value` as an int if it is a whole number: an int, a numpy integer, or a finite float with no
    fractional part (2030.0, as a worksheet, a pandas column with gaps or `aipower.run(base_year=2025.0)`
    gives one), also as a 0-d array; else None. A bool and a np.timedelta64 (5 days) are not whole numbers
    here, and neither is 2030.5: it is refused, never cut down."""
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        value = value[()]
    if isinstance(value, (bool, np.bool_, np.timedelta64)):
        return None
    if isinstance(value, (float, np.floating)):
        return int(value) if math.isfinite(value) and float(value).is_integer() else None
    if not isinstance(value, (int, np.integer)):
        return None
    return int(value)


# The kernel's refusal of a non-finite result, named by its own function (cagr = inf, rack_power::x = -nan),
# which no caller knows: the API and the worksheet functions name the inputs instead.
KERNEL_NOT_FINITE = re.compile(r"^.+? = (-?(?:inf|nan)): expected a finite result \(an input is too large, or one it "
                               r"divides by too close to zero\)$")
_EXTREME = (1e-100, 1e100)  # magnitudes far beyond any quantity of the model, in any of its units


class NotFiniteResult(ValueError):
    """A result beyond a float's range, naming the inputs that gave it; `value` is 'inf', '-inf' or 'nan'."""

    def __init__(self, message: str, value: str) -> None:
        super().__init__(message)
        self.value = value


def is_extreme(value: Any) -> bool:
    """Whether a number (or any element of an array) is nonzero and outside 1e-100 … 1e100 in magnitude."""
    a = np.abs(np.asarray(value, dtype=float))
    return bool(np.any((a > _EXTREME[1]) | ((a > 0) & (a < _EXTREME[0]))))


def not_finite_text(value: str, given: str) -> str:
    """Why a result is `value` ('inf', 'nan'), after `given` (the inputs, named)."""
    if "nan" in value:
        return (f"{given}: the result is not a number (nan: a step of it overflows, or underflows to 0); expected "
                "inputs of a less extreme magnitude")
    return (f"{given}: the result, or a step of it, is too large to represent ({value}); expected inputs whose "
            "result is within a float's range (±1.8e308)")


def not_finite_value(exc: ValueError) -> str | None:
    """'inf', '-inf' or 'nan' if `exc` refuses a non-finite result (the kernel's or the API's), else None."""
    if isinstance(exc, NotFiniteResult):
        return exc.value
    m = KERNEL_NOT_FINITE.match(str(exc))
    return None if m is None else m.group(1)


def _check_number_like(name: str, value: Any) -> np.ndarray:
    """A number or array of numbers as float64, or a ValueError naming the argument."""
    if value is None:
        raise ValueError(f"{name} = None: expected a number (an empty cell?)")
    if isinstance(value, (str, bytes)):
        raise ValueError(f"{name} = {value!r}: expected a number, got text")
    if isinstance(value, np.ma.MaskedArray):  # np.asarray would read the masked entries as data
        if np.ma.getmaskarray(value).any():
            raise ValueError(f"{name} = {shown(value)}: expected numbers, got masked entries "
                             "(fill or drop them first, e.g. value.filled(x) or value.compressed())")
        value = value.data
    try:
        raw = np.asarray(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {shown(value)}: expected a number or an array of numbers") from None
    problem = non_number(value, raw)
    if problem:
        raise ValueError(f"{name} = {shown(value)}: expected a number, got {problem}")
    try:
        return raw.astype(float)
    except OverflowError:  # a Python int beyond a float's range
        raise ValueError(f"{name} = {shown(value)}: expected a number within a float's range (±1.8e308)") from None
    except (TypeError, ValueError):
        raise ValueError(f"{name} = {shown(value)}: expected a number or an array of numbers") from None


_P = ParamSpec("_P")


# Typed for a type checker: the arguments as the function declares them, the result as Any (a number,
# an array, or a pandas object labelled like the pandas arguments, so no one annotation is right).
@overload
def checked(func: Callable[_P, Any], *, per_item: bool = False) -> Callable[_P, Any]: ...
@overload
def checked(func: None = None, *, per_item: bool = False) -> Callable[[Callable[_P, Any]], Callable[_P, Any]]: ...


def checked(func: Callable[..., Any] | None = None, *, per_item: bool = False) -> Any:
    """Validate the arguments of a public calculator function by their annotations.

    Text, None, non-numeric objects and arrays that cannot be broadcast together
    become a ValueError naming the argument, so only a finite result or a
    ValueError ever leaves the API (the kernel checks ranges and finiteness).

    A result takes the labels of pandas arguments that it is computed element by element from:
    number/array arguments always; list arguments only with ``per_item=True`` (one result per item,
    e.g. per year of an EFLOPS path). Otherwise a list's labels only pair it with the other lists:
    a result indexed by something else (years of a gap, the requested years) must not get them.
    """
    if func is None:
        return lambda f: checked(f, per_item=per_item)
    import functools
    import inspect

    signature = inspect.signature(func)
    takes_any_keyword = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in signature.parameters.values())

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        unknown = [k for k in kwargs if k not in signature.parameters]
        if unknown and not takes_any_keyword:  # named before a missing argument: a misspelt keyword is why that one is missing
            close = difflib.get_close_matches(unknown[0], list(signature.parameters), n=1)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise ValueError(f"{func.__name__}(): unexpected keyword argument '{unknown[0]}'{hint}; expected "
                             f"{', '.join(signature.parameters)}")
        try:
            bound = signature.bind(*args, **kwargs)
        except TypeError as exc:
            raise ValueError(f"{func.__name__}(): {exc}") from None
        bound.apply_defaults()
        shapes: dict[str, tuple[int, ...]] = {}
        sequences: list[str] = []
        for name, value in bound.arguments.items():
            annotation = str(signature.parameters[name].annotation)
            if annotation.endswith(" | None"):  # optional: None means "not given"
                if value is None:
                    continue
                annotation = annotation[: -len(" | None")]
            if annotation in ("int", "Whole"):
                number = _whole(value)
                if number is None:
                    raise ValueError(f"{name} = {described(value)}: expected a whole number")
                if not -_INT_LIMIT <= number < _INT_LIMIT:  # the kernel's int: pybind11 would raise a TypeError
                    raise ValueError(f"{name} = {shown(value)}: expected a whole number of magnitude below 2^31")
                bound.arguments[name] = number  # a Python int for the kernel (a 0-d array is not one)
            elif annotation in ("float", "ArrayLike"):
                array = _check_number_like(name, value)
                if annotation == "float" and array.ndim != 0:
                    raise ValueError(f"{name} = {described(value)}: expected a single number")
                shapes[name] = array.shape
            elif annotation.startswith(("Sequence[int]", "Years")):
                # getattr, not np.ndim: np.ndim of a ragged list raised numpy's own "inhomogeneous shape"
                if isinstance(value, (str, bytes)) or not hasattr(value, "__iter__") or getattr(value, "ndim", 1) == 0:
                    raise ValueError(f"{name} = {described(value)}: expected a list of years (whole numbers)")
                read = [_whole(v) for v in value]
                items = [v for v in read if v is not None]
                if len(items) != len(read):
                    raise ValueError(f"{name} = {described(value)}: expected a list of years (whole numbers)")
                bound.arguments[name] = items
                outside = [v for v in items if not _YEARS[0] <= v <= _YEARS[1]]
                if outside:
                    raise ValueError(f"{name}: year {outside[0]} is outside {_YEARS[0]}-{_YEARS[1]}")
            elif annotation.startswith(("Sequence[float]", "Numbers")):
                array = _check_number_like(name, value)
                if array.ndim != 1:
                    raise ValueError(f"{name}: expected a list of numbers, got shape {array.shape}")
                if not _is_labelled(value):  # a Series keeps its labels for _align_pandas
                    bound.arguments[name] = array  # checked floats: a masked array's data, not its raw list
                sequences.append(name)
        try:
            shape = np.broadcast_shapes(*shapes.values())
        except ValueError:
            listed = ", ".join(f"{n} {s}" for n, s in shapes.items() if s)
            raise ValueError(f"{func.__name__}(): array arguments of different shapes cannot be combined: {listed}") from None
        size = math.prod(shape)
        if size > MAX_BROADCAST_RESULTS:  # a single-result calculator too: (10^5, 1) by (1, 10^5) was a MemoryError
            listed = ", ".join(f"{n} {s}" for n, s in shapes.items() if s)
            raise ValueError(f"{func.__name__}(): {listed}: broadcast together to shape {shape}, {size:,} results; "
                             f"expected at most {MAX_BROADCAST_RESULTS:,} (check that a row was not meant as a column)")
        first, template = _align_pandas(func.__name__, bound.arguments, [*shapes, *sequences])
        try:
            result = func(*bound.args, **bound.kwargs)
        except ValueError as exc:
            value = not_finite_value(exc)
            if value is None:
                where = _element_named(str(exc), bound.arguments, shapes, template)
                if where is not None:
                    raise ValueError(where) from None
                raise
            numbers = [(n, v) for n, v in bound.arguments.items() if n in shapes or n in sequences]
            extreme = [(n, v) for n, v in numbers if is_extreme(v)]
            given = ", ".join(f"{n} = {shown(v)}" for n, v in extreme or numbers)
            raise NotFiniteResult(f"{func.__name__}(): {not_finite_text(value, given)}", value) from None
        if template is None or (first in sequences and not per_item):
            return result
        return _as_pandas(result, template)

    return wrapper


_REFUSED_ELEMENT = re.compile(r"^(\w+) = (\S+?): (.*)$", re.S)


def _element_named(message: str, arguments: dict[str, Any], shapes: dict[str, tuple[int, ...]],
                   template: Any) -> str | None:
    """The kernel's refusal of an array argument ('price = nan: expected ...') with the element it
    refused: 'price[7] = nan', or its label for a pandas argument ('price['h'] = nan'), so a bad row
    of a long column need not be hunted for. None when the message is of another kind."""
    m = _REFUSED_ELEMENT.match(message)
    if m is None or not shapes.get(m.group(1)):
        return None
    name = m.group(1)
    try:
        refused = float(m.group(2))
    except ValueError:
        return None
    values = np.asarray(arguments[name], dtype=float)
    # the kernel shows a value to 6 significant digits (an ostream's default): the first element it rounds from
    with np.errstate(over="ignore", invalid="ignore"):  # |a - b| of two values near ±1.8e308
        hit = np.isnan(values) if math.isnan(refused) else np.isclose(values, refused, rtol=5e-6, atol=0)
    if not hit.any():
        return None
    index = np.unravel_index(int(np.argmax(hit)), values.shape)
    if template is not None and values.shape == template.shape:  # aligned to the first pandas argument's labels
        labels = [template.index[index[0]]] + ([template.columns[index[1]]] if values.ndim == 2 else [])
        at = ", ".join(repr(x) for x in labels)
    else:
        at = ", ".join(str(i) for i in index)
    return f"{name}[{at}] = {m.group(2)}: {m.group(3)}"


def _is_labelled(value: Any) -> bool:
    import pandas as pd

    return isinstance(value, (pd.Series, pd.DataFrame))


def _align_pandas(func_name: str, arguments: dict[str, Any], names: list[str]) -> tuple[str | None, Any]:
    """Replace pandas arguments by their values in the labels' order of the first one, which is
    returned with its name (None, None if there is none): numpy alone would combine two Series by
    position, pairing 'low' of one with 'high' of the other."""
    import pandas as pd

    first, template = None, None
    for name in names:
        value = arguments[name]
        if not isinstance(value, (pd.Series, pd.DataFrame)):
            continue
        if template is None:
            first, template = name, value
        elif type(value) is not type(template):
            raise ValueError(f"{func_name}(): {name} is a {type(value).__name__} and {first} a "
                             f"{type(template).__name__}; expected the same kind, or plain numbers and arrays")
        else:
            for axis in ("index", "columns") if isinstance(value, pd.DataFrame) else ("index",):
                labels, want = getattr(value, axis), getattr(template, axis)
                if labels.equals(want):
                    continue
                if set(labels) == set(want):  # matched by label, unless one repeats a label: no one-to-one match
                    for label_name, index in ((name, labels), (first, want)):
                        if not index.is_unique:
                            repeated = sorted(set(index[index.duplicated()]), key=str)
                            raise ValueError(f"{func_name}(): the {axis} of {label_name} ({shown(list(index))}) has "
                                             f"duplicate labels {shown(repeated)}; expected unique labels to match "
                                             f"{name} and {first} by (or the same labels in the same order)")
                else:
                    raise ValueError(f"{func_name}(): the {axis} of {name} ({shown(list(labels))}) has other labels than "
                                     f"that of {first} ({shown(list(want))}); expected the same labels, in any order")
                value = value.reindex(**{axis: want})
        arguments[name] = value.to_numpy(dtype=float)
    return first, template


def _as_pandas(result: Any, template: Any) -> Any:
    """A result of the pandas arguments' shape, labelled like them (a dict of results item by item)."""
    import pandas as pd

    if isinstance(result, dict):
        return {k: _as_pandas(v, template) for k, v in result.items()}
    if not (isinstance(result, np.ndarray) and result.shape == template.shape):
        return result
    if isinstance(template, pd.Series):
        return pd.Series(result, index=template.index)
    return pd.DataFrame(result, index=template.index, columns=template.columns)
