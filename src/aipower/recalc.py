"""Recalculating spreadsheets without Excel: the formula engine of `aipower recalc` and of the
workbook builder.

Formulas are parsed and compiled by the `formulas` library (its Excel built-ins: see
`supported_builtins()`); ``AIP_`` functions are served by `aipower.xlfunctions`, the same layer
Excel calls (a skipped argument reaches them empty, as from Excel). This module adds what a workbook
needs around them: cells across sheets, defined names (of the workbook or of one sheet; ranges,
constants, formulas), array formulas (a legacy array fills its recorded range, a dynamic array
re-spills to its result's size or shows #SPILL!), Excel's implicit intersection where an ordinary
formula reads a range as one value (=Prices*10: the value on the formula's row), evaluation on demand
in dependency order, the built-ins whose library version differs from Excel (see "Excel built-ins"
below), and a clear error naming the cell for an unsupported function, a circular reference or a
result Excel may compute differently. Those built-ins and the operators are replaced in the library's
own tables, for the whole process (the compiled formulas look them up there): any other user of
`formulas` in the process gets Excel's results from them as well, as the README says.

`recalc_file` rewrites only the cached values of formula cells (and of the cells their arrays
fill, with the recorded range of a dynamic array that re-spilled) and the data caches of charts,
inside the file's own XML: styles, charts, names, data validation and every other part are carried
over byte for byte. It writes atomically and never
replaces an existing file unless told to.
"""

from __future__ import annotations

import math
import os
import re
import stat
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import numpy as np

from ._io import MissingExtraError, OutputExistsError, atomic_write, check_targets, raise_if_stopped

# The versions of the `formulas` library whose internals the engine adapts (its operators, text
# conversion and tokenizer): the excel extra's bound in pyproject.toml
FORMULAS_VERSIONS = ((1, 3, 1), (1, 4))


def _formulas_problem() -> str | None:
    """Why the installed `formulas` cannot serve the engine, or None if it can."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = version("formulas")
    except PackageNotFoundError:
        return "No module named 'formulas'"
    low, high = FORMULAS_VERSIONS
    parts = tuple(int(p) for p in re.findall(r"\d+", found)[:3])
    if not low <= parts < high:
        return (f"the formula engine needs formulas >={'.'.join(map(str, low))},<{'.'.join(map(str, high))}; "
                f"this Python has formulas {found}")
    return None


_problem = _formulas_problem()
if _problem is not None:  # a bare ImportError (or, for an older formulas, a template's formula refused) otherwise
    raise MissingExtraError("aipower.recalc (recalc, regenerate)", _problem)
try:
    from formulas.errors import BaseError as _FormulasError
except ImportError as exc:  # a dependency of formulas' own missing or of another version
    raise MissingExtraError("aipower.recalc (recalc, regenerate)", str(exc)) from exc
from .xlfunctions import REGISTRY

# References that need the cell's address, not its value: the engine passes values only.
_REFERENCE_FUNCTIONS = {"OFFSET", "INDIRECT", "CELL", "ISREF", "AREAS", "ISFORMULA", "FORMULATEXT", "ROW", "COLUMN",
                        "ROWS", "COLUMNS", "DUMMYFUNCTION"}
# Functions whose argument is a function: a LAMBDA, which the engine refuses, or a function's name
# (BYROW(A1:B3, SUM), stored as _xleta.SUM), which the library takes unlike Excel (GROUPBY(…, SUM) gave
# #VALUE!, an unknown name #VALUE! instead of #NAME?): refused by name, not listed as computed.
_TAKES_A_FUNCTION = {"BYROW", "BYCOL", "MAP", "MAKEARRAY", "REDUCE", "SCAN", "GROUPBY", "PIVOTBY"}
_PREFIXES = re.compile(r"_xlfn\.|_xludf\.|_xlws\.", re.IGNORECASE)
# A number with an unsigned exponent (1E3, as other programs write it; Excel stores 1E+3): the
# library's parser refuses =1E3+1 and =A1*1E3, so the sign is added first.
_EXPONENT = re.compile(r"(?<![A-Za-z0-9_.$])(\d+(?:\.\d+)?|\.\d+)[eE](\d)")
_CELL = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_EXCEL_ERRORS = ("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA", "#SPILL!", "#CALC!",
                 "#BUSY!", "#CONNECT!", "#FIELD!", "#BLOCKED!", "#UNKNOWN!", "#PYTHON!", "#EXTERNAL!")


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
    funcs.update(_builtins())
    _patch_operators()
    for name in REGISTRY:
        funcs[name] = _aip_adapter(name)
    return funcs


# Names in the `formulas` library's function table that are no Excel function: ARRAY and ARRAYROW are
# its parser's nodes for an array constant ({1,2;3,4}), defined beside its function table, not in the
# modules of Excel's categories (math, text, look, …). Only names that are in no Excel function list and
# that Excel never writes into a file are left out here: SINGLE stays, Excel's stored name for "@".
_NOT_EXCEL = {"ARRAY", "ARRAYROW"}


def supported_builtins() -> list[str]:
    """Excel built-in functions the engine computes (the `formulas` library's, less reference functions,
    those taking a function, `_TAKES_A_FUNCTION`, and the library's own names, `_NOT_EXCEL`), by the
    names a user types: a file stores newer functions as `_xlfn.NAME` (and `_xlfn._xlws.NAME`), which
    the library lists as well, and `__xludf.DUMMYFUNCTION` is another program's placeholder."""
    from formulas.functions import not_implemented

    typed = set()
    for n, f in _functions().items():
        if f is not_implemented or n.startswith("__XLUDF."):
            continue
        for prefix in ("_XLFN.", "_XLWS."):
            n = n.removeprefix(prefix)
        if not n.startswith("AIP_") and n not in _REFERENCE_FUNCTIONS | _TAKES_A_FUNCTION | _NOT_EXCEL:
            typed.add(n)
    return sorted(typed)


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
    call._aip = True  # type: ignore[attr-defined]
    return call


# The parser's node for a skipped argument (`f(1,,3)`, `f(1,)`): an `Empty` token, always 0.
_OMITTED_NODE = ""


def _omitting(f: Any, positions: tuple[int, ...]) -> Any:
    """An AIP_ function receiving None (Excel/xlwings: use the default) where an argument was
    skipped: the parser hands built-ins and AIP_ functions alike a 0 there."""
    def call(*args: Any) -> Any:
        return f(*[None if i in positions else a for i, a in enumerate(args)])

    call.__name__ = getattr(f, "__name__", "call")
    return call


# ---------------------------------------------------------------------------------------------
# Excel built-ins whose `formulas` version gives a different result than Excel: replaced here, or
# refused (`_Refused`, naming the cell) where Excel's answer depends on what a file does not record
# (the computer's regional settings). Kept small: each entry fixes a difference found against Excel.
#
#   SUM PRODUCT COUNT MAX MIN AVERAGE  text and logical values in references and arrays are skipped,
#                                      typed ones counted (the library counts text in ranges)
#   ROUND ROUNDUP ROUNDDOWN            on the number's 15-digit decimal form, half away from zero
#                                      (ROUND(1.005,2) is 1.01; the library rounds the binary value)
#   VALUE, + - * / ^ % on text         "1,000,000", "12%", "$5", "(5)" read as Excel reads them
#                                      ("1,000" was a date); text Excel may read by locale is refused:
#                                      "1/2/2030", "1,5", and "1,000" and "2.880" (1000× apart)
#   NUMBERVALUE                        refused without its separators on text with "," or "."
#   DATEVALUE, DAY, … on text          only yyyy-mm-dd and hh:mm[:ss]; other dates depend on the locale
#   TEXT                               number formats rounded like Excel ("#,##0" of 1234.5: 1,235);
#                                      formats it cannot reproduce are refused
#   TRIM                               inner runs of spaces become one space
#   RANDBETWEEN                        a whole number, drawn in each cell (the library's was fractional
#                                      and, with constant arguments, one value for every cell)
#   N                                  TRUE and FALSE are 1 and 0 (the library kept the logical value)
#   REPT, text results                 #VALUE! beyond a cell's 32,767 characters
#   = <> < <= > >=                     numbers compared to 15 significant digits (0.1+0.2=0.3)
#   number → text (&, LEN, LEFT, …)    15 significant digits, Excel's plain/scientific choice
#   REGEXTEST REGEXREPLACE             a match anywhere (the library matched at the start only), the
#   REGEXEXTRACT                       n-th occurrence (the library replaced the first n), $1 in a
#                                      replacement, all matches down a column, groups across a row;
#                                      patterns Python's re may read unlike Excel's PCRE2 are refused


class _Refused(_FormulasError):
    """A built-in's result Excel may compute differently: passes through the library's error
    handling (which turns exceptions into #VALUE!) so that the engine names the cell."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _refusal(exc: BaseException) -> _Refused | None:
    """The `_Refused` behind an exception the dispatcher wrapped, if any."""
    todo: list[Any] = [exc]
    seen: set[int] = set()
    while todo:
        e = todo.pop()
        if not isinstance(e, BaseException) or id(e) in seen:
            continue
        seen.add(id(e))
        if isinstance(e, _Refused):
            return e
        todo += [e.__cause__, e.__context__, *e.args]
    return None


def _number_text(x: float) -> str:
    """A number as Excel writes it in text (`1/3&""`): 15 significant digits, plain up to 20 digits
    or characters, else scientific (the rule Apache POI's NumberToTextConverter documents)."""
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else "#NUM!"
    mantissa, exp_text = f"{abs(x):.14e}".split("e")
    digits, exp = mantissa.replace(".", "").rstrip("0"), int(exp_text)
    n, sign = len(digits), "-" if x < 0 else ""
    sci = f"{digits[0]}{'.' + digits[1:] if n > 1 else ''}E{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if exp < 0:
        zeros = -exp - 1
        return sign + (sci if 2 + zeros + n > 20 else "0." + "0" * zeros + digits)
    if exp > 19:
        return sign + sci
    if n > exp + 1:
        return sign + digits[:exp + 1] + "." + digits[exp + 1:]
    return sign + digits + "0" * (exp + 1 - n)


def _excel_text(v: Any) -> str:
    """A value as Excel turns it into text (the `&` operator, text functions)."""
    if isinstance(v, (bool, np.bool_)):
        return "TRUE" if v else "FALSE"
    if isinstance(v, (int, float, np.integer, np.floating)):
        return _number_text(float(v))
    return str(v)


_NUMBER_TEXT = re.compile(r"^(?P<s1>[-+]?) *(?P<cur>\$?) *(?P<s2>[-+]?) *"
                          r"(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?|\.\d+)(?P<exp>[eE][-+]?\d+)?"
                          r" *(?P<pct>%?)$")
_DATE_WORDS = {m.lower() for m in ("January February March April May June July August September October November "
                                    "December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec AM PM A P E").split()}
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?)?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?$")


def _excel_number(text: str) -> float | None:
    """Text as Excel reads it as a number ("1,000", "12%", "$5", "(5)", "2030-01-15", "12:30"), None
    for text that is no number. Other text with digits ("1/2/2030", "1,00", "Q1") Excel reads by the
    computer's regional settings, or as a date: refused, not guessed."""
    s = text.strip(" ")
    negative = s.startswith("(") and s.endswith(")")
    if negative:
        s = s[1:-1].strip(" ")
    m = _NUMBER_TEXT.match(s)
    if m and not (m["s1"] and m["s2"]) and not (negative and (m["s1"] or m["s2"])):
        if _THOUSAND_OR_DECIMAL.fullmatch(m["num"]):
            raise _Refused(_by_locale(text, "as a number", "a comma or dot before exactly three digits separates "
                                                           "thousands in some settings and decimals in others: "
                                                           "1,000 is 1000 or 1"))
        x = float(m["num"].replace(",", "") + (m["exp"] or ""))
        x = x / 100 if m["pct"] else x
        return -x if negative or "-" in (m["s1"], m["s2"]) else x
    if not negative:
        d = _ISO_DATE.match(s)
        t = _TIME.match(s)
        try:
            if d:
                import datetime as dt

                day = dt.date(int(d[1]), int(d[2]), int(d[3]))
                if day >= dt.date(1900, 3, 1):  # before: Excel's 1900 leap-year serials
                    hours = (int(d[4]) * 3600 + int(d[5]) * 60 + float(d[6] or 0)) / 86400 if d[4] else 0.0
                    if hours < 1:
                        return (day - dt.date(1899, 12, 30)).days + hours
            elif t and int(t[2]) < 60 and float(t[3] or 0) < 60:
                return (int(t[1]) * 3600 + int(t[2]) * 60 + float(t[3] or 0)) / 86400
        except ValueError:
            pass
    words = re.findall(r"[A-Za-z]+", s)
    if (not any(ch.isdigit() for ch in s) or any(w.lower() not in _DATE_WORDS for w in words)
            or not re.fullmatch(r"[\d .,/:+\-$%()€£¥]*", re.sub(r"[A-Za-z]+", "", s))):
        return None  # no number in any setting ("Q1 2030", "#N/A year …")
    raise _Refused(_by_locale(text, "as a number", "dates and separators"))


# A number text that reads 1000× apart by locale: '1,000' (1000, or 1 with a decimal comma) and '2.880' (2.88, or
# 2880 where a dot separates thousands). '1,000,000' and '1,234.5' read one way only, as '0.125' does.
_THOUSAND_OR_DECIMAL = re.compile(r"[1-9]\d{0,2}[.,]\d{3}")


def _by_locale(text: Any, read: str, what: str) -> str:
    return (f"the text {text!r} read {read}: Excel reads it by the computer's regional settings ({what}), "
            "which the file does not record")


def _date_text(original: Any) -> Any:
    """The library's reading of text as a date or time (DATEVALUE, DAY, TIMEVALUE, and text given to any
    date function), limited to what every setting reads alike: yyyy-mm-dd and hh:mm[:ss]. '1/2/2030' and
    '1.2.2030' are 2 January or 1 February by the order of day and month, and month names and AM/PM
    are read in the settings' language."""
    def text2datetime(date_text: Any) -> Any:
        # the library's own refusal first (an AssertionError for 'apple': no date), which its criteria
        # (SUMIF(A1:A3,"apple",…)) take as plain text; only text it does read as a date is checked
        read = original(date_text)
        s = str(date_text).strip(" ")
        if not (_ISO_DATE.match(s) or _TIME.match(s)):
            raise _Refused(_by_locale(date_text, "as a date or time", "the order of day and month, the names of "
                                      "months; expected text yyyy-mm-dd or hh:mm, or a date's number"))
        return read

    text2datetime._aip_locale_free = True  # type: ignore[attr-defined]
    return text2datetime


def _numbervalue(text: Any, decimal_sep: Any = None, group_sep: Any = None) -> Any:
    """NUMBERVALUE: without its separators it reads those of the computer's regional settings, so text with
    a comma or dot is refused unless they are given; '35%' is 0.35 (the library's 35 × 0.01 was not)."""
    from formulas.functions.text import xnumbervalue

    if decimal_sep is None and group_sep is None and isinstance(text, str) and ("," in text or "." in text):
        raise _Refused(_by_locale(text, "by NUMBERVALUE without its separators", "the decimal and group "
                                  "separators; expected NUMBERVALUE(text, \".\", \",\") or the separators the "
                                  "text uses"))
    args = [a for a in (decimal_sep, group_sep) if a is not None]
    x = xnumbervalue(text, *args)
    if isinstance(text, str) and "%" in text and isinstance(x, float):  # same validation, then ÷ 100 per %
        x = xnumbervalue(text.replace("%", ""), *args) / 100 ** text.count("%")
    return x


def _number(v: Any) -> float:
    """A value used as a number by an operator or a numeric function (errors are checked before)."""
    import schedula as sh

    if v is sh.EMPTY or v is None:
        return 0.0
    if isinstance(v, (bool, np.bool_)):
        return float(v)
    if isinstance(v, str):
        x = _excel_number(v)
        if x is None:
            raise ValueError(v)  # #VALUE!
        return x
    return float(v)


def _round(x: float, digits: float, how: str) -> float:
    """Excel's ROUND/ROUNDUP/ROUNDDOWN: on the 15-significant-digit decimal form of x, away from zero
    at a half (ROUND(0.285,2) is 0.29, ROUND(1.005,2) 1.01, ROUNDUP(0.1+0.2,1) 0.3)."""
    if x == 0 or not math.isfinite(x) or int(digits) > 308:
        return x
    return float(_decimal_round(x, int(digits), how))


def _decimal_round(x: float, digits: int, how: str) -> Any:
    """x's 15-significant-digit decimal form (what Excel shows and rounds) rounded at `digits` decimals."""
    from decimal import Decimal, localcontext

    with localcontext() as ctx:
        ctx.prec = 700
        return Decimal(f"{x:.15g}").quantize(Decimal(1).scaleb(-digits), rounding=how)


# Functions that can return a reference in Excel (INDEX(A1:A3,2) is a cell): a text or logical value
# from them is skipped by SUM if it came from a cell, counted if not, which the engine cannot tell.
_MAY_RETURN_REFERENCE = {"INDEX", "CHOOSE", "IF", "IFS", "SWITCH", "XLOOKUP", "_XLFN.XLOOKUP", "LET", "IFERROR",
                         "IFNA", "SINGLE", "@", "OFFSET", "INDIRECT"}


def _arg_kinds(dsp: Any, inputs: list[str]) -> tuple[str, ...]:
    """How each argument of a function reaches it: 'ref' (a reference or name), 'array' (a constant
    {…}), 'maybe_ref' (the result of a function that may return a reference) or 'value'."""
    from formulas.tokens.operand import XlError

    kinds = []
    for n in inputs:
        preds = list(dsp.dmap.pred.get(n, ())) if isinstance(n, str) else []
        if not preds:
            literal = dsp.default_values.get(n, {}).get("value", None) if isinstance(n, str) else None
            is_literal = isinstance(literal, (int, float, str, bool, XlError)) or n == _OMITTED_NODE
            kinds.append("value" if is_literal else "ref")
            continue
        fname = re.sub(r"<\d+>$", "", str(preds[0])).upper()
        kinds.append("array" if fname in ("ARRAY", "ARRAYROW") else "ref" if fname in (":", " ", ",")
                     else "maybe_ref" if fname in _MAY_RETURN_REFERENCE else "value")
    return tuple(kinds)


def _aggregate(name: str, *args: Any, kinds: tuple[str, ...] = ()) -> Any:
    """SUM, PRODUCT, COUNT, MAX, MIN, AVERAGE as Excel computes them: from references and arrays
    numbers only (text, logical values, empty cells skipped); typed values coerced ("3", TRUE)."""
    import schedula as sh
    from formulas.errors import FoundError
    from formulas.functions import Error
    from formulas.tokens.operand import XlError

    count = name == "COUNT"
    nums: list[float] = []
    for i, a in enumerate(args):
        kind = kinds[i] if i < len(kinds) else "value"
        is_array = isinstance(a, np.ndarray)
        if kind in ("ref", "array") or (is_array and a.size != 1):
            for v in (a.ravel() if is_array else (a,)):
                if isinstance(v, XlError):
                    if count:
                        continue
                    raise FoundError(err=v)
                if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
                    nums.append(float(v))
            continue
        v = a.ravel()[0] if is_array else a
        if isinstance(v, XlError):
            if count:
                continue
            raise FoundError(err=v)
        if v is sh.EMPTY or v is None:
            continue
        if isinstance(v, (str, bool, np.bool_)) and kind == "maybe_ref":
            raise _Refused(f"{name}() got {_excel_text(v)!r} from a function that may return a cell (INDEX, IF, "
                           f"CHOOSE…): Excel skips text and logical values from cells, counts typed ones")
        if isinstance(v, str):
            x = _excel_number(v)
            if x is None:
                if count:
                    continue
                raise FoundError(err=Error.errors["#VALUE!"])
            nums.append(x)
        else:
            nums.append(float(v))
    if count:
        return float(len(nums))
    if name == "AVERAGE":
        return sum(nums) / len(nums) if nums else Error.errors["#DIV/0!"]
    if name in ("MAX", "MIN"):
        return (max if name == "MAX" else min)(nums) if nums else 0.0
    if name == "PRODUCT":
        return math.prod(nums) if nums else 0.0
    total = 0.0
    for x in nums:  # in order, as Excel adds
        total += x
    return total


def _with_kinds(f: Any, kinds: tuple[str, ...]) -> Any:
    def call(*args: Any) -> Any:
        return f(*args, kinds=kinds)

    call.__name__ = getattr(f, "__name__", "call")
    return call


_TEXT_LITERAL = re.compile(r'"[^"]*"|\\.')
_DATE_CODES = re.compile(r"[ymdhs]", re.IGNORECASE)


def _text_format(value: Any, format_code: Any) -> Any:
    """TEXT(value, format) for General, @ and number formats built of 0 # , . % and literal text
    (one to three sections); date and time formats go to the library; others are refused."""
    import schedula as sh
    from formulas.functions.text import xtext

    fmt = _excel_text(format_code) if format_code is not sh.EMPTY else ""
    if isinstance(value, (bool, np.bool_)):
        return "TRUE" if value else "FALSE"
    if value is sh.EMPTY or value is None:
        value = 0.0
    if isinstance(value, str):
        x = _excel_number(value)
        if x is None:
            return value  # text stays as it is
        value = x
    x = float(value)
    bare = _TEXT_LITERAL.sub("", fmt)
    if fmt.upper() == "GENERAL":
        return _excel_text(x)
    if fmt == "@":
        return _excel_text(x)
    if re.fullmatch(r"[0#,.%;$ ()+\-/:!^&'~{}<>=]*", bare) and re.search(r"[0#]", bare):
        sections = _split_sections(fmt)
        if len(sections) <= 3:
            if x < 0 and len(sections) >= 2:
                return _format_number(-x, sections[1], negative=False, fmt=fmt)
            if x == 0 and len(sections) == 3:
                return _format_number(0.0, sections[2], negative=False, fmt=fmt)
            return _format_number(abs(x), sections[0], negative=x < 0, fmt=fmt)
    elif (_DATE_CODES.search(bare) and not re.search(r"[^\W\d_]|\[", _DATE_CODES.sub("", bare))
          and 0 <= x < 2958466):  # y m d h s only: the library's AM/PM, [h] and others differ from Excel
        return xtext(x, fmt)
    raise _Refused(f"TEXT format {fmt!r}: not reproduced by the engine (number formats of 0 # , . % and "
                   f"text, General, and date formats are)")


def _split_sections(fmt: str) -> list[str]:
    parts, cur, i = [], "", 0
    while i < len(fmt):
        ch = fmt[i]
        if ch == '"':
            j = fmt.find('"', i + 1)
            j = len(fmt) if j < 0 else j
            cur += fmt[i:j + 1]
            i = j + 1
            continue
        if ch == "\\":
            cur += fmt[i:i + 2]
            i += 2
            continue
        if ch == ";":
            parts.append(cur)
            cur = ""
        else:
            cur += ch
        i += 1
    return parts + [cur]


def _format_number(x: float, section: str, *, negative: bool, fmt: str) -> str:
    """One number-format section (x ≥ 0) as Excel shows x: literal text kept, digits rounded at the
    section's decimals on x's 15-digit decimal form, thousands separated by commas."""
    tokens = re.findall(r'"[^"]*"|\\.|[0#?.,%]|.', section)
    placeholders = [i for i, t in enumerate(tokens) if t in ("0", "#", "?")]
    if not placeholders and "%" not in tokens and "." not in tokens:  # a section of text only: "zero"
        return ("-" if negative else "") + "".join(_literal(t) for t in tokens)
    if not placeholders or "?" in tokens:
        raise _Refused(f"TEXT format {fmt!r}: not reproduced by the engine")
    first, last = placeholders[0], placeholders[-1]
    core = tokens[first:last + 1]
    if any(t not in ("0", "#", ".", ",") for t in core) or core.count(".") > 1:
        raise _Refused(f"TEXT format {fmt!r}: digits split by text are not reproduced by the engine")
    scale = 0
    j = last + 1
    while j < len(tokens) and tokens[j] == ",":  # "0," shows thousands
        scale += 1
        j += 1
    percent = tokens.count("%")
    x = x * 100 ** percent / 1000 ** scale
    point = core.index(".") if "." in core else len(core)
    int_part, dec_part = [t for t in core[:point] if t != ","], core[point + 1:]
    decimals = len(dec_part)
    rounded = _decimal_round(x, decimals, "ROUND_HALF_UP")  # 15 digits then zeros, as Excel shows 2^60
    if negative and rounded == 0:
        raise _Refused(f"TEXT format {fmt!r}: a negative number shown as zero is not reproduced by the engine")
    whole, _, frac = f"{rounded:.{decimals}f}".partition(".")
    min_int = int_part.count("0")
    whole = whole.lstrip("0")
    whole = whole.rjust(min_int, "0") if min_int else whole
    if "," in core[:point] and whole:
        whole = f"{int(whole):,}"
    optional = len(dec_part) - len("".join(dec_part).rstrip("#"))  # trailing # drop trailing zeros
    frac = frac[:decimals]
    while optional and frac.endswith("0"):
        frac, optional = frac[:-1], optional - 1
    number = whole + ("." + frac if "." in core else "")
    before = "".join(_literal(t) for t in tokens[:first])
    after = "".join(_literal(t) for t in tokens[j:])
    return ("-" if negative else "") + before + number + after


def _literal(token: str) -> str:
    if token.startswith('"'):
        return token[1:-1]
    if token.startswith("\\"):
        return token[1:]
    return "" if token == "," else token


def _trim(text: Any) -> str:
    """TRIM: spaces at the ends removed and inner runs of spaces made one (Excel; not tabs)."""
    return re.sub(" +", " ", _excel_text(text).strip(" "))


# Excel's REGEX functions read patterns as PCRE2, the engine as Python's re: the two agree on the
# common constructs admitted by `_python_pattern`; anything else is refused, not guessed.
_REGEX_LETTER_ESCAPES = set("dDwWsSbBAfnrta")  # the same in both (\z and \Z are translated)
_REGEX_CLASS_ESCAPES = set("dDwWsSbfnrta")  # in a class \b is a backspace in both
_REGEX_UNICODE_RULES = set("dDwWsSbB")  # ASCII in PCRE2 by default, Unicode in Python's re


_PCRE2_DIFFERS = "Excel reads patterns as PCRE2, the engine as Python's re, which agree on common constructs only"


def _regex_refused(fname: str, pattern: str, what: str, why: str = _PCRE2_DIFFERS) -> _Refused:
    return _Refused(f"{fname}() pattern '{pattern}': {what}: not reproduced by the engine ({why})")


@lru_cache(maxsize=256)
def _python_pattern(fname: str, pattern: str) -> tuple[str, bool]:
    """A PCRE2 pattern as Python's re reads it the same way, and whether its matching depends on
    Unicode rules (\\d \\w \\s \\b, case-insensitivity), which differ for non-ASCII text."""
    out: list[str] = []
    unicode_rules = False
    in_class = False
    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "\\":
            c = pattern[i + 1] if i + 1 < n else ""
            if c == "x" and re.fullmatch(r"[0-9A-Fa-f]{2}", pattern[i + 2:i + 4]):
                out.append(pattern[i:i + 4])
                i += 4
                continue
            if in_class:
                ok = c in _REGEX_CLASS_ESCAPES
            else:
                backreference = c in "123456789" and not pattern[i + 2:i + 3].isdigit()  # \12: by group count
                ok = c in _REGEX_LETTER_ESCAPES or c in "zZ" or backreference
            if not (ok or (c and not (c.isascii() and c.isalnum()))):  # \. \( \$ …: the character itself
                raise _regex_refused(fname, pattern, f"the escape \\{c}" if c else "a trailing backslash")
            unicode_rules |= c in _REGEX_UNICODE_RULES and not (in_class and c == "b")
            # PCRE2's \z is Python's \Z; PCRE2's \Z also matches before a final newline
            out.append({"z": r"\Z", "Z": r"(?=\n?\Z)"}.get(c, "\\" + c) if not in_class else "\\" + c)
            i += 2
        elif in_class:
            if ch == "[" or pattern[i:i + 2] in ("--", "&&", "~~", "||"):
                raise _regex_refused(fname, pattern, f"{pattern[i:i + 2]!r} in a character class")
            in_class = ch != "]"
            out.append(ch)
            i += 1
        elif ch == "[":
            j = i + 1 + (pattern[i + 1:i + 2] == "^")
            j += pattern[j:j + 1] == "]"  # a ']' first in a class is itself, in both
            out.append(pattern[i:j])
            in_class, i = True, j
        elif pattern.startswith("(?", i):
            rest = pattern[i + 2:]
            named = re.match(r"<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'", rest)
            flags = re.match(r"([is]+)([:)])", rest)
            if rest.startswith("#"):  # a comment, to the first ')'
                end = pattern.find(")", i)
                if end < 0:
                    raise _regex_refused(fname, pattern, "an unclosed comment")
                out.append(pattern[i:end + 1])
                i = end + 1
                continue
            if named:  # (?<name>…) and (?'name'…): Python spells them (?P<name>…)
                out.append(f"(?P<{named.group(1) or named.group(2)}>")
                i += 2 + named.end()
                continue
            if flags and (flags.group(2) == ":" or i == 0):  # (?i) only at the start, where both read it alike
                unicode_rules |= "i" in flags.group(1)
                out.append(pattern[i:i + 2 + flags.end()])
                i += 2 + flags.end()
                continue
            if flags:
                raise _regex_refused(fname, pattern, f"the option {pattern[i:i + 2 + flags.end()]} after the start")
            if not (rest[:1] in (":", "=", "!", ">") or rest[:2] in ("<=", "<!", "P<", "P=")):
                raise _regex_refused(fname, pattern, f"the group {pattern[i:i + 4]!r}…")
            out.append("(?")
            i += 2
        elif ch == "{":
            quantifier = re.match(r"\{\d+(,\d*)?\}", pattern[i:])
            if not quantifier:  # PCRE2 reads {,n} and { 1 } by its version; a literal { is \{
                raise _regex_refused(fname, pattern, "a '{' that is no quantifier {n}, {n,} or {n,m}")
            out.append(quantifier.group(0))
            i += quantifier.end()
        elif pattern.startswith("(*", i):
            raise _regex_refused(fname, pattern, "a (*VERB)")
        else:
            out.append(ch)
            i += 1
    return "".join(out), unicode_rules


def _regex_text(v: Any) -> str:
    import schedula as sh

    return "" if v is sh.EMPTY or v is None else _excel_text(v)


def _regex_option(fname: str, argument: str, v: Any, allowed: range) -> int:
    """An integer argument (return_mode, occurrence, case_sensitivity); empty is 0 (as `_number` reads it)."""
    x = _number(v)
    if not float(x).is_integer() or int(x) not in allowed:
        expected = {"case_sensitivity": "0 (case-sensitive) or 1 (case-insensitive)",
                    "return_mode": "0 (first match), 1 (all matches) or 2 (groups of the first match)"}
        shown = repr(v) if isinstance(v, str) else _excel_text(v)
        raise _Refused(f"{fname}() {argument} {shown}: expected {expected.get(argument, 'a whole number')}")
    return int(x)


def _excel_regex(fname: str, text: str, pattern: Any, case_sensitivity: Any) -> re.Pattern[str]:
    pattern = _regex_text(pattern)
    insensitive = _regex_option(fname, "case_sensitivity", case_sensitivity, range(2)) == 1
    python, unicode_rules = _python_pattern(fname, pattern)
    if any(ord(ch) > 0xFFFF for ch in text + pattern):  # Excel's text is UTF-16: such a character is two units
        raise _regex_refused(fname, pattern, "a character beyond U+FFFF (an emoji) in the text or pattern")
    if (unicode_rules or insensitive) and not (text.isascii() and pattern.isascii()):
        raise _regex_refused(fname, pattern, "\\d \\w \\s \\b or case-insensitivity on non-ASCII text")
    if "\r" in text and re.search(r"[.$]|\\[zZ]", pattern):  # whether PCRE2 ends a line at \r is a build option
        raise _regex_refused(fname, pattern, ". or $ on text with a carriage return",
                             "Excel's newline convention is not documented")
    try:
        return re.compile(python, re.IGNORECASE if insensitive else 0)
    except re.error as exc:
        raise _regex_refused(fname, pattern, f"a pattern Python's re cannot read ({exc})") from None


def _regex_test(text: Any, pattern: Any, case_sensitivity: Any = 0) -> bool:
    """REGEXTEST: does the pattern match anywhere in the text."""
    text = _regex_text(text)
    return _excel_regex("REGEXTEST", text, pattern, case_sensitivity).search(text) is not None


_EMPTY_MATCHES = "where Excel resumes after an empty match is not documented"
_REPLACEMENT_REF = re.compile(r"\$(?:\$|(\d+)|\{(\w+)\}|([A-Za-z_]\w*))")


def _regex_replace(text: Any, pattern: Any, replacement: Any, occurrence: Any = 0, case_sensitivity: Any = 0) -> str:
    """REGEXREPLACE: every match replaced (occurrence 0), or only the n-th (n > 0) or the n-th from
    the end (n < 0); $1, ${1}, ${name} in the replacement insert a group, $$ a dollar sign."""
    text, replacement = _regex_text(text), _regex_text(replacement)
    rx = _excel_regex("REGEXREPLACE", text, pattern, case_sensitivity)
    nth = _regex_option("REGEXREPLACE", "occurrence", occurrence, range(-32767, 32768))
    if "$" in _REPLACEMENT_REF.sub("", replacement):
        raise _Refused(f"REGEXREPLACE() replacement '{replacement}': a $ is $$ (a dollar sign) or $n, ${{n}}, "
                       f"${{name}} (a group): expected one of these")
    matches = list(rx.finditer(text))
    if any(m.start() == m.end() for m in matches):  # where each next match starts, Excel's loop may differ
        raise _regex_refused("REGEXREPLACE", _regex_text(pattern), "empty matches", _EMPTY_MATCHES)
    if nth:
        index = nth - 1 if nth > 0 else len(matches) + nth
        matches = matches[index:index + 1] if 0 <= index < len(matches) else []

    def group(ref: re.Match[str], m: re.Match[str]) -> str:
        if ref.group(0) == "$$":
            return "$"
        name = ref.group(1) or ref.group(2) or ref.group(3)
        try:
            value = m.group(int(name) if name.isdigit() else name)
        except IndexError:  # no such group
            raise _Refused(f"REGEXREPLACE() replacement '{replacement}': no group {name} in the pattern") from None
        if value is None:
            raise _Refused(f"REGEXREPLACE() replacement '{replacement}': group {name} took no part in the match "
                           f"(Excel's result is not reproduced)")
        return value

    out, end = [], 0
    for m in matches:
        out += [text[end:m.start()], _REPLACEMENT_REF.sub(lambda ref: group(ref, m), replacement)]
        end = m.end()
    return "".join(out) + text[end:]


class _Rows:
    """REGEXEXTRACT's array for one text, held whole through numpy's vectorize (a list would be split)."""

    def __init__(self, rows: list[list[str]]):
        self.rows = rows


def _regex_extract(text: Any, pattern: Any, return_mode: Any = 0, case_sensitivity: Any = 0) -> Any:
    """REGEXEXTRACT: the first match (return_mode 0), all matches down a column (1), or the first
    match's capture groups across a row (2); #N/A without a match."""
    from formulas.functions import Error

    text = _regex_text(text)
    rx = _excel_regex("REGEXEXTRACT", text, pattern, case_sensitivity)
    mode = _regex_option("REGEXEXTRACT", "return_mode", return_mode, range(3))
    if mode == 1:
        found = [m.group(0) for m in rx.finditer(text)]
        if "" in found:
            raise _regex_refused("REGEXEXTRACT", _regex_text(pattern), "empty matches", _EMPTY_MATCHES)
        return _Rows([[v] for v in found]) if found else Error.errors["#N/A"]
    m = rx.search(text)
    if m is None:
        return Error.errors["#N/A"]
    if mode == 0:
        return m.group(0)
    if not rx.groups or None in m.groups():
        what = "no capture group" if not rx.groups else "a group that took no part in the match"
        raise _regex_refused("REGEXEXTRACT", _regex_text(pattern), f"return_mode 2 with {what}",
                             "Excel's result is not documented")
    return _Rows([list(m.groups())])


def _regex_extract_result(res: Any, *args: Any) -> Any:
    """REGEXEXTRACT's result: one text's array as the formula's array; several texts each giving an
    array (Excel: nested arrays) are refused."""
    from formulas.functions import Array

    values = np.asarray(res, dtype=object)
    arrays = [v for v in values.ravel() if isinstance(v, _Rows)]
    if not arrays:
        return res
    if values.size > 1:
        raise _Refused("REGEXEXTRACT() with return_mode 1 or 2 of several texts at once: an array for each "
                       "text is not reproduced (extract from one text per formula)")
    return np.array(arrays[0].rows, dtype=object).view(Array)


def _index(array: Any, row_num: Any, col_num: Any = None, area_num: Any = 1) -> Any:
    """INDEX of one area's values with a row or column number of 0 (or a 2-D area and one number):
    the whole column, row or area, as Excel gives it (the library gave the first cell, so
    =SUM(INDEX(A1:B5,0,2)) summed one cell). Anything else is the library's INDEX."""
    from formulas.functions import Array, Error, get_error
    from formulas.functions.look import xindex

    def whole(n: Any) -> bool:
        return n is not None and not isinstance(n, np.ndarray) and not isinstance(n, (str, bool, np.bool_)) \
            and type(n).__name__ != "XlError" and int(_number(n)) == 0
    if not (isinstance(array, np.ndarray) and array.ndim == 2 and not isinstance(row_num, np.ndarray)
            and not isinstance(col_num, np.ndarray) and area_num == 1
            and (whole(row_num) or whole(col_num) or (col_num is None and min(array.shape) > 1))):
        return xindex(array, row_num, col_num, area_num)
    err = get_error(row_num, col_num)
    if err:
        return np.asarray([[err]], object)
    rows, cols = array.shape
    if col_num is None and rows == 1:  # a one-row area: the one number is the column
        row_num, col_num = 1, row_num
    r = int(_number(row_num))
    c = 0 if col_num is None else int(_number(col_num))  # a 2-D area and one number: the whole row
    if r < 0 or c < 0:
        return np.asarray([[Error.errors["#VALUE!"]]], object)
    if r > rows or c > cols:
        return np.asarray([[Error.errors["#REF!"]]], object)
    picked = array[slice(None) if r == 0 else slice(r - 1, r), slice(None) if c == 0 else slice(c - 1, c)]
    return np.array(picked, dtype=object).view(Array)


def _sumproduct(*args: Any) -> Any:
    """SUMPRODUCT as Excel computes it: entries that are not numbers (text, even '1' typed as text,
    logical values, empty cells) count as 0; the library read numbers stored as text as numbers."""
    from formulas.functions import Error, raise_errors

    raise_errors(args)
    arrays = [np.atleast_2d(np.asarray(a, dtype=object)) for a in args]
    if any(a.shape != arrays[0].shape for a in arrays):
        return Error.errors["#VALUE!"]

    def number(v: Any) -> float:
        return float(v) if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)) else 0.0
    values = [np.vectorize(number, otypes=[float])(a) for a in arrays]
    return float(np.sum(np.prod(values, axis=0)))


@lru_cache(maxsize=1)
def _builtins() -> dict[str, Any]:
    """The replaced built-ins, wrapped as the library wraps its own (errors in, ranges read)."""
    from decimal import ROUND_DOWN, ROUND_HALF_UP, ROUND_UP
    from functools import partial

    from formulas.functions import wrap_func, wrap_ufunc

    out: dict[str, Any] = {}
    for name in ("SUM", "PRODUCT", "COUNT", "MAX", "MIN", "AVERAGE"):
        f = wrap_func(partial(_aggregate, name))
        f._kinds = True  # type: ignore[attr-defined]
        out[name] = f
    for name, how in (("ROUND", ROUND_HALF_UP), ("ROUNDUP", ROUND_UP), ("ROUNDDOWN", ROUND_DOWN)):
        out[name] = wrap_ufunc(partial(_round, how=how), input_parser=lambda x, d: (_number(x), _number(d)))
    out["VALUE"] = wrap_ufunc(_value, input_parser=lambda v: (v,))
    out["SUMPRODUCT"] = wrap_func(_sumproduct)
    out["NUMBERVALUE"] = out["_XLFN.NUMBERVALUE"] = wrap_ufunc(_numbervalue, args_parser=lambda *a: a,
                                                               input_parser=lambda *a: a)
    out["TEXT"] = wrap_ufunc(_text_format, input_parser=lambda v, f: (v, f), args_parser=lambda *a: a)
    out["TRIM"] = wrap_ufunc(_trim, input_parser=lambda v: (v,))
    out["N"] = wrap_func(_n)
    from formulas.functions.text import _kw0 as text_arguments  # the library's own for its REPT

    out["REPT"] = wrap_ufunc(_rept, **text_arguments)
    as_given = {"input_parser": lambda *a: a, "args_parser": lambda *a: a, "check_nan": False}  # empty: ""/0 there
    out["REGEXTEST"] = wrap_ufunc(_regex_test, **as_given)
    out["REGEXREPLACE"] = wrap_ufunc(_regex_replace, **as_given)
    out["REGEXEXTRACT"] = wrap_ufunc(_regex_extract, return_func=_regex_extract_result, **as_given)
    from formulas.functions import COMPILING, wrap_impure_func

    out["INDEX"] = {"extra_inputs": {COMPILING: False}, "function": wrap_impure_func(wrap_func(_index, ranges=True))}
    # RANDBETWEEN: a whole number, drawn again in each cell (the library's gave 4.6359… and, with constant
    # arguments, one value folded into every cell)
    out["RANDBETWEEN"] = {"extra_inputs": {COMPILING: False},
                          "function": wrap_impure_func(wrap_ufunc(_randbetween, input_parser=lambda *a: a))}
    return out


def _randbetween(bottom: Any, top: Any) -> Any:
    """RANDBETWEEN as Excel: a whole number from ROUNDUP(bottom) to ROUNDDOWN(top), #NUM! if there is none."""
    from formulas.functions import Error

    if isinstance(bottom, (bool, np.bool_)) or isinstance(top, (bool, np.bool_)):
        return Error.errors["#VALUE!"]
    low, high = math.ceil(_number(bottom)), math.floor(_number(top))
    if low > high:
        return Error.errors["#NUM!"]
    return float(np.random.randint(low, high + 1))


def _rept(text: Any, times: Any) -> str:
    """REPT: #VALUE! for a result longer than a cell holds, as Excel gives it, before making it (REPT of a
    REPT built 900 MB from a formula of 30 characters)."""
    from formulas.functions import replace_empty
    from formulas.functions.text import _str

    piece, n = _str(text), int(float(replace_empty(times)))
    if n < 0 or len(piece) * n > CELL_TEXT_MAX:
        raise ValueError(times)
    return piece * n


def _n(val: Any) -> Any:
    """N: a number stays, TRUE and FALSE are 1 and 0 (the library kept TRUE, so N(cond) summed as text),
    an error is itself, anything else 0; of a range, its first cell."""
    from formulas.functions import Array, raise_errors

    val = np.asarray(val, object).ravel()[0]
    raise_errors(val)
    number = float(val) if isinstance(val, (bool, np.bool_)) else val if isinstance(val, (int, float, np.number)) else 0
    return np.asarray([[number]], object).view(Array)


# What a formula the parser refuses may hold that Excel writes: a table's structured reference (Tbl[v],
# Tbl[[#This Row],[v]]) and a 3-D reference across sheets (Q1:Q4!A1), named rather than the parser's tuple.
_STRUCTURED_REF = re.compile(r"[A-Za-z_\\][\w.]*\[")
_THREE_D_REF = re.compile(r"(?:'[^']+'|[A-Za-z_][\w.]*):(?:'[^']+'|[A-Za-z_][\w.]*)!")


def _parse_problem(formula: str, exc: BaseException) -> str:
    """Why a formula could not be parsed, in words: a feature the engine lacks, or the parser's message."""
    code = " ".join(_STRING.split(formula)[::2])  # outside its string literals
    if _STRUCTURED_REF.search(code):
        return "a table's structured reference (Table[column]) is not supported: expected cell references (Sheet!A1:A5)"
    if _THREE_D_REF.search(code):
        return "a 3-D reference across sheets (Sheet1:Sheet3!A1) is not supported: expected one sheet's range per argument"
    args = getattr(exc, "args", ())
    if args and isinstance(args[0], str) and "%s" in args[0]:  # ('Not a valid formula:\n%s', formula), or no formula
        return args[0].split(":")[0].strip().lower() + " (its syntax is not Excel's, or not one the engine reads)"
    return str(exc)


def _value(v: Any) -> float:
    """VALUE: text read as Excel reads it; a number stays; a logical value is #VALUE!."""
    if isinstance(v, (bool, np.bool_)):
        raise ValueError(v)
    return _number(v)


_LOG_MAX_FLOAT = math.log(sys.float_info.max)


def _power(x: float, y: float) -> Any:
    """Excel's ^: 0^0 and a negative base to a fractional power are #NUM! (Python gives 1 and a
    complex number), 0 to a negative power #DIV/0!, an overflow #NUM!."""
    from formulas.functions import Error

    if x == 0 and y <= 0:
        return Error.errors["#NUM!" if y == 0 else "#DIV/0!"]
    if x < 0 and not float(y).is_integer():
        return Error.errors["#NUM!"]
    # Overflow found before computing: C's pow would raise the FPU's overflow flag, which numpy's
    # vectorize (the library's ufunc wrapper) turns into a RuntimeWarning even when caught here.
    if x != 0 and float(y) * math.log(abs(float(x))) > _LOG_MAX_FLOAT:
        return Error.errors["#NUM!"]
    try:
        r = float(x) ** float(y)
    except OverflowError:
        return Error.errors["#NUM!"]
    return r if math.isfinite(r) else Error.errors["#NUM!"]


@lru_cache(maxsize=1)
def _patch_operators() -> None:
    """+ - * / ^ % and unary minus reading text as Excel does; & and the text functions writing
    numbers as Excel does (the library's `_str` wrote 1/3 with 16 digits)."""
    from formulas.functions import Error, operators, text, wrap_ufunc

    numeric = {
        "+": lambda x, y: x + y,
        "-": lambda x, y: x - y,
        "U-": lambda x: -x,
        "*": lambda x, y: x * y,
        "/": lambda x, y: (x / y) if y else Error.errors["#DIV/0!"],
        "^": _power,
        "%": lambda x: x / 100.0,
    }
    for op, f in numeric.items():
        operators.OPERATORS[op] = wrap_ufunc(f, input_parser=lambda *a: map(_number, a))
    def compared(x: Any, y: Any) -> Any:  # Excel compares numbers to 15 digits: 0.1+0.2=0.3
        return operators.logic_input_parser(_digits15(x), _digits15(y))

    for op, f in operators.LOGIC_OPERATORS.items():
        operators.OPERATORS[op] = wrap_ufunc(f, input_parser=compared, args_parser=lambda *a: a)
    text._str = operators._str = _excel_text
    from formulas.functions import date

    if not getattr(date._text2datetime, "_aip_locale_free", False):
        date._text2datetime = _date_text(date._text2datetime)
    # A double minus (--(A1:A5>1), --"3") reads its operand as a number, as two unary minuses do in
    # Excel. The library's tokenizer merges a run of signs into one (an even count into +), and a unary
    # + leaves its operand as it is: SUMPRODUCT(--(A1:A5>1)) summed logical values as 0.
    operators.OPERATORS["U--"] = wrap_ufunc(lambda x: -(-x), input_parser=lambda *a: map(_number, a))
    from formulas.tokens.operator import Operator, OperatorToken

    if not getattr(OperatorToken, "_aip_double_minus", False):
        merge, compile_operator = OperatorToken.process, Operator.compile

        def process(self: Any, match: Any, context: Any = None, parser: Any = None) -> Any:
            attr = merge(self, match, context=context, parser=parser)
            signs = attr.get("sum_minus") or ""
            if signs.count("-") >= 2 and signs.count("-") % 2 == 0:
                attr["double_minus"] = True
            return attr

        def compile(self: Any) -> Any:
            if self.name == "u+" and self.attr.get("double_minus"):
                return operators.OPERATORS["U--"]
            return compile_operator(self)

        OperatorToken.process, Operator.compile = process, compile  # type: ignore[method-assign]
        OperatorToken._aip_double_minus = True  # type: ignore[attr-defined]


def _digits15(v: Any) -> Any:
    if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, (bool, np.bool_)):
        x = float(v)
        return float(f"{x:.15g}") if math.isfinite(x) else x
    return v


# Functions that take their range arguments as whole arrays and return an array: in an ordinary cell
# Excel shows the result's top-left value (=LINEST(y,x) for the slope), with no implicit intersection.
_ARRAY_RESULT_FUNCTIONS = {
    "LINEST", "LOGEST", "TREND", "GROWTH", "FREQUENCY", "MINVERSE", "MMULT", "TRANSPOSE", "SORT", "SORTBY", "UNIQUE",
    "FILTER", "TAKE", "DROP", "CHOOSECOLS", "CHOOSEROWS", "HSTACK", "VSTACK", "TOCOL", "TOROW", "WRAPROWS",
    "WRAPCOLS", "EXPAND"}


def _outer_function(formula: str) -> str | None:
    """The function a formula is wholly a call of (=LINEST(B1:B5,A1:A5) → LINEST), without its
    _xlfn./_xlws. prefixes; None for anything else (=LINEST(…)*2, =A1:A5)."""
    bare = _STRING.sub('""', _PREFIXES.sub("", formula))  # no parenthesis inside a literal
    m = re.match(r"=\s*([A-Za-z][A-Za-z0-9.]*)\(", bare)
    if not m:
        return None
    depth = 0
    for i in range(m.end() - 1, len(bare)):
        depth += {"(": 1, ")": -1}.get(bare[i], 0)
        if depth == 0:
            return m.group(1).upper() if bare[i + 1:].strip() == "" else None
    return None


# How a formula uses an input (`_uses`), and so how it reads a range there (`Book._reading`)
_OPERAND = "operand"  # only operators on the way to the formula's result: =Prices*10, =A1:A3
_SINGLE = "single"  # the argument of @ (SINGLE)
_OTHER = "other"  # a function's argument, or an operator's inside one: the function decides
_INTERSECT, _WHOLE, _MIXED = "intersect", "whole", "mixed"
_SCALAR_OPERATORS = {"+", "-", "*", "/", "^", "%", "U+", "U-", "&", "=", "<>", "<", "<=", ">", ">="}


def _uses(dsp: Any, node: Any, result: Any) -> frozenset[str]:
    """How the formula's graph `dsp` uses `node` on each way to its `result`: _OPERAND, _SINGLE, _OTHER."""
    uses: set[str] = set()
    todo, seen = [node], set()
    while todo:
        n = todo.pop()
        if n in seen:
            continue
        seen.add(n)
        if n == result:
            uses.add(_OPERAND)
        for f in dsp.dmap.succ.get(n, ()):
            name = re.sub(r"<\d+>$", "", str(f)).upper()
            if name in ("SINGLE", "@"):
                uses.add(_SINGLE if n == node else _OTHER)  # @(A1:A3*2): an array's top-left, not a cell
            elif name in _SCALAR_OPERATORS:
                todo.extend(dsp.dmap.succ.get(f, ()))
            else:
                uses.add(_OTHER)
    return frozenset(uses)


@dataclass
class Cell:
    formula: str | None = None  # with the leading '='
    value: Any = None
    array: tuple[int, int, int, int] | None = None  # the range an array formula fills (anchor cells only)
    spill: bool = False  # a dynamic array: its range follows its result's size (the builder's, Excel 365's)
    blocked: bool = False  # a dynamic array whose range would cover other content: #SPILL!


@dataclass
class Book:
    """Cells of every sheet, defined names and the values the engine computes."""

    sheets: list[str] = field(default_factory=list)
    cells: dict[tuple[str, int, int], Cell] = field(default_factory=dict)  # key: (SHEET upper, row, col)
    names: dict[str, tuple[str, str]] = field(default_factory=dict)  # NAME upper → (sheet, 'A1:B2')
    # names scoped to one sheet: (SHEET upper, NAME upper) → (sheet, 'A1:B2'); they hide a workbook's name there
    local_names: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    # names defined by a constant or formula, not a range: (SHEET upper or "" for the workbook, NAME) → '=0.25'
    name_formulas: dict[tuple[str, str], str] = field(default_factory=dict)
    # names with a relative reference ((SHEET or "", NAME), their address keeping its $): Excel reads
    # them relative to the cell using them (the file stores them as seen from A1)
    relative_names: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    _sheet_case: dict[str, str] = field(default_factory=dict)
    _values: dict[tuple[str, int, int], Any] = field(default_factory=dict)
    _array_of: dict[tuple[str, int, int], tuple[str, int, int]] = field(default_factory=dict)
    _busy: list[tuple[str, int, int]] = field(default_factory=list)
    _compiled: dict[str, Any] = field(default_factory=dict)
    _cleared: set[tuple[str, int, int]] = field(default_factory=set)  # cells a shrunk spill no longer fills
    _name_cells: dict[tuple[str, int, int], Cell] = field(default_factory=dict)  # formula names, per sheet using them
    # legacy (Ctrl+Shift+Enter) arrays whose result is larger than their range: "Sheet!A6: 11 × 13 in 11 × 12"
    cut_short: list[str] = field(default_factory=list)
    # dynamic arrays whose result is another size than the range the file records: "Sheet!A5: 18 × 13 → 19 × 13"
    resized: list[str] = field(default_factory=list)
    # dynamic arrays showing #SPILL!, with what is in the way: "Sheet!A6: a 35 × 5 result would cover Sheet!A37 …"
    spill_blocked: dict[tuple[str, int, int], str] = field(default_factory=dict)  # an anchor may be computed twice

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

    def set_array(self, sheet: str, row: int, col: int, formula: str, ref: tuple[int, int, int, int] | None,
                  *, dynamic: bool = False) -> Cell:
        """An array formula filling `ref`; with `dynamic` (or no `ref`) a dynamic array, whose range
        follows the size of its result (`ref`: the range the file records it spilled into)."""
        if ref is not None and (ref[2] - ref[0] + 1) * (ref[3] - ref[1] + 1) > MAX_ARRAY_CELLS:
            r1, c1, r2, c2 = ref  # each cell of the range is claimed one by one: A1:XFD1048576 held 4 GB and more
            raise RecalcError(f"{sheet}!{cell_name(row, col)}: the array formula's range {cell_name(r1, c1)}:"
                              f"{cell_name(r2, c2)} spans {(r2 - r1 + 1) * (c2 - c1 + 1):,} cells: expected at most "
                              f"{MAX_ARRAY_CELLS:,}")
        cell = self.set(sheet, row, col, formula)
        cell.array, cell.spill = ref, dynamic or ref is None
        if ref is not None:
            self._claim(sheet.upper(), row, col, ref)
        return cell

    def _claim(self, sheet: str, row: int, col: int, ref: tuple[int, int, int, int]) -> None:
        r1, c1, r2, c2 = ref
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                self._array_of[(sheet, r, c)] = (sheet, row, col)
                self._cleared.discard((sheet, r, c))

    def _respill(self, key: tuple[str, int, int], cell: Cell, rows: int, cols: int) -> bool:
        """Move a dynamic array's range to its result's size, as Excel re-spills it; False (and the
        range shrunk to the anchor) where the new range would cover other content: Excel's #SPILL!."""
        sheet, row, col = key
        new = (row, col, row + rows - 1, col + cols - 1)
        old = cell.array or (row, col, row, col)
        in_the_way = [k for k in ((sheet, r, c) for r in range(new[0], new[2] + 1) for c in range(new[1], new[3] + 1))
                      if not (old[0] <= k[1] <= old[2] and old[1] <= k[2] <= old[3])
                      and k != key and (_has_content(self.cells.get(k)) or self._array_of.get(k, key) != key)]
        blocked = bool(in_the_way)
        if blocked:
            first = in_the_way[0]
            self.spill_blocked[key] = (
                f"{self.where(key)}: a {rows} × {cols} result would cover {self.where(first)}"
                f"{f' and {len(in_the_way) - 1} more cell' + ('s' if len(in_the_way) > 2 else '') if len(in_the_way) > 1 else ''}"
                f", which {'hold' if len(in_the_way) > 1 else 'holds'} other content")
            new = (row, col, row, col)
        elif cell.array is not None:  # the file recorded its range: a reference by position into it may move
            self.resized.append(f"{self.where(key)}: {old[2] - old[0] + 1} × {old[3] - old[1] + 1} → {rows} × {cols}")
        cell.blocked = blocked
        for r in range(old[0], old[2] + 1):
            for c in range(old[1], old[3] + 1):
                k = (sheet, r, c)
                if k != key and self._array_of.get(k) == key:
                    # the values the file cached for the old spill are no cells of their own
                    del self._array_of[k]
                    self.cells.pop(k, None)
                    self._values[k] = None
                    self._cleared.add(k)
        cell.array = new
        self._claim(sheet, row, col, new)
        return not blocked

    def sheet_name(self, sheet: str) -> str:
        return self._sheet_case.get(sheet.upper(), sheet)

    def where(self, key: tuple[str, int, int]) -> str:
        if key[0].startswith(_NAME_KEY):
            _, name, sheet = key[0].split(_NAME_KEY)
            return f"name {name} (as used on sheet {self.sheet_name(sheet)})"
        return f"{self.sheet_name(key[0])}!{cell_name(key[1], key[2])}"

    def _context(self, key: tuple[str, int, int]) -> str:
        """The sheet a formula's unqualified references and names belong to."""
        return self.sheet_name(key[0].split(_NAME_KEY)[2] if key[0].startswith(_NAME_KEY) else key[0])

    def _cell(self, key: tuple[str, int, int]) -> Cell | None:
        return self._name_cells.get(key) if key[0].startswith(_NAME_KEY) else self.cells.get(key)

    def _name(self, key: tuple[str, int, int], name: str) -> tuple[str, str] | tuple[str, int, int]:
        """What a defined name means in the formula at `key`: (sheet, 'A1:B2') for a range, or the key
        of the cell computing its formula. A sheet's own name hides the workbook's."""
        sheet = self._context(key).upper()
        local = (sheet, name)
        defined_here = any(local in d for d in (self.local_names, self.name_formulas, self.relative_names))
        scope = local if defined_here else ("", name)
        outer = key[0].split(_NAME_KEY)[1] if key[0].startswith(_NAME_KEY) else None
        if defined_here and outer is not None and (sheet, outer) not in self.name_formulas:
            raise RecalcError(f"{self.where(key)}: workbook name {outer} uses {name}, which sheet "
                              f"{self.sheet_name(sheet)} defines for itself: not supported (Excel may read either)")
        if scope in self.relative_names:
            if key[0].startswith(_NAME_KEY):
                raise RecalcError(f"{self.where(key)}: name {name} has a relative reference, used inside another name: "
                                  f"not supported (make its reference absolute, with $)")
            ref_sheet, addr = self.relative_names[scope]
            return ref_sheet, _shifted(addr, key[1], key[2])
        if scope in self.name_formulas:
            vkey = (f"{_NAME_KEY}{name}{_NAME_KEY}{sheet}", 0, 0)
            if vkey not in self._name_cells:
                text = self.name_formulas[scope]
                if _has_relative_reference(text):
                    raise RecalcError(f"{self.where(key)}: name {name} is the formula {text} with a relative "
                                      f"reference: not supported (make its references absolute, with $)")
                self._name_cells[vkey] = Cell(formula=text)
            return vkey
        if scope[0]:
            return self.local_names[scope]
        if name not in self.names:
            if _WHOLE_LINES.fullmatch(name):  # the parser hands D:D (and D1:D1048576, as D1:D) over as a name
                raise RecalcError(f"{self.where(key)}: {_WHOLE_LINES_REFUSED}")
            beyond = ", nor a cell: a sheet ends at XFD1048576" if _ADDRESS_LIKE.fullmatch(name) else ""
            raise RecalcError(f"{self.where(key)}: unknown name '{name}' (not a defined name of the workbook{beyond})")
        return self.names[name]

    def _check_qualified_names(self, key: tuple[str, int, int], formula: str) -> None:
        """Sheet!Name reads the name as seen from that sheet; the parser drops the sheet, so refuse it
        where it would mean something else than Name seen from the formula's own sheet."""
        whole = _QUALIFIED_WHOLE_LINES.search(_STRING.sub('""', formula))
        if whole:  # S!D:D: the parser reads a name D of sheet S
            raise RecalcError(f"{self.where(key)}: {whole.group(0).lstrip('!')} in {formula}: {_WHOLE_LINES_REFUSED}")
        for sheet, name in _qualified_names(formula):
            if sheet.upper() not in self._sheet_case:
                continue
            name = name.upper()
            probe = (sheet.upper(), key[1], key[2])
            try:
                same = self._name(probe, name) == self._name(key, name)
            except RecalcError:
                same = False
            if not same:
                raise RecalcError(f"{self.where(key)}: {sheet}!{name} in {formula}: a name of another sheet is not "
                                  f"supported where the formula's own sheet sees a different {name}")

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
        cell = self._cell(key)
        if cell is None:
            return None
        if cell.formula is None:
            self._values[key] = cell.value
            return cell.value
        if key in self._busy:
            raise RecalcError(f"{self.where(key)}: circular reference ({self._cycle(self._busy, key)})")
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
        cell = self._cell(key)
        assert cell is not None
        compiled = self._compile(key, cell.formula or "")
        reading = self._reading(key, cell, compiled)
        out = []
        for ref in compiled.inputs:
            sheet, addr = split_sheet(ref, self._context(key))
            if "!" not in ref and not _is_address(addr):
                try:
                    target = self._name(key, addr.upper())
                except RecalcError:
                    continue
                if len(target) == 3:
                    if target not in self._values:
                        out.append(target)  # type: ignore[arg-type]
                    continue
                sheet, addr = target  # type: ignore[misc]
            if sheet.upper() not in self._sheet_case:
                continue
            try:
                r1, c1, r2, c2 = parse_range(addr)
                if reading[ref] == _INTERSECT and (r1, c1) != (r2, c2):
                    at = self._intersected(key, cell.formula or "", ref, (r1, c1, r2, c2))
                    if at is None:
                        continue
                    r1, c1 = r2, c2 = at
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

    def _cycle(self, path: list[tuple[str, int, int]], key: tuple[str, int, int]) -> str:
        """The cells of a circular reference, from `key`'s place on `path` back to it: A1 → B1 → A1."""
        return " → ".join(self.where(k) for k in path[path.index(key):] + [key])

    def _resolve_dependencies(self, root: tuple[str, int, int]) -> None:
        """Compute the formula cells `root` depends on, deepest first, without recursion."""
        stack: list[tuple[tuple[str, int, int], bool]] = [(root, False)]
        # the cells being expanded, in order: a dict, so that a chain of n cells takes n steps, not n²
        on_path: dict[tuple[str, int, int], None] = {}
        while stack:
            key, expanded = stack.pop()
            if expanded:
                del on_path[key]
                if key != root and key not in self._values:
                    self.value(*key)  # its own dependencies are computed: shallow
                continue
            if key in self._values:
                continue
            if key in on_path:
                raise RecalcError(f"{self.where(key)}: circular reference ({self._cycle(list(on_path), key)})")
            on_path[key] = None
            stack.append((key, True))
            for dep in self._dependencies(key):
                if dep in on_path:
                    raise RecalcError(f"{self.where(dep)}: circular reference ({self._cycle(list(on_path), dep)})")
                stack.append((dep, False))

    def _store(self, key: tuple[str, int, int], cell: Cell, result: Any) -> None:
        grid = result if isinstance(result, np.ndarray) and result.ndim == 2 else None
        if cell.spill:
            rows, cols = grid.shape if grid is not None else (1, 1)
            r1, c1, r2, c2 = cell.array or (-1, -1, -1, -1)
            if cell.array is None or (r2 - r1 + 1, c2 - c1 + 1) != (rows, cols):
                if not self._respill(key, cell, rows, cols):
                    grid, result = None, ExcelErrorValue("#SPILL!")
        if cell.array is None:
            self._values[key] = _formula_scalar(result)
            return
        r1, c1, r2, c2 = cell.array
        g = grid if grid is not None else np.array([[result]], dtype=object)
        if g.shape[0] > r2 - r1 + 1 or g.shape[1] > c2 - c1 + 1:  # the rest is not shown: say so
            self.cut_short.append(f"{self.where(key)}: a {g.shape[0]} × {g.shape[1]} result in a "
                                  f"{r2 - r1 + 1} × {c2 - c1 + 1} range")
        for r in range(r1, r2 + 1):
            for c in range(c1, c2 + 1):
                i, j = r - r1, c - c1
                # Excel repeats a single row (column, value) over a larger legacy array range and
                # fills the rest with #N/A
                i, j = (0 if g.shape[0] == 1 else i), (0 if g.shape[1] == 1 else j)
                v = g[i, j] if i < g.shape[0] and j < g.shape[1] else ExcelErrorValue("#N/A")
                self._values[(key[0], r, c)] = _formula_scalar(v)

    def _spill_ranges(self, key: tuple[str, int, int], formula: str) -> str:
        """The formula with each spill reference (A1#, stored as ANCHORARRAY(A1)) replaced by the range
        its anchor's array formula fills, as the file records it; text in quotes is left alone."""
        def ranged(m: re.Match[str]) -> str:
            prefix, col, row = m.group(1) or "", m.group(2), m.group(3)
            sheet = split_sheet(prefix + "A1", self._context(key))[0]
            r, c = int(row) - 1, col_index(col.upper())
            anchor = self.cells.get((sheet.upper(), r, c))
            if anchor is None or anchor.array is None or anchor.array[:2] != (r, c):
                raise RecalcError(f"{self.where(key)}: spill reference {prefix}{col}{row}# in {formula}: "
                                  f"{sheet}!{col.upper()}{row} holds no array formula to spill")
            if anchor.blocked:
                return "#REF!"  # Excel: a spill reference to an anchor showing #SPILL!
            r1, c1, r2, c2 = anchor.array
            return f"{prefix}{cell_name(r1, c1)}:{cell_name(r2, c2)}"

        return _outside_quotes(formula, lambda part: _ANCHOR.sub(ranged, part))

    def _compile(self, key: tuple[str, int, int], formula: str) -> Any:
        if "#" in formula:  # A1# as typed (openpyxl writes it so; Excel stores ANCHORARRAY(A1))
            formula = _outside_quotes(formula, lambda part: _HASH_SPILL.sub(r"ANCHORARRAY(\1\2\3)", part))
        if "ANCHORARRAY" in formula.upper():
            formula = self._spill_ranges(key, formula)
        if formula in self._compiled:
            return self._compiled[formula]
        import formulas

        _functions()  # before parsing: the parser binds function names
        edge = _edge_range(formula)
        if edge:
            raise RecalcError(f"{self.where(key)}: {edge} in {formula}: {_WHOLE_LINES_REFUSED}")
        text = _outside_quotes(formula, lambda part: _EXPONENT.sub(r"\1E+\2", _PREFIXES.sub("", part)))
        try:
            _, ast = formulas.Parser().ast(text)
        except Exception as exc:
            raise RecalcError(f"{self.where(key)}: cannot parse formula {formula}: {_parse_problem(formula, exc)}") from None
        unsupported = _unsupported_functions(formula)  # check_functions() names them all first; a backstop
        if unsupported:
            raise RecalcError(f"{self.where(key)}: function {unsupported[0]}() in {formula} is not supported by the "
                              f"engine ({_SUPPORTED_HINT.format(len(supported_builtins()))})")
        for node in ast.dsp.function_nodes.values():
            func, inputs = node.get("function"), node.get("inputs") or ()
            skipped = tuple(i for i, n in enumerate(inputs) if n == _OMITTED_NODE)
            if skipped and getattr(func, "_aip", False):
                node["function"] = _omitting(func, skipped)
            if getattr(func, "_kinds", False):  # SUM & co. treat a cell's text unlike typed text
                node["function"] = _with_kinds(func, _arg_kinds(ast.dsp, list(inputs)))
        try:
            compiled = ast.compile()  # computes the parts without references already
        except Exception as exc:
            refused = _refusal(exc)
            if refused is None:
                raise RecalcError(f"{self.where(key)}: {formula}: {type(exc).__name__}: {exc}") from None
            raise RecalcError(f"{self.where(key)}: {formula}: {refused.message}") from None
        compiled._uses = {ref: _uses(ast.dsp, ref, compiled.outputs[0]) for ref in compiled.inputs}
        self._compiled[formula] = compiled
        return compiled

    def _evaluate(self, key: tuple[str, int, int], cell: Cell) -> Any:
        compiled = self._compile(key, cell.formula or "")
        if "!" in (cell.formula or ""):
            self._check_qualified_names(key, cell.formula or "")
        reading = self._reading(key, cell, compiled)
        args = [self._input(key, ref, reading[ref]) for ref in compiled.inputs]
        try:
            out = compiled(*args)
        except RecalcError:
            raise
        except Exception as exc:
            refused = _refusal(exc)
            if refused is not None:
                raise RecalcError(f"{self.where(key)}: {cell.formula}: {refused.message}") from None
            raise RecalcError(f"{self.where(key)}: {cell.formula}: {type(exc).__name__}: {exc}") from None
        if key[0].startswith(_NAME_KEY) and isinstance(out, np.ndarray) and out.size > 1:
            raise RecalcError(f"{self.where(key)}: {cell.formula} is an array: names with an array value are not "
                              f"supported (name a range instead)")
        if isinstance(out, np.ndarray) and out.ndim == 2 and out.shape == (1, 1) and cell.array is None and not cell.spill:
            return out[0, 0]
        if isinstance(out, np.ndarray) and out.ndim < 2:
            out = out.item() if out.ndim == 0 else np.atleast_2d(out)
        if isinstance(out, np.ndarray) and out.size > 1 and cell.array is None and not cell.spill:
            ranges = [ref for ref, a in zip(compiled.inputs, args) if isinstance(a, np.ndarray) and a.size > 1]
            if ranges and _outer_function(cell.formula or "") in _ARRAY_RESULT_FUNCTIONS:
                return out.flat[0]  # a function of whole arrays (=LINEST(…) for the slope): Excel shows the top-left
            if ranges:  # which value Excel takes depends on how each function reads the range: not guessed
                rows, cols = out.shape
                if _outer_function(cell.formula or "") == "INDEX":
                    raise RecalcError(
                        f"{self.where(key)}: {cell.formula} gives a whole {rows}×{cols} part of its range (a row or "
                        f"column number 0, or one number for a 2-D range) in a single cell, where Excel would take "
                        f"the part's cell on the formula's row or column (implicit intersection), which the engine "
                        f"does not reproduce: give both the row and the column number, or enter the formula as a "
                        f"spilling (dynamic array) formula")
                raise RecalcError(
                    f"{self.where(key)}: {cell.formula} gives a {rows}×{cols} array (from {', '.join(ranges)}) in a "
                    f"single cell, where Excel would apply implicit intersection (one value by the formula's row or "
                    f"column), which the engine does not reproduce for this formula: pick the value with INDEX, or "
                    f"enter the formula as a spilling (dynamic array) formula")
            return out.flat[0]  # an array from no range: Excel shows its top-left value
        return out

    def _reading(self, key: tuple[str, int, int], cell: Cell, compiled: Any) -> dict[str, str]:
        """How the formula in `key` reads each input range: whole (_WHOLE), by Excel's implicit
        intersection with the formula's row or column (_INTERSECT), or both (_MIXED, refused if a
        range). An ordinary formula intersects a range that only operators use on the way to its
        result (=Prices*10); @ (SINGLE) intersects its range argument in any formula."""
        ordinary = not key[0].startswith(_NAME_KEY) and cell.array is None and not cell.spill
        intersecting = {_OPERAND, _SINGLE} if ordinary else {_SINGLE}
        out = {}
        for ref, uses in compiled._uses.items():
            if uses <= intersecting:
                out[ref] = _INTERSECT
            elif _SINGLE in uses:
                out[ref] = _MIXED
            else:
                out[ref] = _WHOLE
        return out

    def _intersected(self, key: tuple[str, int, int], formula: str, ref: str,
                     bounds: tuple[int, int, int, int]) -> tuple[int, int] | None:
        """The cell of a multi-cell range that Excel's implicit intersection reads for the formula in
        `key`: the range's cell on the formula's row (a one-column range) or column (a one-row range),
        on any sheet; None where there is none (Excel: #VALUE!)."""
        r1, c1, r2, c2 = bounds
        cell = self._cell(key)
        if key[0].startswith(_NAME_KEY) or (cell is not None and cell.array is not None and not cell.spill
                                             and cell.array[:2] != cell.array[2:]):
            place = "a name's formula" if key[0].startswith(_NAME_KEY) else "an array formula over several cells"
            raise RecalcError(f"{self.where(key)}: {formula}: @ (implicit intersection) of the range {ref} in {place} "
                              f"is not supported (Excel reads it by each cell using it): pick the value with INDEX")
        if r1 != r2 and c1 != c2:
            raise RecalcError(f"{self.where(key)}: {formula}: {ref} is a {r2 - r1 + 1}×{c2 - c1 + 1} range where Excel "
                              f"would apply implicit intersection (one value by the formula's row or column): "
                              f"reproduced for a one-row or one-column range only; pick the value with INDEX, or "
                              f"enter the formula as a spilling (dynamic array) formula")
        row, col = key[1], key[2]
        if c1 == c2:
            return (row, c1) if r1 <= row <= r2 else None
        return (r1, col) if c1 <= col <= c2 else None

    def _input(self, key: tuple[str, int, int], ref: str, reading: str = _WHOLE) -> Any:
        import schedula as sh

        sheet, addr = split_sheet(ref, self._context(key))
        if "!" not in ref and not _is_address(addr):
            target = self._name(key, addr.upper())
            if len(target) == 3:  # a name defined by a constant or formula
                v = self.value(*target)  # type: ignore[misc]
                return sh.EMPTY if v is None else _to_engine(v)
            sheet, addr = target  # type: ignore[misc]
        if sheet.startswith("[") or sheet.startswith("'["):
            raise RecalcError(f"{self.where(key)}: reference {ref} points into another workbook: external links are "
                              f"not recalculated (paste the values in, or recalculate in Excel)")
        if ref.lstrip().startswith("(") or " " in addr.strip():  # the library's reading of (A1:A5 B2:C3), (A1,B4)
            raise RecalcError(f"{self.where(key)}: reference {ref}: the intersection (a space between ranges) and "
                              f"union ((range1,range2)) operators are not supported: expected one range per argument")
        if sheet.upper() not in self._sheet_case:
            raise RecalcError(f"{self.where(key)}: reference {ref}: no sheet '{sheet}'")
        try:
            r1, c1, r2, c2 = parse_range(addr)
        except RecalcError:
            raise RecalcError(f"{self.where(key)}: reference {ref} is not supported (whole rows/columns and "
                              f"external references are not)") from None
        if (r1, c1) != (r2, c2) and reading == _MIXED:
            raise RecalcError(f"{self.where(key)}: {self._cell(key).formula}: the range {ref} is read both with @ "  # type: ignore[union-attr]
                              f"(implicit intersection) and whole: not supported; pick the value with INDEX instead of @")
        if (r1, c1) != (r2, c2) and reading == _INTERSECT:
            at = self._intersected(key, self._cell(key).formula or "", ref, (r1, c1, r2, c2))  # type: ignore[union-attr]
            if at is None:
                from formulas.functions import Error

                return Error.errors["#VALUE!"]
            r1, c1 = r2, c2 = at
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
        dynamic = [c for _, c in cells if c.spill]
        for _ in range(len(dynamic) + 2):
            ranges = [c.array for c in dynamic]
            for n, (key, _) in enumerate(cells, start=1):
                self.value(*key)
                raise_if_stopped()  # a Ctrl-C or SIGTERM lost inside the library's finalizers stops here
                if progress is not None and (n % 500 == 0 or n == len(cells)):
                    progress(n, len(cells))
            if ranges == [c.array for c in dynamic]:
                return len(cells)
            # A dynamic array re-spilled to a new size: cells computed before it read its old range
            # (a cell its new range covers had no formula to wait for), so compute them all again.
            self._values.clear()
        moved = [self.where(k) for k, c in cells if c.spill]
        raise RecalcError(f"dynamic arrays keep changing size from one pass to the next ({', '.join(moved[:5])})")

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


# The same as typed: A1#, Sheet!$A$1#, 'My sheet'!A1# (not a name's or an error's #, as in #N/A)
_HASH_SPILL = re.compile(r"(?<![A-Za-z0-9_.$'!])((?:'(?:[^']|'')+'|[A-Za-z0-9_.]+)!)?(\$?[A-Za-z]{1,3})(\$?\d+)#")


@lru_cache(maxsize=4096)
def _unsupported_functions(formula: str) -> tuple[str, ...]:
    """The functions a formula calls that the engine lacks, by their names as written (the parser
    folds some, e.g. INDIRECT of a constant, into references)."""
    from formulas.functions import not_implemented

    funcs = _functions()
    bare = _STRING.sub('""', _ANCHOR.sub("A1", formula))  # a spill reference: a range
    bare = _PREFIXES.sub("", bare)
    names = dict.fromkeys(n.upper() for n in re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\s*\(", bare))
    return tuple(n for n in names if n not in funcs or funcs[n] is not_implemented
                 or n in _REFERENCE_FUNCTIONS or n in _TAKES_A_FUNCTION)


def _is_address(addr: str) -> bool:
    """A1 or A1:B2 within the sheet (XFD1048576 at most); XFE1 or A1048577 is a name, as in Excel."""
    m = _ADDRESS_LIKE.fullmatch(addr)
    return m is not None and all(col_index(c) < _COLUMNS and 0 < int(r) <= _ROWS
                           for c, r in ((m.group(1), m.group(2)), (m.group(3) or "A", m.group(4) or "1")))


def _to_engine(v: Any) -> Any:
    if isinstance(v, ExcelErrorValue):
        from formulas.functions import Error
        from formulas.tokens.operand import XlError

        # The engine's own error objects: ISNA, IFNA, ERROR.TYPE and COUNTIF compare by identity,
        # so a new XlError('#N/A') read through a reference was no #N/A to them.
        return Error.errors.get(v.code) or XlError(v.code)
    return v


def _has_content(cell: Cell | None) -> bool:
    return cell is not None and (cell.formula is not None or cell.value is not None)


def _formula_scalar(v: Any) -> Any:
    """A formula's result as its cell stores it: a reference to an empty cell gives 0, as in Excel
    (an AIP_ table's None stays an empty cell, as xlwings writes it)."""
    import schedula as sh

    if isinstance(v, np.ndarray) and v.size >= 1:
        v = v.flat[0]
    v = 0.0 if v is sh.EMPTY else _scalar(v)
    if isinstance(v, str) and len(v) > CELL_TEXT_MAX:  # Excel's #VALUE! for a text no cell can hold
        return ExcelErrorValue("#VALUE!")
    return v


CELL_TEXT_MAX = 32767  # characters a cell holds (Excel's specifications and limits)


def _scalar(v: Any) -> Any:
    """A result as a cell stores it: float, str, bool, None or an ExcelErrorValue."""
    import schedula as sh

    if isinstance(v, np.ndarray):
        v = v.item() if v.size == 1 else v.flat[0]
    if v is sh.EMPTY or v is None:
        return None
    if isinstance(v, ExcelErrorValue):  # a blocked spill's #SPILL!, an array's #N/A padding: errors, not text
        return v
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


MAX_ARRAY_CELLS = 10**6  # cells an array formula's recorded range may span (Excel's sheet: 1.7e10)
MAX_FORMULA_CHARS = 8192  # Excel's limit on a formula's length; one of 32,000 took a minute and 1.6 GB


def load_book(path: str | Path) -> Book:
    """The cells, formulas, arrays and defined names of an .xlsx file."""
    import openpyxl
    from openpyxl.utils.datetime import CALENDAR_WINDOWS_1900, to_excel
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.worksheet.formula import ArrayFormula

    if Path(path).is_dir():  # openpyxl's message would be about the file format
        raise RecalcError(f"{path} is a folder: expected a workbook file (.xlsx)")
    check_regular_file(path)
    suffix = Path(path).suffix
    if suffix.lower() not in _READABLE_EXTENSIONS:  # openpyxl's message leaves an empty one blank
        kind = f"the extension '{suffix}'" if suffix else "a file without an extension"
        hint = "; save an Excel 97-2003 workbook as .xlsx in Excel first" if suffix.lower() == ".xls" else ""
        raise UnreadableWorkbook(path, f"{kind} is not a format recalc reads: expected "
                                       f"{', '.join(_READABLE_EXTENSIONS)}{hint}")
    with reading(path):
        check_size(path)  # before openpyxl, which holds every cell it reads
        try:
            wb = openpyxl.load_workbook(path, data_only=False, keep_links=False)
        except InvalidFileException as exc:
            raise UnreadableWorkbook(path, str(exc)) from None
        has_formula, dynamic = _formula_addresses(path)  # openpyxl takes any text starting with '=' for a formula
    if wb.epoch != CALENDAR_WINDOWS_1900:  # DATE, YEAR and every date cell would be read 4 years and a day off
        raise UnreadableWorkbook(path, "it uses the 1904 date system (an option of older Excel for Mac), which recalc "
                                       "does not compute in: expected the 1900 date system (in Excel: File > Options "
                                       "> Advanced > untick 'Use 1904 date system', which shifts the workbook's dates)")
    book = Book()
    for ws in wb.worksheets:
        book.add_sheet(ws.title)
    for ws in wb.worksheets:
        # The cells the file holds, in row order: iter_rows() makes every cell of the sheet's whole area, so
        # a note in XFD1 beside A100000 took 24 GB for a workbook of 5 KB
        for (row, column), c in sorted(ws._cells.items()):
            v = c.value
            if v is None:
                continue
            text = v.text if isinstance(v, ArrayFormula) else v
            if isinstance(text, str) and len(text) > MAX_FORMULA_CHARS and text.startswith("="):
                raise UnreadableWorkbook(path, f"{ws.title}!{c.coordinate} holds a formula of {len(text):,} characters: "
                                               f"expected at most {MAX_FORMULA_CHARS:,} (Excel's limit)")
            if isinstance(v, ArrayFormula):
                book.set_array(ws.title, row - 1, column - 1, v.text, parse_range(v.ref),
                               dynamic=(ws.title, c.coordinate) in dynamic)
            elif isinstance(v, str) and v.startswith("=") and (ws.title, c.coordinate) in has_formula:
                book.set(ws.title, row - 1, column - 1, v)
            elif c.data_type == "e":
                book.set(ws.title, row - 1, column - 1, ExcelErrorValue(str(v)))
            else:
                if hasattr(v, "isoformat"):
                    v = float(to_excel(v))
                book.set(ws.title, row - 1, column - 1, v, formula=False)
        for name, dn in getattr(ws, "defined_names", {}).items():
            _add_name(book, name, dn.attr_text, ws.title)
    for name, dn in wb.defined_names.items():
        _add_name(book, name, dn.attr_text)
    return book


# The most a part of the workbook's zip may hold uncompressed, and all its parts together. Every part
# is read whole; a sheet this large holds millions of cells, beyond what the engine computes in a
# sitting. A few MB of zip could otherwise unpack to gigabytes (1.5 GiB of spaces compress to 1.5 MB).
MAX_PART_BYTES = 512 * 2**20
MAX_TOTAL_BYTES = 1024 * 2**20
# The most cells a workbook may hold, counting each cell an array formula spans: the engine keeps
# about 1 KB per cell, so a few hundred KB of zip holding 6 million cells ran out of memory after a
# minute (a MemoryError, or the system's out-of-memory killer) instead of saying why.
MAX_CELLS = 2 * 10**6
# What the engine holds per formula cell, measured (its compiled formula and graph; /usr/bin/time -v over
# books of 1k-36k formulas: 33 KB each, 1.3 GB for 36,000): a workbook whose formulas need more memory than
# the machine has available is refused by that estimate, not ended by the out-of-memory killer.
FORMULA_CELL_BYTES = 33 * 2**10
_CELL_TAG = re.compile(rb"<c[\s>/]")
_FORMULA_TAG = re.compile(rb"<f[\s>/]")
_ARRAY_REF = re.compile(rb'<f\b[^>]*\bt="array"[^>]*\bref="([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)"')


def check_regular_file(path: str | Path) -> None:
    """A workbook is a file: a FIFO named like one waited for a writer for ever."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return  # the reader says why
    if not stat.S_ISREG(mode) and not stat.S_ISDIR(mode):
        # io_error: it cannot be read, not a file found damaged (`regenerate --check` then reads nothing more of it)
        raise UnreadableWorkbook(path, "not a regular file (a pipe or device): expected a workbook file (.xlsx)",
                                 io_error=True)


def check_size(path: str | Path) -> None:
    """Refuses, before anything is read whole, a workbook that unpacks to more than MAX_PART_BYTES a
    part or MAX_TOTAL_BYTES in all, or holds more than MAX_CELLS cells."""
    with zipfile.ZipFile(path) as z:
        infos = z.infolist()
        for info in infos:
            if info.file_size > MAX_PART_BYTES:
                raise UnreadableWorkbook(path, f"its part {info.filename} unpacks to {info.file_size:,} bytes: "
                                               f"expected at most {MAX_PART_BYTES:,} a part")
        total = sum(info.file_size for info in infos)
        if total > MAX_TOTAL_BYTES:
            raise UnreadableWorkbook(path, f"its parts unpack to {total:,} bytes: expected at most {MAX_TOTAL_BYTES:,} "
                                           "in all")
        cells = formulas = 0
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                data = z.read(info)
                cells += len(_CELL_TAG.findall(data))
                formulas += len(_FORMULA_TAG.findall(data))
                for ref in _ARRAY_REF.findall(data):
                    r0, c0, r1, c1 = parse_range(ref.decode())
                    spans = (r1 - r0 + 1) * (c1 - c0 + 1)
                    if spans <= MAX_ARRAY_CELLS:  # a larger one is refused by its cell as the book is read
                        cells += spans - 1
                if cells > MAX_CELLS:
                    raise UnreadableWorkbook(path, f"it holds more than {MAX_CELLS:,} cells (counting each cell an "
                                                   f"array formula spans; {cells:,} by {info.filename}): more than "
                                                   "recalc computes in memory; expected a smaller workbook")
        need, free = formulas * FORMULA_CELL_BYTES, _available_memory()
        if free is not None and need > free:
            raise UnreadableWorkbook(path, f"its {formulas:,} formula cells need about {need / 2**30:.1f} GiB to "
                                           f"recalculate ({FORMULA_CELL_BYTES // 2**10} KiB each), and this machine "
                                           f"has {free / 2**30:.1f} GiB available; expected a smaller workbook, or "
                                           "more memory")


def _available_memory() -> int | None:
    """Bytes of memory available now (Linux's MemAvailable), None where the system does not say."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _formula_addresses(path: str | Path) -> tuple[set[tuple[str, str]], set[tuple[str, str]]]:
    """(sheet, 'A1') of every cell with a formula element in the file's XML, and of those that are
    dynamic arrays (Excel 365's spilling formulas, not legacy Ctrl+Shift+Enter arrays)."""
    out, dynamic = set(), set()
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist() if n.startswith("xl/") and n.endswith((".xml", ".rels"))}
    dynamic_cm = _dynamic_array_metadata(parts)
    for sheet, part in _sheet_parts(parts).items():
        for m in _C_ELEMENT.finditer(parts[part].decode("utf-8")):  # a part missing: a damaged file (KeyError)
            if "<f" in (m.group(3) or ""):
                r = re.search(r'\br="([A-Z]+\d+)"', m.group(1))
                if r:
                    out.add((sheet, r.group(1)))
                    cm = re.search(r'\bcm="(\d+)"', m.group(1))
                    if cm and int(cm.group(1)) in dynamic_cm:
                        dynamic.add((sheet, r.group(1)))
    return out, dynamic


def _dynamic_array_metadata(parts: dict[str, bytes]) -> set[int]:
    """The `cm` values (cell metadata, 1-based) that mark a cell's formula as a dynamic array:
    cellMetadata → metadataType XLDAPR → futureMetadata block with fDynamic="1"."""
    xml = parts.get("xl/metadata.xml", b"").decode("utf-8")
    types = [dict(re.findall(r'([\w:]+)="([^"]*)"', m)).get("name")
             for m in re.findall(r"<metadataType\b([^>]*)>", xml)]
    future = re.search(r'<futureMetadata\b[^>]*name="XLDAPR"[^>]*>(.*?)</futureMetadata>', xml, re.S)
    blocks = re.findall(r"<bk>(.*?)</bk>", future.group(1), re.S) if future else []
    cells = re.search(r"<cellMetadata\b[^>]*>(.*?)</cellMetadata>", xml, re.S)
    out = set()
    for i, bk in enumerate(re.findall(r"<bk>(.*?)</bk>", cells.group(1), re.S) if cells else [], start=1):
        for t, v in re.findall(r'<rc\b[^>]*?\bt="(\d+)"[^>]*?\bv="(\d+)"', bk):
            if (0 < int(t) <= len(types) and types[int(t) - 1] == "XLDAPR" and int(v) < len(blocks)
                    and re.search(r'fDynamic="(1|true)"', blocks[int(v)])):
                out.add(i)
    return out


def _add_name(book: Book, name: str, text: str, scope: str | None = None) -> None:
    """A defined name of the workbook (scope None) or of sheet `scope`: a range, or else a constant
    or formula, computed where a formula uses it."""
    name, text = name.upper(), (text or "").strip()
    if name.startswith("_XLNM."):  # print areas, filters: Excel's own, never read by formulas
        return
    text = text[1:] if text.startswith("=") else text
    key = ((scope or "").upper(), name)
    if "!" in text and "," not in text:
        sheet, addr = split_sheet(text, "")
        if _is_address(addr):
            if _has_relative_reference(addr):
                book.relative_names[key] = (sheet, addr)
            elif scope:
                book.local_names[key] = (sheet, addr.replace("$", ""))
            else:
                book.names[name] = (sheet, addr.replace("$", ""))
            return
    if text:
        book.name_formulas[key] = "=" + text


_NAME_KEY = "\x00"  # a formula name's cell: (f"\x00{NAME}\x00{SHEET}", 0, 0), no sheet can be called that
_REF_PART = re.compile(r"(?<![A-Za-z0-9_.$])(\$?)([A-Za-z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_.(!])")
_QUALIFIED_NAME = re.compile(r"((?:'(?:[^']|'')+'|[A-Za-z0-9_.]+))!([A-Za-z_\\][A-Za-z0-9_.\\]*)(?![A-Za-z0-9_.\\(])")


def _has_relative_reference(text: str) -> bool:
    """Does a name's reference or formula (outside its strings) hold a cell reference without both $?"""
    bare = _STRING.sub('""', text)
    return any(not (m.group(1) and m.group(3)) for m in _REF_PART.finditer(bare))


def _shifted(addr: str, row: int, col: int) -> str:
    """A relative name's address (stored as seen from A1) as seen from the cell at (row, col)."""
    def move(m: re.Match[str]) -> str:
        c = col_index(m.group(2)) + (0 if m.group(1) else col)
        r = int(m.group(4)) - 1 + (0 if m.group(3) else row)
        return cell_name(r % 1048576, c % 16384)

    return _REF_PART.sub(move, addr)


# Whole columns (D:D) or rows (1:1), and a range to the sheet's last row, which the parser reads as D1:D
# (and a row to the last column, A1:XFD1, as A1:1)
_WHOLE_LINES = re.compile(r"\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+|\$?[A-Za-z]{1,3}\$?\d+:\$?[A-Za-z]{1,3}"
                          r"|\$?[A-Za-z]{1,3}\$?\d+:\$?\d+")
_QUALIFIED_WHOLE_LINES = re.compile(r"!(?:\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}|\$?\d+:\$?\d+)(?![\w(])")
_WHOLE_LINES_REFUSED = ("whole columns or rows (D:D, 1:1) and cells or ranges reaching the sheet's last row or column "
                        "are not recalculated here; use a bounded range such as D1:D1000")
_ROWS, _COLUMNS = 1048576, 16384  # a sheet's size (XFD1048576)
_ADDRESS = r"\$?([A-Za-z]{1,3})\$?(\d+)(?::\$?([A-Za-z]{1,3})\$?(\d+))?"  # A1 or A1:B2, bounds not checked
_ADDRESS_LIKE = re.compile(_ADDRESS)
_REFERENCE = re.compile(rf"(?<![\w.$]){_ADDRESS}(?![\w(])")  # one in a formula
_QUOTED_SHEET = re.compile(r"'(?:[^']|'')*'!")


def _edge_range(formula: str) -> str | None:
    """The first cell or range of a formula in the sheet's last row or column, which the parser misreads
    (D1:D1048576 as D1:D, XFD1:XFD2 as 1:2, B1:XFD1048576 as B1:, XFD1 as a name ''); text and sheet
    names in quotes skipped."""
    for m in _REFERENCE.finditer(_QUOTED_SHEET.sub("S!", _STRING.sub('""', formula))):
        if _is_address(m.group(0)):
            r1, c1, r2, c2 = parse_range(m.group(0))
            if r2 == _ROWS - 1 or c2 == _COLUMNS - 1:
                return m.group(0)
    return None


def _qualified_names(formula: str) -> list[tuple[str, str]]:
    """(sheet, name) of each Sheet!Name in a formula (not Sheet!A1, not text in quotes)."""
    bare = _STRING.sub('""', _PREFIXES.sub("", formula))
    out = []
    for m in _QUALIFIED_NAME.finditer(bare):
        name = m.group(2)
        if _is_address(name) or name.upper() in ("TRUE", "FALSE") or re.fullmatch(r"[A-Za-z]{1,3}\d+:.*", name):
            continue
        sheet = m.group(1)
        if sheet.startswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        out.append((sheet, name))
    return out


@dataclass
class Report:
    formulas: int  # formula cells computed (a dynamic array's anchor counts once)
    changed: int  # cells whose stored value changed, each cell of a spilled range included
    seconds: float
    # formula cells whose value is an Excel error (#DIV/0!, or an AIP_ function's "#VALUE! <reason>")
    errors: int = 0
    new_errors: int = 0  # of those, the cells that held a value (not an error) before
    first_error: str | None = None  # "Sheet!A1: <the error>": the first new one, else the first one
    # legacy arrays (a dynamic array saved by openpyxl or LibreOffice) whose result outgrew their range
    cut_short: tuple[str, ...] = ()
    # dynamic arrays whose table changed size ("Sheet!A5: 18 × 13 → 19 × 13"): a cell that refers into one by
    # position (=H19) may now read another row, as after a template of another release
    resized: tuple[str, ...] = ()
    # dynamic arrays showing #SPILL!, with the cell in the way
    spill_blocked: tuple[str, ...] = ()


class ValuesWouldBeLost(RecalcError):
    """recalc_file(keep_values=True): formula cells that held a value would hold an error; nothing
    was written. `report` has the counts."""

    def __init__(self, message: str, report: Report):
        super().__init__(message)
        self.report = report


def is_error_value(v: Any) -> bool:
    """An Excel error as a cell holds it: an error value, or an AIP_ function's text "#VALUE! <reason>"."""
    if isinstance(v, ExcelErrorValue):
        return True
    return isinstance(v, str) and v.split(" ", 1)[0] in _EXCEL_ERRORS


# Longest error text the summary quotes (an AIP_ function's reason can run to 2,000 characters)
_QUOTED = 300


_CALLS_NA = re.compile(r"(?<![\w.])NA\(\s*\)", re.I)


def is_gap_by_design(value: Any, formula: str) -> bool:
    """A #N/A from a formula that calls NA(): a chart's missing point, not an error."""
    return str(value) == "#N/A" and _CALLS_NA.search(formula) is not None


@dataclass
class _Tally:
    """What rewriting the sheets found: cells changed, formula cells now in error."""

    changed: int = 0
    errors: int = 0
    new_errors: int = 0
    first_error: str | None = None
    first_new_error: str | None = None

    def formula_value(self, where: str, new: Any, old: str | None, old_type: str | None, formula: str = "") -> None:
        """A formula cell's new value, and its old <v> text and t attribute (None if it had none).
        A #N/A from a formula that calls NA() is a gap by design (a chart's missing point), not an error."""
        if not is_error_value(new) or is_gap_by_design(new, formula):
            return
        text = str(new) if len(str(new)) <= _QUOTED else str(new)[:_QUOTED] + "…"
        self.errors += 1
        self.first_error = self.first_error or f"{where}: {text}"
        held_value = old is not None and old_type != "e" and not is_error_value(old)
        if held_value:
            self.new_errors += 1
            self.first_new_error = self.first_new_error or f"{where}: {text}"


# What a damaged .xlsx raises while it is read: a zip member that fails its CRC, a damaged deflate
# stream, a file cut short, a part missing from the zip or its XML cut in half.
def _damage(exc: BaseException) -> str:
    from xml.etree.ElementTree import ParseError

    if isinstance(exc, KeyError):  # zipfile: "There is no item named 'xl/…' in the archive"
        return f"a part is missing: {exc.args[0] if exc.args else exc}"
    if isinstance(exc, zlib.error):
        return f"damaged compressed data: {exc}"
    if isinstance(exc, ParseError) or type(exc).__name__ == "XMLSyntaxError":  # ElementTree's, lxml's
        return f"damaged XML: {exc}"
    if isinstance(exc, (zipfile.BadZipFile, UnicodeDecodeError)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


# what openpyxl opens, by extension; it refuses any other before reading a byte
_READABLE_EXTENSIONS = (".xlsx", ".xlsm", ".xltx", ".xltm")


class UnreadableWorkbook(RecalcError):
    """A file that cannot be read as a workbook: 'X.xlsx: cannot read the workbook (<reason>)'."""

    def __init__(self, path: str | Path, reason: str, io_error: bool = False):
        super().__init__(f"{path}: cannot read the workbook ({reason})")
        self.reason = reason
        self.io_error = io_error  # the file could not be read (permissions, a disk error), not a damaged one


@contextmanager
def reading(path: str | Path) -> Iterator[None]:
    """Reading workbook `path`: whatever a damaged file makes the zip or XML readers raise becomes
    one UnreadableWorkbook naming the file."""
    try:
        yield
    except RecalcError:
        raise
    except OSError as exc:
        raise UnreadableWorkbook(path, exc.strerror or str(exc), io_error=True) from None
    except Exception as exc:  # the readers' own exceptions: a damaged file is no bug of ours to trace
        reason = _damage(exc)
        if isinstance(exc, zipfile.BadZipFile) and _is_ole2(path):
            reason = ("an Excel 97-2003 (.xls) file or a password-protected workbook, not an .xlsx (zip) file: save it "
                      "in Excel as an .xlsx workbook without a password first")
        raise UnreadableWorkbook(path, reason) from None


_OLE2_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")  # the compound-file container of .xls and of encrypted .xlsx


def _is_ole2(path: str | Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(len(_OLE2_MAGIC)) == _OLE2_MAGIC
    except OSError:
        return False


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def recalc_file(book_path: str | Path, out_path: str | Path, *, overwrite: bool = False,
                progress: Callable[[int, int], None] | None = None, keep_values: bool = False) -> Report:
    """Recalculate `book_path` and write the copy with updated values to `out_path` (atomically).

    `progress(done, total)` reports long recalculations (see `Book.calculate`). Formula cells that
    come out as Excel errors are counted in the report (`errors`, `new_errors`, `first_error`); with
    `keep_values`, nothing is written if a cell that held a value (not an error) would hold an error:
    `ValuesWouldBeLost` is raised instead (for replacing a workbook in place)."""
    start = time.perf_counter()
    book_path, out_path = Path(book_path), Path(out_path)
    in_place = _same_file(book_path, out_path)
    # the folder first: a folder at out_path is said to be one, not a file --force could replace
    check_targets([out_path], overwrite=True, arg="--out", named=f"--in-place {book_path}" if in_place else None)
    if os.path.lexists(out_path) and not overwrite:  # a dangling symlink is a file there too
        raise OutputExistsError(f"{out_path} exists: not overwriting it (use --force, or --in-place for the input)")
    book = load_book(book_path)
    if out_path.suffix.lower() != book_path.suffix.lower():
        # the copy keeps the input's parts: a macro-enabled .xlsm named .xlsx is a file Excel refuses to open
        raise RecalcError(f"--out {out_path}: expected the workbook's own extension '{book_path.suffix}', e.g. "
                          f"{out_path.with_suffix(book_path.suffix).name} (the copy keeps the workbook's format, and Excel "
                          "refuses a file whose extension does not match its format)")
    n = book.calculate(progress)
    with reading(book_path):
        with zipfile.ZipFile(book_path) as zin:
            parts = {info.filename: zin.read(info.filename) for info in zin.infolist()}
            infos = zin.infolist()
        sheet_parts = _sheet_parts(parts)
        shared = _shared_strings(parts.get("xl/sharedStrings.xml", b"").decode("utf-8"))
        sheets = {sheet: parts[part].decode("utf-8") for sheet, part in sheet_parts.items()}
    tally = _Tally()
    new_parts = dict(parts)
    for sheet, part in sheet_parts.items():
        new_parts[part] = _patch_sheet(sheets[sheet], book, sheet, tally, shared).encode("utf-8")
    for name in parts:
        if name.startswith("xl/charts/chart") and name.endswith(".xml"):
            new_parts[name] = patch_chart(parts[name].decode("utf-8"), book).encode("utf-8")
    if "docProps/custom.xml" in parts:  # the template's stamp names the code and data of these values now
        new_parts["docProps/custom.xml"] = _restamped(parts["docProps/custom.xml"].decode("utf-8")).encode("utf-8")
    new_parts.pop("xl/calcChain.xml", None)  # Excel rebuilds it; a stale one can make it repair the file
    if "xl/calcChain.xml" in parts:
        for key in ("[Content_Types].xml", "xl/_rels/workbook.xml.rels"):
            new_parts[key] = re.sub(r"<(Override|Relationship)\b[^>]*calcChain[^>]*/>", "",
                                    new_parts[key].decode("utf-8")).encode("utf-8")
    _check_well_formed(book_path, {name: data for name, data in new_parts.items() if data is not parts.get(name)})
    report = Report(n, tally.changed, 0.0, tally.errors, tally.new_errors, tally.first_new_error or tally.first_error,
                    tuple(book.cut_short), tuple(book.resized), tuple(book.spill_blocked.values()))
    if keep_values and tally.new_errors:
        cells = "cell that held a value" if tally.new_errors == 1 else "cells that held a value"
        raise ValuesWouldBeLost(f"{book_path}: not replaced: {tally.new_errors} formula {cells} would hold an error "
                                f"(first: {report.first_error})", report)

    def write(tmp: Path) -> None:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in infos:
                if info.filename in new_parts:
                    zout.writestr(info, new_parts[info.filename])

    atomic_write(out_path, write, overwrite=overwrite)  # a file saved at out_path meanwhile is kept
    report.seconds = time.perf_counter() - start
    return report


def stamp() -> dict[str, str]:
    """The custom properties a template carries (workbooks.py writes them) and recalculation renews:
    the package version and the data's vintage and SHA-256 its values were computed with."""
    from . import __version__, actuals

    return {"aipower version": __version__, "aipower data vintage": actuals.vintage(),
            "aipower data sha256": actuals.digest()}


def _restamped(custom: str) -> str:
    """docProps/custom.xml with the aipower properties it has set to this run's; others untouched."""
    for name, value in stamp().items():
        pattern = r'(<property\b[^>]*\bname="' + re.escape(name) + r'"[^>]*>\s*<vt:lpwstr>)[^<]*(</vt:lpwstr>)'
        custom = re.sub(pattern, r"\g<1>" + escape(value).replace("\\", "\\\\") + r"\g<2>", custom)
    return custom


def _check_well_formed(book_path: Path, patched: Mapping[str, bytes]) -> None:
    """Every part this run rewrote still parses: a part that does not makes the whole file one Excel
    refuses, and with --in-place it would replace the user's workbook. Refused instead, naming the
    part; nothing is written."""
    import xml.parsers.expat

    for name, data in patched.items():
        try:
            xml.parsers.expat.ParserCreate().Parse(data, True)
        except xml.parsers.expat.ExpatError as exc:
            raise RecalcError(f"{book_path}: not written: internal error: the recalculated part {name} would not be "
                              f"well-formed XML ({exc}); the workbook is left as it was") from None


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


_C_ELEMENT = re.compile(r"<c(?=[\s/>])([^>]*?)(/>|>(.*?)</c>)", re.S)  # not <c:a>: each such match scanned to the end


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
    return "str", _xml_text(str(v))


# OOXML's escape for text: a character XML 1.0 cannot hold (="x"&CHAR(7)) is written _xHHHH_, as
# Excel writes it (written raw, the part was no longer XML: Excel and openpyxl refused the file), and
# a literal _xHHHH_ keeps its underscore as _x005F_, so that either reads back as it was
_NOT_IN_XML = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]")
_LIKE_OOXML_ESCAPE = re.compile("_(?=x[0-9A-Fa-f]{4}_)")
_OOXML_ESCAPE = re.compile("_x([0-9A-Fa-f]{4})_")


def _xml_text(text: str) -> str:
    """`text` as an element's content: XML's escapes and OOXML's."""
    text = _LIKE_OOXML_ESCAPE.sub("_x005F_", text)
    return escape(_NOT_IN_XML.sub(lambda m: f"_x{ord(m.group()):04X}_", text))


def _from_xml_text(xml: str) -> str:
    """An element's content as text: `_xml_text` undone."""
    from xml.sax.saxutils import unescape

    return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), unescape(xml))


def _shared_strings(xml: str) -> list[str]:
    return [_from_xml_text("".join(re.findall(r"<t\b[^>]*>(.*?)</t>", si, re.S)))
            for si in re.findall(r"<si>(.*?)</si>", xml, re.S)]


def _patch_sheet(xml: str, book: Book, sheet: str, tally: _Tally, shared: list[str]) -> str:
    key_sheet = sheet.upper()
    arrays = book.array_cells()
    seen: set[tuple[str, int, int]] = set()

    def repl(m: re.Match[str]) -> str:
        attrs, body = m.group(1), m.group(3) or ""
        rm = re.search(r'\br="([A-Z]+\d+)"', attrs)
        if not rm:
            return m.group(0)
        row, col = parse_cell(rm.group(1))
        key = (key_sheet, row, col)
        seen.add(key)
        is_formula = "<f" in body
        if not is_formula and key in book._cleared and key not in arrays:
            # a spill that shrank (or hit #SPILL!) leaves the cell empty; its style stays
            if "<v>" in body or "<is>" in body:
                tally.changed += 1
            return "<c" + re.sub(r'\s+t="[^"]*"', "", attrs) + "/>"
        if not is_formula and key not in arrays:
            return m.group(0)
        v = book.value(sheet, row, col)
        t, text = _value_xml(v)
        fm = re.search(r"<f\b.*?(?:/>|</f>)", body, re.S)
        f = fm.group(0) if fm else ""
        cell = book.cells.get(key)
        if f and cell is not None and cell.spill and cell.array is not None:
            ref = _range_name(cell.array)  # a dynamic array's range as it spills now
            f = re.sub(r'(<f\b[^>]*?\bref=")[^"]*(")', lambda g: g.group(1) + ref + g.group(2), f, count=1)
        new_attrs = re.sub(r'\s+t="[^"]*"', "", attrs)
        if t:
            new_attrs += f' t="{t}"'
        new_body = f + f"<v>{text}</v>"
        old_v = re.search(r"<v>(.*?)</v>", body, re.S)
        old_t = re.search(r'\bt="([^"]*)"', attrs)
        old = old_v.group(1) if old_v else None
        if is_formula:  # counted when it comes out as an error, and whether it held a value before
            old_text = None
            if old is not None and old_t is not None and old_t.group(1) == "s" and old.isdigit():
                old_text = shared[int(old)] if int(old) < len(shared) else None
            elif old is not None:
                old_text = _from_xml_text(old)
            tally.formula_value(f"{book.sheet_name(key_sheet)}!{cell_name(row, col)}", v, old_text,
                                old_t.group(1) if old_t else None, f)
        if old is not None and old_t is not None and old_t.group(1) == "s" and old.isdigit() and int(old) < len(shared):
            old, old_t = _xml_text(shared[int(old)]), None
            same = t == "str" and old == text
        else:
            same = old is not None and _same(old, text, t, old_t)
        if not same:
            tally.changed += 1
        return f"<c{new_attrs}>{new_body}</c>"

    xml = _C_ELEMENT.sub(repl, xml)
    missing = sorted(k[1:] for k in arrays if k[0] == key_sheet and k not in seen)
    if not missing:
        return xml
    # A dynamic array re-spilled over cells the file has no element for: add them, in row order
    new: dict[int, list[tuple[int, str]]] = {}
    for row, col in missing:
        t, text = _value_xml(book.value(sheet, row, col))
        t_attr = f' t="{t}"' if t else ""
        new.setdefault(row, []).append((col, f'<c r="{cell_name(row, col)}"{t_attr}><v>{text}</v></c>'))
        tally.changed += 1
    return _set_dimension(_insert_cells(xml, new), missing)


def _range_name(ref: tuple[int, int, int, int]) -> str:
    r1, c1, r2, c2 = ref
    return cell_name(r1, c1) if (r1, c1) == (r2, c2) else f"{cell_name(r1, c1)}:{cell_name(r2, c2)}"


_ROW = re.compile(r"<row\b([^>]*?)(/>|>(.*?)</row>)", re.S)


def _insert_cells(xml: str, new: dict[int, list[tuple[int, str]]]) -> str:
    """`new` (row → [(col, <c> element)], 0-based) merged into the sheet's rows in row and column order."""
    def merged(row: int, attrs: str, body: str) -> str:
        cells = [(parse_cell(re.search(r'\br="([A-Z]+\d+)"', m.group(1)).group(1))[1],  # type: ignore[union-attr]
                  m.group(0)) for m in _C_ELEMENT.finditer(body)]
        cells = sorted(cells + new.pop(row), key=lambda c: c[0])
        attrs = re.sub(r'\s+spans="[^"]*"', "", attrs)  # a hint Excel rebuilds; stale once cells are added
        return f"<row{attrs}>{''.join(c for _, c in cells)}</row>"

    def row_repl(m: re.Match[str]) -> str:
        rn = re.search(r'\br="(\d+)"', m.group(1))
        row = int(rn.group(1)) - 1 if rn else -1
        before = "".join(f'<row r="{r + 1}">{"".join(c for _, c in sorted(new.pop(r)))}</row>'
                         for r in sorted(new) if r < row)
        if row in new:
            return before + merged(row, m.group(1), m.group(3) or "")
        return before + m.group(0)

    head, sep, tail = xml.partition("<sheetData")
    if not sep:
        return xml
    opening, _, rest = tail.partition(">")
    if opening.endswith("/"):  # <sheetData/>: no rows at all
        opening, body, end = opening[:-1], "", rest
    else:
        body, _, end = rest.partition("</sheetData>")
    body = _ROW.sub(row_repl, body)
    body += "".join(f'<row r="{r + 1}">{"".join(c for _, c in sorted(new.pop(r)))}</row>' for r in sorted(new))
    return f"{head}<sheetData{opening}>{body}</sheetData>{end}"


def _set_dimension(xml: str, cells: list[tuple[int, int]]) -> str:
    """The sheet's used range (its <dimension>) widened to cover `cells`."""
    m = re.search(r'<dimension\b[^>]*\bref="([^"]*)"', xml)
    if not m:
        return xml
    try:
        r1, c1, r2, c2 = parse_range(m.group(1))
    except RecalcError:
        return xml
    r1, c1 = min([r1] + [r for r, _ in cells]), min([c1] + [c for _, c in cells])
    r2, c2 = max([r2] + [r for r, _ in cells]), max([c2] + [c for _, c in cells])
    return xml[:m.start(1)] + _range_name((r1, c1, r2, c2)) + xml[m.end(1):]


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
    """Refresh a chart's cached series data (what a viewer draws before recalculating), adding it where
    a series has none. The chart namespace's prefix is the file's own: Excel writes 'c:', openpyxl none."""
    from xml.sax.saxutils import unescape

    def cache(m: re.Match[str], kind: str) -> str:
        p, head, cached = m.group("p"), m.group("head"), m.group("cache") or ""  # none yet: openpyxl's own chart
        values = _ref_values(book, unescape(m.group("ref"), {"&apos;": "'", "&quot;": '"'}))
        if values is None:
            return m.group(0)
        if kind == "num":  # a whole number typed in a cell is an int: it is a point too
            fmt = re.search(rf"<{p}formatCode>.*?</{p}formatCode>", cached, re.S)
            pts = "".join(f'<{p}pt idx="{i}"><{p}v>{_num_text(float(v))}</{p}v></{p}pt>' for i, v in enumerate(values)
                          if isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v))
            body = (fmt.group(0) if fmt else "") + f'<{p}ptCount val="{len(values)}"/>' + pts
        else:
            body = f'<{p}ptCount val="{len(values)}"/>' + "".join(
                f'<{p}pt idx="{i}"><{p}v>{_xml_text(_text(v))}</{p}v></{p}pt>' for i, v in enumerate(values) if v is not None)
        return f"{head}<{p}{kind}Cache>{body}</{p}{kind}Cache>"

    for kind in ("num", "str"):
        pattern = (rf"(?P<head><(?P<p>(?:[A-Za-z_][\w.-]*:)?){kind}Ref>\s*<(?P=p)f>(?P<ref>[^<]*)</(?P=p)f>\s*)"
                   rf"(?:<(?P=p){kind}Cache>(?P<cache>.*?)</(?P=p){kind}Cache>)?")
        xml = re.sub(pattern, partial(cache, kind=kind), xml, flags=re.S)
    return xml


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)
