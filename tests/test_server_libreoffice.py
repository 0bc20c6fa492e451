"""`python -m aipower.libreoffice`: what is no workbook is named in one line, before LibreOffice starts;
every formula cell is compared, whatever the kind of its stored value."""

from __future__ import annotations

import datetime as dt
import shutil
import time
import zipfile

import pytest
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, to_excel

from aipower import libreoffice


@pytest.mark.parametrize("make, why", [
    (lambda p: None, "no such file"),
    (lambda p: p.mkdir(), "a folder; expected a workbook file (.xlsx)"),
    (lambda p: p.write_text("notes"), "not a workbook (not a zip file); expected an .xlsx file"),
    (lambda p: zipfile.ZipFile(p, "w").close(), "not a workbook (a zip file without xl/workbook.xml); expected an .xlsx file"),
])
def test_what_is_no_workbook_is_named_before_libreoffice_starts(make, why, tmp_path, monkeypatch, capsys):
    # a UNO traceback ("type detection failed") or an AttributeError from the bridge, exit 0
    monkeypatch.setattr(libreoffice, "_run", lambda *a, **k: pytest.fail("LibreOffice was started"))
    book = tmp_path / "book.xlsx"
    make(book)
    assert libreoffice.main([str(book)]) == 2
    assert capsys.readouterr().err == f"libreoffice check: {book}: {why}\n"


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (CI installs it)")
def test_a_workbook_libreoffice_cannot_open_is_named(tmp_path, capsys):
    book = tmp_path / "junk.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "not XML")
    assert libreoffice.main([str(book), "--timeout", "240"]) == 2
    assert capsys.readouterr().err == f"libreoffice check: {book}: not a workbook LibreOffice can open\n"


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "3601"])
def test_a_timeout_out_of_range_is_refused_before_libreoffice_starts(value, tmp_path, monkeypatch, capsys):
    # nan ran LibreOffice with no limit at all; 0 and negative numbers failed at once as a "timeout"
    monkeypatch.setattr(libreoffice, "_run", lambda *a, **k: pytest.fail("LibreOffice was started"))
    book = tmp_path / "book.xlsx"
    with zipfile.ZipFile(book, "w") as z:
        z.writestr("xl/workbook.xml", "")
    assert libreoffice.main([str(book), "--timeout", value]) == 2
    assert capsys.readouterr().err == f"libreoffice check: --timeout {float(value):g}: expected seconds in (0, 3600]\n"


def test_the_longest_timeout_is_taken(tmp_path, capsys):
    book = tmp_path / "missing.xlsx"  # refused after the timeout, before LibreOffice starts
    assert libreoffice.main([str(book), "--timeout", "3600"]) == 2
    assert capsys.readouterr().err == f"libreoffice check: {book}: no such file\n"


def test_a_stored_value_of_a_kind_it_cannot_compare_is_named_not_passed(tmp_path, monkeypatch):
    book = tmp_path / "book.xlsx"
    monkeypatch.setattr(libreoffice, "recalculate",
                        lambda books, timeout: {str(book.resolve()): [["S", 0, 0, "=X()", 0, 1.0, False]]})
    monkeypatch.setattr(libreoffice, "_stored", lambda b: ({("S", 0, 0): 1j}, WINDOWS_EPOCH))
    assert libreoffice.compare([book]) == ["book.xlsx:S!A1 =X(): stored 1j, a complex this check cannot compare"]


def _dated_book(path, date_1904: bool, wrong_date: float, bools: tuple[bool, bool]):
    """A1 a date; B1 and B2 =A1+1 as dates (B1 stored right, B2 as `wrong_date`); B3 =A1>0 and B4 =A1<0
    stored as `bools`; B5 =1/7 as a time of day (openpyxl reads it to the millisecond)."""
    import xlsxwriter

    epoch = MAC_EPOCH if date_1904 else WINDOWS_EPOCH
    wb = xlsxwriter.Workbook(path, {"date_1904": date_1904})
    ws = wb.add_worksheet("S")
    day, clock = wb.add_format({"num_format": "yyyy-mm-dd"}), wb.add_format({"num_format": "hh:mm:ss"})
    ws.write_datetime("A1", dt.datetime(2030, 1, 15), day)
    ws.write_formula("B1", "=A1+1", day, to_excel(dt.datetime(2030, 1, 16), epoch))
    ws.write_formula("B2", "=A1+1", day, wrong_date)
    ws.write_formula("B3", "=A1>0", None, bools[0])
    ws.write_formula("B4", "=A1<0", None, bools[1])
    ws.write_formula("B5", "=1/7", clock, 1 / 7)
    wb.close()


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (CI installs it)")
def test_dates_and_booleans_are_compared_as_stored(tmp_path, capsys):
    # they were passed unchecked: openpyxl reads a date-formatted number as a datetime, TRUE as a bool
    _dated_book(tmp_path / "a.xlsx", False, 12345, (True, True))  # B2 and B4 wrong
    # a 1904 workbook counts its serials from 1904: B2 is 2030-01-16 in the 1900 epoch, 4 years off here;
    # in a folder whose name holds the list separator the books were passed in (':', ';' on Windows)
    (tmp_path / "x:y;z").mkdir()
    _dated_book(tmp_path / "x:y;z" / "b.xlsx", True, to_excel(dt.datetime(2030, 1, 16)), (True, False))
    assert libreoffice.main([str(tmp_path / "a.xlsx"), str(tmp_path / "x:y;z" / "b.xlsx"), "--timeout", "240"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out == ["a.xlsx:S!B2 =A1+1: LibreOffice 47499.0 != stored 12345.0 (1933-10-18 00:00:00)",
                   "a.xlsx:S!B4 =A1<0: LibreOffice 0.0 != stored True",
                   "b.xlsx:S!B2 =A1+1: LibreOffice 46037.0 != stored 47499.0 (2034-01-17 00:00:00)"]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (CI installs it)")
@pytest.mark.parametrize("timeout", ["240", "0.5"])
def test_libreoffice_leaves_nothing_in_the_temporary_folder(timeout, tmp_path, monkeypatch, capsys):
    # each run left LibreOffice's own lu*.tmp folder in $TMPDIR; a timeout left soffice.bin running,
    # which wrote its profile back into the removed aipower-lo-* folder
    import tempfile

    from aipower import workbooks
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    monkeypatch.setenv("TMPDIR", str(scratch))
    book = tmp_path / "b.xlsx"
    workbooks.build("token_cost", book)
    code = libreoffice.main([str(book), "--timeout", timeout])
    if timeout == "0.5":
        assert code == 2 and "LibreOffice did not finish within 0.5 s" in capsys.readouterr().err
    else:
        assert code == 0
    time.sleep(1)  # a LibreOffice left running would write its profile again by now
    assert list(scratch.iterdir()) == []


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (CI installs it)")
def test_the_check_reads_formula_cells_only_and_names_errors_as_excel_does(tmp_path, capsys):
    # every cell of the used area was read one by one: one value in T1048576 (21 million cells) ran
    # past any timeout; errors were LibreOffice's numbers (532, 32767), a chart's NA() gap a problem,
    # and text that starts with "#" an error
    import openpyxl

    from aipower import recalc
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"], ws["A2"], ws["A3"], ws["A4"] = 2, "=A1*3", '="#"&A1', "=IF(A1>5,A1,NA())"
    ws["A5"] = "=A1/0"
    ws["T1048576"] = "far"
    wb.save(tmp_path / "raw.xlsx")
    recalc.recalc_file(tmp_path / "raw.xlsx", tmp_path / "b.xlsx")
    # exit 1 with one problem, not 2 with "did not finish within 240 s"
    assert libreoffice.main([str(tmp_path / "b.xlsx"), "--timeout", "240"]) == 1
    assert capsys.readouterr().out.splitlines() == ["b.xlsx:S!A5 =A1/0: #DIV/0! in LibreOffice"]


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (CI installs it)")
def test_a_damaged_workbook_is_named_in_one_line(tmp_path, capsys):
    from aipower import workbooks
    good = tmp_path / "good.xlsx"
    workbooks.build("rack_power", good)
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(tmp_path / "broken.xlsx", "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            zout.writestr(info, data[:300] if info.filename == "xl/worksheets/sheet2.xml" else data)
    assert libreoffice.main([str(tmp_path / "broken.xlsx"), "--timeout", "240"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"libreoffice check: {tmp_path / 'broken.xlsx'}: cannot read its stored values (") and err.count("\n") == 1
