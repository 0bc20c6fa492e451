"""Scenario files: every assumption with its value, unit and source.

A scenario is a TOML file. Its ``[scenario]`` table names it and optionally a
``parent`` (a shipped scenario such as ``base`` or ``ai``, or another file);
every other leaf is an assumption written as an inline table::

    ev_tertiary_share = { value = 0.44, unit = "fraction", source = "seed 1 [22]" }
    start = { actual = "capacity_coal", source = "data file" }   # packaged actual at the base year
    segments = [ { method = "growth", years = [2025, 2030], rate = 0.05, unit = "fraction/yr", source = "..." } ]

A child overrides any subset of its parent's assumptions; lists (segments)
are replaced whole. The shipped calculators' defaults (``calculators.toml``)
sit under every scenario. The set of valid keys, their types and units is the
set the shipped files define: an unknown key, a wrong type or an
incompatible unit is a `ScenarioError` (a ValueError) naming file, line and key.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import math
import os
import re
import reprlib
import stat
import sys
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

from . import _kernel, actuals, units
from . import uncertainty as _uncertainty

SHIPPED = ("base", "ai", "ai_ranges")
_ROOT_FILES = ("calculators.toml", "base.toml")  # define the valid keys; calculators.toml is optional
_META = "scenario"
_META_FIELDS = ("name", "description", "parent")
_MAX_PARENTS = 16


class ScenarioError(ValueError):
    """A scenario file or override that cannot be used; says where and why."""


@dataclass(frozen=True)
class Assumption:
    key: str  # dotted path, e.g. "demand.ev_tertiary_share"
    value: Any  # number, string, list of numbers, or list of segment tables
    unit: str
    source: str
    origin: str  # file:line (or "override") it was last set in
    uncertainty: Any = None  # a distribution table (see uncertainty.py) when the value is uncertain
    item_origins: tuple[str, ...] = ()  # file:line of each table in a list of segments, where known
    # an override's number without a unit, read in the model's unit: the unit the scenario wrote it in
    # where that differs (so a refusal can say why 29 is not 29%)
    bare_number_file_unit: str = ""
    # the year a number given as a start value is of (`year = 2024`), so that a run starting from
    # another year says it reads the number as that year's
    year: int | None = None

    def item_origin(self, index: int) -> str:
        """Where item `index` of a list of segments was written (its own line), else where the list was."""
        return self.item_origins[index] if 0 <= index < len(self.item_origins) else self.origin

    @property
    def is_actual(self) -> bool:
        return isinstance(self.value, dict) and "actual" in self.value

    def in_file_unit(self) -> str:
        """A number given without a unit, as the text that gives it in the unit the scenario writes it
        in: "'2880 yi kWh'", "'28%'" (for a message saying how to mean that)."""
        space = "" if self.bare_number_file_unit == "%" else " "
        return f"'{self.value:g}{space}{self.bare_number_file_unit}'"


def dotted_key(key: str) -> str:
    """An assumption key as written in an override: '__' stands for '.' (a keyword argument has no dots)."""
    if not isinstance(key, str):  # 5 or None reached str.replace as an AttributeError
        raise ScenarioError(f"override key {key!r}: expected an assumption key as text (e.g. 'renewables.target_share')")
    return key.replace("__", ".")


def combined_overrides(overrides: Mapping[str, Any] | None, base_year: int | None = None,
                       keywords: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """`overrides`, keyword overrides and `base_year` as one dict (keys as written). A key set twice,
    in two of them or in one as both 'a.b' and 'a__b', is refused naming both: one would quietly win."""
    if overrides is None:
        overrides = {}
    if not isinstance(overrides, Mapping):  # "x" failed as "'str' object is not a mapping"
        raise ScenarioError(f"overrides = {_shown(overrides)}: expected a mapping of assumption keys to values "
                            f"(e.g. {{'renewables.target_share': 0.3}}), got {type(overrides).__name__}")
    given = [("overrides", overrides), ("keyword argument", keywords or {})]
    if base_year is not None:
        # a year, not text: "2025 year" ran (read as an override's number with its unit), "2025" was refused
        # in the words of an override's unit
        if isinstance(base_year, (bool, np.bool_)) or not isinstance(base_year, (int, np.integer, float, np.floating)) \
                or not math.isfinite(base_year) or base_year != int(base_year):
            raise ScenarioError(f"base_year = {_shown(base_year)}: expected a year as a whole number (such as 2025)")
        given.append(("base_year", {"horizon.base_year": base_year}))
    out: dict[str, Any] = {}
    seen: dict[str, str] = {}  # dotted key -> how it was set
    for where, mapping in given:
        for raw_key, value in mapping.items():
            key = dotted_key(raw_key)
            label = "base_year" if where == "base_year" else f"{where} '{raw_key}'"
            if key in seen:
                raise ScenarioError(f"{seen[key]} and {label} both set {key}; expected it set once")
            seen[key] = label
            out[raw_key] = value
    return out


def _shown(value: Any) -> str:
    return reprlib.repr(value)


def _beyond_float(value: Any, path: str = "") -> str | None:
    """Where in a value (a number, list or table: an override, or a whole parsed file) an int lies beyond a
    float's range, or None: 10**400 became an OverflowError deep in the checks."""
    if isinstance(value, int) and not isinstance(value, bool):
        return path if abs(value) > sys.float_info.max else None
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        found = _beyond_float(v, f"{path}.{k}" if isinstance(k, str) else f"{path}[{k}]")
        if found is not None:
            return found
    return None


def _is_leaf(node: Any) -> bool:
    if isinstance(node, dict):  # a distribution without a point value is a leaf too: its centre is the point
        # {low, high} alone is a range (a uniform distribution) too, as a segment's field takes it; a
        # section with assumptions named low and high holds tables there, not numbers
        return "value" in node or "actual" in node or "dist" in node or (
            {"low", "high"} <= set(node) and not isinstance(node["low"], dict) and not isinstance(node["high"], dict))
    return isinstance(node, list)


def _shipped_path(name: str) -> Path:
    return Path(str(resources.files("aipower.scenarios").joinpath(f"{name}.toml")))


def _as_path(text: str, relative_to: Path | None) -> Path:
    """`text` as a path: '~/my.toml' expanded, as the command line and the worksheets read it; a
    relative one from the folder of the file `relative_to` (a parent named in a scenario file)."""
    path = Path(text)
    if text.startswith("~"):
        try:
            path = path.expanduser()
        except RuntimeError:  # no home folder to expand to: looked up as written, and named so
            pass
    if relative_to is not None and not path.is_absolute():
        path = relative_to.parent / path
    return path


def shipped_name(text: str | Path, relative_to: Path | None = None) -> str | None:
    """The shipped scenario `text` names, or None: the name itself, or in any case and with spaces
    around it ('AI' typed in a cell) where no file of that name exists (a folder 'AI' is no file)."""
    text = os.fspath(text)  # a Path crashed workbooks.build ("no attribute 'startswith'")
    if text in SHIPPED:
        return text
    path = _as_path(text, relative_to)
    name = text.strip().lower()
    return name if name in SHIPPED and not path.is_file() else None


def _resolve_path(name_or_path: str | Path, relative_to: Path | None = None) -> Path:
    if not isinstance(name_or_path, (str, os.PathLike)):  # str(None) read as a file named 'None'
        raise ScenarioError(f"scenario = {name_or_path!r}: expected one of {', '.join(SHIPPED)} or a path to a .toml "
                            f"file{'' if isinstance(name_or_path, Scenario) else ' (or, where a result is computed, a loaded Scenario)'}")
    text = str(name_or_path)
    if not text.strip():  # Path("") is the current folder: it read as "Is a directory"
        raise ScenarioError(f"scenario name is empty: expected one of {', '.join(SHIPPED)} or a path to a .toml file")
    name = shipped_name(text, relative_to)
    if name is not None:
        return _shipped_path(name)
    path = _as_path(text, relative_to)
    try:
        is_dir, exists = path.is_dir(), path.exists()
    except OSError as exc:  # a name the system cannot look up (too long, say): not a file
        shown = text if len(text) <= 120 else text[:100] + f"… ({len(text):,} characters)"
        raise ScenarioError(f"scenario '{shown}': not a file name this system can look up ({exc.strerror}); expected one "
                            f"of {', '.join(SHIPPED)} or a path to a .toml file") from None
    if is_dir:
        raise ScenarioError(f"scenario '{text}': {path.resolve()} is a folder; expected a scenario .toml file "
                            f"or one of {', '.join(SHIPPED)}")
    if not exists:
        # Excel's Python process starts in a folder xlwings does not set: say which one was searched
        where = f" in {_absolute(path.parent)}" if not Path(text).is_absolute() else ""
        raise ScenarioError(
            f"scenario '{text}': no such file{where}, and not a shipped scenario "
            f"(expected one of {', '.join(SHIPPED)} or a path to a .toml file)"
        )
    return path


def _absolute(path: Path) -> str:
    """`path` resolved, for a message; as given (made absolute) where it cannot be: a symbolic link
    loop raised RuntimeError, a traceback from the command line."""
    try:
        return str(path.resolve())
    except (OSError, RuntimeError):
        return os.path.abspath(path)


_HEADER = re.compile(r"^\s*\[\s*([^\[\]\s][^\[\]]*?)\s*\]\s*(#.*)?$")
_ARRAY_HEADER = re.compile(r"^\s*\[\[\s*([^\[\]\s][^\[\]]*?)\s*\]\]\s*(#.*)?$")  # [[segments]]: one per item


def _dotted(name: str) -> str:
    """A header's dotted name without the spaces TOML allows around its dots ('a . b' → 'a.b')."""
    return re.sub(r"\s*\.\s*", ".", name)


@lru_cache(maxsize=4)
def _toml_lines(text: str) -> tuple[list[str], dict[str, int], dict[str, list[int]]]:
    """A TOML text's lines, the line index of each [table] header (its first) and of each [[array of
    tables]] item's header, found once per text: looking them up per key made loading a long file
    quadratic in its length."""
    lines = text.splitlines()
    headers: dict[str, int] = {}
    arrays: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        m = _HEADER.match(line)
        if m:
            headers.setdefault(_dotted(m.group(1)), i)
        m = _ARRAY_HEADER.match(line)
        if m:
            arrays.setdefault(_dotted(m.group(1)), []).append(i)
    return lines, headers, arrays


def _line_of(text: str, key: str) -> int:
    """Best-effort line number of a dotted key in a TOML text (1 if not found)."""
    parts = key.split(".")
    lines, headers, arrays = _toml_lines(text)
    if key in arrays:  # an array of tables: its first item's header
        return arrays[key][0] + 1
    if key in headers:  # a standard table, [renewables.target_share] with value, unit, source inside
        return headers[key] + 1
    # Look for a [table] header matching a prefix, then the remaining key inside it.
    for cut in range(len(parts) - 1, -1, -1):
        table, rest = parts[:cut], parts[cut:]
        start = 0
        if table:
            if ".".join(table) not in headers:
                continue
            start = headers[".".join(table)] + 1
        # `key =`, or a dotted key inside it: `target_share.value = ...`
        pattern = re.compile(r"^\s*" + r"\s*\.\s*".join(map(re.escape, rest)) + r"\s*[=.]")
        for i in range(start, len(lines)):
            if i > start and table and lines[i].lstrip().startswith("["):
                break
            if pattern.match(lines[i]):
                return i + 1
        if table:
            return start  # the table header
    return 1


def _item_lines(text: str, line: int) -> list[int]:
    """Best-effort line numbers of the items of the array that starts on `line` (1-based) after its
    '=': brackets, strings and comments followed, so an item is found wherever its own line is."""
    lines, _, arrays = _toml_lines(text)
    header = _ARRAY_HEADER.match(lines[line - 1]) if 0 < line <= len(lines) else None
    if header:  # [[key]] items: their headers
        return [i + 1 for i in arrays[_dotted(header.group(1))]]
    if not 0 < line <= len(lines) or "=" not in lines[line - 1]:
        return []
    first = lines[line - 1].split("=", 1)[1]
    if not first.lstrip().startswith("["):
        return []
    found: list[int] = []
    depth, quote, fresh = 0, "", True
    for n in range(line, len(lines) + 1):
        row = first if n == line else lines[n - 1]
        i = 0
        while i < len(row):
            c = row[i]
            if quote:
                if c == "\\" and quote[0] == '"':
                    i += 1  # an escaped character, a quote among them
                elif row.startswith(quote, i):
                    i += len(quote) - 1
                    quote = ""
            elif c == "#":
                break
            elif c in "\"'":
                quote = c * 3 if row.startswith(c * 3, i) else c
                i += len(quote) - 1
            elif c in "[{":
                if depth == 1 and fresh:
                    found.append(n)
                    fresh = False
                depth += 1
            elif c in "]}":
                depth -= 1
                if depth == 0:
                    return found
            elif c == "," and depth == 1:
                fresh = True
            elif depth == 1 and fresh and not c.isspace():
                found.append(n)
                fresh = False
            i += 1
    return found


#: Fields of an assumption's table in a scenario file.
_LEAF_FIELDS = ("value", "unit", "source", "actual", "year_offset", "less", "choices", "year", *_uncertainty.FIELDS)
_MAX_FILE_BYTES = 16 * 2**20  # the shipped scenarios are a few KiB; a device or a wrong file is not read whole


# what a pipe or terminal given as a scenario (`--scenario /dev/stdin`) held, by path: it can be read
# only once, and a scenario is read more than once (its parents' chain, then its assumptions; a
# command loads it for its checks and again for its run)
_STREAMS: dict[str, bytes] = {}


def _read_bytes(path: Path) -> bytes:
    if _named_pipe(path):
        # opening a FIFO waits for a writer, for ever if none comes: refused rather than hung
        raise ScenarioError(f"{path}: a named pipe (FIFO): expected a scenario file; to pipe a scenario in, "
                            "give --scenario /dev/stdin")
    with open(path, "rb") as fh:
        if stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return fh.read(_MAX_FILE_BYTES + 1)
        key = str(path)
        if key not in _STREAMS:
            _STREAMS[key] = fh.read(_MAX_FILE_BYTES + 1)
        return _STREAMS[key]


def _named_pipe(path: Path) -> bool:
    """A FIFO made in a folder (mkfifo), not a pipe the shell hands over (/dev/stdin, /dev/fd/63 of
    `<(…)`), which has its writer already. Only those names count as the shell's: a FIFO made in
    /dev/shm (which anyone may write to), or named /dev/../tmp/x, hung the command."""
    try:
        if not stat.S_ISFIFO(os.stat(path).st_mode):
            return False
    except OSError:
        return False  # open() says why
    return not _SHELL_STREAM.fullmatch(str(path))


_SHELL_STREAM = re.compile(r"/dev/stdin|/dev/fd/\d+|/proc/(?:self|\d+)/fd/\d+")


def _parse(path: Path) -> tuple[dict[str, Any], str]:
    try:
        raw = _read_bytes(path)
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read scenario file: {exc.strerror}") from None
    if len(raw) > _MAX_FILE_BYTES:
        raise ScenarioError(f"{path}: more than {_MAX_FILE_BYTES // 2**20} MiB: expected a TOML scenario file")
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark, as Notepad saves UTF-8, is no statement
    except UnicodeDecodeError as exc:
        raise ScenarioError(f"{path}: not UTF-8 text (byte {exc.start}); expected a TOML scenario file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioError(f"{path}: malformed TOML: {exc}") from None
    except RecursionError:  # tomllib parses nested arrays and tables recursively
        raise ScenarioError(f"{path}: malformed TOML: nested too deeply for a scenario file") from None
    if not data:  # an empty file (or /dev/null) would quietly be the defaults under its own name
        raise ScenarioError(f"{path}: empty: expected a TOML scenario file, e.g. [scenario] with parent = \"base\" "
                            "and the assumptions it changes")
    try:
        where = _beyond_float(data)
    except RecursionError:  # as deep as tomllib itself can parse
        raise ScenarioError(f"{path}: malformed TOML: nested too deeply for a scenario file") from None
    if where is not None:  # TOML integers have no size limit: every later check's float() raised OverflowError
        key, value = where.lstrip("."), _at(data, where)
        plain = re.sub(r"\[\d+\]", "", key)  # the line of the key, or of its table: { value = ... } inline
        line = max(_line_of(text, k) for k in (plain, plain.rsplit(".", 1)[0]))
        raise ScenarioError(f"{path}:{line}: {key} = {_shown(value)}: expected a number within a float's range "
                            f"(±1.8e308)")
    return data, text


def _leaves(node: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        if _is_leaf(value):
            yield path, value
        elif isinstance(value, dict):
            yield from _leaves(value, path)
        else:
            yield path, value  # a bare value: rejected by validation


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        if value and all(isinstance(v, dict) for v in value):
            return "list of segments"
        return "list of numbers" if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in value) else "list"
    if isinstance(value, dict):
        return "actual"
    return type(value).__name__


class Scenario:
    """A loaded scenario: the merged assumptions of a file and its parents."""

    def __init__(self, name: str, description: str, files: list[str], assumptions: dict[str, Assumption],
                 digests: Mapping[str, str] | None = None):
        self.name = name
        self.description = description
        self.files = files  # from the root defaults to the file loaded
        self._assumptions = assumptions
        self._digests = dict(digests or {})  # each file's SHA-256 as loaded

    def __repr__(self) -> str:
        # what tells two scenarios of one name apart in a notebook: a base year set, and overrides
        n = sum(1 for a in self._assumptions.values() if a.origin == "override" and a.key != "horizon.base_year")
        year = self._assumptions.get("horizon.base_year")
        said = [f"base_year={self.base_year}"] if year is not None and year.origin == "override" else []
        said += [f"{n} override{'s' if n != 1 else ''}"] if n else []
        return f"Scenario({self.name!r}, {len(self._assumptions)} assumptions{''.join(', ' + x for x in said)})"

    def keys(self) -> list[str]:
        return list(self._assumptions)

    def __contains__(self, key: str) -> bool:
        return key in self._assumptions

    def assumption(self, key: str) -> Assumption:
        """One assumption; its value is a copy (a segment list read, edited and passed to
        `with_overrides` must leave this scenario, and those sharing its assumptions, as they were)."""
        try:
            a = self._assumptions[key]
        except KeyError:
            raise ScenarioError(f"scenario '{self.name}': unknown assumption '{key}'{_suggest(key, self._assumptions)}") from None
        if isinstance(a.value, (list, dict)) or a.uncertainty is not None:
            a = replace(a, value=copy.deepcopy(a.value), uncertainty=copy.deepcopy(a.uncertainty))
        return a

    def get(self, key: str, default: Any = ...) -> Any:
        """The value of an assumption in the model's unit (actuals resolved where the model reads them:
        `start_year`)."""
        if key not in self._assumptions and default is not ...:
            return default
        a = self.assumption(key)
        if a.is_actual:
            return self.listed_actual(key)[0]
        if isinstance(a.value, (int, float)) and not isinstance(a.value, bool):
            return units.to_model_unit(float(a.value), a.unit)[0]
        if isinstance(a.value, list) and a.value and all(isinstance(v, (int, float)) for v in a.value):
            return [units.to_model_unit(float(v), a.unit)[0] for v in a.value]
        return a.value

    def start_year(self, base_year: int | None = None) -> int | None:
        """The model's first year for a base year (default: the scenario's): the last year up to it
        with actual coal hours, on which the loss factor is calibrated and where every start value is
        read (the base year itself when coal hours are given as a number); None if there is none."""
        base_year = self.base_year if base_year is None else base_year
        coal_hours = self.assumption("calibration.coal_hours")
        if not coal_hours.is_actual:
            return base_year
        series = coal_hours.value["actual"]
        known = [y for s, y in actuals.table() if s == series and y <= base_year]
        return max(known) if known else None

    def _pinned_years(self, a: Assumption, start: int) -> list[int]:
        """Years after `start`, up to the base year, that the model takes from an actual start value's
        series (`_build.anchors`: the start values of the demand rows, sector totals, population and
        capacities), where the series has them."""
        anchored = (a.key.startswith(("demand.", "supply.")) and a.key.endswith((".start", ".sector_total"))
                    and "year_offset" not in a.value)
        years = []
        for year in range(start + 1, self.base_year + 1) if anchored else ():
            try:
                resolve_actual(a, year)
            except ValueError:
                continue
            years.append(year)
        return years

    def listed_actual(self, key: str) -> tuple[float, str]:
        """An actual's value for a listing (``aipower params``, AIP_PARAMS) and where it comes from:
        the series in `start_year`, where the model reads it (so the number, given as an override,
        means the same), or, when the series has no value for it, at the latest year before."""
        a = self.assumption(key)
        series, offset = a.value["actual"], int(a.value.get("year_offset", 0))
        start = self.start_year()
        start = self.base_year if start is None else start
        later = ""
        if start < self.base_year:  # a number in its place can mean less than the reference: say what
            later = f" (base year {self.base_year} starts from {start}, the last year with actual coal hours"
            if key == "calibration.coal_hours":
                later += (f"; a number here calibrates on {self.base_year} instead, where every actual start "
                          "value must then exist")
            elif pinned := self._pinned_years(a, start):
                later += (f"; {', '.join(map(str, pinned))} also from the series, which a number here would "
                          "project instead")
            later += ")"
        try:
            return resolve_actual(a, start).value, f"actual '{series}' at {start + offset}{later}"
        except ValueError as missing:
            for year in range(start - 1, start - 51, -1):  # actuals span decades at most
                try:
                    value = resolve_actual(a, year).value
                except ValueError:
                    continue
                return value, (f"actual '{series}' at {year + offset} (none yet for {start + offset}: "
                               "the model projects it from there)")
            raise missing from None

    @property
    def base_year(self) -> int:
        return int(self._assumptions["horizon.base_year"].value)

    def assumptions(self) -> list[Assumption]:
        """Every assumption, each as `assumption` gives it: a segment list edited from here leaves this
        scenario, and those sharing its assumptions, as they were."""
        return [self.assumption(key) for key in self._assumptions]

    def _read_only(self) -> list[Assumption]:
        """The assumptions themselves, not copies: for the package's own reading on every build (copying
        each segment list was a fifth of a run), never to hand out."""
        return list(self._assumptions.values())

    def with_overrides(self, overrides: Mapping[str, Any]) -> Scenario:
        """A copy with assumptions replaced; keys are dotted (or use '__' for '.')."""
        merged = dict(self._assumptions)
        for raw_key, value in combined_overrides(overrides).items():
            key = dotted_key(raw_key)
            if key not in merged:
                raise ScenarioError(f"override '{_shown_key(raw_key)}': unknown assumption{_suggest(key, merged)}")
            if hasattr(value, "index") and hasattr(value, "to_numpy"):  # pandas: its labels would be dropped
                raise ScenarioError(f"override '{raw_key}': a pandas {type(value).__name__} of {len(value)} rows: "
                                    "expected a number or a list of numbers, one per model year in order "
                                    "(e.g. series.tolist() after checking its years)")
            try:
                # numpy's numbers and arrays as Python's, inside tables and segment lists too; a copy of the
                # caller's own lists and tables, which it may go on editing
                value = _plain(value, f"override '{raw_key}'")
                where = _beyond_float(value)
            except RecursionError:
                raise ScenarioError(f"override '{raw_key}': nested too deeply; expected a number, list or table") from None
            if where is not None:
                field = where.lstrip(".")
                raise ScenarioError(f"override '{raw_key}'{': ' + field if field else ''} = {_shown(_at(value, where))}: "
                                    "expected a number within a float's range (±1.8e308)")
            numeric = _kind(merged[key].value) in _NUMERIC
            try:
                with_unit = _number_with_unit(value, merged[key].unit) if numeric else None
            except ValueError as exc:  # '2.880 亿kWh'
                raise ScenarioError(f"override '{raw_key}' = {exc}") from None
            if with_unit is not None:  # '1172 亿kWh': the unit said
                value = {"value": with_unit[0], "unit": with_unit[1]}
            node: Any = value if isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict)) else {"value": value}
            file_unit = merged[key].unit
            bare = numeric and isinstance(node, dict) and "unit" not in node and "actual" not in node
            if bare:
                # A number without a unit is in the model's unit, the unit of results, of get() and of the
                # sweeps and worksheets: read in the file's, 288 (TWh, from get()) for an assumption written
                # in 亿kWh would run as 28.8 TWh.
                node = {**node, "unit": units.model_unit(file_unit)}
            merged[key] = _make_assumption(key, node, merged[key], "override", is_root=False)
            if bare and node["unit"] != file_unit:
                merged[key] = replace(merged[key], bare_number_file_unit=file_unit)
        return Scenario(self.name, self.description, self.files, merged, self._digests)

    def provenance(self) -> dict[str, Any]:
        """What a result of this scenario came from, for the files written with it: the scenario's
        name, base year, the files read (a shipped one by its place in the package, each with the
        SHA-256 of its bytes as loaded), every assumption an override set, in its unit, and every
        assumption the run read (value, unit, where it was set, its distribution if uncertain): a file
        edited or lost since, or one of the same name as a shipped scenario, still shows what ran."""
        return {
            "name": self.name,
            "base_year": self.base_year,
            "files": [{"path": shown_paths(f), "sha256": self._digests.get(f)} for f in self.files],
            "overrides": {a.key: {"value": a.value, "unit": a.unit} for a in self._assumptions.values()
                          if a.origin == "override"},
            "assumptions": {a.key: {"value": a.value, "unit": a.unit, "set_in": shown_paths(a.origin),
                                    **({"uncertainty": a.uncertainty} if a.uncertainty is not None else {})}
                            for a in self._assumptions.values()},
        }


def result_provenance(scenario: Scenario) -> dict[str, Any]:
    """What a written result came from: the package, kernel and data versions (`aipower.version_info`),
    the data files read (each with its SHA-256) and the scenario (`Scenario.provenance`);
    `tables.json` and `sweep.json` hold it."""
    from . import version_info

    return {"aipower": version_info(), "data": actuals.files(), "scenario": scenario.provenance()}


def shown_paths(text: str) -> str:
    """`text` as written into results: the package's own files (its shipped scenarios) by their place
    in the package, no machine path in a file that travels; a user's own file keeps the path given."""
    for folder in _PACKAGE_DIRS:  # with / on every platform: the same provenance from colleagues' machines
        text = re.sub(re.escape(folder) + r"([^\s:'\"()]*)", lambda m: "aipower/" + m.group(1).replace(os.sep, "/"), text)
    return text


# The package's folder as the files were named: resolved, and as reached (a symlinked environment, a
# mapped drive), the longer first
_PACKAGE_DIRS = sorted({str(folder) + os.sep for folder in (Path(__file__).resolve().parent, Path(os.path.abspath(__file__)).parent,
                                                          Path(str(resources.files("aipower.scenarios").joinpath("base.toml"))).parent.parent)},
                       key=len, reverse=True)

_NUMERIC = ("number", "actual", "list of numbers")  # kinds of assumption a number overrides

_WITH_UNIT = re.compile(r"\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*(\S.*?)\s*")
_COMMA_WITH_UNIT = re.compile(r"\s*([-+]?\d{1,3}(?:,\d{3})+(?:\.\d+)?)\s*(\S.*?)\s*")  # '3,000 亿kWh'
# A decimal comma no thousands separator could be ('35,5 %', '1,5'): one comma, not before exactly three digits
_DECIMAL_COMMA = re.compile(r"\s*([-+]?\d+,(?!\d{3}(?!\d))\d+)\s*(\S.*?)?\s*")


# A number with a dot before exactly three digits: 2.880 is 2880 where a dot separates thousands
_DOT_THOUSANDS = r"[1-9]\d{0,2}\.\d{3}"


def unambiguous_text(value: Any) -> str:
    """`value` as `aipower params` prints it, so that the text carried back as an override with its unit
    is read as this number: 1.275 as '1.2750', which a dot-thousands locale cannot read as 1275."""
    if isinstance(value, list):
        return "[" + ", ".join(unambiguous_text(v) for v in value) + "]"
    text = repr(value)
    return text + "0" if isinstance(value, float) and re.fullmatch(_DOT_THOUSANDS, text.lstrip("-")) else text


def _number_with_unit(value: Any, own_unit: str) -> tuple[float, str] | None:
    """A number with a unit written as text ('1172 亿kWh', '28%'), else None: a unit the model
    converts, or the assumption's own (RMB/kWh)."""
    found = _WITH_UNIT.fullmatch(value) if isinstance(value, str) else None
    unit = (own_unit if units.same_spelling(found.group(2), own_unit) else units.known_unit(found.group(2))) if found else None
    if found and unit and re.fullmatch(_DOT_THOUSANDS, found.group(1)):
        # '2.880 亿kWh' is 2880 where a dot separates thousands (German, Italian), 2.88 elsewhere: 1000× apart
        whole = found.group(1).replace(".", "")
        raise ValueError(f"'{value}': {found.group(1)} has a dot before exactly three digits, a thousands separator "
                         f"in some locales and a decimal point in others; expected {whole} for {int(whole):,}, or "
                         f"{found.group(1)}0 for the decimal")
    comma = _COMMA_WITH_UNIT.fullmatch(value) if isinstance(value, str) else None
    if comma and (units.same_spelling(comma.group(2), own_unit) or units.known_unit(comma.group(2)) is not None):
        # '3,000 亿kWh': 3000 with a thousands comma, 3.0 with a decimal comma (German, French)
        plain = comma.group(1).replace(",", "")
        raise ValueError(f"'{value}': {comma.group(1)} has a comma, a thousands separator in some locales and a "
                         f"decimal comma in others; expected {plain}, with no separator")
    decimal = _DECIMAL_COMMA.fullmatch(value) if isinstance(value, str) else None
    if decimal and (not decimal.group(2) or units.same_spelling(decimal.group(2), own_unit)
                    or units.known_unit(decimal.group(2)) is not None):
        # '35,5 %' (German, French): the comma can only be a decimal one, so the message can say so
        point = decimal.group(1).replace(",", ".")
        raise ValueError(f"'{value}': {decimal.group(1)} has a decimal comma; expected a decimal point: "
                         f"'{point}{' ' + decimal.group(2) if decimal.group(2) else ''}'")
    if unit in ("%", "fraction") and units.model_unit(own_unit) == "fraction/yr":  # '5%' for a growth rate: per year
        unit += "/yr"
    return (float(found.group(1)), unit) if found and unit else None


def _plain(value: Any, where: str) -> Any:
    """A copy of `value` with numpy's numbers and arrays as Python's (wherever they are nested); a date,
    time span or complex number, which numpy would read as a number, is refused."""
    if value is np.ma.masked or isinstance(value, np.ma.MaskedArray) and np.ma.is_masked(value):
        raise ScenarioError(f"{where} = {reprlib.repr(value)}: expected a number, got a masked value (it has none)")
    if isinstance(value, dict):
        return {k: _plain(v, f"{where}: {k}") for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, where) for v in value]
    if isinstance(value, np.ndarray):
        return [_plain(v, where) for v in value] if value.ndim else _plain(value[()], where)
    kind = {np.timedelta64: "a time span", np.datetime64: "a date", np.complexfloating: "a complex number",
            complex: "a complex number"}
    for numpy_type, what in kind.items():
        if isinstance(value, numpy_type):
            raise ScenarioError(f"{where} = {value!r}: expected a number, got {what}")
    if isinstance(value, np.generic):
        item = value.item()
        return float(item) if isinstance(item, np.floating) else item  # a long double stays one in .item()
    if isinstance(value, (str, int, float, bool, type(None))):
        return value
    try:
        return copy.deepcopy(value)
    except Exception:  # a generator, a lock, an open file: no value a scenario holds (TypeError: cannot pickle)
        raise ScenarioError(f"{where} = {reprlib.repr(value)}: expected a number, text, list or table, got "
                            f"{type(value).__name__}") from None


def _at(value: Any, path: str) -> Any:
    """The item of `value` at a path of _beyond_float ('.sd', '[0].rate')."""
    for name, index in re.findall(r"\.([^.\[]+)|\[(\d+)\]", path):
        value = value[name] if name else value[int(index)]
    return value


_KEY_SHOWN = 80  # characters of an unknown key a message quotes: the longest known key has about 50


def _shown_key(key: str) -> str:
    """A key as a message quotes it: a long one cut, so that the reason after it stays in a cell."""
    return key if len(key) <= _KEY_SHOWN else key[:_KEY_SHOWN - 1] + "…"


def _suggest(key: str, known: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(key, list(known), n=1)
    hidden = sorted({c for c in key if c == " " or not c.isprintable()})  # pasted text: a suggestion that looks the same
    said = "; it contains " + ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'a control character')}"
                                         for c in hidden) if hidden else ""
    return f" (did you mean '{close[0]}'?{said})" if close else (f" ({said[2:]})" if said else "")


def resolve_actual(a: Assumption, year: int) -> actuals.Actual:
    """The packaged actual an assumption points to, at `year` (plus `year_offset`)."""
    spec = a.value
    year = year + int(spec.get("year_offset", 0))
    found = actuals.get(spec["actual"], year)
    if "less" in spec:  # e.g. hydro incl. pumped storage less pumped storage
        less = actuals.get(spec["less"], year)
        if less.unit != found.unit:
            raise ScenarioError(f"{a.origin}: {a.key}: cannot subtract {less.unit} from {found.unit}")
        return actuals.Actual(found.series + " - " + less.series, year, found.value - less.value, found.unit,
                              found.source + "; less " + less.source, found.value - less.value, found.unit)
    return found


_SEGMENT_FIELDS = {
    "growth": {"rate"},
    "glide": {"from", "to"},
    "increment": {"value"},
    "pipeline": {"total"},
    "cagr": {"rate", "from_year"},
    "change": {"change", "from_year"},
    "target": {"value"},
}


def _check_segments(key: str, items: list[Any], origins: list[str]) -> None:
    for i, seg in enumerate(items):
        where = f"{origins[i]}: {key}[{i}]"
        if not isinstance(seg, dict):
            raise ScenarioError(f"{where}: expected a table {{ method = ..., years = [first, last], ... }}, got {seg!r}")
        method = seg.get("method")
        if method not in _SEGMENT_FIELDS:
            raise ScenarioError(f"{where}: method = {method!r}: expected one of {', '.join(_SEGMENT_FIELDS)}")
        years = seg.get("years")
        if isinstance(years, list) and any(isinstance(y, float) for y in years):  # 2028.0, as a worksheet or numpy sends it
            years = seg["years"] = [int(y) if isinstance(y, float) and y.is_integer() else y for y in years]
        if not (isinstance(years, list) and len(years) == 2 and all(isinstance(y, int) and not isinstance(y, bool) for y in years)):
            raise ScenarioError(f"{where}: years = {years!r}: expected [first_year, last_year]")
        if not all(_is_year(y) for y in years):  # a huge int reached the kernel's constructor as a TypeError
            raise ScenarioError(f"{where}: years = {years!r}: expected [first_year, last_year], each {_A_YEAR}")
        if years[1] < years[0]:
            raise ScenarioError(f"{where}: years = {years!r}: expected [first_year, last_year] with last_year >= first_year")
        if "unit" not in seg:
            raise ScenarioError(f"{where}: missing 'unit'")
        if not isinstance(seg["unit"], str):
            raise ScenarioError(f"{where}: unit = {_shown(seg['unit'])}: expected a unit as text (e.g. 'fraction/yr', 'TWh')")
        allowed = _SEGMENT_FIELDS[method] | {"method", "years", "unit", "source"}
        for field in seg:
            if field not in allowed:
                raise ScenarioError(f"{where}: unknown field '{field}' for method '{method}' (expected {', '.join(sorted(allowed))})")
        for field in _SEGMENT_FIELDS[method]:
            if field not in seg:
                raise ScenarioError(f"{where}: method '{method}' needs '{field}'")
            v = seg[field]
            if isinstance(v, dict):  # an uncertain field: a distribution table (uncertainty.py)
                if field == "from_year":
                    raise ScenarioError(f"{where}: {field} = {v!r}: expected a year, not a distribution")
                unknown = set(v) - set(_uncertainty.FIELDS) - {"value"}
                if unknown:
                    raise ScenarioError(f"{where}: {field}: unknown field(s) {', '.join(sorted(unknown))} "
                                        f"(expected value, {', '.join(_uncertainty.FIELDS)})")
                try:
                    _uncertainty.check(v)
                except _uncertainty.DistributionError as exc:
                    raise ScenarioError(f"{where}: {field}: {exc}") from None
                continue
            ok = isinstance(v, (int, float)) and not isinstance(v, bool)
            if field == "value" and isinstance(v, list):
                ok = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
            if field == "rate" and method == "growth" and isinstance(v, list):
                ok = all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in v)
            if not ok:
                raise ScenarioError(f"{where}: {field} = {v!r}: expected a number")
            if not all(math.isfinite(x) for x in (v if isinstance(v, list) else [v])):  # inf: "value = inf" at run time
                raise ScenarioError(f"{where}: {field} = {v!r}: expected a finite number")
            if field == "from_year" and not _is_year(v):  # 2025.9 was truncated to 2025, 1e12 a TypeError
                raise ScenarioError(f"{where}: {field} = {v!r}: expected {_A_YEAR}")


# Start values, read in the kernel's first year: the only assumptions an actual reference may stand for.
_START_SUFFIXES = (".start", ".previous_end", ".sector_total")
_START_KEYS = "keys ending in .start, .previous_end or .sector_total, and calibration.*"
_MAX_YEAR_OFFSET = 100


def _takes_actual(key: str, root: Assumption | None) -> bool:
    return root is None or root.is_actual or key.endswith(_START_SUFFIXES) or key.startswith("calibration.")


def _actual_reference(key: str, node: dict[str, Any], root: Assumption | None, origin: str) -> tuple[dict[str, Any], str]:
    """An actual reference { actual, year_offset, less } checked, and the unit of its series. Elsewhere
    than a start value it was used unchecked (coal GW as a PUE), or failed deep inside the model."""
    where = f"{origin}: {key}"
    series = node["actual"]
    extra = sorted(set(node) - {"actual", "year_offset", "less", "unit", "source"})
    if extra:  # a value or distribution next to the actual was silently ignored
        raise ScenarioError(f"{where}: an actual reference takes actual, year_offset, less, unit and source; got "
                            f"{', '.join(extra)} too (the value comes from actual '{series}'): expected one or the other")
    if not _takes_actual(key, root):
        assert root is not None
        raise ScenarioError(f"{where} = {{actual = {series!r}}}: only start values take an actual reference "
                            f"({_START_KEYS}); expected a {_kind(root.value)}")
    names = {"actual": series, **({"less": node["less"]} if "less" in node else {})}
    found: dict[str, str] = {}
    for field, name in names.items():
        if not isinstance(name, str):
            raise ScenarioError(f"{where}: {field} = {_shown(name)}: expected the name of an actual series (text)")
        try:
            found[field] = actuals.unit_of(name)
        except ValueError as exc:
            raise ScenarioError(f"{where}: {exc}") from None
    unit = found["actual"]
    if "less" in found and found["less"] != unit:
        raise ScenarioError(f"{where}: less = '{node['less']}' is in {found['less']}: expected {unit}, as actual '{series}'")
    stated = node.get("unit")
    if stated is not None and (not isinstance(stated, str) or units.model_unit(stated) != unit):
        raise ScenarioError(f"{where}: unit = {_shown(stated)} conflicts with actual '{series}', which is in {unit}")
    if root is not None and units.model_unit(root.unit) != unit:
        raise ScenarioError(f"{where}: actual '{series}' is in {unit}, expected {units.model_unit(root.unit)}")
    value: dict[str, Any] = {k: node[k] for k in ("actual", "year_offset", "less") if k in node}
    if "year_offset" in node:
        offset = node["year_offset"]
        if isinstance(offset, float) and offset.is_integer():  # -1.0 from a worksheet's JSON
            offset = int(offset)
        if isinstance(offset, bool) or not isinstance(offset, int) or abs(offset) > _MAX_YEAR_OFFSET:
            raise ScenarioError(f"{where}: year_offset = {_shown(offset)}: expected a whole number of years from the "
                                f"base year, within ±{_MAX_YEAR_OFFSET} (e.g. -1 for the year before)")
        value["year_offset"] = offset
    return value, unit


def _make_assumption(key: str, node: Any, root: Assumption | None, origin: str, is_root: bool,
                     item_origins: tuple[str, ...] = ()) -> Assumption:
    """Validate one leaf against the root definition of its key; `item_origins`: where each item of a
    list was written, when known."""
    if isinstance(node, list):
        origins = [item_origins[i] if i < len(item_origins) else origin for i in range(len(node))]
        _check_segments(key, node, origins)
        if root is not None and _kind(root.value) != "list of segments":
            raise ScenarioError(f"{origin}: {key}: expected {_kind(root.value)}, got a list of segments")
        return Assumption(key, node, "segments", "; ".join(sorted({str(s.get("source", origin)) for s in node})), origin,
                          item_origins=tuple(origins))
    if not isinstance(node, dict):
        raise ScenarioError(f"{origin}: {key} = {node!r}: expected an inline table {{ value = ..., unit = ..., source = ... }}")
    inner = node.get("value")
    if isinstance(inner, dict) and _uncertainty.is_uncertain(inner) and not _uncertainty.is_uncertain(node):
        # value = { dist = ... }, as a segment's value field is written: the distribution is the leaf's own
        node = {k: v for k, v in node.items() if k != "value"} | inner
    for field in node:
        if field not in _LEAF_FIELDS:
            raise ScenarioError(f"{origin}: {key}: unknown field '{field}' (expected value, unit, source, year, or a "
                                f"distribution's {', '.join(_uncertainty.FIELDS)})")
    value: Any
    if "actual" in node:
        value, unit = _actual_reference(key, node, root, origin)
    elif "year_offset" in node or "less" in node:  # would be ignored without an actual
        raise ScenarioError(f"{origin}: {key}: year_offset and less go with an actual reference "
                            "({ actual = \"series\", ... }); expected no year_offset or less with a value")
    else:
        value = node.get("value")  # None: a distribution's centre, below
        if isinstance(value, dict):  # { value = { actual = ... } } passed as an actual, its unit unchecked
            raise ScenarioError(f"{origin}: {key}: value = {_shown(value)}: expected a number, text or list (an actual "
                                "reference is written { actual = \"series\" }, a distribution { dist = ..., ... })")
        unit = node.get("unit", root.unit if root is not None else "")
        if not isinstance(unit, str):
            raise ScenarioError(f"{origin}: {key}: unit = {_shown(unit)}: expected a unit as text (e.g. 'TWh', '亿kWh', '%')")
    uncertain = None
    if _uncertainty.is_uncertain(node):
        pair = node.get("value")
        is_pair = isinstance(pair, list) and len(pair) == 2 and all(
            isinstance(x, (int, float)) and not isinstance(x, bool) for x in pair)
        if isinstance(pair, (bool, str, list, dict)) and not is_pair:
            raise ScenarioError(f"{origin}: {key}: a distribution or range needs a numeric 'value' (the point value), "
                                "a [low, high] pair, or no value (the distribution's centre)")
        try:
            if is_pair:  # a [low, high] pair (the calculators' cases): a sweep samples one value between them
                spec = {"low": min(pair), "high": max(pair)} | {k: node[k] for k in _uncertainty.FIELDS if k in node}
                uncertain = _uncertainty.check(spec)
            else:
                uncertain = _uncertainty.check(node, point=pair)
        except _uncertainty.DistributionError as exc:
            raise ScenarioError(f"{origin}: {key}: {exc}") from None
        if value is None:
            value = uncertain["value"]
    if is_root and "source" not in node:
        raise ScenarioError(f"{origin}: {key}: every shipped assumption needs a source")
    if "unit" not in node and "actual" not in node and origin != "override" and _kind(value) in ("number", "list of numbers"):
        # a number in a file says its unit, as a segment does: 300 meant as TWh was read as 300 亿kWh
        expected = f" (expected {units.accepted(units.measure(root.unit))})" if root and root.unit else ""
        raise ScenarioError(f"{origin}: {key}: missing 'unit'{expected}")
    if "source" in node and (not isinstance(node["source"], str) or not node["source"].strip()):
        raise ScenarioError(f"{origin}: {key}: source = {_shown(node['source'])}: expected a text saying where the "
                            "value comes from (or no source: the file is then named as the source)")
    numbers: Any = [value] if _kind(value) == "number" else value if _kind(value) == "list of numbers" else []
    if not all(math.isfinite(v) for v in numbers):  # NaN reached the model as a number ("value = nan" at run time)
        what = "fraction" if units.model_unit(unit) == "fraction" else "number"
        raise ScenarioError(f"{origin}: {key} = {value!r}: expected a finite {what}")
    source = node.get("source", f"set in {origin}")
    if root is not None:
        got, want = _kind(value), _kind(root.value)
        interchangeable = {frozenset({"number", "actual"}), frozenset({"number", "list of numbers"})}  # per-year lists
        if got != want and frozenset({got, want}) not in interchangeable:
            hint = (f", or as text a number and one of the units {units.accepted(units.measure(root.unit))}"
                    if origin == "override" and root.unit and got == "string" and want in _NUMERIC else "")
            raise ScenarioError(f"{origin}: {key} = {value!r}: expected {want}{hint}, got {'an empty list' if isinstance(value, list) and not value else got}")
        if got == want == "list of numbers" and len(value) != len(root.value):  # the calculators' case pairs
            raise ScenarioError(f"{origin}: {key} = {value!r}: expected a number or a [low, high] pair, "
                                f"got {len(value)} value{'' if len(value) == 1 else 's'}")
        numeric = ("number", "list of numbers")  # a [low, high] pair or a per-year list has a unit as a number has
        # measured alike: 'GW/yr' sets an assumption in 'GW/yr nameplate', '10%' one in 'fraction of cost'
        if want in numeric and got in numeric and units.measure(unit) != units.measure(root.unit):
            raise ScenarioError(
                f"{origin}: {key}: unit '{unit}' does not match the assumption's: expected "
                f"{units.accepted(units.measure(root.unit))}"
            )
        if got == "number" and want == "actual":
            unit = unit or ""
        if root.unit == "year" and got == "number" and not _is_year(value):
            raise ScenarioError(f"{origin}: {key} = {value!r}: expected {_A_YEAR}")
        choices = root_choices.get(key)
        if choices and value not in choices:
            # 'Fixed' or ' fixed' is 'fixed', as Excel's own lookups ignore case: a worksheet user types it
            same = [c for c in choices if isinstance(value, str) and c.casefold() == value.strip().casefold()]
            if not same:
                raise ScenarioError(f"{origin}: {key} = {value!r}: expected one of {', '.join(map(repr, choices))}")
            value = same[0]
    if is_root and isinstance(value, str) and "choices" in node:
        root_choices[key] = tuple(node["choices"])
    year = node.get("year")
    if year is not None:
        if not key.endswith((".start", ".previous_end", ".sector_total")) or _kind(value) != "number":
            raise ScenarioError(f"{origin}: {key}: year goes with a number given as a start value (the year it is "
                                "of); expected no year here")
        if isinstance(year, bool) or not _is_year(year):
            raise ScenarioError(f"{origin}: {key}: year = {_shown(year)}: expected {_A_YEAR}")
        year = int(year)
    return Assumption(key, value, unit, source, origin, uncertain, year=year)


root_choices: dict[str, tuple[str, ...]] = {}

_YEARS = (_kernel.MIN_YEAR, _kernel.MAX_YEAR)  # the years the kernel accepts
_A_YEAR = f"a year (a whole number in {_YEARS[0]}-{_YEARS[1]})"


def _is_year(value: Any) -> bool:
    return isinstance(value, (int, float)) and float(value).is_integer() and _YEARS[0] <= value <= _YEARS[1]


def _load_file(path: Path, known: dict[str, Assumption] | None, is_root: bool) -> tuple[dict[str, Any], dict[str, Assumption]]:
    data, text = _parse(path)
    meta = data.pop(_META, {})
    if not isinstance(meta, dict):
        raise ScenarioError(f"{path}:{_line_of(text, _META)}: [scenario] must be a table with name, description, parent")
    for field in meta:  # a misspelt 'parent' would quietly give the root defaults
        if field not in _META_FIELDS:
            raise ScenarioError(f"{path}:{_line_of(text, f'{_META}.{field}')}: [scenario] {field} is not a field"
                                f"{_suggest(field, dict.fromkeys(_META_FIELDS))}; expected {', '.join(_META_FIELDS)}")
    for field in ("name", "description"):  # name = 5 became the scenario '5'
        if field in meta and not isinstance(meta[field], str):
            raise ScenarioError(f"{path}:{_line_of(text, f'{_META}.{field}')}: [scenario] {field} = {_shown(meta[field])}: "
                                "expected a text in quotes")
    out: dict[str, Assumption] = {}
    for key, node in _leaves(data):
        line = _line_of(text, key)
        origin = f"{path}:{line}"
        items = _item_lines(text, line) if isinstance(node, list) else []
        # the item lines are used only when they account for every item
        item_origins = tuple(f"{path}:{n}" for n in items) if isinstance(node, list) and len(items) == len(node) else ()
        root = None
        if known is not None:
            root = known.get(key)
            if root is None:
                raise ScenarioError(_unknown(key, known, path, text) or f"{origin}: unknown assumption '{key}'"
                                    f"{_suggest(key, known)}")
        out[key] = _make_assumption(key, node, root, origin, is_root, item_origins)
    return meta, out


def _unknown(key: str, known: Mapping[str, Any], path: Path, text: str) -> str | None:
    """Why `key` is read as an unknown assumption when its parent is a known one: a table under the
    assumption without a `value` (a misspelt `valeu`, or none), or a segment list written as a table."""
    parent, _, field = key.rpartition(".")
    if parent not in known:
        return None
    where = f"{path}:{_line_of(text, parent)}: {parent}"
    if _kind(known[parent].value) == "list of segments":
        return f"{where}: expected a list of segments, [{{ method = ... }}, ...], got a table"
    close = difflib.get_close_matches(field, _LEAF_FIELDS, n=1)
    if close and close[0] != field:
        return f"{where}: '{field}' is not a field (did you mean '{close[0]}'?)"
    return f"{where}: expected a 'value' (or 'actual', or a range with low and high) beside '{field}'"


def _root_defaults() -> tuple[dict[str, Assumption], list[str]]:
    merged: dict[str, Assumption] = {}
    files = []
    for name in _ROOT_FILES:
        path = Path(str(resources.files("aipower.scenarios").joinpath(name)))
        if not path.exists():
            continue
        _, leaves = _load_file(path, None, is_root=True)
        merged.update(leaves)
        files.append(str(path))
    return merged, files


def load_scenario(scenario: str | Path = "base", base_year: int | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Scenario:
    """Load a shipped scenario by name (``base``, ``ai``) or a scenario file by path.

    `base_year` overrides ``horizon.base_year``; `overrides` maps dotted keys to values (a number
    without a unit in the model's unit, as ``get`` returns it; text with a unit such as
    ``"3000 亿kWh"``) or full ``{value, unit, source}`` tables.
    """
    actuals.refresh()  # the data as it is now; a malformed file is named as itself, not inside the first assumption reading it
    # named `scenario`, as every other function taking one names it; a missing file is refused before
    # the shipped defaults are parsed (a workbook naming a moved file pays that in every cell)
    path = _resolve_path(scenario)
    root, root_files = _root_defaults()
    chain: list[Path] = []
    while True:
        if path in chain:
            cycle = " -> ".join(str(p) for p in chain + [path])
            raise ScenarioError(f"{path}: circular parents: {cycle}")
        chain.append(path)
        if len(chain) > _MAX_PARENTS:
            raise ScenarioError(f"{path}: more than {_MAX_PARENTS} levels of parents")
        data, text = _parse(path)
        meta = data.get(_META, {})
        parent = meta.get("parent") if isinstance(meta, dict) else None
        if parent is None:
            break
        if not isinstance(parent, str) or not parent.strip():  # "" would be the file's own folder
            raise ScenarioError(f"{path}:{_line_of(text, 'scenario.parent')}: parent = {parent!r}: expected a scenario name or path")
        try:
            # from the folder of the file itself, a symbolic link followed: where its author wrote it, and
            # where the worksheets (which store the file's resolved path) look too
            parent_path = _resolve_path(parent, relative_to=path.resolve())
        except ScenarioError as exc:  # which file names the parent that cannot be found
            raise ScenarioError(f"{path}:{_line_of(text, 'scenario.parent')}: parent = {parent!r}: {exc}") from None
        if not parent_path.is_file():  # a parent is a file: /dev/stdin named in a file received would wait for a terminal
            raise ScenarioError(f"{path}:{_line_of(text, 'scenario.parent')}: parent = {parent!r}: not a regular file "
                                "(a pipe or device); expected a scenario name or the path of a scenario .toml file")
        path = parent_path

    merged = copy.copy(root)
    name, description = "", ""
    files = list(root_files)
    for p in reversed(chain):
        if str(p) in root_files:
            meta, _ = _load_file(p, root, is_root=True)
        else:
            meta, leaves = _load_file(p, root, is_root=False)
            merged.update(leaves)
            files.append(str(p))
        name = str(meta.get("name", p.stem))
        description = str(meta.get("description", ""))
    # read again for the digest (a stream, /dev/stdin, from what it held): the same bytes but for a
    # file rewritten in the moment between
    loaded = Scenario(name, description, files, merged, {f: hashlib.sha256(_read_bytes(Path(f))).hexdigest() for f in files})
    extra = combined_overrides(overrides, base_year)
    return loaded.with_overrides(extra) if extra else loaded
