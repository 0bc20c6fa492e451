"""Worksheet functions: every aipower calculation as an ``AIP_`` function.

This module is the Excel layer's single source of truth. Each function is
registered with its metadata (a summary for Excel's function wizard, a full
description for ``AIP_HELP``, every argument with its unit) and takes its
arguments exactly as a spreadsheet sends them: a scalar, or a 2-D list of
rows for a range, with empty cells as None. It calls the same Python API as
everything else (`aipower.run`, `aipower.load_scenario`, the unit and series
functions of the kernel): no calculation is written twice here.

A bad argument never raises: the function returns an `XlError`, a text that
starts with the Excel error code and names the argument and the problem, e.g.
``#VALUE! year: 'abc' is text; expected a number (a year, e.g. 2030)``, so the
reason is in the cell where the user looks. A value the model refuses names the
function too: ``#VALUE! AIP_CAGR: from_value = 0: expected a finite number > 0``.

Plain Python use::

    from aipower import xlfunctions as xf
    xf.AIP_COAL_HOURS("ai", 2028)                       # h
    xf.AIP_BALANCE("base", "demand")                     # header row + one row per sector
    xf.AIP_DEMAND("base", "total", 2030, [["renewables.target_share", 0.28]])

`aipower.xl_udfs` wraps the same registry for xlwings (its ``UDF Modules`` setting).
"""

from __future__ import annotations

import datetime
import json
import math
import os
import re
import reprlib
import sys
import textwrap
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache, partial
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from . import _kernel, actuals, units, version_info
from ._calc import is_extreme, not_finite_text, not_finite_value
from ._kernel import series as _series
from .balance import TABLES as BALANCE_TABLES
from .balance import UNITS as BALANCE_UNITS
from .balance import BalanceResult, run
from .renewables import required_wind_solar
# _number_with_unit: an override's text with its unit ('29%'), read so for target_share as in Python
from .scenario import SHIPPED, Scenario, _number_with_unit, dotted_key, load_scenario, shipped_name, shown_paths

PREFIX = "AIP_"
CATEGORY = "aipower"
WIZARD_LIMIT = 255  # Excel's function wizard cuts descriptions here; AIP_HELP has the full text
# Classic xlwings hands every result to Excel as a Variant array, and Excel shows a bare #VALUE! for
# such an array holding a text over 255 characters (xlwings issue 456): AIP_HELP's lines stay within it
CELL_TEXT_LIMIT = 255


def _cell_counted(m: re.Match[str], name: str) -> str:
    """`name[i]` (0-based, the kernel's) as the cell a user counts from 1."""
    return f"{name}: cell {int(m.group(1)) + 1}"


class XlError(str):
    """An Excel error with its reason: ``"#VALUE! <argument>: <problem>"``.

    A `str`, so it shows in the cell as it is; ``code`` is the Excel error code.
    """

    code: str
    message: str

    #: Longest message kept whole. A message quotes what it was given, and a cell holds at most
    #: 32,767 characters: a longer one keeps its start (the argument and the value's start) and its
    #: end (the expected range), with the count of characters left out between them.
    MAX_MESSAGE = 2000

    def __new__(cls, code: str, message: str) -> XlError:
        message = shown_paths(message)  # no machine path in a workbook
        if len(message) > cls.MAX_MESSAGE:
            head, tail = message[:1400], message[-500:]
            message = f"{head} … ({len(message) - len(head) - len(tail):,} characters left out) … {tail}"
        self = super().__new__(cls, f"{code} {message}")
        self.code = code
        self.message = message
        return self


class ArgError(ValueError):
    """A bad worksheet argument: becomes ``#VALUE! <name>: <problem>``."""

    def __init__(self, name: str, problem: str, code: str = "#VALUE!"):
        super().__init__(f"{name}: {problem}")
        self.code = code


class NotFound(LookupError):
    """A lookup outside a table (a year or row it does not have): becomes ``#N/A``."""


@dataclass(frozen=True)
class Param:
    name: str
    description: str  # shown in the function wizard; says the unit
    kind: str  # scenario, text, number, integer, logical, overrides, range, any
    default: Any = ...  # ... = required; anything else = optional with this default
    # A number argument that also takes text with its unit ('29%'), read in this model unit as the Python
    # API reads it; "": text is refused
    text_unit: str = ""

    @property
    def optional(self) -> bool:
        return self.default is not ...


@dataclass(frozen=True)
class XlFunction:
    name: str
    summary: str  # one line, ≤ 255 characters (function wizard)
    returns: str  # what comes back, with its unit
    params: tuple[Param, ...]
    impl: Callable[..., Any]
    details: str = ""  # the rest of the description (AIP_HELP, docs/functions.md)
    table: bool = False  # spills a table with headers
    category: str = "general"
    example: str = ""
    # The API's argument names that differ from this function's (e.g. gw → average_capacity_gw):
    # an error message names the argument as the worksheet shows it.
    renames: tuple[tuple[str, str], ...] = ()

    def _worksheet_names(self, message: str) -> str:
        for inner, outer in self.renames:
            if message.startswith((f"{inner} =", f"{inner}:")):
                message = outer + message[len(inner):]
                break
        for p in self.params:  # the kernel's 0-based position in a range as the cell a user counts from 1
            if p.kind == "range":
                message = re.sub(rf"\b{p.name}\[(\d+)\]", partial(_cell_counted, name=p.name), message)
        return message

    def __call__(self, *args: Any) -> Any:
        """Call with spreadsheet values; returns a value, a 2-D list, or an XlError. Never raises."""
        values: dict[str, Any] = {}
        out = self._call(values, args)
        return self._year_as_date(out, values) if isinstance(out, XlError) else out

    def _year_as_date(self, err: XlError, values: Mapping[str, Any]) -> XlError:
        """`err` with a note when the year argument it is about holds a date's serial number: a date typed in
        a year cell reaches recalc and xlwings Server as a number (2030-01-01: 47484), refused as a year."""
        for p in self.params:
            v = values.get(p.name)
            if (p.name in _YEAR_ARGUMENTS and isinstance(v, int) and _LAST_YEAR < v <= _LAST_DATE_SERIAL
                    and re.match(rf"(?:{self.name}: )?{p.name}(?::| =) ", err.message)):
                return XlError(err.code, err.message + _date_note(v))
        m = re.search(r" = (\d+): expected a year\b", err.message)  # a year set in an overrides row
        if m and _LAST_YEAR < int(m.group(1)) <= _LAST_DATE_SERIAL:
            return XlError(err.code, err.message + _date_note(int(m.group(1))))
        return err

    def _call(self, values: dict[str, Any], args: tuple[Any, ...]) -> Any:
        try:
            if len(args) > len(self.params):
                raise ArgError(self.name, f"takes at most {len(self.params)} arguments ({self.signature()}); got {len(args)}")
            for i, p in enumerate(self.params):
                raw = args[i] if i < len(args) else None
                values[p.name] = _coerce(p, raw)
            return _to_excel(self.impl(**values))
        except ArgError as exc:
            return XlError(exc.code, str(exc))
        except NotFound as exc:
            return XlError("#N/A", str(exc))
        except ValueError as exc:  # the API's errors name argument, value and expected range
            if values.get("base_year") is not None:  # the API takes it as an override: said so, named as the key
                own = _argument_error(exc, "base_year", "horizon.base_year", values["base_year"])
                if own is not None:
                    return XlError(own.code, str(own))
            not_finite = not_finite_value(exc)
            if not_finite is not None:  # named by the kernel's or the API's argument names: the worksheet's instead
                return XlError("#NUM!", self._not_finite(not_finite, values))
            return XlError("#VALUE!", f"{self.name}: {self._worksheet_names(str(exc))}{self._override_row(str(exc), args)}")
        except Exception as exc:  # never let an exception reach the spreadsheet
            return XlError("#VALUE!", f"{self.name}: internal error: {type(exc).__name__}: {exc}")

    def _override_row(self, message: str, args: tuple[Any, ...]) -> str:
        """'; set in overrides row N' when `message` refuses an override that an overrides range set: the
        pairs the runs are cached by do not keep their rows, so the range is read again to find it."""
        m = _OVERRIDE_NAMED.match(message)
        if m is None:
            return ""
        for i, p in enumerate(self.params):
            if p.kind == "overrides" and i < len(args):
                row = _row_of(args[i], m.group(1))
                if row is not None:
                    return f"; set in {p.name} row {row}"
        return ""

    def _not_finite(self, value: str, values: Mapping[str, Any]) -> str:
        """A result beyond a float's range, with the arguments that gave it: those of a magnitude far
        beyond any quantity (above 1e100 or below 1e-100), else every number."""
        numbers = [(p.name, values[p.name]) for p in self.params
                   if p.kind in ("number", "integer") and isinstance(values.get(p.name), (int, float))]
        extreme = [(n, v) for n, v in numbers if is_extreme(v)]
        given = ", ".join(f"{n} = {_fmt_number(v)}" for n, v in extreme or numbers) or "these arguments"
        return f"{self.name}: {not_finite_text(value, given)}"

    def signature(self) -> str:
        parts = [f"[{p.name}]" if p.optional else p.name for p in self.params]
        return f"{self.name}({', '.join(parts)})"

    def help(self) -> str:
        """The full description: summary, details, arguments with units, result, example."""
        lines = [self.signature(), "", self.summary]
        if self.details:
            lines += ["", self.details]
        if self.params:
            lines += ["", "Arguments:"]
            for p in self.params:
                shown = "" if p.default is None or p.default == () else f" (default {p.default!r})"  # () is an empty range
                opt = "" if not p.optional else f" Optional{shown}."
                lines.append(f"  {p.name}: {p.description}{opt}")
        lines += ["", f"Returns: {self.returns}"]
        if self.example:
            lines += ["", f"Example: {self.example}"]
        return "\n".join(lines)


REGISTRY: dict[str, XlFunction] = {}

_YEAR_ARGUMENTS = ("year", "base_year", "target_year")
_LAST_YEAR = 9999  # a year has four digits; a date from 1927-05-18 on has a larger serial number
_LAST_DATE_SERIAL = 2958465  # 9999-12-31, the last date of Excel's date system

def _date_note(serial: int) -> str:
    """What a date's serial number typed where a year belongs stands for."""
    # Excel's 1900 date system counts 1900-02-29, which never was: from serial 61 on, the day is this
    # many days after 1899-12-30 (all serials above a four-digit year are)
    day = datetime.date(1899, 12, 30) + datetime.timedelta(days=serial)
    return f"; {serial} looks like a date ({day.isoformat()}); expected a year as a whole number such as {day.year}"


def _argument_error(exc: ValueError, name: str, key: str, value: Any) -> ArgError | None:
    """The API's refusal of assumption `key` set from worksheet argument `name` (the API takes such an
    argument as an override: 'override: horizon.base_year = 1899: ...'), as that argument's error; None
    if the message is not about `key`. Only where the argument, not an overrides row, set the key."""
    text = str(exc)
    m = re.match(rf"(?:override: )?{re.escape(key)} = (?:\{{[^}}]*\}}|[^:]*): ", text)
    return None if m is None else ArgError(name, f"{_fmt_number(value)}: {text[m.end():]}")


def register(name: str, summary: str, returns: str, params: Sequence[Param], *, details: str = "", table: bool = False,
             category: str = "general", example: str = "",
             renames: Mapping[str, str] | None = None) -> Callable[[Callable[..., Any]], XlFunction]:
    """Add a worksheet function to the registry; the module attribute of the same name calls it.
    `renames`: API argument name → worksheet argument name, for error messages."""
    assert name.startswith(PREFIX) and name.isupper(), name

    def add(impl: Callable[..., Any]) -> XlFunction:
        f = XlFunction(name, summary, returns, tuple(params), impl, details, table, category, example,
                       tuple((renames or {}).items()))
        REGISTRY[name] = f
        return f

    return add


# ---------------------------------------------------------------------------------------------
# Arguments as a spreadsheet sends them


def grid(value: Any) -> list[list[Any]]:
    """Any argument as a 2-D list of rows (a scalar is a 1×1 range)."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        if not value:
            return []
        if all(isinstance(r, (list, tuple, np.ndarray)) for r in value):
            return [list(r.tolist() if isinstance(r, np.ndarray) else r) for r in value]
        return [list(value)]  # a 1-D list is one row
    return [[value]]


def _cells(raw: Any) -> list[Any]:
    return [c for row in grid(raw) for c in row]


# Rows a range's blank tail is compared in at first (then halves of it): large enough that a whole
# column's million rows take a few hundred comparisons of blocks, each one in C.
_BLANK_BLOCK = 4096


def _rows(value: Any) -> list[Any] | None:
    """A range as the list of rows it was sent as (a NumPy array as nested lists); None for a scalar."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    return value if isinstance(value, list) else list(value) if isinstance(value, tuple) else None


def _filled_rows(rows: list[Any]) -> int | None:
    """How many of `rows` come before its trailing blank rows; None if `rows` is not a list of rows (a
    1-D list, which grid reads as one row). A whole-column range (A:B) sends all 1,048,576 rows of the
    sheet, a few of them filled: its empty tail (None cells, as xlwings and recalc send them) is found
    a block of rows at a time by list comparison, which runs in C, not by _blank cell by cell in
    Python (~1 s a call); a blank cell of another kind ('', NaN) is then checked cell by cell."""
    n = len(rows)
    if n and isinstance(rows[-1], list):
        empty, size = [None] * len(rows[-1]), _BLANK_BLOCK
        try:
            while size:
                if n >= size:
                    block = [empty] * size
                    while n >= size and rows[n - size:n] == block:
                        n -= size
                size //= 2
        except ValueError:  # a NumPy row from a Python caller: compared cell by cell below
            pass
    while n and isinstance(rows[n - 1], (list, tuple, np.ndarray)) and all(map(_blank, rows[n - 1])):
        n -= 1
    # the rows dropped are all lists; those kept must be rows too, or it is one row (a 1-D list) left whole
    return n if all(map(isinstance, rows[:n], repeat((list, tuple, np.ndarray)))) else None


def _width(row: Any) -> int | None:
    return len(row) if isinstance(row, (list, tuple, np.ndarray)) else None


def _without_blank_tail(value: Any) -> Any:
    """A range argument without its trailing blank rows, which no argument reads: a whole column costs
    about what the range of its filled rows does."""
    rows = _rows(value)
    n = None if rows is None else _filled_rows(rows)
    return value if rows is None or n is None else rows[:n]


def _blank(v: Any) -> bool:
    # NaN is no cell's value (Excel has none): from a Python caller it is a missing number, refused by
    # name, not read as an empty cell and so as the argument's default
    return v is None or (isinstance(v, str) and v.strip() == "")


def _single(p: Param, raw: Any) -> Any:
    """The one value of a single-cell argument (a 1×1 range is unwrapped)."""
    if isinstance(raw, (list, tuple, np.ndarray)):
        g = grid(raw)
        cells = [c for row in g for c in row]
        if len(cells) == 1:
            return cells[0]
        rows, cols = len(g), max((len(r) for r in g), default=0)
        raise ArgError(p.name, f"got a {rows}×{cols} range; expected a single cell")
    return raw


def _coerce(p: Param, raw: Any) -> Any:
    if p.kind == "overrides":
        return _overrides(p, raw)
    if p.kind == "range":
        rows = _rows(raw)
        # only a lone cell can be the argument's own error: a whole column is not flattened to find that out
        cells = _cells(raw) if rows is None or len(rows) <= 1 else []
        if len(cells) == 1 and _error_value(cells[0]):  # the argument itself, e.g. a deleted range's #REF!
            raise ArgError(p.name, f"is an error value ({_error_value(cells[0])}); expected a range of numbers")
        return raw
    v = _single(p, raw)
    if _error_value(v):
        raise ArgError(p.name, f"is an error value ({_error_value(v)})")
    if _blank(v):
        if p.optional:
            return p.default
        raise ArgError(p.name, f"is empty; expected {_expected(p)}")
    if p.kind in ("scenario", "text"):
        if isinstance(v, (bool, np.bool_)) or not isinstance(v, str):
            if p.kind == "text" and isinstance(v, (int, float)) and not isinstance(v, bool):
                if isinstance(v, int) and abs(v) > sys.float_info.max:  # 10**400: float() raised OverflowError
                    raise ArgError(p.name, f"{reprlib.repr(v)} is a number beyond a float's range; expected {_expected(p)}",
                                   "#NUM!")
                return _fmt_number(v)
            raise ArgError(p.name, f"{_shown_cell(v)} is not text; expected {_expected(p)}")
        if p.kind == "scenario" and "\0" in v:  # no file name holds one: os.stat said only "embedded null byte"
            raise ArgError(p.name, f"{reprlib.repr(v)} contains a NUL character; expected {_expected(p)}")
        return v.strip()
    if p.kind == "logical":
        # TRUE/FALSE, or 1/0 as Excel's own logical arguments (VLOOKUP's range_lookup) take them
        if isinstance(v, (bool, np.bool_)):
            return bool(v)
        if isinstance(v, (int, float, np.integer, np.floating)) and v in (0, 1):
            return bool(v)
        raise ArgError(p.name, f"{_shown_cell(v)} is not a logical value; expected {_expected(p)}")
    if p.kind in ("number", "integer"):
        if isinstance(v, (bool, np.bool_)):  # numpy's True from a Python caller, as Excel's TRUE
            raise ArgError(p.name, f"{_shown_cell(v)} is a logical value; expected {_expected(p)}")
        if isinstance(v, str) and p.text_unit:
            v = _number_in_unit(p, v)
        if isinstance(v, str):
            raise ArgError(p.name, f"'{v}' is text; expected {_expected(p)}")
        if isinstance(v, (datetime.date, datetime.time)):  # a cell formatted as a date or time
            raise ArgError(p.name, f"{_shown_cell(v)} is a date or time; expected {_expected(p)}")
        try:
            x = float(v)
        except OverflowError:  # a Python int such as 10**400
            raise ArgError(p.name, _BEYOND_FLOAT.format(reprlib.repr(v)), "#NUM!") from None
        except (TypeError, ValueError):
            raise ArgError(p.name, f"{_shown_cell(v)} is not a number; expected {_expected(p)}") from None
        if not math.isfinite(x):
            raise ArgError(p.name, f"{_shown_cell(v)} is not a finite number; expected {_expected(p)}")
        if p.kind == "integer":
            if x != round(x):
                raise ArgError(p.name, f"{_shown_cell(v)} is not a whole number; expected {_expected(p)}")
            # Beyond 2^53 no whole-number argument is valid: kept a float, so a message shows 1e+308,
            # not the 309 digits of int(1e308).
            return int(round(x)) if abs(x) <= _EXACT_LIMIT else x
        return x
    return v


def _number_in_unit(p: Param, text: str) -> float | str:
    """Text with its unit ('29%', '29 %', '0.29 fraction') as a number in p.text_unit, read by the rules of an
    override's text, as aipower.required_wind_solar reads it; other text (a bare '0.28') back unchanged."""
    try:
        found = _number_with_unit(text, p.text_unit)
    except ValueError as exc:  # '2.880 TWh'
        raise ArgError(p.name, str(exc)) from None
    if found is None:
        return text
    if not math.isfinite(found[0]):  # '1e400%': the conversion would name its own argument, not this one
        raise ArgError(p.name, f"'{text}' is not a finite number; expected {_expected(p)}")
    value, unit = units.to_model_unit(*found)
    if unit != p.text_unit:  # '29 TWh'
        raise ArgError(p.name, f"'{text}': unit '{found[1]}' does not match the argument's: expected "
                               f"{units.accepted(p.text_unit)}")
    return value


def _shown_cell(v: Any) -> str:
    """A cell's value as Excel shows it, for a message: TRUE, 2030, 'abc', the date 2030-01-01."""
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if isinstance(v, datetime.datetime) and v.time() == datetime.time():
        return f"the date {v.date().isoformat()}"
    if isinstance(v, (datetime.date, datetime.time)):
        return f"the date or time {v.isoformat()}"
    if isinstance(v, (int, float, np.integer, np.floating)) and not (isinstance(v, int) and abs(v) > sys.float_info.max):
        return _fmt_number(float(v))
    return reprlib.repr(v)


def _error_value(v: Any) -> str | None:
    """The Excel error a cell holds (xlwings passes it as its text, e.g. '#N/A'), or None."""
    if isinstance(v, XlError) or (isinstance(v, str) and v[:1] == "#" and v.split(" ")[0] in _ERROR_CODES):
        return str(v)[:120]
    return None


# Excel's error values, the newer ones included (#GETTING_DATA while a cell waits on a data source).
_ERROR_CODES = {"#VALUE!", "#N/A", "#NUM!", "#REF!", "#NAME?", "#DIV/0!", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA",
                "#BUSY!", "#CONNECT!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#PYTHON!", "#EXTERNAL!"}


_BEYOND_FLOAT = "{} is beyond a float's range; expected a number within a float's range (±1.8e308)"
_EXACT_LIMIT = 2**53  # whole numbers Excel (a float) holds exactly


def _expected(p: Param) -> str:
    return {
        "scenario": f"a scenario name ({', '.join(SHIPPED)}) or the path of a scenario .toml file",
        "text": "text",
        "number": "a number, or text with its unit" if p.text_unit else "a number",
        "integer": "a whole number",
        "logical": "TRUE or FALSE (or 1 or 0)",
    }.get(p.kind, "a value") + f" ({p.description.rstrip('.')})"


def _fmt_number(v: float) -> str:
    """A number as a message or a text argument shows it: 2030, 0.3, 1e+308 (not int(1e308)'s 309 digits)."""
    x = float(v)
    return str(int(x)) if x.is_integer() and abs(x) <= _EXACT_LIMIT else repr(x)


def _overrides(p: Param, raw: Any) -> tuple[tuple[str, Any], ...]:
    """A two-column range (assumption key, value) → hashable pairs; blank rows are skipped."""
    if raw is None:
        return ()
    g = grid(_without_blank_tail(raw))
    if len(g) == 1 and len(g[0]) == 1 and _error_value(g[0][0]):  # the argument itself, e.g. a deleted range's #REF!
        raise ArgError(p.name, f"is an error value ({_error_value(g[0][0])}); expected a two-column range "
                               "(assumption key, value)")
    if isinstance(raw, str) and raw.strip():
        raise ArgError(p.name, f"'{raw}' is text; expected a two-column range (assumption key, value)")
    out: list[tuple[str, Any]] = []
    rows: dict[str, int] = {}  # key → its row: a key set twice would quietly take the lower row's value
    for i, row in enumerate(g, start=1):
        if all(_blank(c) for c in row):
            continue
        if len(row) != 2:
            raise ArgError(p.name, f"got a range with {len(row)} column(s); expected two columns (assumption key, value)")
        key, value = row
        if _error_value(key):
            raise ArgError(p.name, f"row {i}: the key cell is an error value ({_error_value(key)}); expected an "
                                   "assumption key (text such as 'renewables.target_share')")
        if _blank(key) or not isinstance(key, str):
            raise ArgError(p.name, f"row {i}: key {_shown_cell(key)} is not an assumption key (text such as 'renewables.target_share')")
        if _blank(value):
            raise ArgError(p.name, f"row {i}: '{key}' has no value")
        if _error_value(value):
            raise ArgError(p.name, f"row {i}: '{key}': the value cell is an error value ({_error_value(value)}); "
                                   "expected a number, text, or a list or table written as JSON text")
        if isinstance(value, (datetime.date, datetime.time)):  # reached the scenario as "got datetime"
            raise ArgError(p.name, f"row {i}: '{key}': the value cell holds {_shown_cell(value)}; expected a number, "
                                   "text, or a list or table written as JSON text")
        if isinstance(value, (list, tuple, dict, set, np.ndarray)):  # no cell holds one; unhashable in the cache
            raise ArgError(p.name, f"row {i}: '{key}': value {reprlib.repr(value)} is a {type(value).__name__}; expected "
                                   "one value per cell: a number, text, or a list or table written as JSON text")
        if isinstance(value, str):
            text = value.strip()
            if text[:1] in "[{":  # a list or table (e.g. segments) written as JSON
                try:
                    value = json.dumps(json.loads(text), sort_keys=True)
                except json.JSONDecodeError as exc:
                    raise ArgError(p.name, f"row {i}: '{key}': value is not valid JSON: {exc}") from None
                except RecursionError:
                    raise ArgError(p.name, f"row {i}: '{key}': value is not valid JSON: nested too deeply") from None
                value = ("json", value)
        elif isinstance(value, (bool, np.bool_)):
            # Tagged: TRUE == 1 in Python, and the cached runs are keyed by these pairs, so an untagged
            # TRUE would be served the run of a 1 (and refused or not depending on recalculation order).
            value = ("logical", bool(value))
        elif isinstance(value, float) and value.is_integer() and abs(value) <= _EXACT_LIMIT:
            value = int(value)  # years and counts arrive from Excel as floats (1e308 stays one: shown as 1e+308)
        key = _key_text(key)
        same = dotted_key(key).casefold()  # 'A.b', 'a.b' and 'a__b' are one key
        if same in rows:
            raise ArgError(p.name, f"row {i}: '{key}' is already set in row {rows[same]}; expected each key once")
        rows[same] = i
        out.append((key, value))
    return tuple(out)


# How the scenario's refusals name an override: "override 'key': …", "override: key = …", "override: key: …"
_OVERRIDE_NAMED = re.compile(r"override(?:: |\s*')([\w.]+)")


def _key_text(key: str) -> str:
    """A key cell's text as a key: pasted text brings invisible format characters (a zero-width space, a
    byte-order mark), which no key has."""
    return "".join(c for c in key if unicodedata.category(c) != "Cf").strip()


def _row_of(raw: Any, key: str) -> int | None:
    """The row (from 1, as _overrides counts them) of an overrides range that sets `key`; None if none."""
    try:
        g = grid(_without_blank_tail(raw))
    except Exception:  # the range was read once already; a second read only adds a row number
        return None
    same = dotted_key(key).casefold()
    for i, row in enumerate(g, start=1):
        if len(row) == 2 and isinstance(row[0], str) and dotted_key(_key_text(row[0])).casefold() == same:
            return i
    return None


def _override_dict(pairs: tuple[tuple[str, Any], ...]) -> dict[str, Any]:
    """The pairs of _overrides as the API takes them: JSON parsed, logical values untagged."""
    return {k: ((json.loads(v[1]) if v[0] == "json" else v[1]) if isinstance(v, tuple) else v) for k, v in pairs}


def _keys_as_in(sc: Scenario, overrides: dict[str, Any]) -> dict[str, Any]:
    """An overrides range's keys as the scenario spells them ('Renewables.Target_Share' as typed).
    Its numbers need no tagging: an override's number without a unit is in the model's unit, the
    unit AIP_PARAMS and AIP_ASSUMPTION show, in the worksheet and in Python alike."""
    return {(_choice(dotted_key(key), sc.keys()) or key): value for key, value in overrides.items()}


# ---------------------------------------------------------------------------------------------
# Results as a spreadsheet takes them


def _cell(v: Any) -> Any:
    if v is None or isinstance(v, (str, bool)):
        return v
    if isinstance(v, (np.integer, int)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        x = float(v)
        return x if math.isfinite(x) else None
    if isinstance(v, (list, dict)):
        return json.dumps(v, ensure_ascii=False, sort_keys=True)
    return str(v)


def _to_excel(result: Any) -> Any:
    if isinstance(result, (list, tuple)):
        rows = [list(r) if isinstance(r, (list, tuple)) else [r] for r in result]
        width = max((len(r) for r in rows), default=0)
        return [[_cell(c) for c in r] + [None] * (width - len(r)) for r in rows]
    return _cell(result)


def frame_to_grid(df: pd.DataFrame, corner: str) -> list[list[Any]]:
    """A table with headers: the corner label and column names, then each row's name and values."""
    header = [corner, *[_cell(c) for c in df.columns]]
    return [header, *[[str(name), *[_cell(v) for v in row]] for name, row in zip(df.index, df.to_numpy().tolist())]]


# ---------------------------------------------------------------------------------------------
# Scenario runs, cached: a sheet calls the same scenario from many cells


ScenarioKey = tuple[str, tuple[int, ...]]  # a scenario name or file, and its files' inodes, sizes and times

# The files each scenario file was last read from (itself, then its parents') and their stamps then,
# so that editing a parent file, not only the file a cell names, makes the cells read the scenario
# again. The chain is found again whenever one of its files changed (an edit can name another parent)
# or is gone. The most recent _CHAINS_KEPT files are kept: the paths are what users type.
_chains: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {}
_CHAINS_KEPT = 256


def _cell_path(text: str) -> str:
    """A scenario as typed or pasted in a cell: Windows' "Copy as path" adds double quotes, and
    a home folder may be written ~."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    return os.path.expanduser(text) if text.startswith("~") else text


def _scenario_key(scenario: str) -> ScenarioKey:
    """The scenario as the caches know it: its name or resolved path, with the stamps of its files and of
    the data files (a row added to the actuals is read, as an edited scenario file is)."""
    path, stamps = _files_key(scenario)
    return path, (*stamps, *actuals.file_stamps())


def _files_key(scenario: str) -> ScenarioKey:
    scenario = _cell_path(scenario)
    name = shipped_name(scenario)  # 'AI' too
    if name is not None:
        return name, ()
    try:
        path = str(Path(scenario).resolve())
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop
        return scenario, ()  # load_scenario names the problem
    if os.path.exists(path) and not (os.path.isfile(path) or os.path.isdir(path)):
        # /dev/stdin or a FIFO named in a cell waited for input for ever, and Excel with it
        raise ArgError("scenario", f"'{scenario}' is not a regular file (a pipe or device); expected "
                                   f"{_expected(SCENARIO)}")
    known = _chains.get(path)
    stamps = _stamps(known[0]) if known else None
    if known is None or stamps is None or stamps != known[1]:  # not read yet, edited (another parent?), or one gone
        try:
            chain = (path, *(f for f in load_scenario(path).files if f != path))
        except (ValueError, OSError):  # ScenarioError too
            return scenario, ()
        stamps = _stamps(chain)  # before _scenario reads the files: what it caches is at least this new
        if stamps is None:
            return scenario, ()
        _chains.pop(path, None)
        _chains[path] = (chain, stamps)
        while len(_chains) > _CHAINS_KEPT:
            del _chains[next(iter(_chains))]  # the one found longest ago
    return path, stamps


def _stamps(files: Sequence[str]) -> tuple[int, ...] | None:
    """Each file's inode, size and modification time (a file replaced by a copy with the same time
    still differs), or None if one is gone."""
    try:
        return tuple(x for f in files for st in (os.stat(f),) for x in (st.st_ino, st.st_size, st.st_mtime_ns))
    except OSError:
        return None


# Cases a sheet can interleave before its cells stop finding their runs: Excel evaluates a grid row by
# row, so 40 cases across the columns, each year a row, cycled through a cache of 32 and never hit it.
# A run with its scenario holds about 200 KiB: 128 of them, about 25 MiB.
_RUNS_KEPT = 128


@lru_cache(maxsize=16)
def _loaded(key: ScenarioKey, base_year: int | None) -> Scenario:
    """The scenario as its files give it: read once, however many sets of overrides the cells give it."""
    return load_scenario(key[0], base_year=base_year)


@lru_cache(maxsize=_RUNS_KEPT)
def _scenario(key: ScenarioKey, overrides: tuple[tuple[str, Any], ...], base_year: int | None) -> Scenario:
    if base_year is not None:  # the overrides would win without a word: one place sets the base year
        for k, v in overrides:
            if dotted_key(k).casefold() == "horizon.base_year":
                raise ArgError("base_year", f"{base_year} and the overrides' {k} = {v} both set the base year; "
                                            "expected one of them (leave base_year blank or drop that row)")
    sc = _loaded(key, base_year)
    if overrides:
        sc = sc.with_overrides(_keys_as_in(sc, _override_dict(overrides)))
    return sc


@lru_cache(maxsize=_RUNS_KEPT)
def _run(key: ScenarioKey, overrides: tuple[tuple[str, Any], ...], base_year: int | None) -> BalanceResult:
    return run(_scenario(key, overrides, base_year))


def scenario_of(scenario: str, overrides: tuple[tuple[str, Any], ...] = (), base_year: int | None = None) -> Scenario:
    return _scenario(_scenario_key(scenario), overrides, base_year)


def result_of(scenario: str, overrides: tuple[tuple[str, Any], ...] = (), base_year: int | None = None) -> BalanceResult:
    return _run(_scenario_key(scenario), overrides, base_year)


def clear_cache() -> None:
    for f in (_loaded, _scenario, _run, _requirement_cached, _calc_table, _sweep_cached, _tornado_cached):
        f.cache_clear()
    _chains.clear()


def _choice(given: str, choices: Sequence[str]) -> str | None:
    """`given` as one of `choices`, ignoring case and surrounding spaces as Excel's own lookups do
    ('Coal' is 'coal'); None if it matches none (or, ignoring case, more than one)."""
    if given in choices:
        return given
    folded = [c for c in choices if c.casefold() == given.strip().casefold()]
    return folded[0] if len(folded) == 1 else None


def _unbracketed(given: str, rows: Sequence[str]) -> str | None:
    """The one row that `given` names once the bracketed parts of both are set aside: a label that states an
    input ('built: solar firm equivalent (cf 25%)') changes with an override of that input, and a cell that
    looked it up by its old label then failed."""
    def bare(text: str) -> str:
        return " ".join(re.sub(r"\([^()]*\)", " ", text).split()).casefold()

    found = [r for r in rows if bare(r) == bare(given)]
    return found[0] if len(found) == 1 and bare(given) else None


def _lookup(df: pd.DataFrame, what: str, row: str, year: int, table: str) -> float:
    row = _choice(row, [str(r) for r in df.index]) or row
    if row not in df.index:
        raise ArgError(what, f"'{row}' is not a row of the {table} table; expected one of {', '.join(map(str, df.index))}")
    if year not in df.columns:
        raise NotFound(f"year: {year} is outside the {table} table's years {df.columns[0]}-{df.columns[-1]}")
    return float(df.loc[row, year])


# ---------------------------------------------------------------------------------------------
# Common arguments

SCENARIO = Param("scenario", "Scenario: a shipped name (base, ai, ai_ranges) or the path of a scenario .toml file.", "scenario")
OVERRIDES = Param("overrides", "Optional two-column range: assumption key (e.g. renewables.target_share) and value, in the "
                               "unit AIP_PARAMS shows (the model's: TWh, GW, fraction) or as text with its unit ('1172 亿kWh', '28%'), "
                               "each key once. Blank rows are ignored.", "overrides", ())
BASE_YEAR = Param("base_year", "Base year (year): rebase on a later year, e.g. 2025, starting from the actuals as far as the "
                               "data has them (after that from the assumptions; AIP_PARAMS' sources say which). Blank: the "
                               "scenario's (2024).", "integer", None)
YEAR = Param("year", "Year (e.g. 2030), from the base year to the scenario's end year.", "integer")
SOURCE = Param("source", "Source: coal, gas, biomass, hydro, nuclear, wind or solar.", "text")


def _table_corner(name: str) -> str:
    return f"{name} [{BALANCE_UNITS[name]}]"


# ---------------------------------------------------------------------------------------------
# About the add-in


@register("AIP_VERSION", "Package version, kernel build (version, compiler, build type, C++ standard) and data vintage.",
          "a two-column table: field, value", [], table=True, category="about", example="=AIP_VERSION()")
def _version() -> list[list[Any]]:
    return [["field", "value"], *[[k, v] for k, v in version_info().items()]]


@register("AIP_HELP", "The full description of an AIP_ function: what it computes, every argument with its unit, the "
                      "result and an example (no 255-character cut).",
          f"a column of text, one line a row (a long line wrapped within {CELL_TEXT_LIMIT} characters)",
          [Param("name", "Function name, e.g. AIP_COAL_HOURS (the AIP_ prefix may be left out).", "text")],
          table=True, category="about", example='=AIP_HELP("AIP_COAL_HOURS")')
def _help(name: str) -> list[list[Any]]:
    key = name.upper()
    key = key if key.startswith(PREFIX) else PREFIX + key
    if key not in REGISTRY:
        import difflib
        close = difflib.get_close_matches(key, list(REGISTRY), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise ArgError("name", f"'{name}' is not an aipower function{hint}; =AIP_FUNCTIONS() lists them all")
    rows: list[list[Any]] = []
    for line in REGISTRY[key].help().split("\n"):
        indent = line[: len(line) - len(line.lstrip())]
        # whole words only: a row ending "one-" left the next starting "value"
        rows += [[part] for part in textwrap.wrap(line, CELL_TEXT_LIMIT, subsequent_indent=indent + "  ",
                                                  break_on_hyphens=False)] or [[""]]
    return rows


@register("AIP_FUNCTIONS", "Every AIP_ worksheet function with its category and summary.",
          "a table: function (its signature, e.g. AIP_HELP(name)), category, summary", [], table=True, category="about",
          example="=AIP_FUNCTIONS()")
def _functions() -> list[list[Any]]:
    return [["function", "category", "summary"], *[[f.signature(), f.category, f.summary] for f in REGISTRY.values()]]


@register("AIP_SCENARIOS", "The shipped scenario names (a column), e.g. for a drop-down list.", "a column of names",
          [], table=True, category="about", example="=AIP_SCENARIOS()")
def _scenarios() -> list[list[Any]]:
    return [[name] for name in SHIPPED]


# ---------------------------------------------------------------------------------------------
# Scenario assumptions


def _origin(a_origin: str) -> str:
    """file:line without the directory (no machine paths in a workbook)."""
    return os.path.basename(a_origin) if a_origin != "override" else a_origin


@register("AIP_PARAMS", "Every assumption of a scenario with its value, unit, source and where it was set.",
          "a table: key, value (numbers in the model's unit; lists and segments as JSON text), unit, source, origin",
          [SCENARIO, OVERRIDES, BASE_YEAR], table=True, category="scenario",
          details="Actuals are shown resolved where the model reads them (the base year, or with a later base year the "
                  "last year with actual coal hours), with the series they come from. The keys are the ones an "
                  "overrides range takes.", example='=AIP_PARAMS("ai")')
def _params(scenario: str, overrides: tuple, base_year: int | None) -> list[list[Any]]:
    sc = scenario_of(scenario, overrides, base_year)
    if overrides:  # an override the model refuses is an error here too, not a row listed as if in effect
        _read_by_the_model(scenario, [_choice(dotted_key(k), sc.keys()) or k for k, _ in overrides], overrides, base_year)
    rows: list[list[Any]] = [["key", "value", "unit", "source", "origin"]]
    for a in sc.assumptions():
        if a.is_actual:
            value, where = sc.listed_actual(a.key)
            unit = units.model_unit(a.unit) if a.unit else ""
            source = f"{where}: {a.source}"
        else:
            value = a.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value, unit = units.to_model_unit(float(value), a.unit)
            else:
                unit = a.unit
            source = a.source
        rows.append([a.key, value, unit, source, _origin(a.origin)])
    return rows


@register("AIP_ASSUMPTION", "The value of one assumption of a scenario, in the model's unit (GW, TWh, h, fraction).",
          "a number in the model's unit; text for a choice; a column for a list (a [low, high] pair: low, then high); "
          "one JSON text per row for segments (AIP_PARAMS shows them as one JSON list, the form an overrides cell takes)",
          [SCENARIO, Param("key", "Assumption key, e.g. renewables.target_share (see AIP_PARAMS).", "text"), OVERRIDES, BASE_YEAR],
          category="scenario", example='=AIP_ASSUMPTION("base", "renewables.target_share")')
def _assumption(scenario: str, key: str, overrides: tuple, base_year: int | None) -> Any:
    sc = scenario_of(scenario, overrides, base_year)
    key = _choice(dotted_key(key), sc.keys()) or key  # as overrides ranges take it: case and '__' aside
    if key not in sc:
        import difflib
        close = difflib.get_close_matches(key, sc.keys(), n=1)
        raise ArgError("key", f"'{key}' is not an assumption of scenario '{scenario}'" + (f" (did you mean '{close[0]}'?)" if close else ""))
    if any((_choice(dotted_key(k), sc.keys()) or k) == key for k, _ in overrides):
        _read_by_the_model(scenario, [key], overrides, base_year)
    return sc.get(key)


def _read_by_the_model(scenario: str, keys: list[str], overrides: tuple, base_year: int | None) -> None:
    """Raises the model's refusal of overridden assumptions, from the parts that read them (the balance;
    the calculator tables for a calculator key): a scenario stores any value of the right kind, so
    AIP_ASSUMPTION returned '[]' as an empty array where AIP_CALC_TABLE refused it."""
    calculator_areas = {k.split(".")[0] for k in calculator_defaults().keys()} if CALCULATOR_TABLES else set()
    if any(key.split(".")[0] in calculator_areas for key in keys):
        for name in CALCULATOR_TABLES:
            _calc_table(_scenario_key(scenario), overrides, base_year, name)
    result_of(scenario, overrides, base_year)  # dc_power.* too: the ai scenario's data-center demand reads it


# ---------------------------------------------------------------------------------------------
# China power balance: tables


@register("AIP_BALANCE", "A China power-balance table for a scenario, with headers: demand, capacity, generation, hours "
                         "or re_share, one row per sector or source, one column per year.",
          "a table: row names, then one column per year from the base year (TWh, GW, h or fractions by table)",
          [SCENARIO, Param("table", "Table: demand (TWh), capacity (GW, end of year), generation (TWh), hours (h) or "
                                    "re_share (fraction; wind_solar_additions in GW/yr).", "text", "demand"),
           OVERRIDES, BASE_YEAR], table=True, category="balance",
          details="demand: primary, secondary, tertiary_core, ev_charging, data_centers, tertiary, residential_core, "
                  "residential, total (TWh) and total_growth (fraction). capacity and generation: coal, gas, biomass, "
                  "hydro, nuclear, wind, solar (generation also required). hours: coal, gas, biomass, hydro, nuclear, wind, solar. "
                  "re_share: non_hydro_share (fraction of consumption), wind_solar_additions (GW/yr).",
          example='=AIP_BALANCE(Scenario, "demand", Overrides)')
def _balance(scenario: str, table: str, overrides: tuple, base_year: int | None) -> list[list[Any]]:
    name = table.lower()
    if name not in BALANCE_TABLES:
        raise ArgError("table", f"'{table}' is not a balance table; expected one of {', '.join(BALANCE_TABLES)}")
    r = result_of(scenario, overrides, base_year)
    return frame_to_grid(getattr(r, name), _table_corner(name))


TARGET_SHARE = Param("target_share", "Target non-hydro share of consumption (fraction, e.g. 0.3, or text in percent, "
                                     "e.g. '30%'); wins over renewables.target_share in overrides. Blank: the "
                                     "overrides' or the scenario's.", "number", None, text_unit="fraction")
TARGET_YEAR = Param("target_year", "Year the share is reached (year); wins over renewables.target_year in overrides. "
                                   "Blank: the overrides' or the scenario's (2030).", "integer", None)
TARGET_DETAILS = ("target_share and target_year, when given, win over renewables.target_share and renewables.target_year "
                  "in the overrides range, so that a workbook's shared Overrides range does not change a table of "
                  "requirements at other targets; blank, they take the overrides' value (else the scenario's).")


@register("AIP_REQUIREMENT", "The wind+solar requirement for a non-hydro renewable share target: level, share without "
                             "additions, share per GW/yr, GW/yr per point of share.",
          "a table: field, value, unit",
          [SCENARIO, TARGET_SHARE, TARGET_YEAR, OVERRIDES, BASE_YEAR], table=True, category="balance",
          details=TARGET_DETAILS, example='=AIP_REQUIREMENT("base", 0.3, 2030)')
def _requirement(scenario: str, target_share: float | None, target_year: int | None, overrides: tuple,
                 base_year: int | None) -> list[list[Any]]:
    req = _solve(scenario, target_share, target_year, overrides, base_year)
    return [["field", "value", "unit"],
            ["target_share", req.target_share, "fraction"],
            ["target_year", req.target_year, "year"],
            ["first_year", req.first_year, "year"],
            ["last_year", req.last_year, "year"],
            ["level", req.level_gw_per_year, "GW/yr"],
            ["share_without_additions", req.share_without_additions, "fraction"],
            ["share_per_gw_per_year", req.share_per_gw_per_year, "fraction per GW/yr"],
            ["gw_per_year_per_point", 0.01 / req.share_per_gw_per_year, "GW/yr per percentage point"]]


def _solve(scenario: str, target_share: float | None, target_year: int | None, overrides: tuple, base_year: int | None):
    return _requirement_cached(_scenario_key(scenario), overrides, base_year, target_share, target_year)


@lru_cache(maxsize=_RUNS_KEPT)
def _requirement_cached(key, overrides, base_year, target_share, target_year):
    sc = _scenario(key, overrides, base_year)  # an overrides row's refusal says 'override', as it should
    try:
        return required_wind_solar(sc, target_share=target_share, target_year=target_year)
    except ValueError as exc:  # the solve takes its arguments as overrides: a refusal of one names the argument
        for name, value in (("target_share", target_share), ("target_year", target_year)):
            own = None if value is None else _argument_error(exc, name, f"renewables.{name}", value)
            if own is not None:
                raise own from None
        raise


# ---------------------------------------------------------------------------------------------
# China power balance: one number


@register("AIP_DEMAND", "Electricity consumption of one sector row in one year (TWh).",
          "TWh (total_growth: fraction)",
          [SCENARIO, Param("row", "Demand row: primary, secondary, tertiary_core, ev_charging, data_centers, tertiary, "
                                  "residential_core, residential, total or total_growth.", "text"), YEAR, OVERRIDES, BASE_YEAR],
          category="balance", example='=AIP_DEMAND("ai", "data_centers", 2030)')
def _demand(scenario: str, row: str, year: int, overrides: tuple, base_year: int | None) -> float:
    return _lookup(result_of(scenario, overrides, base_year).demand, "row", row, year, "demand")


@register("AIP_CAPACITY", "Installed capacity of one source at the end of a year (GW).", "GW, end of year",
          [SCENARIO, SOURCE, YEAR, OVERRIDES, BASE_YEAR], category="balance", example='=AIP_CAPACITY("base", "coal", 2030)')
def _capacity(scenario: str, source: str, year: int, overrides: tuple, base_year: int | None) -> float:
    return _lookup(result_of(scenario, overrides, base_year).capacity, "source", source, year, "capacity")


@register("AIP_GENERATION", "Generation of one source in a year (TWh); 'required' is the total generation the demand needs.",
          "TWh",
          [SCENARIO, Param("source", "Source: coal, gas, biomass, hydro, nuclear, wind, solar, or required.", "text"), YEAR,
           OVERRIDES, BASE_YEAR], category="balance", example='=AIP_GENERATION("base", "coal", 2030)')
def _generation(scenario: str, source: str, year: int, overrides: tuple, base_year: int | None) -> float:
    return _lookup(result_of(scenario, overrides, base_year).generation, "source", source, year, "generation")


@register("AIP_HOURS", "Utilization hours of one source in a year (h); coal's are the balance's residual.", "h",
          [SCENARIO, Param("source", "Source: coal, gas, biomass, hydro, nuclear, wind or solar.", "text"), YEAR, OVERRIDES, BASE_YEAR],
          category="balance", example='=AIP_HOURS("base", "solar", 2030)')
def _hours(scenario: str, source: str, year: int, overrides: tuple, base_year: int | None) -> float:
    return _lookup(result_of(scenario, overrides, base_year).hours, "source", source, year, "hours")


@register("AIP_COAL_HOURS", "Coal utilization hours in a year (h): coal generation (the residual of the balance) over "
                            "average coal capacity.", "h",
          [SCENARIO, YEAR, OVERRIDES, BASE_YEAR], category="balance",
          details="Coal generation = required generation − every other source; required = consumption × (1 + losses and "
                  "own use, calibrated on the base year) − net imports. Coal hours = coal generation / average of start- "
                  "and end-of-year coal capacity.", example='=AIP_COAL_HOURS("ai", 2028)')
def _coal_hours(scenario: str, year: int, overrides: tuple, base_year: int | None) -> float:
    return _lookup(result_of(scenario, overrides, base_year).hours, "source", "coal", year, "hours")


@register("AIP_RE_SHARE", "Non-hydro renewable share of consumption in a year (fraction): (wind + solar + biomass "
                          "generation) / consumption.", "fraction",
          [SCENARIO, YEAR, OVERRIDES, BASE_YEAR], category="balance", example='=AIP_RE_SHARE("base", 2030)')
def _re_share(scenario: str, year: int, overrides: tuple, base_year: int | None) -> float:
    return _lookup(result_of(scenario, overrides, base_year).re_share, "row", "non_hydro_share", year, "re_share")


@register("AIP_LOSS_FACTOR", "Losses and plant own use as a fraction of consumption, calibrated on the base year so that "
                             "its coal hours equal the actual; it also holds the generation of thermal plants that are "
                             "neither coal, gas nor biomass (the model has no row for them).", "fraction",
          [SCENARIO, OVERRIDES, BASE_YEAR], category="balance", example='=AIP_LOSS_FACTOR("base")',
          details="It can be negative (the shipped scenarios' is): it closes the gap between the sources' reported "
                  "generation and the consumption total, a calibration term rather than a physical loss.")
def _loss_factor(scenario: str, overrides: tuple, base_year: int | None) -> float:
    return result_of(scenario, overrides, base_year).loss_factor


@register("AIP_WIND_SOLAR_REQUIRED", "Wind+solar additions (GW/yr, the same each year of the solve window) that reach a "
                                     "non-hydro share target in a target year.", "GW/yr",
          [SCENARIO, TARGET_SHARE, TARGET_YEAR, OVERRIDES, BASE_YEAR], category="balance",
          details="Solved exactly: the share is linear in the level of additions. The solve window (first and last year "
                  "of the additions) and the wind fraction come from the scenario's [renewables] assumptions. "
                  + TARGET_DETAILS,
          example='=AIP_WIND_SOLAR_REQUIRED("base", 0.29)')
def _ws_required(scenario: str, target_share: float | None, target_year: int | None, overrides: tuple,
                 base_year: int | None) -> float:
    return _solve(scenario, target_share, target_year, overrides, base_year).level_gw_per_year


# ---------------------------------------------------------------------------------------------
# Scenario sweeps (issue 5): percentile tables and tornado swings of a scenario's ranges

SWEEP_SCENARIO = Param("scenario", "Scenario with ranges or distributions: a shipped name (ai_ranges) or the path of a "
                                   "scenario .toml file. Blank: ai_ranges.", "scenario", "ai_ranges")
SWEEP_OUTPUT = Param("output", "Model output (kernel name), e.g. hours.coal (h), demand.total (TWh), capacity.solar (GW), "
                               "requirement.level (GW/yr). Blank: hours.coal.", "text", "hours.coal")
#: Largest `samples` a worksheet sweep takes (measured: 10^4 in 0.05 s, 10^6 in 0.46 s on 2 cores); more: `aipower sweep`.
SWEEP_MAX_SAMPLES = 1_000_000
_SEED_LIMIT = _EXACT_LIMIT


def output_unit(output: str) -> str:
    """The unit of a sweep output (kernel name), e.g. hours.coal → h (sweep.output_unit)."""
    from .sweep import output_unit as unit  # the sweep module loads on a sweep function's first call

    return unit(output)


def _sweep_errors(call: Callable[[], Any], output: str) -> Any:
    """The sweep API's ValueErrors, named after the worksheet argument they concern."""
    try:
        return call()
    except ValueError as exc:
        msg = str(exc)
        head = msg.split(":")[0]
        if head.startswith("year ="):  # outside the horizon: #N/A, as AIP_COAL_HOURS
            raise NotFound(msg) from None  # names the year already
        for name in ("samples", "seed"):
            if head.startswith(f"{name} ="):
                raise ArgError(name, msg) from None
        if head == "output":  # the kernel's output-name errors, which name the output already
            raise ArgError("output", msg[len("output:"):].lstrip()) from None
        raise


@lru_cache(maxsize=16)
def _sweep_cached(key: ScenarioKey, output: str, samples: int, seed: int, overrides: tuple,
                  base_year: int | None, latin: bool) -> pd.DataFrame:
    from . import sweep

    return _sweep_errors(lambda: sweep.sweep_table(_scenario(key, overrides, base_year), output, samples, seed, latin),
                         output)


@lru_cache(maxsize=16)
def _tornado_cached(key: ScenarioKey, output: str, year: int, overrides: tuple, base_year: int | None,
                    quantiles: tuple[float, float] | None) -> pd.DataFrame:
    from . import sweep

    return _sweep_errors(lambda: sweep.tornado_table(_scenario(key, overrides, base_year), output, year,
                                                     quantiles=quantiles), output)


@register("AIP_SWEEP", "Percentile table of a sweep: P5, P10, P50, P90, P95 and mean of a model output by year, over "
                       "N samples of the scenario's uncertain inputs (seeded, so the same seed gives the same table).",
          "a table: a first column headed by the output and its unit (e.g. 'hours.coal [h]') holding the stats P5 … mean, "
          "then one column per year from the base year, in the output's unit",
          [SWEEP_SCENARIO, SWEEP_OUTPUT,
           Param("samples", f"Number of samples (count, 1-{SWEEP_MAX_SAMPLES:,}). Blank: 10,000.", "integer", 10_000),
           Param("seed", "Random seed (whole number, 0 to 2^53: the whole numbers a cell holds exactly). Blank: 0. "
                         "The same seed gives the same table.", "integer", 0),
           OVERRIDES, BASE_YEAR,
           Param("latin", "TRUE for Latin hypercube sampling (aipower sweep --latin), FALSE for independent draws. "
                          "Blank: FALSE.", "logical", False)], table=True, category="sweep",
          details="Each uncertain assumption of the scenario (a range or a distribution in the scenario file, with its "
                  "source) is drawn with a seeded counter-based generator and the full China balance is evaluated for "
                  "each sample in the compiled kernel on every core; results do not depend on the thread count. "
                  "Percentiles are within a relative 1e-4 of the exact lower sample quantile. Samples the model refuses "
                  f"(e.g. negative coal generation) are left out, and the header then says how many were accepted. Larger sweeps than {SWEEP_MAX_SAMPLES:,}: the "
                  "`aipower sweep` command or aipower.sweep.run. Same as aipower.sweep.sweep_table.",
          example='=AIP_SWEEP("ai_ranges", "hours.coal", 10000, 1)')
def _sweep_fn(scenario: str, output: str, samples: int, seed: int, overrides: tuple, base_year: int | None,
              latin: bool) -> list[list[Any]]:
    if not 1 <= samples <= SWEEP_MAX_SAMPLES:
        raise ArgError("samples", f"{samples} is outside 1-{SWEEP_MAX_SAMPLES:,}; larger sweeps: the `aipower sweep` command",
                       "#NUM!")
    if not 0 <= seed <= _SEED_LIMIT:
        raise ArgError("seed", f"{seed} is outside 0-2^53 (whole numbers Excel holds exactly)", "#NUM!")
    output = output.lower()  # output names are lower case: 'Hours.Coal' as typed is hours.coal
    df = _sweep_cached(_scenario_key(scenario), output, samples, seed, overrides, base_year, latin)
    label = f"{output} [{output_unit(output)}]"
    accepted = df.attrs.get("accepted", samples)
    if accepted < samples:  # the table is of the samples the model accepts: said where the analyst looks
        label += f" ({accepted:,} of {samples:,} samples accepted)"
    header = [label, *[int(c) if c.isdigit() else c for c in df.columns[1:]]]
    return [header, *[[_cell(v) for v in row] for row in df.to_numpy().tolist()]]


@register("AIP_TORNADO", "Tornado table: each uncertain input of a scenario at its low and high with the others at their "
                         "points, the output at each, the swing and the base; largest swing first.",
          "a table: input, unit (of low and high), low, high, output_at_low, output_at_high, swing, base (output's unit), "
          "note (why the model refused an input at an end: that output and the swing are blank, the row ranked by the end that ran)",
          [SWEEP_SCENARIO, SWEEP_OUTPUT,
           Param("year", "Year of the output (year), from the base year to the scenario's end year. Blank: 2030, or "
                         "the base year if later (base_year's or the overrides'), or the scenario's end year if earlier.", "integer", None),
           OVERRIDES, BASE_YEAR,
           Param("low_quantile", "Probability (0-1) at which each input's distribution gives its low, e.g. 0.1 for P10; "
                                 "with high_quantile. Blank: a range's or triangular's low; P5 of a normal or lognormal.", "number", None),
           Param("high_quantile", "Probability (0-1, above low_quantile) at which each input's distribution gives its "
                                  "high, e.g. 0.9 for P90. Blank: a range's or triangular's high; P95 of a normal or lognormal.", "number", None)],
          table=True, category="sweep",
          details="Low and high are a range's or triangular's bounds and a normal's or lognormal's P5 and P95 (bounded "
                  "or not: its bounds only truncate it, and can lie far outside the spread it samples), or with "
                  "low_quantile and high_quantile those quantiles of each input's distribution. In the input's "
                  "model unit; the ranges and their sources are in the scenario file (sheet Assumptions: AIP_PARAMS). "
                  "swing = |output_at_high − output_at_low|; base = the output with every input at its point (what "
                  "aipower run gives, except where the data-center row follows the capex route with capex per watt or "
                  "TWh per GW-year ranged: then the route at their points, where aipower run takes dc_power.capex_case, "
                  "and the base column's header says so). A one-value output (requirement.level) does not depend on the year (a year "
                  "given must still be one of the horizon's). Same as "
                  "aipower.sweep.tornado_table.",
          example='=AIP_TORNADO("ai_ranges", "hours.coal", 2030)')
def _tornado_fn(scenario: str, output: str, year: int | None, overrides: tuple, base_year: int | None,
                low_quantile: float | None, high_quantile: float | None) -> list[list[Any]]:
    output = output.lower()
    quantiles = None
    if (low_quantile is None) != (high_quantile is None):
        missing = "high_quantile" if high_quantile is None else "low_quantile"
        raise ArgError(missing, "is blank: give low_quantile and high_quantile together (e.g. 0.1 and 0.9), or neither "
                                "for the defaults (a range's bounds, a normal's P5 and P95)")
    if low_quantile is not None and high_quantile is not None:
        for name, q in (("low_quantile", low_quantile), ("high_quantile", high_quantile)):
            if not 0 < q < 1:
                raise ArgError(name, f"{q:g} is outside (0, 1): expected a probability, e.g. 0.1 for P10", "#NUM!")
        if not low_quantile < high_quantile:
            raise ArgError("high_quantile", f"{high_quantile:g} is not above low_quantile ({low_quantile:g})", "#NUM!")
        quantiles = (low_quantile, high_quantile)
    df = _tornado_cached(_scenario_key(scenario), output, year, overrides, base_year, quantiles)
    unit = output_unit(output)
    header = [f"{c} [{unit}]" if c.startswith("output_") or c in ("swing", "base") else c for c in df.columns]
    if any(n.startswith("dc_power.capex_case = ") for n in df.attrs.get("notes", ())):  # the API's note, which a cell cannot hold
        header[list(df.columns).index("base")] += " (capex route at its points, not dc_power.capex_case as AIP_DEMAND)"
    return [header, *[[_cell(v) for v in row] for row in df.to_numpy().tolist()]]


# ---------------------------------------------------------------------------------------------
# Kernel building blocks


@register("AIP_UTILIZATION_HOURS", "Utilization hours from generation and average capacity (h) = TWh / GW × 1000, e.g. coal "
                                   "hours from coal generation and average coal capacity.", "h",
          [Param("generation_twh", "Generation (TWh); a negative one (a change, say) gives negative hours.", "number"),
           Param("average_capacity_gw", "Average capacity over the year (GW), > 0.", "number")],
          category="units", example="=AIP_UTILIZATION_HOURS(5300, 1170)",
          renames={"twh": "generation_twh", "gw": "average_capacity_gw", "twh_per_gw_to_hours": "the result"})
def _utilization_hours(generation_twh: float, average_capacity_gw: float) -> float:
    return units.twh_per_gw_to_hours(generation_twh, average_capacity_gw)


@register("AIP_ENERGY_TWH", "Energy from capacity running a number of hours (TWh) = GW × h / 1000.", "TWh",
          [Param("capacity_gw", "Capacity (GW); a negative one (a change, say) gives negative energy.", "number"),
           Param("hours", "Hours at full output (h), over any span (a unit conversion: not capped at a year's 8,784); "
                          "a negative one (a change in hours) gives negative energy.", "number")],
          category="units", example="=AIP_ENERGY_TWH(100, 4000)",
          renames={"gw": "capacity_gw", "gw_hours_to_twh": "the result"})
def _energy_twh(capacity_gw: float, hours: float) -> float:
    return units.gw_hours_to_twh(capacity_gw, hours)


@register("AIP_CAGR", "Compound annual growth rate between two values a number of years apart (fraction/yr).",
          "fraction per year",
          [Param("from_value", "Value in the first year (any unit, > 0).", "number"),
           Param("to_value", "Value in the last year (same unit, ≥ 0).", "number"),
           Param("years", "Years between the two values (years, > 0).", "number")],
          category="units", example="=AIP_CAGR(100, 140, 5)")
def _cagr(from_value: float, to_value: float, years: float) -> float:
    return _series.cagr(from_value, to_value, years)


@register("AIP_TO_MODEL_UNIT", "Converts a value from a source unit to the model's unit: 亿kWh or yi kWh → TWh, 亿kW → GW, "
                               "万kW → GW, % → fraction; a model unit (TWh, GW, fraction) passes unchanged.",
          "the value in the model's unit (TWh, GW, fraction)",
          [Param("value", "Value (in the unit named by the next argument).", "number"),
           Param("unit", "Source unit (spaces and case do not matter): " +
                 ", ".join(u for u in units.known_units() if not u.startswith(("yi ", "wan "))) +
                 "; 亿 and 万 also as yi and wan. Any other unit is an error.", "text")],
          category="units", example='=AIP_TO_MODEL_UNIT(5000, "亿kWh")')
def _to_model_unit(value: float, unit: str) -> float:
    known = units.known_unit(unit)
    if known is None:  # '亿 KWH' must not come back as if it were already TWh
        raise ArgError("unit", f"'{unit}' is not a unit this function converts; expected one of "
                               + ", ".join(units.known_units()))
    return units.to_model_unit(value, known)[0]


# ---------------------------------------------------------------------------------------------
# AI-infrastructure calculators (issue 3): their research tables and their formulas, one number each

try:
    from . import dc_power, onsite_power, rack_power, token_cost, training, us_gap
    from ._calc import calculator_defaults
    from .calculator_tables import TABLES as CALCULATOR_TABLES
except ImportError:  # pragma: no cover - a build without the calculators
    CALCULATOR_TABLES = {}

SECONDS_PER_DAY = 86400.0  # unit definition
_MAX_YEARS = _kernel.MAX_YEAR - _kernel.MIN_YEAR  # the kernel's longest period (years)
_NO_CROSS_SECTION = re.compile(r"^mass_kg = [^:]+: expected a mass large enough for a non-zero cross-section over "
                               r"length_m = \S+ at density_kg_m3 = (\S+)$")


def _num(x: Any) -> float:
    return float(np.asarray(x, dtype=float).reshape(-1)[0])


def _paired_numbers(a_name: str, a_raw: Any, b_name: str, b_raw: Any) -> tuple[list[float], list[float]]:
    """Two ranges of numbers paired by position, as SUMPRODUCT pairs them. A position blank in both is
    skipped; blank in one only is an error: dropping blanks from each range apart shifted the pairs."""
    a_rows, b_rows = _rows(a_raw), _rows(b_raw)
    if a_rows and b_rows and len(a_rows) == len(b_rows) and _width(a_rows[-1]) == _width(b_rows[-1]):
        # Rows blank in both at the end (two whole columns') are dropped from both, so the pairs and the cell
        # numbers stay; a row blank in one range only stays, an error below as before.
        a_filled, b_filled = _filled_rows(a_rows), _filled_rows(b_rows)
        if a_filled is not None and b_filled is not None:
            a_raw, b_raw = a_rows[:max(a_filled, b_filled)], b_rows[:max(a_filled, b_filled)]
    a_cells, b_cells = _cells(a_raw), _cells(b_raw)
    if len(a_cells) != len(b_cells):
        raise ArgError(b_name, f"has {len(b_cells)} cells; expected {len(a_cells)}, one per {a_name} cell")
    a_shape, b_shape = [(len(g), max(map(len, g), default=0)) for g in (grid(a_raw), grid(b_raw))]
    if a_shape != b_shape:  # a row paired with a column: SUMPRODUCT refuses it, as a sign of a wrong range
        raise ArgError(b_name, f"is a {b_shape[0]}×{b_shape[1]} range; expected the shape of {a_name}, "
                               f"{a_shape[0]}×{a_shape[1]}, cell for cell")
    a_out, b_out = [], []
    for i, (a, b) in enumerate(zip(a_cells, b_cells), start=1):
        if _blank(a) and _blank(b):
            continue
        for name, c in ((a_name, a), (b_name, b)):
            if _error_value(c):
                raise ArgError(name, f"cell {i} is an error value ({_error_value(c)}); expected a number")
        for name, c in ((a_name, a), (b_name, b)):
            if _blank(c):
                raise ArgError(name, f"cell {i} is blank while the other range has a value there; expected a number")
            if isinstance(c, bool) or not isinstance(c, (int, float)):
                raise ArgError(name, f"cell {i}: {_shown_cell(c)} is not a number; expected a range of numbers")
            if isinstance(c, int) and abs(c) > sys.float_info.max:  # float() raised OverflowError
                raise ArgError(name, f"cell {i}: " + _BEYOND_FLOAT.format(reprlib.repr(c)), "#NUM!")
            if not math.isfinite(c):
                raise ArgError(name, f"cell {i}: {_shown_cell(c)} is not a finite number; expected a range of numbers")
        a_out.append(float(a))
        b_out.append(float(b))
    if not a_out:
        raise ArgError(a_name, "is empty; expected a range of numbers")
    return a_out, b_out


@lru_cache(maxsize=_RUNS_KEPT)
def _calc_table(key: ScenarioKey, overrides: tuple, base_year: int | None, name: str) -> pd.DataFrame:
    return CALCULATOR_TABLES[name](_scenario(key, overrides, base_year))


def _calc_name(name: str) -> str:
    name = _choice(name, list(CALCULATOR_TABLES)) or name  # 'Token_Cost' as every other lookup
    if name not in CALCULATOR_TABLES:
        raise ArgError("name", f"'{name}' is not a calculator table; expected one of {', '.join(CALCULATOR_TABLES)}")
    return name


if CALCULATOR_TABLES:
    CALC_NAMES = ", ".join(CALCULATOR_TABLES)
    CALC_NAME = Param("name", f"Calculator table: {CALC_NAMES}.", "text")

    @register("AIP_CALC_TABLE", "A research table of the AI-infrastructure calculators for a scenario, with headers "
                                "(data-center capex → electricity, token cost China vs US, US capacity gap, on-site "
                                "power, rack power 54 V vs 800 V, training cluster, global data-center demand).",
              "a table: row, the cases (low/high, China/US, 54 V/800 V, or years), unit",
              [CALC_NAME, SCENARIO, OVERRIDES, BASE_YEAR], table=True, category="calculators",
              details="The calculators' inputs are scenario assumptions (scenarios/calculators.toml, keys such as "
                      "token_cost.electricity_price_china); an overrides range changes any of them. Every row "
                      "states its unit in the last column.", example='=AIP_CALC_TABLE("token_cost", "base")')
    def _calc_table_fn(name: str, scenario: str, overrides: tuple, base_year: int | None) -> list[list[Any]]:
        df = _calc_table(_scenario_key(scenario), overrides, base_year, _calc_name(name))
        # a year header is a number (global_dc's), as AIP_BALANCE's: XLOOKUP(2030, header, ...) finds no text '2030'
        return [[_cell(c) for c in df.columns], *[[_cell(v) for v in row] for row in df.to_numpy().tolist()]]

    @register("AIP_CALC", "One number of a calculator table: the row (its label) and the column (a case such as "
                          "low, high, china_low, us_high, dc_54v, or a year).",
              "a number in the row's unit (the table's unit column); in percent where the column's name ends in _pct; "
              "the column 'unit' gives that unit as text",
              [CALC_NAME, Param("row", "Row label as in AIP_CALC_TABLE's first column, e.g. 'total' or 'gap'. A part in brackets, "
                                  "which may state an input ('(cf 25%)'), may differ or be left out.", "text"),
               Param("column", "Column: a case (low, high, china_low, us_high, dc_54v, dc_800v) or a year (number).",
                     "text"), SCENARIO, OVERRIDES, BASE_YEAR], category="calculators",
              example='=AIP_CALC("us_gap", "gap", "high", "base")')
    def _calc_one(name: str, row: str, column: str, scenario: str, overrides: tuple, base_year: int | None) -> Any:
        df = _calc_table(_scenario_key(scenario), overrides, base_year, _calc_name(name))
        label = df.columns[0]
        rows = [str(r) for r in df[label]]
        row = _choice(row, rows) or _unbracketed(row, rows) or row
        if row not in rows:
            raise ArgError("row", f"'{row}' is not a row of the {name} table; rows: {'; '.join(rows[:40])}")
        cols = [str(c) for c in df.columns[1:]]
        column = _choice(column, cols) or column
        if column not in cols:
            raise ArgError("column", f"'{column}' is not a column of the {name} table; expected one of {', '.join(cols)}")
        return df.iloc[rows.index(row), 1 + cols.index(column)]

    @register("AIP_DC_CAPACITY_FROM_CAPEX", "Method 1: data-center capacity (GW) bought by a capex at a capex per watt.",
              "GW", [Param("capex_yi_rmb", "Capex (亿 RMB, 1 亿 = 1e8).", "number"),
                     Param("capex_per_watt_rmb", "Capex per watt of data center (RMB/W), e.g. 120 AIDC, 70 IDC.", "number")],
              category="calculators", example="=AIP_DC_CAPACITY_FROM_CAPEX(1000, 120)")
    def _dc_capacity(capex_yi_rmb: float, capex_per_watt_rmb: float) -> float:
        return _num(dc_power.capacity_from_capex_gw(capex_yi_rmb=capex_yi_rmb, capex_per_watt_rmb=capex_per_watt_rmb))

    @register("AIP_DC_ENERGY_FROM_CAPACITY", "Yearly energy (TWh) of a data-center capacity at an intensity per GW-year.",
              "TWh per year", [Param("capacity_gw", "Data-center capacity (GW).", "number"),
                               Param("twh_per_gw_year", "Energy intensity (TWh per GW-year), 4.4-10 in seed 1.", "number")],
              category="calculators", example="=AIP_DC_ENERGY_FROM_CAPACITY(0.83, 4.4)")
    def _dc_energy(capacity_gw: float, twh_per_gw_year: float) -> float:
        return _num(dc_power.energy_from_capacity_twh(capacity_gw=capacity_gw, twh_per_gw_year=twh_per_gw_year))

    @register("AIP_DC_CHIP_POWER_FROM_CAPEX", "Method 2: accelerator power (GW) bought by the chip share of a capex.",
              "GW", [Param("capex_yi_rmb", "Capex (亿 RMB).", "number"),
                     Param("chip_share_of_capex", "Share of capex spent on accelerators (fraction 0-1).", "number"),
                     Param("chip_cost_per_watt_rmb", "Accelerator cost per watt of chip power (RMB/W).", "number")],
              category="calculators", example="=AIP_DC_CHIP_POWER_FROM_CAPEX(1000, 1, 625)")
    def _dc_chip(capex_yi_rmb: float, chip_share_of_capex: float, chip_cost_per_watt_rmb: float) -> float:
        return _num(dc_power.chip_power_from_capex_gw(capex_yi_rmb=capex_yi_rmb, chip_share_of_capex=chip_share_of_capex,
                                                      chip_cost_per_watt_rmb=chip_cost_per_watt_rmb))

    @register("AIP_DC_ENERGY_FROM_IT_POWER", "Energy (TWh) of an IT load: IT power × PUE × load factor × hours.", "TWh",
              [Param("it_power_gw", "IT (chip) power (GW).", "number"), Param("pue", "Power usage effectiveness (ratio ≥ 1).", "number"),
               Param("load_factor", "Average load as a fraction of IT power (fraction 0-1).", "number"),
               Param("hours", "Hours in the period (h, 0-8,784, a leap year). Blank: 8,760.", "number", None)],
              category="calculators", example="=AIP_DC_ENERGY_FROM_IT_POWER(0.16, 1.5, 1)")
    def _dc_it(it_power_gw: float, pue: float, load_factor: float, hours: float | None) -> float:
        kw = {} if hours is None else {"hours": hours}
        return _num(dc_power.energy_from_it_power_twh(it_power_gw=it_power_gw, pue=pue, load_factor=load_factor, **kw))

    @register("AIP_CLUSTER_POWER_MW", "Facility power (MW) of an accelerator cluster: accelerators × W each × PUE.", "MW",
              [Param("accelerators", "Number of accelerators (count, a whole number).", "integer"),
               Param("watts_per_accelerator", "Peak power per accelerator (W), e.g. 700 for an H100.", "number"),
               Param("pue", "Power usage effectiveness (ratio ≥ 1).", "number")],
              category="calculators", example="=AIP_CLUSTER_POWER_MW(100000, 700, 1.59)")
    def _cluster(accelerators: float, watts_per_accelerator: float, pue: float) -> float:
        return _num(dc_power.cluster_power_mw(accelerators=accelerators, watts_per_accelerator=watts_per_accelerator, pue=pue))

    _TOKEN_PARTS = ("total", "compute", "energy", "network", "operations")

    @register("AIP_TOKEN_COST", "Cost per million tokens (currency of the inputs) from accelerator cost, electricity, "
                                "network and operations per accelerator-hour and throughput; or one component of it.",
              "currency per million tokens",
              [Param("it_power_kw", "IT power per accelerator (kW).", "number"), Param("pue", "PUE (ratio ≥ 1).", "number"),
               Param("electricity_price", "Electricity price (currency/kWh), e.g. 0.4-0.6 RMB China, 0.8-1.2 US.", "number"),
               Param("tokens_per_second", "Throughput per accelerator (tokens/s).", "number"),
               Param("accelerator_cost_per_hour", "Accelerator depreciation or rent (currency/h).", "number"),
               Param("network_per_hour", "Network cost per accelerator-hour (currency/h). Blank: 0.", "number", 0.0),
               Param("operations_per_hour", "Operations cost per accelerator-hour (currency/h). Blank: 0.", "number", 0.0),
               Param("component", "total (default), compute, energy, network or operations.", "text", "total")],
              category="calculators", example="=AIP_TOKEN_COST(1.275, 1.2, 0.5, 1070, 3.49, 0.53, 0.66)",
              renames={"electricity_price_per_kwh": "electricity_price", "network_cost_per_hour": "network_per_hour",
                       "operations_cost_per_hour": "operations_per_hour"})
    def _token_cost(it_power_kw: float, pue: float, electricity_price: float, tokens_per_second: float,
                    accelerator_cost_per_hour: float, network_per_hour: float, operations_per_hour: float,
                    component: str) -> float:
        component = _choice(component, _TOKEN_PARTS) or component
        if component not in _TOKEN_PARTS:
            raise ArgError("component", f"'{component}': expected one of {', '.join(_TOKEN_PARTS)}")
        r = token_cost.cost_per_million_tokens(
            it_power_kw=it_power_kw, pue=pue, electricity_price_per_kwh=electricity_price, tokens_per_second=tokens_per_second,
            accelerator_cost_per_hour=accelerator_cost_per_hour, network_cost_per_hour=network_per_hour,
            operations_cost_per_hour=operations_per_hour)
        return _num(r[f"{component}_per_million"])

    @register("AIP_TOKEN_ENERGY_KWH", "Facility electricity (kWh) per million tokens.", "kWh per million tokens",
              [Param("it_power_kw", "IT power per accelerator (kW).", "number"), Param("pue", "PUE (ratio ≥ 1).", "number"),
               Param("tokens_per_second", "Throughput per accelerator (tokens/s).", "number")],
              category="calculators", example="=AIP_TOKEN_ENERGY_KWH(1.275, 1.2, 1070)")
    def _token_energy(it_power_kw: float, pue: float, tokens_per_second: float) -> float:
        return _num(token_cost.energy_per_million_tokens_kwh(it_power_kw=it_power_kw, pue=pue, tokens_per_second=tokens_per_second))

    @register("AIP_US_GAP_PER_YEAR", "US capacity gap a year (GW/yr): nameplate GW needed minus GW built.", "GW/yr",
              [Param("needed_gw_per_year", "New capacity needed a year (GW/yr), ~80 in seed 2.", "number"),
               Param("built_gw_per_year", "Capacity built a year (GW/yr), 50-60 in seed 2.", "number")],
              category="calculators", example="=AIP_US_GAP_PER_YEAR(80, 60)")
    def _gap(needed_gw_per_year: float, built_gw_per_year: float) -> float:
        return _num(us_gap.gap_per_year(needed_gw_per_year=needed_gw_per_year, built_gw_per_year=built_gw_per_year))

    @register("AIP_FIRM_EQUIVALENT_GW", "Firm-equivalent GW of a technology mix: Σ nameplate GW × capacity factor.", "GW",
              [Param("nameplate_gw", "Range of nameplate capacities (GW), one per technology.", "range"),
               Param("capacity_factor", "Range of capacity factors (fraction 0-1), same shape, cell for cell.", "range")],
              category="calculators", example="=AIP_FIRM_EQUIVALENT_GW(B2:B4, C2:C4)")
    def _firm(nameplate_gw: Any, capacity_factor: Any) -> float:
        gw, cf = _paired_numbers("nameplate_gw", nameplate_gw, "capacity_factor", capacity_factor)
        return _num(us_gap.firm_equivalent_gw(nameplate_gw=gw, capacity_factor=cf))

    @register("AIP_ONSITE_LIFETIME_COST", "Capex plus years of opex, discounted: the lifetime cost of on-site power.",
              "currency of the inputs",
              [Param("capex", "Capex (currency, e.g. USD m; ≥ 0).", "number"),
               Param("opex_per_year", "Opex a year (currency/yr; ≥ 0).", "number"),
               Param("years", "Years of operation (years, whole, 1-200).", "integer"),
               Param("discount_rate", "Discount rate (fraction/yr, 0-1). Blank: 0.", "number", 0.0)],
              category="calculators", example="=AIP_ONSITE_LIFETIME_COST(600, 20, 5)")
    def _onsite(capex: float, opex_per_year: float, years: int, discount_rate: float) -> float:
        # Checked here: beyond 2^31 the API refuses it as a C++ int ("magnitude below 2^31"), not by this range.
        if not 1 <= years <= _MAX_YEARS:
            raise ValueError(f"years = {_fmt_number(years)}: expected a number of years in 1-{_MAX_YEARS}")
        return _num(onsite_power.lifetime_cost(capex=capex, opex_per_year=opex_per_year, years=years,
                                               discount_rate=discount_rate)["total"])

    @register("AIP_RACK_CURRENT_A", "Current (A) = rack power / DC voltage.", "A",
              [Param("power_w", "Rack power (W), e.g. 1e6 for a 1 MW rack.", "number"),
               Param("voltage_v", "Distribution voltage (V DC), e.g. 54 or 800.", "number")],
              category="calculators", example="=AIP_RACK_CURRENT_A(1000000, 54)")
    def _current(power_w: float, voltage_v: float) -> float:
        return _num(rack_power.current_a(power_w=power_w, voltage_v=voltage_v))

    @register("AIP_RACK_LOSS_FRACTION", "Copper I²R loss as a fraction of rack power, for a copper mass over a current "
                                        "path.", "fraction",
              [Param("power_w", "Rack power (W).", "number"), Param("voltage_v", "Voltage (V DC).", "number"),
               Param("mass_kg", "Copper mass (kg).", "number"),
               Param("length_m", "Current-path length (m). Blank: the calculator default (28.9).", "number", None)],
              category="calculators", example="=AIP_RACK_LOSS_FRACTION(1000000, 54, 200)")
    def _loss(power_w: float, voltage_v: float, mass_kg: float, length_m: float | None) -> float:
        kw = {} if length_m is None else {"length_m": length_m}
        try:
            return _num(rack_power.loss_fraction(power_w=power_w, voltage_v=voltage_v, mass_kg=mass_kg, **kw))
        except ValueError as exc:
            # The kernel blames mass_kg for a zero cross-section (mass / (density × length)); with a length
            # further from 1 than the mass (1e308 m of 200 kg), the length is what the user should change.
            m = _NO_CROSS_SECTION.match(str(exc))
            if m and length_m is not None and mass_kg > 0 and abs(math.log10(length_m)) > abs(math.log10(mass_kg)):
                raise ValueError(f"length_m = {_fmt_number(length_m)}: expected a length short enough for a non-zero "
                                 f"cross-section of mass_kg = {_fmt_number(mass_kg)} at density_kg_m3 = {m.group(1)}"
                                 ) from None
            raise

    @register("AIP_RACK_COPPER_KG", "Copper (kg) that keeps the I²R loss of a rack at a target fraction.", "kg",
              [Param("power_w", "Rack power (W).", "number"), Param("voltage_v", "Voltage (V DC).", "number"),
               Param("loss_fraction", "Target loss (fraction of rack power, > 0 and ≤ 1).", "number"),
               Param("length_m", "Current-path length (m). Blank: the calculator default (28.9).", "number", None)],
              category="calculators", example="=AIP_RACK_COPPER_KG(1000000, 800, 0.006)",
              renames={"loss_fraction_target": "loss_fraction"})
    def _copper(power_w: float, voltage_v: float, loss_fraction: float, length_m: float | None) -> float:
        kw = {} if length_m is None else {"length_m": length_m}
        return _num(rack_power.copper_mass_for_loss_kg(power_w=power_w, voltage_v=voltage_v,
                                                       loss_fraction_target=loss_fraction, **kw))

    @register("AIP_TRAINING_DAYS", "Training time (days) = FLOPs / (accelerators × peak FLOP/s × utilization × goodput).",
              "days",
              [Param("training_flops", "Training compute (FLOP), e.g. 1e26.", "number"),
               Param("accelerators", "Number of accelerators (count, a whole number).", "integer"),
               Param("peak_flops_per_s", "Peak per accelerator (FLOP/s), e.g. 2.5e15.", "number"),
               Param("utilization", "Model FLOPs utilization (fraction, > 0 and ≤ 1).", "number"),
               Param("goodput", "Useful share of wall time (fraction, > 0 and ≤ 1). Blank: 1.", "number", 1.0)],
              category="calculators", example="=AIP_TRAINING_DAYS(1E+26, 25000, 2.5E+15, 0.4)")
    def _train_days(training_flops: float, accelerators: float, peak_flops_per_s: float, utilization: float,
                    goodput: float) -> float:
        return _num(training.training_time_s(training_flops=training_flops, accelerators=accelerators,
                                             peak_flops_per_s=peak_flops_per_s, utilization=utilization,
                                             goodput=goodput)) / SECONDS_PER_DAY

    @register("AIP_TRAINING_ENERGY_MWH", "Facility energy of a training run (MWh): accelerators × kW × PUE × time.", "MWh",
              [Param("accelerators", "Number of accelerators (count, a whole number).", "integer"),
               Param("power_kw_per_accelerator", "Power per accelerator incl. its share of the rack (kW).", "number"),
               Param("pue", "PUE (ratio ≥ 1).", "number"), Param("days", "Wall-clock duration (days).", "number")],
              category="calculators", example="=AIP_TRAINING_ENERGY_MWH(25000, 1.4, 1.3, 90)")
    def _train_energy(accelerators: float, power_kw_per_accelerator: float, pue: float, days: float) -> float:
        # Checked here, in days: the API's message would show seconds (and days × 86,400 can overflow).
        if not (math.isfinite(days) and days > 0 and math.isfinite(days * SECONDS_PER_DAY)):
            raise ValueError(f"days = {_shown_cell(days)}: expected a finite number of days > 0")  # as pue's
        return _num(training.training_energy_mwh(accelerators=accelerators, power_kw_per_accelerator=power_kw_per_accelerator,
                                                 pue=pue, time_s=days * SECONDS_PER_DAY))

    @register("AIP_GOODPUT", "Useful share of wall time of a training run: interval / (interval + restart + half a "
                             "checkpoint interval).", "fraction",
              [Param("interruption_interval_h", "Mean time between interruptions (h).", "number"),
               Param("restart_h", "Time to restart after an interruption (h).", "number"),
               Param("checkpoint_interval_h", "Time between checkpoints (h).", "number")],
              category="calculators", example="=AIP_GOODPUT(0.53, 0.25, 0.5)")
    def _goodput(interruption_interval_h: float, restart_h: float, checkpoint_interval_h: float) -> float:
        return _num(training.goodput(interruption_interval_h=interruption_interval_h, restart_h=restart_h,
                                     checkpoint_interval_h=checkpoint_interval_h))


def functions() -> list[XlFunction]:
    """Every registered worksheet function, in registry order."""
    return list(REGISTRY.values())


def markdown() -> str:
    """docs/functions.md: generated from the same metadata as the function wizard."""
    cats: dict[str, list[XlFunction]] = {}
    for f in REGISTRY.values():
        cats.setdefault(f.category, []).append(f)
    out = ["# aipower worksheet functions", "",
           "Generated from the metadata in `aipower.xlfunctions` by `aipower functions --markdown` (a test checks it is "
           "current). Every function returns, on a bad argument, a text that starts with the Excel error code and names "
           "the argument and the problem (e.g. `#VALUE! year: 'abc' is text; expected a whole number`); a value the "
           "model refuses names the function too (`#VALUE! AIP_CAGR: from_value = 0: expected a finite number > 0`).", ""]
    for cat, fs in cats.items():
        out.append(f"- **{cat}**: " + ", ".join(f"[`{f.name}`](#{f.name.lower()})" for f in fs))
    for cat, fs in cats.items():
        out += ["", f"## {cat}"]
        for f in fs:
            out += ["", f"### {f.name}", "", f"`{f.signature()}`" + (" — spills a table" if f.table else ""), "",
                    f.summary]
            if f.details:
                out += ["", f.details]
            if f.params:
                out += ["", "| argument | description | optional |", "|---|---|---|"]
                for p in f.params:
                    opt = "no" if not p.optional else ("yes" if p.default in (None, ()) else f"yes (default `{p.default}`)")
                    out.append(f"| `{p.name}` | {p.description} | {opt} |")
            out += ["", f"Returns: {f.returns}."]
            if f.example:
                out += ["", f"Example: `{f.example}`"]
    return "\n".join(out) + "\n"


# The functions as module attributes: `xlfunctions.AIP_COAL_HOURS("ai", 2028)`.
globals().update(REGISTRY)
__all__ = ["REGISTRY", "XlError", "XlFunction", "Param", "functions", "markdown", "grid", "clear_cache", *REGISTRY]
