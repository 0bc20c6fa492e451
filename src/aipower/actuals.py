"""Actuals shipped with the package: China power data by series and year.

``china_power_actuals.csv`` is the project's data file (each row with its
public source); ``supplementary_actuals.csv`` adds the few series the model
needs that it lacks (population, pumped-storage capacity), also sourced.
Values are converted to the kernel's units (TWh, GW, h, million) on access.
"""

from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from . import _kernel, units
from ._calc import _whole

_FILES = ("china_power_actuals.csv", "supplementary_actuals.csv")
#: A folder whose copies of the data files are read instead of the packaged ones (each file it holds;
#: the others as packaged): an analyst's own edition, kept outside the installed package.
DATA_ENV = "AIPOWER_DATA"


@dataclass(frozen=True)
class Actual:
    series: str
    year: int
    value: float  # in `unit`
    unit: str  # the kernel's unit: TWh, GW, h, million, fraction
    source: str
    raw_value: float  # as published
    raw_unit: str


# Published units (what precedes any "(…)" note in a row's unit) → the kernel's unit and the
# conversion. Matched whole: "GWh end of year" or "hrs" is refused, not read as GW or h.
_UNITS: dict[str, tuple[str, Callable[[float], float]]] = {
    "yi kWh": ("TWh", lambda v: float(units.yi_kwh_to_twh(v))),
    "GW": ("GW", float),
    "GW end of year": ("GW", float),
    "h": ("h", float),
    "%": ("fraction", lambda v: v / 100.0),
    "million": ("million", float),
}
_COLUMNS = ("series", "year", "value", "unit", "source")


def _convert(value: float, unit: str) -> tuple[float, str]:
    """Published unit → kernel unit."""
    found = _UNITS.get(unit.split("(")[0].strip())
    if found is None:
        raise ValueError(f"unit = {unit!r}: expected one of {', '.join(repr(u) for u in _UNITS)} "
                         "(a note may follow in brackets: 'h (plants >= 6 MW)')")
    kernel_unit, convert = found
    return convert(value), kernel_unit


def table() -> Mapping[tuple[str, int], Actual]:
    """Every actual, keyed by (series, year): read-only, as every run in the process reads it (copy it
    with ``dict(actuals.table())`` to change it)."""
    return MappingProxyType(_read()[0])


def files() -> list[dict[str, str]]:
    """The data files read, each by its place in the package with the SHA-256 of its bytes (what a
    result's provenance records: a changed or added row changes it)."""
    return [dict(f) for f in _read()[1]]


def _data_files() -> list[tuple[Any, str]]:
    """Each data file to read and how a record names it: from the folder AIPOWER_DATA names where it holds
    the file (named 'AIPOWER_DATA/<file>': no machine path in a result), else the packaged one."""
    folder = os.environ.get(DATA_ENV, "")
    own = Path(folder).expanduser() if folder.strip() else None
    if own is not None:
        if not own.is_dir():
            raise ValueError(f"{DATA_ENV} = {folder!r}: not a folder; expected a folder holding one or both of "
                             f"{', '.join(_FILES)} (or {DATA_ENV} unset, for the packaged data)")
        if not any((own / name).is_file() for name in _FILES):  # every file packaged: the user's would be ignored
            raise ValueError(f"{DATA_ENV} = {folder!r}: the folder holds none of {', '.join(_FILES)}; expected "
                             f"one or both (a file it lacks is read as packaged)")
    return [(own / name, f"{DATA_ENV}/{name}") if own is not None and (own / name).is_file()
            else (resources.files("aipower.data").joinpath(name), f"aipower/data/{name}") for name in _FILES]


def file_stamps() -> tuple[int, ...]:
    """Each data file's inode, size and modification time: the actuals are read again when one changes
    (a row added while a worksheet session or a server runs, AIPOWER_DATA set to another folder), and a
    cache of results keyed by them (the worksheet functions') is renewed with them."""
    stamps: list[int] = []
    for file, _ in _data_files():
        try:
            st = os.stat(str(file))
        except OSError:  # not a plain file (a zipped package): read once, as packaged
            continue
        stamps += [st.st_ino, st.st_size, st.st_mtime_ns]
    return tuple(stamps)


# The edition in use; refresh() reads the files again where one changed. Not checked on every read: a
# run reads the actuals some 65 times, and their stamps cost 26 µs a time.
_EDITION: list[tuple[dict[tuple[str, int], Actual], tuple[dict[str, str], ...], dict[tuple[str, int], str]]] = []


def refresh() -> None:
    """Take the data files as they are now (read again if one changed since): every scenario loaded,
    and so every worksheet call with a new scenario key, starts with it."""
    _EDITION[:] = [_read_edition(file_stamps())]


def _read() -> tuple[dict[tuple[str, int], Actual], tuple[dict[str, str], ...], dict[tuple[str, int], str]]:
    """The actuals, the files read (place and digest) and where each (series, year) was read (file:line),
    as of the last refresh()."""
    if not _EDITION:
        refresh()
    return _EDITION[0]


@lru_cache(maxsize=1)
def _read_edition(stamps: tuple[int, ...]) -> tuple[dict[tuple[str, int], Actual], tuple[dict[str, str], ...],
                                                     dict[tuple[str, int], str]]:
    """_read for the files with these stamps."""
    out: dict[tuple[str, int], Actual] = {}
    lines: dict[tuple[str, int], str] = {}
    read = []
    for file, recorded in _data_files():
        data = file.read_bytes()
        # recorded by its place in the package or AIPOWER_DATA (no machine path in a result); named in
        # full in an error, where the maintainer is to edit it
        read.append({"path": recorded, "sha256": hashlib.sha256(data).hexdigest()})
        parse(data, str(file), out, lines)
    return out, tuple(read), lines


def parse(data: bytes, where: str, out: dict[tuple[str, int], Actual], lines: dict[tuple[str, int], str]) -> None:
    """Rows of one actuals file (CSV: series, year, value, unit, source) into `out`, checked: every
    problem is a ValueError naming the file, the line and the value. `lines` keeps where each
    (series, year) was read, so that a repeated row, or a series changing its unit, names both lines."""
    try:
        text = data.decode("utf-8-sig")  # Excel's "CSV UTF-8" starts with a byte-order mark
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != _COLUMNS:
        raise ValueError(f"{where}:1: columns {header!r}: expected {', '.join(_COLUMNS)}")
    units_of: dict[str, tuple[str, str]] = {a.series: (a.unit, lines[(a.series, a.year)]) for a in out.values()}
    for row in reader:
        line = f"{where}:{reader.line_num}"
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(_COLUMNS):
            raise ValueError(f"{line}: {len(row)} fields: expected {len(_COLUMNS)} ({', '.join(_COLUMNS)}; "
                             "quote a source that holds a comma)")
        series, year_text, value_text, unit, source = (cell.strip() for cell in row)
        if not re.fullmatch(r"[a-z][a-z0-9_]*", series):
            raise ValueError(f"{line}: series = {series!r}: expected a name in lower case, digits and _ (e.g. hours_coal)")
        year = int(year_text) if re.fullmatch(r"\d{4}", year_text) else None
        if year is None or not _kernel.MIN_YEAR <= year <= _kernel.MAX_YEAR:
            raise ValueError(f"{line}: {series}: year = {year_text!r}: expected a year in "
                             f"{_kernel.MIN_YEAR}-{_kernel.MAX_YEAR}")
        try:
            raw = float(value_text)
        except ValueError:
            raw = math.nan
        try:
            value, kernel_unit = _convert(raw, unit)
        except ValueError as exc:
            raise ValueError(f"{line}: {series} {year}: {exc}") from None
        # a level (TWh, GW, h, people) is never negative; a growth rate in % may be
        if not math.isfinite(raw) or (raw < 0 and kernel_unit != "fraction"):
            raise ValueError(f"{line}: {series} {year}: value = {value_text!r}: expected a finite number"
                             f"{'' if kernel_unit == 'fraction' else ' >= 0'} in {unit}")
        if not source:
            raise ValueError(f"{line}: {series} {year}: source is empty: expected where the value was published")
        key = (series, year)
        if key in out:
            raise ValueError(f"{line}: {series} {year} is given twice (also {lines[key]}): expected one row per series and year")
        if series in units_of and units_of[series][0] != kernel_unit:
            first_unit, first_line = units_of[series]
            raise ValueError(f"{line}: {series} {year}: unit = {unit!r} is in {kernel_unit}, but the series is in "
                             f"{first_unit} ({first_line}): expected one kind of unit per series")
        units_of.setdefault(series, (kernel_unit, line))
        out[key] = Actual(series, year, value, kernel_unit, source, raw, unit)
        lines[key] = line


def _key(series: str, year: int) -> tuple[str, int]:
    """The table key of (series, year), refusing what could never be one (the checks of `get` and `has`)."""
    if not isinstance(series, str):  # a list raised "unhashable type", naming neither the argument nor the value
        raise TypeError(f"series = {series!r}: expected the name of an actual series as text (e.g. 'hours_coal')")
    whole = _whole(year)  # "2024" found nothing, yet 2024 was listed; 2024.0 (a worksheet's year) is 2024
    if whole is None:
        raise ValueError(f"year = {year!r}: expected a year as a whole number (such as 2024)")
    return series, whole


def line_of(series: str, year: int) -> str | None:
    """The data file and line `series` in `year` was read from ('…/china_power_actuals.csv:78'), or None."""
    return _read()[2].get((series, year))


def get(series: str, year: int) -> Actual:
    """The actual of `series` in `year`; ValueError naming both if there is none."""
    key = _key(series, year)
    found = table().get(key)
    if found is None:
        years = sorted(y for s, y in table() if s == series)
        if not years:
            raise ValueError(f"actual series '{series}' does not exist in the packaged actuals{_near(series, key[1])}")
        raise ValueError(f"actual series '{series}' has no value for {key[1]}: it has {', '.join(map(str, years))}"
                         f"{_near(series, key[1])}")
    return found


def _near(series: str, year: int) -> str:
    """A misspelt series in a data file is a series of its own, which nothing reads: when a series lacks
    a year, name a series one slip away (a letter added, dropped, changed or two swapped) that has it,
    in the same kind of unit: where the maintainer's row went."""
    unit = next((a.unit for a in table().values() if a.series == series), None)
    close = sorted(a.series for (s, y), a in table().items() if y == year and unit in (None, a.unit) and _one_slip(s, series))
    if not close:
        return ""
    return f" ({close[0]} has {year}, {_read()[2][(close[0], year)]}: a misspelt series name?)"


def _one_slip(a: str, b: str) -> bool:
    """Whether a and b differ by one letter added, dropped or changed, or two adjacent letters swapped
    (hour_coal, hours_coal; not capacity_coal, capacity_total, two apart)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    head = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    if len(a) != len(b):
        return (a[head:] if len(a) < len(b) else a[head + 1:]) == (b[head + 1:] if len(a) < len(b) else b[head:])
    return a[head + 1:] == b[head + 1:] or (a[head:head + 2] == b[head:head + 2][::-1] and a[head + 2:] == b[head + 2:])


def unit_of(series: str) -> str:
    """The kernel unit of an actual series; ValueError if the series does not exist."""
    for (name, _), actual in table().items():
        if name == series:
            return actual.unit
    raise ValueError(f"actual series '{series}' does not exist in the packaged actuals")


def has(series: str, year: int) -> bool:
    """Whether `series` has an actual in `year`. Arguments are checked as `get` checks them ("2024" and
    2024.5 are refused, not answered False): False means only that there is no such value."""
    return _key(series, year) in table()


def vintage() -> str:
    """The latest year with any actual: the data vintage (some series reach it, not all; `digest`
    tells one edition of the data from another)."""
    return str(max(year for _, year in table()))


def digest() -> str:
    """SHA-256 over the data files' own digests (`files`): changes with any row of any file."""
    return hashlib.sha256("".join(f"{f['path']} {f['sha256']}\n" for f in files()).encode()).hexdigest()
