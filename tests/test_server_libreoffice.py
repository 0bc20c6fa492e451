"""`python -m aipower.libreoffice`: what is no workbook is named in one line, before LibreOffice starts."""

from __future__ import annotations

import shutil
import zipfile

import pytest

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
