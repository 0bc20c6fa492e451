"""xlwings UDF module: point xlwings' ``UDF Modules`` setting at ``aipower.xl_udfs``.

Every function of `aipower.xlfunctions` is registered here with xlwings'
decorators, its wizard description and one description per argument. The
wrappers only adapt types: an error comes back as its text
(``#VALUE! <argument>: <problem>``) so Excel shows the reason in the cell;
under classic xlwings a text is cut to 255 characters, as Excel takes it there.

Classic xlwings (Windows, ``xlwings addin install``) and xlwings Server
(Excel on the web and Mac, ``XLWINGS_ON_SERVER=true``) both import this module.
"""

from __future__ import annotations

import inspect
import os
from typing import Any

import xlwings as xw

from .xlfunctions import CELL_TEXT_LIMIT, REGISTRY, CATEGORY, XlError, XlFunction

# Classic xlwings (not xlwings Server, which xlwings itself tells by this variable) passes results
# as a Variant array, where Excel turns a text over 255 characters into a bare #VALUE! (xlwings
# issue 456): the cell would lose the whole message or table instead of its tail.
_CLASSIC = os.environ.get("XLWINGS_ON_SERVER") != "true"


# A segment list (AIP_PARAMS' value of a *.segments key) cut short is JSON no overrides cell takes
LONG_LIST = "[…] a list too long for a cell here: =AIP_ASSUMPTION(scenario, key) shows it a segment a row"


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def fit_classic(out: Any) -> Any:
    """`out` with every text over CELL_TEXT_LIMIT characters cut to fit, its end marked '…'. Excel counts
    UTF-16 code units: a character beyond the Basic Multilingual Plane (CJK Extension B, found in some
    names and so in user folders) counts twice."""
    if isinstance(out, str):
        if _utf16_units(out) <= CELL_TEXT_LIMIT:
            return out
        if out.startswith("[{"):
            return LONG_LIST
        cut, units = 0, 0
        while units + _utf16_units(out[cut]) <= CELL_TEXT_LIMIT - 1:  # '…' is one unit
            units += _utf16_units(out[cut])
            cut += 1
        return out[:cut] + "…"
    if isinstance(out, list):
        return [fit_classic(v) for v in out]
    return out


def _udf(f: XlFunction) -> Any:
    def udf(*args: Any) -> Any:
        out = f(*args)
        out = str(out) if isinstance(out, XlError) else out
        return fit_classic(out) if _CLASSIC else out

    udf.__name__ = udf.__qualname__ = f.name
    udf.__module__ = __name__
    udf.__doc__ = f.summary
    # Optional arguments default to None: an omitted argument and an empty cell are the same to Excel.
    udf.__signature__ = inspect.Signature([  # type: ignore[attr-defined]
        inspect.Parameter(p.name, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                          default=None if p.optional else inspect.Parameter.empty)
        for p in f.params
    ])
    wrapped = xw.func(category=CATEGORY)(udf)
    for p in f.params:
        # err_to_str: without it xlwings hands an error cell (#N/A, #DIV/0!) over as None, which
        # reads as an empty cell and so as the argument's default. ndim=2: classic xlwings hands a
        # one-column range over as a flat list, which reads as a row (a message then called A1:A5 1×5).
        wrapped = xw.arg(p.name, doc=p.description, err_to_str=True, ndim=2)(wrapped)
    return wrapped


for _name, _f in REGISTRY.items():
    globals()[_name] = _udf(_f)

__all__ = list(REGISTRY)
