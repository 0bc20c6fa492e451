"""Check workbooks with a real spreadsheet engine: LibreOffice Calc, headless.

LibreOffice computes every formula of a workbook itself; the ``AIP_`` functions are served by
aipower through LibreOffice Basic stubs (one per function, generated from the registry) that
call a Python bridge script running `aipower.xlfunctions` inside LibreOffice's Python. The
workbook is loaded with a full recalculation forced, recalculated again (``calculateAll``), and
every formula cell must come out without an error and equal the value stored in the file
(relative 1e-9).

    python -m aipower.libreoffice workbooks/*.xlsx [--timeout 300]

Needs ``soffice`` (Debian: libreoffice-calc, libreoffice-script-provider-python) and a
LibreOffice Python of the same version as this one (the bridge imports aipower from this
environment's site-packages). Every LibreOffice run is wrapped in a timeout.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import shutil
import signal
import site
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path
from typing import Any

from .xlfunctions import REGISTRY

REL_TOL = 1e-9
DATE_TOL = 0.001 / 86400  # days: a millisecond, as openpyxl reads a date or time rounded to one
MAX_TIMEOUT = 3600.0  # s: an hour for one LibreOffice run; longer is a hang, not a large workbook

_BASIC_HELPERS = '''
Function AipArg(Optional v)
    ' A missing argument is Empty (None in Python); a range becomes rows of cells.
    If IsMissing(v) Then
        AipArg = Empty
    ElseIf IsArray(v) Then
        Dim r0 As Long, r1 As Long, c0 As Long, c1 As Long, i As Long, j As Long
        r0 = LBound(v, 1) : r1 = UBound(v, 1) : c0 = LBound(v, 2) : c1 = UBound(v, 2)
        Dim rows()
        ReDim rows(r1 - r0)
        For i = r0 To r1
            Dim row()
            ReDim row(c1 - c0)
            For j = c0 To c1
                row(j - c0) = v(i, j)
            Next j
            rows(i - r0) = row
        Next i
        AipArg = rows
    Else
        AipArg = v
    End If
End Function

Function AipCall(name As String, args)
    ' Calls aipower.xlfunctions through the Python bridge; a table comes back as a 2-D array.
    Dim sp, script, res, out(), i As Long, j As Long, n As Long, m As Long
    sp = GetDefaultContext().getValueByName("/singletons/com.sun.star.script.provider.theMasterScriptProviderFactory").createScriptProvider("")
    script = sp.getScript("vnd.sun.star.script:aipower_bridge.py$call?language=Python&location=user")
    res = script.invoke(Array(name, args), Array(), Array())
    If IsArray(res) Then
        n = UBound(res) + 1
        m = UBound(res(0)) + 1
        ReDim out(1 To n, 1 To m)
        For i = 1 To n
            For j = 1 To m
                out(i, j) = res(i - 1)(j - 1)
            Next j
        Next i
        AipCall = out
    Else
        AipCall = res
    End If
End Function
'''

_BRIDGE = r'''
"""aipower bridge for LibreOffice: AIP_ Basic stubs call `call`; `check` recalculates workbooks."""
import json
import os
import site
import sys

for _d in json.loads(os.environ.get("AIPOWER_SITE", "[]")):  # JSON: a folder may hold ':' or ';'
    site.addsitedir(_d)


def _rows(v):
    if isinstance(v, tuple) and all(isinstance(r, tuple) for r in v):
        return [list(r) for r in v]
    return v


def call(name, args):
    from aipower import xlfunctions
    try:
        out = xlfunctions.REGISTRY[name](*[_rows(a) for a in args])
    except Exception as exc:  # the registry never raises; this guards the bridge itself
        out = "#VALUE! bridge: %s: %s" % (type(exc).__name__, exc)
    if isinstance(out, list):
        return tuple(tuple("" if c is None else c for c in r) for r in out)
    if isinstance(out, str):
        return str(out)
    return out


def check(*_):
    import uno
    from com.sun.star.beans import PropertyValue
    from com.sun.star.sheet.CellFlags import FORMULA as FORMULA_CELLS

    desktop = XSCRIPTCONTEXT.getDesktop()
    report = {"python": sys.version, "books": {}}
    try:
        for path in json.loads(os.environ["AIPOWER_LO_BOOKS"]):
            hidden = PropertyValue()
            hidden.Name, hidden.Value = "Hidden", True
            try:
                doc = desktop.loadComponentFromURL(uno.systemPathToFileUrl(path), "_blank", 0, (hidden,))
            except Exception:  # "type detection failed": no file LibreOffice can open
                doc = None
            if doc is None or not hasattr(doc, "calculateAll"):  # a text document is no spreadsheet
                if doc is not None:
                    doc.close(True)
                report["unreadable"] = path
                break
            doc.calculateAll()
            cells = []
            for sheet in doc.Sheets:
                # the formula cells only: every cell of the used area one by one (21 million for a value
                # in T1048576) ran past any timeout
                found = []
                cells_of = sheet.queryContentCells(FORMULA_CELLS).getCells().createEnumeration()
                while cells_of.hasMoreElements():
                    cell = cells_of.nextElement()
                    at = cell.getCellAddress()
                    err = cell.getError()
                    text = cell.getString()
                    is_text = cell.FormulaResultType2 == 2  # com.sun.star.sheet.FormulaResult.STRING
                    found.append([sheet.Name, at.Row, at.Column, cell.getFormula(), err,
                                  text if is_text else cell.getValue(), is_text])
                cells += sorted(found, key=lambda x: (x[1], x[2]))
            report["books"][path] = cells
            doc.close(True)
    except Exception as exc:
        import traceback
        report["error"] = traceback.format_exc()
    with open(os.environ["AIPOWER_LO_REPORT"], "w", encoding="utf-8") as fh:
        json.dump(report, fh)
    desktop.terminate()
'''


def basic_module() -> str:
    """LibreOffice Basic: one stub per AIP_ function (every argument optional), plus the helpers."""
    lines = ["REM aipower: AIP_ worksheet functions for LibreOffice Calc, generated from aipower.xlfunctions", ""]
    for name, f in REGISTRY.items():
        params = [f"p{i}" for i in range(len(f.params))]
        decl = ", ".join(f"Optional {p}" for p in params)
        call_args = ", ".join(f"AipArg({p})" for p in params)
        lines += [f"Function {name}({decl})", f"    {name} = AipCall(\"{name}\", Array({call_args}))", "End Function", ""]
    return "\n".join(lines) + _BASIC_HELPERS


def _xml_escape(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("'", "&apos;")


def make_profile(root: Path, timeout: float) -> Path:
    """A fresh LibreOffice user profile with the stubs, the bridge and recalculation on load forced
    (LibreOffice's temporary files go to `root`/tmp)."""
    root.mkdir(parents=True, exist_ok=True)
    url = root.resolve().as_uri()
    _run([_soffice(), "--headless", "--norestore", f"-env:UserInstallation={url}", "--terminate_after_init"], timeout,
         root / "tmp")
    user = root / "user"
    module = user / "basic" / "Standard" / "Module1.xba"
    module.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">\n'
        '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
        f'script:language="StarBasic">{_xml_escape(basic_module())}</script:module>\n', encoding="utf-8")
    scripts = user / "Scripts" / "python"
    scripts.mkdir(parents=True, exist_ok=True)
    (scripts / "aipower_bridge.py").write_text(_BRIDGE, encoding="utf-8")
    # Recalculate OOXML files on load: never trust the stored values (0 = always).
    reg = user / "registrymodifications.xcu"
    text = reg.read_text(encoding="utf-8")
    item = ('<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse">'
            '<value>0</value></prop></item>\n')
    reg.write_text(text.replace("</oor:items>", item + "</oor:items>"), encoding="utf-8")
    return root


def _soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise RuntimeError("soffice not found: install LibreOffice Calc (Debian: apt-get install libreoffice-calc "
                           "libreoffice-script-provider-python)")
    return exe


def _run(cmd: list[str], timeout: float, scratch: Path, env: dict[str, str] | None = None) -> None:
    """Run LibreOffice to its end, its own temporary files in `scratch` (it left an lu*.tmp folder in
    $TMPDIR each run), in a process group of its own that is stopped whole on a timeout or Ctrl-C:
    soffice.bin outlived its launcher, and then wrote its profile back into a deleted folder."""
    env = dict(os.environ if env is None else env)
    scratch.mkdir(parents=True, exist_ok=True)
    env.update(TMPDIR=str(scratch), TMP=str(scratch), TEMP=str(scratch))
    posix = os.name == "posix"
    proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=posix)
    try:
        proc.wait(timeout=timeout)
    except BaseException as exc:
        _stop(proc, posix)
        if isinstance(exc, subprocess.TimeoutExpired):
            raise RuntimeError(f"LibreOffice did not finish within {timeout:g} s: {' '.join(cmd[:3])} ...") from None
        raise
    _stop(proc, posix)  # whatever it started and left running


def _stop(proc: subprocess.Popen, posix: bool) -> None:
    try:
        if posix:
            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover - Windows: the launcher (no process groups to signal)
            proc.kill()
    except (ProcessLookupError, PermissionError):
        pass  # all of it had ended
    proc.wait()


def recalculate(books: list[Path], timeout: float = 300.0) -> dict[str, list[list[Any]]]:
    """Every formula cell of each book as LibreOffice computes it: [sheet, row, col, formula, error, value, is_text]."""
    with tempfile.TemporaryDirectory(prefix="aipower-lo-") as tmp:
        profile = make_profile(Path(tmp) / "profile", timeout)
        report = Path(tmp) / "report.json"
        # LibreOffice runs its own (system) Python: hand it only this environment's site-packages,
        # never this interpreter's standard library or Python variables.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV", "CONDA"))}
        venv_bin = sysconfig.get_path("scripts")  # bin, or Scripts on Windows
        env["PATH"] = os.pathsep.join(p for p in env.get("PATH", "").split(os.pathsep) if p != venv_bin)
        # as JSON lists: a path may hold the separator of a PATH-like list (':' on Linux, ';' on Windows)
        env["AIPOWER_SITE"] = json.dumps(site.getsitepackages())
        # LibreOffice opens copies: a stopped LibreOffice left its .~lock.NAME# file beside the user's book
        copies: dict[str, Path] = {}  # the copy handed to LibreOffice → the book as given
        for i, book in enumerate(books):
            copy = Path(tmp) / "books" / str(i) / book.name
            copy.parent.mkdir(parents=True)
            shutil.copyfile(book, copy)
            copies[str(copy.resolve())] = book
        env["AIPOWER_LO_BOOKS"] = json.dumps(list(copies))
        env["AIPOWER_LO_REPORT"] = str(report)
        _run([_soffice(), "--headless", "--norestore", "--nologo", f"-env:UserInstallation={profile.resolve().as_uri()}",
              "vnd.sun.star.script:aipower_bridge.py$check?language=Python&location=user"], timeout, Path(tmp) / "tmp", env)
        if not report.exists():
            raise RuntimeError("LibreOffice wrote no report (is libreoffice-script-provider-python installed?)")
        data = json.loads(report.read_text(encoding="utf-8"))
    if "unreadable" in data:  # named as given, not by the copy handed to LibreOffice
        raise RuntimeError(f"{copies.get(data['unreadable'], data['unreadable'])}: not a workbook LibreOffice can open")
    if "error" in data:
        raise RuntimeError(f"LibreOffice check failed:\n{data['error']}")
    return {str(copies[path].resolve()): cells for path, cells in data["books"].items()}


def stored_values(book: Path) -> dict[tuple[str, int, int], Any]:
    """The values the file stores (what a viewer shows before recalculating)."""
    return _stored(book)[0]


# LibreOffice's error numbers (Cell.getError) as the Excel errors they show as
_LO_ERRORS = {502: "#NUM!", 503: "#NUM!", 519: "#VALUE!", 521: "#NULL!", 524: "#REF!", 525: "#NAME?",
              532: "#DIV/0!", 32767: "#N/A"}


def _stored(book: Path) -> tuple[dict[tuple[str, int, int], Any], dt.datetime]:
    """The stored values and the workbook's date epoch (1900 or 1904), which its date serials count from."""
    import openpyxl

    wb = openpyxl.load_workbook(book, data_only=True)
    # the cells the file holds: iter_rows() makes every cell of a sheet's area (XFD1048576: 10^10 of them)
    return ({(ws.title, r - 1, c - 1): cell.value for ws in wb.worksheets for (r, c), cell in ws._cells.items()
             if cell.value is not None}, wb.epoch)


def compare(books: list[Path], timeout: float = 300.0) -> list[str]:
    """Problems found: a formula cell in error, or a value that differs from the stored one."""
    from .recalc import _EXCEL_ERRORS, cell_name, is_gap_by_design

    computed = recalculate(books, timeout)
    problems = []
    for book in books:
        cells = computed.get(str(book.resolve()), [])
        if not cells:
            problems.append(f"{book}: LibreOffice found no formula cells")
        try:
            stored, epoch = _stored(book)
        except Exception as exc:  # openpyxl's own kinds (a damaged part: ParseError, KeyError, BadZipFile)
            raise RuntimeError(f"{book}: cannot read its stored values ({type(exc).__name__}: {exc})") from None
        for sheet, r, c, formula, err, value, is_text in cells:
            where = f"{book.name}:{sheet}!{cell_name(r, c)} {formula}"
            want = stored.get((sheet, r, c))
            if err:
                name = _LO_ERRORS.get(err, f"Err:{err}")
                # a chart's gap (a formula calling NA()), or an old-style array's padding, stored as #N/A
                # as recalc and Excel leave them: no problem, as recalc counts none
                if not (name == "#N/A" and (want == "#N/A" or is_gap_by_design(name, formula))):
                    problems.append(f"{where}: {name} in LibreOffice")
            elif is_text and isinstance(value, str) and value.split(" ")[0] in _EXCEL_ERRORS:
                problems.append(f"{where}: {value}")  # a worksheet function's error, as text
            elif isinstance(want, bool):  # before int: LibreOffice gives TRUE as the number 1
                if is_text or float(value) != float(want):
                    problems.append(f"{where}: LibreOffice {value!r} != stored {want!r}")
            elif isinstance(want, (int, float)):
                if is_text or not math.isclose(float(value), float(want), rel_tol=REL_TOL, abs_tol=1e-12):
                    problems.append(f"{where}: LibreOffice {value!r} != stored {want!r}")
            elif isinstance(want, (dt.datetime, dt.date, dt.time, dt.timedelta)):
                # a date-formatted number, which openpyxl turned into a date: compared as the serial it is stored as
                from openpyxl.utils.datetime import to_excel

                serial = to_excel(want, epoch)
                if is_text or not math.isclose(float(value), serial, rel_tol=REL_TOL, abs_tol=DATE_TOL):
                    problems.append(f"{where}: LibreOffice {value!r} != stored {serial!r} ({want})")
            elif isinstance(want, str):
                if str(value) != want:
                    problems.append(f"{where}: LibreOffice {value!r} != stored {want!r}")
            elif want is None:
                if not (is_text and value == "") and value not in (0, 0.0, ""):
                    problems.append(f"{where}: LibreOffice {value!r}, nothing stored")
            else:  # never passed unchecked: every formula cell is compared or named
                problems.append(f"{where}: stored {want!r}, a {type(want).__name__} this check cannot compare")
    return problems


def not_a_workbook(book: Path) -> str | None:
    """Why `book` is no workbook file to check ("no such file", a folder, not an .xlsx), or None: found
    before LibreOffice starts, whose own answer is a traceback from its bridge."""
    import zipfile

    if not book.exists():
        return "no such file" if not book.is_symlink() else "a symbolic link to a missing file"
    if book.is_dir():
        return "a folder; expected a workbook file (.xlsx)"
    try:
        with zipfile.ZipFile(book) as z:
            if "xl/workbook.xml" not in z.namelist():
                return "not a workbook (a zip file without xl/workbook.xml); expected an .xlsx file"
    except zipfile.BadZipFile:
        return "not a workbook (not a zip file); expected an .xlsx file"
    except OSError as exc:
        return f"cannot read it ({exc.strerror or exc})"
    return None


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m aipower.libreoffice", description=__doc__.split("\n\n")[0])
    p.add_argument("books", nargs="+", type=Path)
    p.add_argument("--timeout", type=float, default=300.0,
                   help=f"seconds for each LibreOffice run (default 300, at most {MAX_TIMEOUT:g})")
    args = p.parse_args(argv)
    if not 0 < args.timeout <= MAX_TIMEOUT:  # NaN fails too: it ran with no limit at all
        print(f"libreoffice check: --timeout {args.timeout:g}: expected seconds in (0, {MAX_TIMEOUT:g}]", file=sys.stderr)
        return 2
    refused = [(book, why) for book in args.books if (why := not_a_workbook(book)) is not None]
    for book, why in refused:
        print(f"libreoffice check: {book}: {why}", file=sys.stderr)
    if refused:
        return 2
    try:
        problems = compare(args.books, args.timeout)
    except RuntimeError as exc:
        print(f"libreoffice check: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # LibreOffice stopped with it, its temporary folder removed
        print("libreoffice check: interrupted", file=sys.stderr)
        return 130
    n = sum(1 for _ in args.books)
    for line in problems[:200]:
        print(line)
    if problems:
        print(f"libreoffice check: {len(problems)} problem(s) in {n} workbook(s)", file=sys.stderr)
        return 1
    print(f"libreoffice check: every formula cell of {n} workbook(s) recalculated by LibreOffice equals the stored value")
    return 0


if __name__ == "__main__":
    sys.exit(main())
