"""Recalculating spreadsheets without Excel: the formula engine of `aipower recalc` and of the
workbook builder.

Formulas are parsed and compiled by the `formulas` library (its Excel built-ins: see
`supported_builtins()`); ``AIP_`` functions are served by `aipower.xlfunctions`, the same layer
Excel calls. This module adds what a workbook needs around them: cells across sheets, defined
names, array formulas (a table function fills its range), evaluation on demand in dependency
order, a clear error naming the cell for an unsupported function or a circular reference.

`recalc_file` rewrites only the cached values of formula cells (and of the cells their arrays
fill) and the data caches of charts, inside the file's own XML: styles, charts, names, data
validation and every other part are carried over byte for byte. It writes atomically and never
replaces an existing file unless told to.
"""

from __future__ import annotations

import math
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from ._io import atomic_write, check_targets
from .xlfunctions import REGISTRY

# References that need the cell's address, not its value: the engine passes values only.
_REFERENCE_FUNCTIONS = {"OFFSET", "INDIRECT", "CELL", "ISREF", "AREAS", "ISFORMULA", "FORMULATEXT", "ROW", "COLUMN",
                        "ROWS", "COLUMNS", "DUMMYFUNCTION"}
_PREFIXES = re.compile(r"_xlfn\.|_xludf\.|_xlws\.", re.IGNORECASE)
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!")


class RecalcError(ValueError):
    """A formula the engine cannot compute; the message names the cell."""


@dataclass(frozen=True)
class ExcelErrorValue:
    """An Excel error value (e.g. #DIV/0!) as a result of a built-in."""

    code: str

    def __str__(self) -> str:
        return self.code


# ---------------------------------------------------------------------------------------------
# Addresses


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def col_letters(col: int) -> str:
    s = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def parse_cell(ref: str) -> tuple[int, int]:
    m = _CELL.match(ref.strip().upper())
    if not m:
        raise RecalcError(f"'{ref}' is not a cell address")
    return int(m.group(2)) - 1, col_index(m.group(1))


def cell_name(row: int, col: int) -> str:
    return f"{col_letters(col)}{row + 1}"


def parse_range(ref: str) -> tuple[int, int, int, int]:
    """'A1:C3' (or 'A1') → (first_row, first_col, last_row, last_col), 0-based."""
    parts = ref.replace("$", "").split(":")
    r1, c1 = parse_cell(parts[0])
    r2, c2 = parse_cell(parts[-1])
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def split_sheet(ref: str, default_sheet: str) -> tuple[str, str]:
    """"'My Sheet'!A1:B2" → ("My Sheet", "A1:B2")."""
    if "!" in ref:
        sheet, addr = ref.rsplit("!", 1)
        sheet = sheet.strip()
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        return sheet, addr
    return default_sheet, ref


# ---------------------------------------------------------------------------------------------
# The engine


@lru_cache(maxsize=1)
def _functions() -> dict[str, Any]:
    import formulas

    funcs = formulas.get_functions()
    for name in REGISTRY:
        funcs[name] = _aip_adapter(name)
    return funcs


def supported_builtins() -> list[str]:
    """Excel built-in functions the engine computes (the `formulas` library's, less reference functions)."""
    from formulas.functions import not_implemented

    return sorted(n for n, f in _functions().items()
                  if not n.startswith("AIP_") and f is not not_implemented and n not in _REFERENCE_FUNCTIONS)


def _from_engine(v: Any) -> Any:
    """A value as `formulas` passes it → as a spreadsheet sends it to an AIP_ function."""
    import schedula as sh

    if isinstance(v, np.ndarray):
        if v.ndim == 0:
            return _from_engine(v.item())
        return [[_from_engine(c) for c in row] for row in np.atleast_2d(v).tolist()]
    if v is sh.EMPTY:
        return None
    if isinstance(v, np.generic):
        return v.item()
    if type(v).__name__ == "XlError":
        return str(v)
    return v


def _aip_adapter(name: str) -> Any:
    f = REGISTRY[name]

    def call(*args: Any) -> Any:
        out = f(*[_from_engine(a) for a in args])
        if isinstance(out, list):
            return np.array(out, dtype=object)
        return str(out) if isinstance(out, str) else out

    call.__name__ = name
    return call


@dataclass
class Cell:
    formula: str | None = None  # with the leading '='
    value: Any = None
    array: tuple[int, int, int, int] | None = None  # the range an array formula fills (anchor cells only)
    spill: bool = False  # an array formula whose range is the size of its result (the builder's)


@dataclass
class Book:
    """Cells of every sheet, defined names and the values the engine computes."""

    sheets: list[str] = field(default_factory=list)
    cells: dict[tuple[str, int, int], Cell] = field(default_factory=dict)  # key: (SHEET upper, row, col)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # NAME upper → (sheet, 'A1:B2')
    _sheet_case: dict[str, str] = field(default_factory=dict)
    _values: dict[tuple[str, int, int], Any] = field(default_factory=dict)
    _array_of: dict[tuple[str, int, int], tuple[str, int, int]] = field(default_factory=dict)
    _busy: list[tuple[str, int, int]] = field(default_factory=list)
    _compiled: dict[str, Any] = field(default_factory=dict)

    # building
    def add_sheet(self, name: str) -> None:
        self.sheets.append(name)
        self._sheet_case[name.upper()] = name

    def set(self, sheet: str, row: int, col: int, content: Any, *, formula: bool | None = None) -> Cell:
        """A constant or (text starting with '=', unless formula=False) a formula."""
        key = (sheet.upper(), row, col)
        if formula is None:
            formula = isinstance(content, str) and content.startswith("=") and len(content) > 1
        if formula:
            cell = Cell(formula=content)
        else:
            cell = Cell(value=content)
        self.cells[key] = cell
        self._values.pop(key, None)
        return cell

    def set_array(self, sheet: str, row: int, col: int, formula: str, ref: tuple[int, int, int, int] | None) -> Cell:
        cell = self.set(sheet, row, col, formula)
        cell.array, cell.spill = ref, ref is None
        if ref is not None:
            self._claim(sheet.upper(), row, col, ref)
        return cell

    def _claim(self, sheet: str, row: int, col: int, ref: tuple[int, int, int, int]) -> None:
        r1, c1, r2, c2 = ref
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self._array_of[(sheet, r, c)] = (sheet, row, col)

    def sheet_name(self, sheet: str) -> str:
        return self._sheet_case.get(sheet.upper(), sheet)

    def where(self, key: tuple[str, int, int]) -> str:
        return f"{self.sheet_name(key[0])}!{cell_name(key[1], key[2])}"

    # evaluating
    def value(self, sheet: str, row: int, col: int) -> Any:
        """The value of a cell, computing its formula (and what it depends on) if needed."""
        key = (sheet.upper(), row, col)
        if key in self._values:
            return self._values[key]
        anchor = self._array_of.get(key)
        if anchor is not None and anchor != key:
            self.value(*anchor)
            return self._values.get(key)
        cell = self.cells.get(key)
        if cell is None:
            return None
        if cell.formula is None:
            self._values[key] = cell.value
            return cell.value
        if key in self._busy:
            cycle = " → ".join(self.where(k) for k in self._busy[self._busy.index(key):] + [key])
            raise RecalcError(f"{self.where(key)}: circular reference ({cycle})")
        if not self._busy:
            # Compute what the cell depends on first, with an explicit stack: a long chain of
            # dependent cells must not exhaust Python's recursion limit.
            self._resolve_dependencies(key)
        self._busy.append(key)
        try:
            result = self._evaluate(key, cell)
        finally:
            self._busy.pop()
        self._store(key, cell, result)
        return self._values[key]

    def _dependencies(self, key: tuple[str, int, int]) -> list[tuple[str, int, int]]:
        """Formula cells (not yet computed) that the formula in `key` reads.

        References the engine would refuse are skipped here: `_input` reports them with the cell."""
        cell = self.cells[key]
        compiled = self._compile(key, cell.formula or "")
        out = []
        for ref in compiled.inputs:
            sheet, addr = split_sheet(ref, self.sheet_name(key[0]))
            if "!" not in ref and not _is_address(addr):
                if addr.upper() not in self.names:
                    continue
                sheet, addr = self.names[addr.upper()]
            if sheet.upper() not in self._sheet_case:
                continue
            try:
                r1, c1, r2, c2 = parse_range(addr)
            except RecalcError:
                continue
            for k in self._cells_in(sheet.upper(), r1, c1, r2, c2):
                target = self._array_of.get(k, k)
                dep = self.cells.get(target)
                if dep is not None and dep.formula is not None and target not in self._values and target != key:
                    out.append(target)
        return out

    def _cells_in(self, sheet: str, r1: int, c1: int, r2: int, c2: int) -> list[tuple[str, int, int]]:
        """Keys of a range: walk the range when it is small, else the cells that exist."""
        if (r2 - r1 + 1) * (c2 - c1 + 1) <= len(self.cells):
            return [(sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]
        return [k for k in self.cells if k[0] == sheet and r1 <= k[1] <= r2 and c1 <= k[2] <= c2]

    def _resolve_dependencies(self, root: tuple[str, int, int]) -> None:
        """Compute the formula cells `root` depends on, deepest first, without recursion."""
        stack: list[tuple[tuple[str, int, int], bool]] = [(root, False)]
        on_path: list[tuple[str, int, int]] = []
        while stack:
            key, expanded = stack.pop()
            if expanded:
                on_path.remove(key)
                if key != root and key not in self._values:
                    self.value(*key)  # its own dependencies are computed: shallow
                continue
            if key in self._values:
                continue
            if key in on_path:
                cycle = " → ".join(self.where(k) for k in on_path[on_path.index(key):] + [key])
                raise RecalcError(f"{self.where(key)}: circular reference ({cycle})")
            on_path.append(key)
            stack.append((key, True))
            for dep in self._dependencies(key):
                if dep in on_path:
                    cycle = " → ".join(self.where(k) for k in on_path[on_path.index(dep):] + [dep])
                    raise RecalcError(f"{self.where(dep)}: circular reference ({cycle})")
                stack.append((dep, False))

    def _store(self, key: tuple[str, int, int], cell: Cell, result: Any) -> None:
        grid = result if isinstance(result, np.ndarray) and result.ndim == 2 else None
        if cell.array is None and cell.spill and grid is not None:
            cell.array = (key[1], key[2], key[1] + grid.shape[0] - 1, key[2] + grid.shape[1] - 1)
            self._claim(key[0], key[1], key[2], cell.array)
        elif cell.array is None and cell.spill:
            cell.array = (key[1], key[2], key[1], key[2])
        if cell.array is None:
            self._values[key] = _scalar(result)
            return
        r1, c1, r2, c2 = cell.array
        g = grid if grid is not None else np.array([[result]], dtype=object)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                i, j = r - r1, c - c1
                # Excel fills an array range larger than the result with #N/A
                v = g[i, j] if i < g.shape[0] and j < g.shape[1] else ExcelErrorValue("#N/A")
                self._values[(key[0], r, c)] = _scalar(v)

    def _spill_ranges(self, key: tuple[str, int, int], formula: str) -> str:
        """The formula with each spill reference (A1#, stored as ANCHORARRAY(A1)) replaced by the range
        its anchor's array formula fills, as the file records it; text in quotes is left alone."""
        def ranged(m: re.Match[str]) -> str:
            prefix, col, row = m.group(1) or "", m.group(2), m.group(3)
            sheet = split_sheet(prefix + "A1", self.sheet_name(key[0]))[0]
            r, c = int(row) - 1, col_index(col.upper())
            anchor = self.cells.get((sheet.upper(), r, c))
            if anchor is None or anchor.array is None or anchor.array[:2] != (r, c):
                raise RecalcError(f"{self.where(key)}: spill reference {prefix}{col}{row}# in {formula}: "
                                  f"{sheet}!{col.upper()}{row} holds no array formula to spill")
            r1, c1, r2, c2 = anchor.array
            return f"{prefix}{cell_name(r1, c1)}:{cell_name(r2, c2)}"

        return _outside_quotes(formula, lambda part: _ANCHOR.sub(ranged, part))

    def _compile(self, key: tuple[str, int, int], formula: str) -> Any:
        if "ANCHORARRAY" in formula.upper():
            formula = self._spill_ranges(key, formula)
        if formula in self._compiled:
            return self._compiled[formula]
        import formulas

        _functions()  # before parsing: the parser binds function names
        text = _outside_quotes(formula, lambda part: _PREFIXES.sub("", part))
        try:
            _, ast = formulas.Parser().ast(text)
        except Exception as exc:
            raise RecalcError(f"{self.where(key)}: cannot parse formula {formula}: {exc}") from None
        unsupported = _unsupported_functions(formula)  # check_functions() names them all first; a backstop
        if unsupported:
            raise RecalcError(f"{self.where(key)}: function {unsupported[0]}() in {formula} is not supported by the "
                              f"engine ({_SUPPORTED_HINT.format(len(supported_builtins()))})")
        compiled = ast.compile()
        self._compiled[formula] = compiled
        return compiled

    def _evaluate(self, key: tuple[str, int, int], cell: Cell) -> Any:
        compiled = self._compile(key, cell.formula or "")
        args = [self._input(key, ref) for ref in compiled.inputs]
        try:
            out = compiled(*args)
        except RecalcError:
            raise
        except Exception as exc:
            raise RecalcError(f"{self.where(key)}: {cell.formula}: {type(exc).__name__}: {exc}") from None
        if isinstance(out, np.ndarray) and out.ndim == 2 and out.shape == (1, 1) and cell.array is None and not cell.spill:
            return out[0, 0]
        if isinstance(out, np.ndarray) and out.ndim < 2:
            return out.item() if out.ndim == 0 else np.atleast_2d(out)
        return out

    def _input(self, key: tuple[str, int, int], ref: str) -> Any:
        import schedula as sh

        sheet, addr = split_sheet(ref, self.sheet_name(key[0]))
        if "!" not in ref and not _is_address(addr):
            name = addr.upper()
            if name not in self.names:
                raise RecalcError(f"{self.where(key)}: unknown name '{addr}' (not a defined name of the workbook)")
            sheet, addr = self.names[name]
        if sheet.startswith("[") or sheet.startswith("'["):
            raise RecalcError(f"{self.where(key)}: reference {ref} points into another workbook: external links are "
                              f"not recalculated (paste the values in, or recalculate in Excel)")
        if sheet.upper() not in self._sheet_case:
            raise RecalcError(f"{self.where(key)}: reference {ref}: no sheet '{sheet}'")
        try:
            r1, c1, r2, c2 = parse_range(addr)
        except RecalcError:
            raise RecalcError(f"{self.where(key)}: reference {ref} is not supported (whole rows/columns and "
                              f"external references are not)") from None
        if (r1, c1) == (r2, c2):
            v = self.value(sheet, r1, c1)
            return sh.EMPTY if v is None else _to_engine(v)
        out = np.empty((r2 - r1 + 1, c2 - c1 + 1), dtype=object)
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                v = self.value(sheet, r, c)
                out[r - r1, c - c1] = sh.EMPTY if v is None else _to_engine(v)
        return out

    def formula_cells(self) -> Iterator[tuple[tuple[str, int, int], Cell]]:
        for key, cell in self.cells.items():
            if cell.formula is not None:
                yield key, cell

    def check_functions(self) -> None:
        """Refuse, before any cell is computed, a workbook using functions the engine lacks, naming
        every such function and its first cells: not one per run, found after minutes of work."""
        found: dict[str, list[str]] = {}
        for key, cell in self.formula_cells():
            for name in _unsupported_functions(cell.formula or ""):
                found.setdefault(name, []).append(self.where(key))
        if found:
            listed = "; ".join(f"{name}() in {', '.join(where[:3])}"
                               + (f" and {len(where) - 3} more" if len(where) > 3 else "") for name, where in found.items())
            raise RecalcError(f"functions not supported by the engine: {listed} "
                              f"({_SUPPORTED_HINT.format(len(supported_builtins()))})")

    def calculate(self, progress: Callable[[int, int], None] | None = None) -> int:
        """Compute every formula cell; returns how many there are. `progress(done, total)`
        is called every 500 cells (the engine computes a few hundred formulas a second)."""
        self.check_functions()
        cells = list(self.formula_cells())
        for n, (key, _) in enumerate(cells, start=1):
            self.value(*key)
            if progress is not None and (n % 500 == 0 or n == len(cells)):
                progress(n, len(cells))
        return len(cells)

    def array_cells(self) -> dict[tuple[str, int, int], tuple[str, int, int]]:
        return dict(self._array_of)


_SUPPORTED_HINT = "AIP_ functions and {} Excel built-ins are: `aipower functions --builtins` lists them"
_STRING = re.compile(r'("(?:[^"]|"")*")')  # a formula's string literal, "" standing for a quote


def _outside_quotes(formula: str, change: Callable[[str], str]) -> str:
    """`change` applied to a formula's text outside its string literals ("..." with "" for a quote)."""
    parts = _STRING.split(formula)  # odd parts: the literals
    return "".join(p if i % 2 else change(p) for i, p in enumerate(parts))


# A spill reference A1# (or Sheet!A1#), as a file stores it
_ANCHOR = re.compile(r"(?:_xlfn\.)?ANCHORARRAY\(\s*((?:'(?:[^']|'')+'|[A-Za-z0-9_.]+)!)?\$?([A-Za-z]{1,3})\$?(\d+)\s*\)",
                     re.IGNORECASE)


@lru_cache(maxsize=4096)
def _unsupported_functions(formula: str) -> tuple[str, ...]:
    """The functions a formula calls that the engine lacks, by their names as written (the parser
    folds some, e.g. INDIRECT of a constant, into references)."""
    from formulas.functions import not_implemented

    funcs = _functions()
    bare = _STRING.sub('""', _ANCHOR.sub("A1", formula))  # a spill reference: a range
    bare = _PREFIXES.sub("", bare)
    names = dict.fromkeys(n.upper() for n in re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(", bare))
    return tuple(n for n in names if n not in funcs or funcs[n] is not_implemented or n in _REFERENCE_FUNCTIONS)


def _is_address(addr: str) -> bool:
    return bool(re.match(r"^\$?[A-Za-z]{1,3}\$?\d+(:\$?[A-Za-z]{1,3}\$?\d+)?$", addr))


def _to_engine(v: Any) -> Any:
    if isinstance(v, ExcelErrorValue):
        from formulas.tokens.operand import XlError

        return XlError(v.code)
    return v


def _scalar(v: Any) -> Any:
    """A result as a cell stores it: float, str, bool, None or an ExcelErrorValue."""
    import schedula as sh

    if isinstance(v, np.ndarray):
        v = v.item() if v.size == 1 else v.flat[0]
    if v is sh.EMPTY or v is None:
        return None
    if type(v).__name__ == "XlError":
        return ExcelErrorValue(str(v))
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, float, np.integer, np.floating)):
        x = float(v)
        return x if math.isfinite(x) else ExcelErrorValue("#NUM!")
    return str(v)


# ---------------------------------------------------------------------------------------------
# Files: read with openpyxl, write values back into the file's own XML


def load_book(path: str | Path) -> Book:
    """The cells, formulas, arrays and defined names of an .xlsx file."""
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.worksheet.formula import ArrayFormula

    try:
        wb = openpyxl.load_workbook(path, data_only=False, keep_links=False)
    except (OSError, zipfile.BadZipFile, KeyError, InvalidFileException) as exc:
        raise RecalcError(f"{path}: cannot read the workbook: {exc}") from None
    has_formula = _formula_addresses(path)  # openpyxl takes any text starting with '=' for a formula
    book = Book()
    for ws in wb.worksheets:
        book.add_sheet(ws.title)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                if v is None:
                    continue
                if isinstance(v, ArrayFormula):
                    book.set_array(ws.title, c.row - 1, c.column - 1, v.text, parse_range(v.ref))
                elif isinstance(v, str) and v.startswith("=") and (ws.title, c.coordinate) in has_formula:
                    book.set(ws.title, c.row - 1, c.column - 1, v)
                elif c.data_type == "e":
                    book.set(ws.title, c.row - 1, c.column - 1, ExcelErrorValue(str(v)))
                else:
                    if hasattr(v, "isoformat"):
                        from openpyxl.utils.datetime import to_excel

                        v = float(to_excel(v))
                    book.set(ws.title, c.row - 1, c.column - 1, v, formula=False)
        for name, dn in getattr(ws, "defined_names", {}).items():
            _add_name(book, name, dn.attr_text)
    for name, dn in wb.defined_names.items():
        _add_name(book, name, dn.attr_text)
    return book


def _formula_addresses(path: str | Path) -> set[tuple[str, str]]:
    """(sheet, 'A1') of every cell with a formula element in the file's XML."""
    out = set()
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if n.startswith("xl/") and n.endswith((".xml", ".rels"))}
    for sheet, part in _sheet_parts(parts).items():
        for m in _C_ELEMENT.finditer(parts.get(part, b"").decode("utf-8")):
            if "<f" in (m.group(3) or ""):
                r = re.search(r'\br="([A-Z]+\d+)"', m.group(1))
                if r:
                    out.add((sheet, r.group(1)))
    return out


def _add_name(book: Book, name: str, text: str) -> None:
    if "!" in text and "," not in text:
        sheet, addr = split_sheet(text, "")
        if _is_address(addr):
            book.names[name.upper()] = (sheet, addr.replace("$", ""))


@dataclass
class Report:
    formulas: int
    changed: int
    seconds: float


def recalc_file(book_path: str | Path, out_path: str | Path, *, overwrite: bool = False,
                progress: Callable[[int, int], None] | None = None) -> Report:
    """Recalculate `book_path` and write the copy with updated values to `out_path` (atomically).

    `progress(done, total)` reports long recalculations (see `Book.calculate`)."""
    start = time.perf_counter()
    book_path, out_path = Path(book_path), Path(out_path)
    if out_path.exists() and not overwrite:
        from ._io import OutputExistsError

        raise OutputExistsError(f"{out_path} exists: not overwriting it (use --force, or --in-place for the input)")
    check_targets([out_path], overwrite=True, arg="--out")
    book = load_book(book_path)
    n = book.calculate(progress)
    changed = {"n": 0}
    with zipfile.ZipFile(book_path) as zin:
        parts = {info.filename: zin.read(info.filename) for info in zin.infolist()}
        infos = zin.infolist()
    sheet_parts = _sheet_parts(parts)
    shared = _shared_strings(parts.get("xl/sharedStrings.xml", b"").decode("utf-8"))
    new_parts = dict(parts)
    for sheet, part in sheet_parts.items():
        new_parts[part] = _patch_sheet(parts[part].decode("utf-8"), book, sheet, changed, shared).encode("utf-8")
    for name in parts:
        if name.startswith("xl/charts/chart") and name.endswith(".xml"):
            new_parts[name] = patch_chart(parts[name].decode("utf-8"), book).encode("utf-8")
    new_parts.pop("xl/calcChain.xml", None)  # Excel rebuilds it; a stale one can make it repair the file
    if "xl/calcChain.xml" in parts:
        for key in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
            new_parts[key] = re.sub(r"<(Override|Relationship)\b[^>]*calcChain[^>]*/>", "",
                                    new_parts[key].decode("utf-8")).encode("utf-8")

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in infos:
                if info.filename in new_parts:
                    zout.writestr(info, new_parts[info.filename])

    atomic_write(out_path, write, overwrite=True)
    return Report(n, changed["n"], time.perf_counter() - start)


def _sheet_parts(parts: dict[str, bytes]) -> dict[str, str]:
    """Sheet name → its XML part, from workbook.xml and its relationships."""
    wb = parts["xl/workbook.xml"].decode("utf-8")
    rels = parts["xl/_rels/workbook.xml.rels"].decode("utf-8")
    targets = {}
    for m in re.finditer(r"<Relationship\b([^>]*)/?>", rels):
        attrs = dict(re.findall(r'(\w+)="([^"]*)"', m.group(1)))
        t = attrs.get("Target", "")
        targets[attrs.get("Id")] = t.lstrip("/") if t.startswith("/") else "xl/" + t
    out = {}
    for m in re.finditer(r"<sheet\b([^>]*)/>", wb):
        attrs = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
        from xml.sax.saxutils import unescape

        name = unescape(attrs.get("name", ""), {"&quot;": '"', "&apos;": "'"})
        rid = attrs.get("r:id")
        if rid in targets:
            out[name] = targets[rid]
    return out


_C_ELEMENT = re.compile(r"<c\b([^>]*?)(/>|>(.*?)</c>)", re.S)


def _value_xml(v: Any) -> tuple[str | None, str]:
    """(t attribute, <v> text) of a cached value."""
    if isinstance(v, ExcelErrorValue):
        return "e", escape(v.code)
    if isinstance(v, bool):
        return "b", "1" if v else "0"
    if isinstance(v, float):
        return None, _num_text(v)
    if v is None:
        return "str", ""
    return "str", escape(str(v))


def _shared_strings(xml: str) -> list[str]:
    from xml.sax.saxutils import unescape

    return [unescape("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", si, re.S)))
            for si in re.findall(r"<si>(.*?)</si>", xml, re.S)]


def _patch_sheet(xml: str, book: Book, sheet: str, changed: dict[str, int], shared: list[str]) -> str:
    key_sheet = sheet.upper()
    arrays = book.array_cells()

    def repl(m: re.Match[str]) -> str:
        attrs, body = m.group(1), m.group(3) or ""
        rm = re.search(r'\br="([A-Z]+\d+)"', attrs)
        if not rm:
            return m.group(0)
        row, col = parse_cell(rm.group(1))
        key = (key_sheet, row, col)
        is_formula = "<f" in body
        if not is_formula and key not in arrays:
            return m.group(0)
        v = book.value(sheet, row, col)
        t, text = _value_xml(v)
        f = re.search(r"<f\b.*?(?:/>|</f>)", body, re.S)
        new_attrs = re.sub(r'\s+t="[^"]*"', "", attrs)
        if t:
            new_attrs += f' t="{t}"'
        new_body = (f.group(0) if f else "") + f"<v>{text}</v>"
        old_v = re.search(r"<v>(.*?)</v>", body, re.S)
        old_t = re.search(r'\bt="([^"]*)"', attrs)
        old = old_v.group(1) if old_v else None
        if old is not None and old_t is not None and old_t.group(1) == "s" and old.isdigit() and int(old) < len(shared):
            old, old_t = escape(shared[int(old)]), None
            same = t == "str" and old == text
        else:
            same = old is not None and _same(old, text, t, old_t)
        if not same:
            changed["n"] += 1
        return f"<c{new_attrs}>{new_body}</c>"

    return _C_ELEMENT.sub(repl, xml)


def _same(old: str, new: str, new_t: str | None, old_t: re.Match[str] | None) -> bool:
    """Is a cached value unchanged? (numbers to 1e-15: writers round the 17th digit differently)"""
    if new_t is None and (old_t is None or old_t.group(1) == "n"):
        try:
            a, b = float(old), float(new)
        except ValueError:
            return False
        return a == b or abs(a - b) <= 1e-15 * max(abs(a), abs(b))
    return old == new


def _num_text(v: float) -> str:
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)


def _ref_values(book: Book, ref: str) -> list[Any] | None:
    sheet, addr = split_sheet(ref, "")
    if not sheet or sheet.upper() not in book._sheet_case or not _is_address(addr):
        return None
    r1, c1, r2, c2 = parse_range(addr)
    return [book.value(sheet, r, c) for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)]


def patch_chart(xml: str, book: Book) -> str:
    """Refresh a chart's cached series data (what a viewer draws before recalculating)."""

    def num(m: re.Match[str]) -> str:
        ref, cache = m.group(2), m.group(3)
        values = _ref_values(book, ref)
        if values is None:
            return m.group(0)
        fmt = re.search(r"<c:formatCode>.*?</c:formatCode>", cache, re.S)
        pts = "".join(f'<c:pt idx="{i}"><c:v>{_num_text(v)}</c:v></c:pt>' for i, v in enumerate(values)
                      if isinstance(v, float))
        body = (fmt.group(0) if fmt else "") + f'<c:ptCount val="{len(values)}"/>' + pts
        return f"{m.group(1)}<c:numCache>{body}</c:numCache>"

    def txt(m: re.Match[str]) -> str:
        ref = m.group(2)
        values = _ref_values(book, ref)
        if values is None:
            return m.group(0)
        pts = "".join(f'<c:pt idx="{i}"><c:v>{escape(_text(v))}</c:v></c:pt>' for i, v in enumerate(values)
                      if v is not None)
        return f'{m.group(1)}<c:strCache><c:ptCount val="{len(values)}"/>{pts}</c:strCache>'

    xml = re.sub(r"(<c:numRef>\s*<c:f>([^<]*)</c:f>\s*)<c:numCache>(.*?)</c:numCache>",
                 lambda m: num(_unescape_ref(m)), xml, flags=re.S)
    return re.sub(r"(<c:strRef>\s*<c:f>([^<]*)</c:f>\s*)<c:strCache>(.*?)</c:strCache>",
                  lambda m: txt(_unescape_ref(m)), xml, flags=re.S)


class _M:
    def __init__(self, m: re.Match[str]):
        from xml.sax.saxutils import unescape

        self._g = [m.group(0), m.group(1), unescape(m.group(2), {"&apos;": "'", "&quot;": '"'}), m.group(3)]

    def group(self, i: int) -> str:
        return self._g[i]


def _unescape_ref(m: re.Match[str]) -> Any:
    return _M(m)


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
