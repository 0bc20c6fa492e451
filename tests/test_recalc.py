"""`aipower recalc`: an analyst's workbook recalculated without Excel, formulas kept, values updated,
everything else preserved; never written over without --in-place; unsupported functions named."""

from __future__ import annotations

import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

import aipower
from aipower import recalc, workbooks
from aipower.cli import main
from aipower.libreoffice import stored_values


def _own_book(path: Path, extra: dict[str, str] | None = None) -> Path:
    """An analyst's workbook: AIP_ and built-in functions, a named cell, a second sheet, a chart;
    stored values deliberately stale (0), the table's recorded spill range too small (2 of its 7 rows)."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Model")
    other = wb.add_worksheet("My notes")
    other.write("A1", "kept as it is")
    other.write("B1", 42)
    bold = wb.add_format({"bold": True, "num_format": "#,##0.0"})
    ws.write("A1", "ai")
    wb.define_name("Case", "=Model!$A$1")
    ws.write("A2", "renewables.target_share")
    ws.write("B2", 0.28)
    for i, y in enumerate(range(2026, 2031)):
        ws.write_number(2, 1 + i, y)
        ws.write_formula(3, 1 + i, f"=AIP_COAL_HOURS(Case,{chr(66 + i)}3,$A$2:$B$2)", bold, 0)
    ws.write_formula("A5", "=ROUND(AVERAGE(B4:F4),1)", None, 0)
    ws.write_formula("A6", "=IF(A5>4000,\"above 4,000 h\",\"below\")&\" (\"&TEXT(1,\"0\")&\")\"", None, "")
    ws.write_formula("A7", "='My notes'!B1*2+AIP_CAGR(100,140,5)", None, 0)
    ws.write_dynamic_array_formula("A30:M31", '=AIP_BALANCE(Case,"hours",A2:B2)', None, 0)
    for k, f in (extra or {}).items():
        ws.write_formula(k, f, None, 0)
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"categories": "=Model!$B$3:$F$3", "values": "=Model!$B$4:$F$4", "name": "coal hours"})
    ws.insert_chart("H1", chart)
    wb.close()
    return path


def test_recalc_updates_values_and_keeps_everything_else(tmp_path, capsys):
    src = _own_book(tmp_path / "own.xlsx")
    before = src.read_bytes()
    out = tmp_path / "out.xlsx"
    assert main(["recalc", str(src), "--out", str(out)]) == 0
    assert re.search(r"\d+ formulas recalculated, \d+ cell values changed \(spilled cells included\)",
                     capsys.readouterr().out)
    assert src.read_bytes() == before  # the input is untouched

    r = aipower.run("ai", overrides={"renewables.target_share": 0.28})
    values = stored_values(out)
    for i, y in enumerate(range(2026, 2031)):
        assert values[("Model", 3, 1 + i)] == r.hours.loc["coal", y]
    avg = round(float(r.hours.loc["coal", 2026:2030].mean()), 1)
    assert values[("Model", 4, 0)] == pytest.approx(avg, abs=1e-9)
    assert values[("Model", 5, 0)] == ("above 4,000 h (1)" if avg > 4000 else "below (1)")
    assert values[("Model", 6, 0)] == pytest.approx(84 + 1.4 ** 0.2 - 1, rel=1e-12)
    assert values[("Model", 29, 1)] == 2024 and values[("Model", 30, 0)] == "coal"
    assert values[("Model", 30, 12)] == r.hours.loc["coal", 2035]
    assert values[("Model", 36, 12)] == r.hours.loc["solar", 2035]  # re-spilled to the table's 8 rows

    formulas_in = openpyxl.load_workbook(src)["Model"]
    formulas_out = openpyxl.load_workbook(out)["Model"]
    assert formulas_out["B4"].value == formulas_in["B4"].value == "=AIP_COAL_HOURS(Case,B3,$A$2:$B$2)"
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            if not name.startswith(("xl/worksheets/sheet1", "xl/charts/")):
                assert a.read(name) == b.read(name), name  # styles, names, other sheets, drawings: byte for byte
        chart = b.read("xl/charts/chart1.xml").decode()
        pts = [float(v) for v in re.findall(r"<c:v>([-\d.e]+)</c:v>", chart.split("<c:val>")[1])]
        assert pts == pytest.approx([float(r.hours.loc["coal", y]) for y in range(2026, 2031)], rel=1e-15)


def test_recalc_of_an_edited_template_equals_the_template_built_for_it(tmp_path):
    base = tmp_path / "base.xlsx"
    workbooks.build("china_balance", base)
    # The analyst picks "ai" in the drop-down (Inputs!B4) and adds an override row.
    edited = tmp_path / "edited.xlsx"
    with zipfile.ZipFile(base) as zin, zipfile.ZipFile(edited, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<c r="B4"([^>]*?) t="s"><v>\d+</v></c>',
                                  rb'<c r="B4"\1 t="inlineStr"><is><t>ai</t></is></c>', data)
                assert n == 1
            zout.writestr(info, data)
    out = tmp_path / "recalculated.xlsx"
    report = recalc.recalc_file(edited, out)
    assert report.changed > 100
    expected = tmp_path / "ai.xlsx"
    workbooks.build("china_balance", expected, scenario="ai")
    got, want = stored_values(out), stored_values(expected)
    for key, v in want.items():
        if isinstance(v, float):
            assert got[key] == pytest.approx(v, rel=1e-14), key
        else:
            assert got[key] == v, key


def test_recalc_refuses_to_overwrite(tmp_path, capsys):
    src = _own_book(tmp_path / "own.xlsx")
    out = tmp_path / "out.xlsx"
    out.write_bytes(b"keep me")
    assert main(["recalc", str(src), "--out", str(out)]) == 2
    assert "not overwriting" in capsys.readouterr().err and out.read_bytes() == b"keep me"
    assert main(["recalc", str(src), "--out", str(src)]) == 2
    assert "--in-place" in capsys.readouterr().err
    # the same file by another name (a hard link here; Book.xlsx for book.xlsx on macOS or Windows):
    # --force replaced the input without --in-place's care for its values
    os.link(src, tmp_path / "other.xlsx")
    assert main(["recalc", str(src), "--out", str(tmp_path / "other.xlsx"), "--force"]) == 2
    assert "other.xlsx is the input workbook: use --in-place" in capsys.readouterr().err
    before = src.read_bytes()
    assert main(["recalc", str(src), "--in-place"]) == 0
    assert src.read_bytes() != before
    assert stored_values(src)[("Model", 6, 0)] > 84
    assert not list(tmp_path.glob(".*.tmp"))


def test_recalc_names_a_folder_or_a_missing_file_as_such(tmp_path, capsys):
    (tmp_path / "dir").mkdir()
    assert main(["recalc", str(tmp_path / "dir"), "--out", str(tmp_path / "o.xlsx")]) == 2
    assert capsys.readouterr().err.endswith("dir is a folder: expected a workbook file (.xlsx)\n")  # not the file format
    assert main(["recalc", str(tmp_path / "none.xlsx"), "--out", str(tmp_path / "o.xlsx")]) == 2
    assert capsys.readouterr().err.endswith("none.xlsx: cannot read the workbook (No such file or directory)\n")


@pytest.mark.parametrize("name, said", [("book", "a file without an extension is not a format recalc reads"),
                                        ("book.xls", "the extension '.xls' is not a format recalc reads"),
                                        ("book.csv", "the extension '.csv' is not a format recalc reads")])
def test_recalc_names_an_extension_it_does_not_read(tmp_path, capsys, name, said):
    # openpyxl's own message read "does not support  file format" for a file without an extension
    (tmp_path / name).write_bytes(b"")
    assert main(["recalc", str(tmp_path / name), "--out", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert f"{name}: cannot read the workbook ({said}: expected .xlsx, .xlsm, .xltx, .xltm" in err, err
    assert ("save an Excel 97-2003 workbook as .xlsx" in err) == name.endswith(".xls")


def test_recalc_keeps_a_file_saved_at_its_output_meanwhile(tmp_path, capsys):
    # the output was checked before the recalculation and then replaced regardless (overwrite=True)
    src = _own_book(tmp_path / "own.xlsx")
    out = tmp_path / "out.xlsx"
    real = recalc.Book.calculate

    def calculate(self, *args, **kwargs):  # the user saves a file there while the formulas compute
        out.write_bytes(b"my own work")
        return real(self, *args, **kwargs)

    recalc.Book.calculate = calculate
    try:
        assert main(["recalc", str(src), "--out", str(out)]) == 2
    finally:
        recalc.Book.calculate = real
    assert f"{out} exists: not overwriting" in capsys.readouterr().err
    assert out.read_bytes() == b"my own work" and not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("formula, words", [
    ('=INDIRECT("B3")', ["Model!A12", "INDIRECT", "not supported"]),
    ("=NOSUCHFUNC(1)", ["Model!A12", "NOSUCHFUNC"]),
    ("=A12+1", ["Model!A12", "circular reference"]),
    ("=Nowhere!A1", ["Model!A12", "no sheet 'NOWHERE'"]),
    ("=SUM(A:A)", ["Model!A12"]),
])
def test_unsupported_formulas_name_the_cell(tmp_path, capsys, formula, words):
    src = _own_book(tmp_path / "own.xlsx", {"A12": formula})
    assert main(["recalc", str(src), "--out", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    for w in words:
        assert w in err, (w, err)
    assert not (tmp_path / "out.xlsx").exists()


def test_every_unsupported_function_is_named_before_any_work(tmp_path, capsys, monkeypatch):
    cells = {"A12": "=NOSUCHFUNC(1)", "A13": '=nosuchfunc(2)+LEN("INDIRECT(")', "A14": '=INDIRECT("B3")',
             **{f"B{r}": "=NOSUCHFUNC(3)" for r in range(12, 16)}}
    src = _own_book(tmp_path / "own.xlsx", cells)
    monkeypatch.setattr(recalc.Book, "value", lambda *a: pytest.fail("a cell was computed before the check"))
    assert main(["recalc", str(src), "--out", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert "NOSUCHFUNC() in Model!A12, Model!B12, Model!A13 and 3 more" in err  # one run names them all
    assert "INDIRECT() in Model!A14 (" in err
    assert err.count("INDIRECT") == 1  # text inside quotes is not a call
    assert not (tmp_path / "out.xlsx").exists()


def test_spill_references_read_the_anchor_s_array_range(tmp_path):
    # A30 holds =AIP_BALANCE(...) as a dynamic array (A30:M37 once re-spilled); A30# is what Excel 365
    # writes for its spill
    spill = {"A12": "=SUM(_xlfn.ANCHORARRAY(A30))", "A13": "=SUM(A30:M37)",
             "A14": "=COUNT(_xlfn.ANCHORARRAY($A$30))*100+COUNTA(_xlfn.anchorarray(Model!A30))",
             "A15": "=INDEX(_xlfn.ANCHORARRAY('Model'!A30),2,3)", "A16": "=C31",
             "A17": '=LEN("_xlfn.ANCHORARRAY(A5)")'}  # in quotes: text, not a reference
    src = _own_book(tmp_path / "own.xlsx", spill)
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    v = stored_values(tmp_path / "out.xlsx")
    assert v[("Model", 11, 0)] == v[("Model", 12, 0)] != 0
    assert v[("Model", 13, 0)] == 96 * 100 + 104  # years and hours are numbers, the corner and row labels text
    assert v[("Model", 14, 0)] == v[("Model", 15, 0)] == aipower.run("ai", overrides={"renewables.target_share": 0.28}).hours.iloc[0, 1]
    assert v[("Model", 16, 0)] == len("_xlfn.ANCHORARRAY(A5)")


def test_spill_references_as_typed_read_as_excel_stores_them(tmp_path):
    # A30# written into a file as typed (openpyxl does, Excel stores ANCHORARRAY(A30)): it was refused
    # as an unknown name 'A30#', or on another sheet as an unsupported reference
    spill = {"A12": "=SUM(A30#)", "A13": "=SUM(_xlfn.ANCHORARRAY(A30))", "A14": "=COUNTA($A$30#)+COUNTA('Model'!A30#)",
             "A15": "=INDEX(Model!A30#,2,3)", "A16": "=C31", "A17": '=LEN("A30#")&"#N/A"', "A18": "=ISNA(#N/A)"}
    src = _own_book(tmp_path / "own.xlsx", spill)
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    v = stored_values(tmp_path / "out.xlsx")
    assert v[("Model", 11, 0)] == v[("Model", 12, 0)] != 0
    assert v[("Model", 13, 0)] == 2 * 104 and v[("Model", 14, 0)] == v[("Model", 15, 0)]
    assert (v[("Model", 16, 0)], v[("Model", 17, 0)]) == ("4#N/A", True)  # text and errors keep their #


@pytest.mark.parametrize("ref", ["A5", "B30", "Nowhere!A30"])
def test_a_spill_reference_to_no_array_is_named(tmp_path, capsys, ref):
    src = _own_book(tmp_path / "own.xlsx", {"A12": f"=SUM(_xlfn.ANCHORARRAY({ref}))"})
    assert main(["recalc", str(src), "--out", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert f"Model!A12: spill reference {ref}# in" in err and "holds no array formula to spill" in err


def test_aip_errors_are_values_not_failures(tmp_path):
    src = _own_book(tmp_path / "own.xlsx", {"A12": '=AIP_COAL_HOURS("ai","abc")'})
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    v = stored_values(tmp_path / "out.xlsx")[("Model", 11, 0)]
    assert v.startswith("#VALUE! year:")


def test_builtins_list_is_reported():
    names = recalc.supported_builtins()
    assert {"SUM", "IF", "ROUND", "INDEX", "AVERAGE", "TEXT"} <= set(names)
    assert "INDIRECT" not in names and not any(n.startswith("AIP_") for n in names)
    # Each function once, by the name typed in a cell, not also by its file-format alias.
    assert not any(n.startswith("_") for n in names) and len(names) == len(set(names))
    assert {"XLOOKUP", "FILTER", "SORT"} <= set(names)


# Workbooks with odd content (issue 6): recalculated or refused with a message naming the cell,
# never corrupted, and the input never touched.
def _book(tmp_path, name, fill):
    import openpyxl

    wb = openpyxl.Workbook()
    fill(wb.active)
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    return path


def _values(path):
    import openpyxl

    return openpyxl.load_workbook(path, data_only=True).active


def test_a_control_character_in_a_value_is_written_as_excel_writes_it(tmp_path):
    """="x"&CHAR(7) was written raw into <v>: the part was no longer XML, and --in-place replaced the
    user's workbook with a file neither Excel nor openpyxl opens, exit status 0."""
    def fill(ws):
        ws["A1"] = "=1+1"
        ws["A2"] = '="x"&CHAR(7)&"y"&CHAR(13)'
        ws["A3"] = '="_x0041_ as typed"'

    src = _book(tmp_path, "ctl", fill)
    for _ in range(2):  # the second run reads what the first wrote
        assert main(["recalc", str(src), "--in-place"]) == 0
        ws = _values(src)
        assert ws["A1"].value == 2
    sheet = zipfile.ZipFile(src).read("xl/worksheets/sheet1.xml").decode()
    assert "<v>x_x0007_y_x000D_</v>" in sheet and "<v>_x005F_x0041_ as typed</v>" in sheet
    assert recalc._from_xml_text("x_x0007_y_x000D_") == "x\ay\r"
    assert recalc._from_xml_text("_x005F_x0041_ as typed") == "_x0041_ as typed"


def test_a_part_that_would_not_be_xml_is_refused_and_the_workbook_kept(tmp_path, monkeypatch, capsys):
    def fill(ws):
        ws["A1"] = '="a"&CHAR(7)'

    src = _book(tmp_path, "kept", fill)
    before = src.read_bytes()
    monkeypatch.setattr(recalc, "_xml_text", lambda text: text)  # as before the fix: written raw
    assert main(["recalc", str(src), "--in-place"]) == 2
    err = capsys.readouterr().err
    assert "not written: internal error: the recalculated part xl/worksheets/sheet1.xml would not be well-formed XML" in err
    assert src.read_bytes() == before


def test_merged_cells_and_error_values_are_recalculated(tmp_path):
    def fill(ws):
        ws["A1"] = 2
        ws["B1"] = "=A1*3"
        ws.merge_cells("B1:C2")
        ws["A4"] = "=1/0"
        ws["A5"] = "=IFERROR(A4, 5)"
        ws["A6"] = "#N/A"

    src = _book(tmp_path, "odd", fill)
    before = src.read_bytes()
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    ws = _values(tmp_path / "out.xlsx")
    assert ws["B1"].value == 6 and ws["A4"].value == "#DIV/0!" and ws["A5"].value == 5
    assert "B1:C2" in {str(r) for r in ws.merged_cells.ranges}
    assert src.read_bytes() == before


def test_external_links_are_refused_naming_the_cell(tmp_path):
    src = _book(tmp_path, "ext", lambda ws: ws.__setitem__("A1", "='[other.xlsx]Sheet1'!A1"))
    with pytest.raises(recalc.RecalcError, match=r"Sheet!A1: .*another workbook: external links are not recalculated"):
        recalc.recalc_file(src, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_a_long_chain_of_dependent_cells_does_not_exhaust_the_stack(tmp_path):
    n = 1500  # deeper than Python's default recursion limit

    def fill(ws):
        for r in range(1, n):
            ws.cell(r, 1, f"=A{r + 1}+1")  # each cell reads the one below: evaluated from the top
        ws.cell(n, 1, 1)

    src = _book(tmp_path, "chain", fill)
    seen = []
    report = recalc.recalc_file(src, tmp_path / "out.xlsx", progress=lambda done, total: seen.append((done, total)))
    assert report.formulas == n - 1
    assert _values(tmp_path / "out.xlsx")["A1"].value == n
    assert seen[-1] == (n - 1, n - 1)


def test_circular_references_are_refused_naming_the_cells(tmp_path):
    def fill(ws):
        ws["A1"] = "=B1+1"
        ws["B1"] = "=C1+1"
        ws["C1"] = "=A1+1"

    src = _book(tmp_path, "loop", fill)
    with pytest.raises(recalc.RecalcError, match="circular reference"):
        recalc.recalc_file(src, tmp_path / "out.xlsx")


# Skipped arguments: Excel (xlwings) hands an AIP_ function an empty argument, i.e. its default.
def test_a_skipped_argument_reaches_aip_functions_as_empty(tmp_path):
    from aipower import xlfunctions as xf

    def fill(ws):
        ws["A1"] = "=AIP_DC_ENERGY_FROM_IT_POWER(0.16,1.5,1,)"  # hours: the default, a year's 8760
        ws["A2"] = '=AIP_COAL_HOURS("ai",2028,,2025)'
        ws["A3"] = '=AIP_REQUIREMENT("base",,2030)'
        ws["A4"] = '=AIP_SWEEP("ai_ranges","hours.coal",,1)'
        ws["A5"] = "=IF(TRUE,,5)"  # a built-in keeps Excel's meaning: 0

    src = _book(tmp_path, "skipped", fill)
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    ws = _values(tmp_path / "out.xlsx")
    assert ws["A1"].value == pytest.approx(0.16 * 1.5 * 1 * 8760 / 1000, rel=1e-12)
    assert ws["A2"].value == xf.AIP_COAL_HOURS("ai", 2028, None, 2025) != xf.AIP_COAL_HOURS("ai", 2028)
    assert ws["A3"].value == xf.AIP_REQUIREMENT("base", None, 2030)[0][0]
    assert ws["A4"].value == xf.AIP_SWEEP("ai_ranges", "hours.coal", None, 1)[0][0]
    assert not str(ws["A4"].value).startswith("#")
    assert ws["A5"].value == 0


def _edited(src: Path, dst: Path, part: str, old: bytes, new: bytes) -> Path:
    """A copy of `src` with one change in one XML part (what an analyst's edit in Excel stores)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == part:
                data, n = re.subn(old, new, data)
                assert n == 1, (part, old)
            zout.writestr(info, data)
    return dst


def test_a_dynamic_array_re_spills_to_its_new_size(tmp_path):
    from aipower import xlfunctions as xf

    # BaseYear 2025 in the China balance workbook: every table has 11 year columns, not 12
    base = workbooks.build("china_balance", tmp_path / "base.xlsx")
    src = _edited(base, tmp_path / "by2025.xlsx", "xl/worksheets/sheet1.xml",
                  rb'<c r="B5"( s="\d+")?/>', rb'<c r="B5"\1><v>2025</v></c>')
    # and the Assumptions table made an error (a scenario that does not exist), to see it shrink to its anchor
    with zipfile.ZipFile(src) as z:
        part = next(n for n in z.namelist() if n.startswith("xl/worksheets/") and b"AIP_PARAMS(Scenario" in z.read(n))
    src = _edited(src, tmp_path / "by2025_bad.xlsx", part, rb"AIP_PARAMS\(Scenario", b'AIP_PARAMS("no such scenario"')
    out = tmp_path / "out.xlsx"
    report = recalc.recalc_file(src, out)
    # said: a cell below or beside a table that reads it by position (=H19) reads another cell now
    assert "Demand!A6: 11 × 13 → 11 × 12" in report.resized and not report.spill_blocked
    got = stored_values(out)
    demand = xf.AIP_BALANCE("base", "demand", None, 2025)
    assert len(demand) == 11 and len(demand[0]) == 12
    for i, row in enumerate(demand):
        assert [got.get(("Demand", 5 + i, j)) for j in range(13)] == row + [None], i  # column M emptied
    # dependants read the new values: the coal-hours row reads the hours table's years (M16 is empty now,
    # so the block's last year is blank and its charted hours NA(), a gap in the chart)
    assert got[("Generation", 25, 11)] == 2035 and got.get(("Generation", 25, 12)) in (None, "")
    assert got[("Generation", 26, 11)] == xf.AIP_COAL_HOURS("base", 2035, None, 2025)
    assert got.get(("Generation", 26, 12)) == "#N/A"
    # a table that became an error value fills its anchor only
    assert str(got[("Assumptions", 4, 0)]).startswith("#VALUE!") and ("Assumptions", 4, 1) not in got
    sheet = openpyxl.load_workbook(out)["Demand"]
    assert sheet["A6"].value.ref == "A6:L16"  # the recorded range follows, as Excel records it


def test_a_dynamic_array_blocked_by_content_gives_spill_error(tmp_path):
    src = _own_book(tmp_path / "own.xlsx", {"A20": "=A31", "A21": "=SUM(_xlfn.ANCHORARRAY(A30))"})
    # a value where the table would spill to: Excel shows #SPILL! and leaves its range empty
    src = _edited(src, tmp_path / "blocked.xlsx", "xl/worksheets/sheet1.xml", rb"</sheetData>",
                  rb'<row r="34"><c r="C34"><v>7</v></c></row></sheetData>')
    report = recalc.recalc_file(src, tmp_path / "out.xlsx")
    assert report.spill_blocked == (
        f"Model!A30: a {report.spill_blocked[0].split(' a ')[1].split(' result')[0]} result would cover Model!C34, which "
        "holds other content",)
    v = stored_values(tmp_path / "out.xlsx")
    assert v[("Model", 29, 0)] == "#SPILL!"
    assert [k for k in v if k[0] == "Model" and 29 <= k[1] <= 35] == [("Model", 29, 0), ("Model", 33, 2)]
    assert v[("Model", 19, 0)] == 0 and v[("Model", 20, 0)] == "#REF!"  # A30#: no spill to read


def test_a_legacy_array_formula_keeps_its_range(tmp_path):
    from openpyxl.worksheet.formula import ArrayFormula

    def fill(ws):  # Ctrl+Shift+Enter arrays (no dynamic-array flag) do not spill in Excel either
        ws["A1"] = ArrayFormula("A1:B2", '=AIP_BALANCE("base","demand")')
        ws["A5"] = ArrayFormula("A5:A5", '=AIP_BALANCE("base","demand")')
        ws["A10"] = ArrayFormula("A10:A11", "=1")

    src = _book(tmp_path, "legacy", fill)
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    ws = _values(tmp_path / "out.xlsx")
    assert ws["B1"].value == 2024 and isinstance(ws["B2"].value, float)  # the table's top-left corner
    assert ws["C1"].value is None and ws["A6"].value is None  # nothing beyond the recorded ranges
    assert ws["A10"].value == 1 and ws["A11"].value == 1  # Excel repeats a single value over the range


def _named_book(tmp_path, name, fill, names=(), local=()):
    """A workbook with defined names: (name, text) for the workbook, (sheet, name, text) for one sheet."""
    from openpyxl.workbook.defined_name import DefinedName

    wb = openpyxl.Workbook()
    fill(wb)
    for n, text in names:
        wb.defined_names[n] = DefinedName(n, attr_text=text)
    for sheet, n, text in local:
        wb[sheet].defined_names[n] = DefinedName(n, attr_text=text)
    path = tmp_path / f"{name}.xlsx"
    wb.save(path)
    return path


def test_a_sheet_scoped_name_reads_its_own_sheet_s_definition(tmp_path):
    def fill(wb):
        s1 = wb.active
        s1.title = "S1"
        s2, s3 = wb.create_sheet("S2"), wb.create_sheet("S3")
        s1["A1"], s2["A1"], s3["A1"] = 1, 2, 3
        for ws in (s1, s2, s3):
            ws["B1"] = "=Rate*10"
        s2["B2"] = "=S2!Rate+1"  # qualified by its own sheet: the same name

    src = _named_book(tmp_path, "scoped", fill, names=[("Rate", "S3!$A$1")],
                      local=[("S1", "Rate", "S1!$A$1"), ("S2", "Rate", "S2!$A$1")])
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    v = stored_values(tmp_path / "out.xlsx")
    assert (v[("S1", 0, 1)], v[("S2", 0, 1)], v[("S3", 0, 1)]) == (10, 20, 30)  # S3: the workbook's Rate
    assert v[("S2", 1, 1)] == 3


def test_a_name_of_another_sheet_that_means_something_else_is_refused(tmp_path):
    def fill(wb):
        s1 = wb.active
        s1.title = "S1"
        s2 = wb.create_sheet("S2")
        s1["A1"], s2["A1"] = 1, 2
        s2["B1"] = "=S1!Rate*10"  # the parser drops the sheet: it would read S2's Rate

    src = _named_book(tmp_path, "other", fill, local=[("S1", "Rate", "S1!$A$1"), ("S2", "Rate", "S2!$A$1")])
    with pytest.raises(recalc.RecalcError, match=r"S2!B1: S1!RATE in =S1!Rate\*10: a name of another sheet"):
        recalc.recalc_file(src, tmp_path / "out.xlsx")


def test_names_defined_by_constants_formulas_and_relative_references(tmp_path):
    def fill(wb):
        ws = wb.active
        ws.title = "Data"
        ws["A1"], ws["A2"], ws["B1"] = 10, 20, 5
        ws["C1"] = "=TaxRate*100"
        ws["C2"] = '=Greeting&"!"'
        ws["C3"] = "=Twice+Quarter"
        ws["C4"] = "=IF(Flag,Missing,0)"
        ws["D1"] = "=Left1"  # relative: XFD1 as seen from A1 is the cell one column left, C1 here
        ws["D2"] = "=Left1*1"  # and C2 here
        ws["E1"] = "=TaxRate"
        ws.parent.create_sheet("S2")["A1"] = "=TaxRate"

    src = _named_book(tmp_path, "constants", fill,
                      names=[("TaxRate", "0.25"), ("Greeting", '"hi"'), ("Twice", "Data!$A$1*2"),
                             ("Quarter", "TaxRate*4"), ("Flag", "TRUE"), ("Missing", "#N/A"), ("Left1", "Data!XFD1")],
                      local=[("S2", "TaxRate", "0.5")])
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    v = stored_values(tmp_path / "out.xlsx")
    assert v[("Data", 0, 2)] == 25 and v[("Data", 1, 2)] == "hi!" and v[("Data", 2, 2)] == 21
    assert v[("Data", 3, 2)] == "#N/A"
    assert v[("Data", 0, 3)] == 25 and v[("Data", 1, 3)] == "#VALUE!"  # "hi!"*1
    assert v[("Data", 0, 4)] == 0.25 and v[("S2", 0, 0)] == 0.5


@pytest.mark.parametrize("text, words", [
    ("Data!$A$1:$A$2*2", ["name ARR", "is an array"]),
    ("Data!A1*2", ["name ARR", "relative reference"]),
])
def test_names_the_engine_cannot_read_are_refused(tmp_path, text, words):
    def fill(wb):
        wb.active.title = "Data"
        wb.active["A1"], wb.active["A2"] = 1, 2
        wb.active["B1"] = "=SUM(Arr)"

    src = _named_book(tmp_path, "bad", fill, names=[("Arr", text)])
    with pytest.raises(recalc.RecalcError) as err:
        recalc.recalc_file(src, tmp_path / "out.xlsx")
    for w in words:
        assert w in str(err.value)


# Built-ins as Excel computes them (the `formulas` library differs on these)
_DATA = {"A1": 10, "A2": 20, "A3": "30", "A4": True, "A6": 2.5, "B1": "1,000,000", "B2": "2.880",
         "C1": "apple", "C2": "pear", "C3": "apple"}


def _data_and_formula(formula):
    """A book filler: sheet Data with _DATA, and `formula` in Calc!A1."""
    def fill(wb):
        data = wb.active
        data.title = "Data"
        for k, v in _DATA.items():
            data[k] = v
        wb.create_sheet("Calc")["A1"] = formula

    return fill


@pytest.mark.parametrize("formula, excel", [
    ("=SUM(Data!A1:A6)", 32.5),  # text and TRUE in a range: skipped
    ("=SUM(Data!A1,Data!A3)", 10), ("=SUM(Data!A4)", 0),  # ... in a referenced cell too
    ('=SUM("3",TRUE,1)', 5), ('=SUM({1,"2",TRUE})', 1),  # typed values counted, an array's text not
    ("=COUNT(Data!A1:A6)", 3), ('=COUNT("3",TRUE,"x")', 2),
    ("=MAX(Data!A1:A6)", 20), ("=MIN(Data!A1:A6)", 2.5), ('=MAX("3",TRUE)', 3), ("=MAX(Data!A5)", 0),
    ("=AVERAGE(Data!A1:A6)", 32.5 / 3), ("=AVERAGE(Data!A5)", "#DIV/0!"), ("=AVERAGE(TRUE,3)", 2),
    ('=SUM(Data!A1,"x")', "#VALUE!"), ("=SUM(Data!A1,1/0)", "#DIV/0!"), ("=PRODUCT(Data!A1:A6)", 500),
    ("=ROUND(0.285,2)", 0.29), ("=ROUND(1.005,2)", 1.01), ("=ROUND(-2.5,0)", -3), ("=ROUND(1234.5678,-2)", 1200),
    ("=ROUNDUP(0.1+0.2,1)", 0.3), ("=ROUNDDOWN(-1.55,1)", -1.5), ('=ROUND("2.5",0)', 3),
    ('=VALUE("1,000,000")', 1e6), ('=VALUE("12%")', 0.12), ('=VALUE(" $1,234.50 ")', 1234.5), ('=VALUE("(100)")', -100),
    ('=VALUE("2030-01-15")', 47498), ('=VALUE("12:30")', 0.5208333333333334), ('=VALUE("abc")', "#VALUE!"),
    ("=VALUE(TRUE)", "#VALUE!"), ('="1,000,000"*1', 1e6), ("=Data!B1+1", 1000001), ('="12%"+0', 0.12),
    ("=SUM(Data!A2:A1)", 30), ("=SUM(Data!B2:A1)", 30),  # a range written backwards is the same range in Excel
    ('="0.125"*1', 0.125), ('="1,234.5"*1', 1234.5),  # read one way only where read as a number
    ('=NUMBERVALUE("1.234,5",",",".")', 1234.5), ('=NUMBERVALUE("35%")', 0.35), ('=NUMBERVALUE("35")', 35),
    ('=DATEVALUE("2030-02-01")', 47515),
    # text criteria are no dates: the date check must leave them to the criteria (they were refused)
    ('=COUNTIF(Data!C1:C3,"apple")', 2), ('=SUMIF(Data!C1:C3,"apple",Data!A1:A3)', 40),
    ('=SUMIFS(Data!A1:A3,Data!C1:C3,"pear")', 20), ('=COUNTIF(Data!C1:C3,"<>pear")', 2),
    ('=COUNTIFS(Data!C1:C2,"apple",Data!A1:A2,">5")', 1), ('=MONTH("2030-02-01")', 2), ('=TIMEVALUE("12:30")', 0.5208333333333334),
    ('="Q1 2030"*1', "#VALUE!"),
    ('=TEXT(1234.5,"#,##0")', "1,235"), ('=TEXT(0.285,"0%")', "29%"), ('=TEXT(0.285,"0.0%")', "28.5%"),
    ('=TEXT(1.005,"0.00")', "1.01"), ('=TEXT(-1234.5,"$#,##0.00")', "-$1,234.50"), ('=TEXT(5,"0.0#")', "5.0"),
    ('=TEXT(-5,"0;(0)")', "(5)"), ('=TEXT(1234567,"#,##0.0,")', "1,234.6"), ('=TEXT(2030,"0")', "2030"),
    ('=TEXT(1/3,"General")', "0.333333333333333"), ('=TEXT(45000,"yyyy-mm-dd")', "2023-03-15"),
    ('=TRIM("  a   b ")', "a b"),
    # N of a logical is 1 or 0 (the library kept TRUE, which SUM then skipped)
    ("=N(TRUE)", 1), ("=N(FALSE)", 0), ("=N(Data!A4)", 1), ("=SUM(N(Data!A4),N(1=1))", 2), ('=N("7")', 0),
    ("=N(Data!A1)", 10), ("=N(1/0)", "#DIV/0!"), ("=ISNUMBER(N(TRUE))", True),
    # a text longer than a cell holds is #VALUE! (REPT of a REPT built 900 MB from 30 characters)
    ('=LEN(REPT("ab",16383))', 32766), ('=REPT("x",32768)', "#VALUE!"), ('=REPT(REPT("x",30000),30000)', "#VALUE!"),
    ('=REPT("x",-1)', "#VALUE!"), ('=REPT("x",20000)&REPT("y",20000)', "#VALUE!"),
    ('=1/3&""', "0.333333333333333"), ('=2^50&""', "1125899906842620"), ('=1E+21&""', "1E+21"),
    ('=1/70000&""', "1.42857142857143E-05"), ('=0.00001&""', "0.00001"), ('=LEN(2/3)', 17),
    ("=Data!A5", 0), ("=Data!A5&\"x\"", "x"),  # a blank cell's value is 0 (as text: nothing)
    ("=0.1+0.2=0.3", True), ("=0.1+0.2>0.3", False), ("=0.1+0.2-0.3=0", False), ('="a"="A"', True),
    ("=Data!A5=0", True), ('=Data!A5=""', True),
    # ^ as Excel: Python gave a complex number for (-8)^(1/3) and 1 for 0^0
    ("=(-8)^(1/3)", "#NUM!"), ("=0^0", "#NUM!"), ("=0^-1", "#DIV/0!"), ("=10^400", "#NUM!"), ("=-2^2", 4),
    ("=(-8)^3", -512),
])
def test_builtins_give_excel_s_results(tmp_path, formula, excel):
    src = _named_book(tmp_path, "builtins", _data_and_formula(formula))
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    got = stored_values(tmp_path / "out.xlsx").get(("Calc", 0, 0))
    if isinstance(excel, (str, bool)):
        assert got is excel if isinstance(excel, bool) else got == excel
    else:  # a number, not a logical value (True == 1 in Python)
        assert not isinstance(got, bool) and got == pytest.approx(excel, rel=1e-15, abs=1e-15)


@pytest.mark.parametrize("formula, words", [
    ('=VALUE("1/2/2030")', ["Calc!A1", "'1/2/2030' read as a number", "regional settings"]),
    ('="1,00"*1', ["Calc!A1", "'1,00'"]),
    # 1000× apart by locale (German: 2880 and 1), where the override parser refuses them too
    ("=Data!B2*1", ["Calc!A1", "'2.880' read as a number", "separates thousands in some settings"]),
    ('=VALUE("1,000")', ["Calc!A1", "'1,000' read as a number", "1,000 is 1000 or 1"]),
    ('=NUMBERVALUE("1,5")', ["Calc!A1", "by NUMBERVALUE without its separators"]),
    ('=DATEVALUE("1.2.2030")', ["Calc!A1", "'1.2.2030' read as a date or time", "order of day and month"]),
    ('=MONTH("1/2/2030")', ["Calc!A1", "'1/2/2030' read as a date or time"]),
    ('=TIMEVALUE("12:30 PM")', ["Calc!A1", "'12:30 PM' read as a date or time"]),
    # before 1900-03-01 Excel's serials count a 29 February 1900 that never was: not computed, refused
    ('=VALUE("1900-02-15")', ["Calc!A1", "'1900-02-15' read as a number"]),
    ("=SUM(INDEX(Data!A1:A6,3))", ["Calc!A1", "SUM() got '30' from a function that may return a cell"]),
    ('=TEXT(5,"0.00E+00")', ["Calc!A1", "TEXT format '0.00E+00'"]),
    ('=TEXT(0.5,"h:mm AM/PM")', ["Calc!A1", "TEXT format"]),
])
def test_builtins_whose_excel_result_is_unknown_are_refused(tmp_path, formula, words):
    _assert_refused(tmp_path, "refused", formula, words)


def _assert_refused(tmp_path, name, formula, words):
    """The formula, over the data sheet, is refused naming every one of `words`, and nothing is written."""
    src = _named_book(tmp_path, name, _data_and_formula(formula))
    with pytest.raises(recalc.RecalcError) as err:
        recalc.recalc_file(src, tmp_path / "out.xlsx")
    for w in words:
        assert w in str(err.value), (w, str(err.value))
    assert not (tmp_path / "out.xlsx").exists()


def test_error_values_stay_errors_through_references(tmp_path):
    """ISNA/IFNA/ERROR.TYPE/COUNTIF compare the engine's own error objects; a legacy array's #N/A
    padding was written as the text '#N/A' (ISERROR false, ISTEXT true), as LibreOffice showed."""
    import zipfile

    from openpyxl.worksheet.formula import ArrayFormula

    def fill(ws):
        ws["A1"] = "=1/0"
        ws["A2"] = "=NA()"
        ws["B1"] = "=ERROR.TYPE(A1)"
        ws["B2"] = "=ERROR.TYPE(A2)"
        ws["B3"] = "=ISNA(A2)"
        ws["B4"] = '=IFNA(A2, "na")'
        ws["D1"] = 1
        ws["D2"] = 2
        ws["E1"] = ArrayFormula("E1:E3", "=D1:D2")  # three cells for two values: #N/A below
        ws["F1"] = "=ISERROR(E3)"
        ws["F2"] = '=IFERROR(E3, "caught")'

    src = _book(tmp_path, "errors", fill)
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    ws = _values(tmp_path / "out.xlsx")
    assert (ws["B1"].value, ws["B2"].value, ws["B3"].value, ws["B4"].value) == (2, 7, True, "na")
    assert (ws["E3"].value, ws["F1"].value, ws["F2"].value) == ("#N/A", True, "caught")
    sheet = zipfile.ZipFile(tmp_path / "out.xlsx").read("xl/worksheets/sheet1.xml").decode()
    assert '<c r="E3" t="e"' in sheet  # stored as an error, not as text


# Formula cells that come out as errors: counted, exit status 1, and --in-place keeps the values.
def test_formula_errors_are_counted_and_exit_1(tmp_path, capsys):
    # A12 and A13 held 0 (the builder's stored value) and become errors: the summary said only
    # "N formulas recalculated", exit 0
    src = _own_book(tmp_path / "own.xlsx", {"A12": "=1/0", "A13": '=AIP_COAL_HOURS("ai","abc")'})
    out = tmp_path / "out.xlsx"
    assert main(["recalc", str(src), "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert re.match(rf"{re.escape(str(out))}: \d+ formulas recalculated", captured.out)
    # the book records 2 of the table's 8 rows: said, as a cell below it reading it by position reads another row
    assert captured.err == ("aipower: note: 1 table changed size (first: Model!A30: 2 × 13 → 8 × 13): a cell that "
                            "refers into one by position (=H19 rather than an AIP_ lookup) may now read another row or "
                            "column; the template of another aipower release, or other inputs, can do this\n"
                            "aipower: 2 formula cells evaluate to an error (2 of 2 held a value before); first: "
                            "Model!A12: #DIV/0!\n")
    assert stored_values(out)[("Model", 11, 0)] == "#DIV/0!"  # written: --out is a copy to inspect
    # cells that were errors already: the copy is replaced in place, still reported
    assert main(["recalc", str(out), "--in-place"]) == 1
    assert "2 formula cells evaluate to an error (0 of 2 held a value before)" in capsys.readouterr().err


def test_a_na_from_na_is_a_gap_by_design_not_an_error(tmp_path):
    # =IF(..., x, NA()) is how a chart gets a gap (Excel draws "" as 0 in a line chart): not an error,
    # where a #N/A that comes from a lookup still is
    src = _own_book(tmp_path / "own.xlsx", {"A12": "=IF(FALSE,1,NA())", "A13": "=na( )", "A14": "=MATCH(5,{1,2},0)"})
    report = recalc.recalc_file(src, tmp_path / "out.xlsx")
    assert (report.errors, report.first_error) == (1, "Model!A14: #N/A")
    assert stored_values(tmp_path / "out.xlsx")[("Model", 11, 0)] == "#N/A"
    src = _own_book(tmp_path / "own2.xlsx", {"A12": "=IF(TRUE,1/0,NA())"})
    assert recalc.recalc_file(src, tmp_path / "out2.xlsx").errors == 1  # only NA()'s own #N/A


def test_in_place_keeps_a_workbook_whose_values_would_become_errors(tmp_path, capsys):
    # The tester's case: a workbook regenerated for a scenario file whose parent was then moved away;
    # --in-place replaced every number with the text "#VALUE! AIP_BALANCE: ... no such file", exit 0.
    (tmp_path / "parent.toml").write_text('[scenario]\nname = "parent"\nparent = "ai"\n', encoding="utf-8")
    child = tmp_path / "child.toml"
    child.write_text('[scenario]\nname = "child"\nparent = "parent.toml"\n', encoding="utf-8")
    assert main(["regenerate", "--scenario", str(child), "--out", str(tmp_path / "wb"), "--only", "us_gap"]) == 0
    capsys.readouterr()
    book = tmp_path / "wb" / "us_gap.xlsx"
    before = book.read_bytes()
    (tmp_path / "parent.toml").rename(tmp_path / "parent.moved")
    assert main(["recalc", str(book), "--in-place"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"aipower: {book}: not replaced: ") and "formula cells that held a value would hold an error" in err
    assert "(first: US gap!" in err and "no such file" in err
    assert err.endswith("nothing written: fix the cause, or write the recalculated copy elsewhere to inspect it "
                        "(--out OUT.xlsx instead of --in-place)\n")
    assert book.read_bytes() == before and sorted(p.name for p in book.parent.iterdir()) == ["us_gap.xlsx"]


def test_recalc_file_keep_values_writes_nothing_and_reports(tmp_path):
    src = _own_book(tmp_path / "own.xlsx", {"A12": "=1/0"})
    with pytest.raises(recalc.ValuesWouldBeLost, match=r"not replaced: 1 formula cell that held a value would "
                                                       r"hold an error \(first: Model!A12: #DIV/0!\)") as info:
        recalc.recalc_file(src, tmp_path / "out.xlsx", keep_values=True)
    assert (info.value.report.errors, info.value.report.new_errors) == (1, 1)
    assert not (tmp_path / "out.xlsx").exists()
    report = recalc.recalc_file(src, tmp_path / "out.xlsx")
    assert (report.errors, report.new_errors, report.first_error) == (1, 1, "Model!A12: #DIV/0!")


@pytest.mark.parametrize("columns", ["40", "80", "123"])
def test_recalc_help_says_what_the_exit_statuses_mean(capsys, monkeypatch, columns):
    monkeypatch.setenv("COLUMNS", columns)  # at any width an option stays whole: argparse broke '--in-' / 'place'
    with pytest.raises(SystemExit):
        main(["recalc", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "1 when formula cells evaluate to an Excel error" in text and "--in-place leaves it as it was (nothing written)" in text
    assert "not a #N/A from a formula calling NA()" in text  # as the README says: a chart's gap is not counted


def _damaged(src: Path, dst: Path, how: str) -> Path:
    """A copy of workbook `src` damaged the way a cut download or a bad disk damages one."""
    import struct

    with zipfile.ZipFile(src) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    sheet = "xl/worksheets/sheet1.xml"
    if how == "sheet cut in half":
        parts[sheet] = parts[sheet][:len(parts[sheet]) // 2]
    elif how == "workbook.xml malformed":
        parts["xl/workbook.xml"] = parts["xl/workbook.xml"][:len(parts["xl/workbook.xml"]) // 2]
    elif how == "sheet part missing":
        del parts[sheet]
    compression = zipfile.ZIP_STORED if how == "bad CRC" else zipfile.ZIP_DEFLATED
    with zipfile.ZipFile(dst, "w", compression) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    if how in ("bad CRC", "damaged deflate stream"):
        raw = bytearray(dst.read_bytes())
        with zipfile.ZipFile(dst) as z:
            info = z.getinfo(sheet)
        name_len, extra_len = struct.unpack("<HH", raw[info.header_offset + 26:info.header_offset + 30])
        start = info.header_offset + 30 + name_len + extra_len
        if how == "bad CRC":
            raw[start + info.compress_size // 2] ^= 0x01  # one bit of the stored XML
        else:  # deflate block type 11 is reserved: invalid at once
            raw[start:start + info.compress_size] = b"\xff" * info.compress_size
        dst.write_bytes(bytes(raw))
    return dst


_DAMAGE = {"sheet cut in half": "damaged XML: ", "workbook.xml malformed": "damaged XML: ",
           "sheet part missing": "a part is missing: ", "bad CRC": "Bad CRC-32 for file 'xl/worksheets/sheet1.xml'",
           "damaged deflate stream": "damaged compressed data: "}


@pytest.mark.parametrize("how", list(_DAMAGE))
def test_a_damaged_workbook_is_one_line_not_a_traceback(how, tmp_path, capsys):
    src = workbooks.build("us_gap", tmp_path / "us_gap.xlsx")
    bad = _damaged(src, tmp_path / "bad.xlsx", how)
    assert main(["recalc", str(bad), "--out", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aipower: error: {bad}: cannot read the workbook ({_DAMAGE[how]}") and err.count("\n") == 1, err
    assert not (tmp_path / "out.xlsx").exists()


def test_functions_builtins_lists_only_excel_functions(capsys):
    # ARRAY and ARRAYROW are the formulas library's parser nodes for {1,2;3,4}, not Excel functions
    names = recalc.supported_builtins()
    assert "ARRAY" not in names and "ARRAYROW" not in names and "SINGLE" in names
    assert main(["functions", "--builtins"]) == 0
    listed = capsys.readouterr().out.split(": ", 1)[1].strip().split(", ")
    assert listed == names and "ARRAYTOTEXT" in listed


@pytest.mark.parametrize("name", ["out.xlsm", "out", "out.csv"])
def test_recalc_refuses_an_output_name_whose_extension_differs_from_the_workbooks(tmp_path, capsys, name):
    # the copy keeps the input's parts (a .xlsm's macros among them): Excel refuses such a file misnamed
    src = _own_book(tmp_path / "own.xlsx")
    assert main(["recalc", str(src), "--out", str(tmp_path / name)]) == 2
    assert f"--out {tmp_path / name}: expected the workbook's own extension '.xlsx', e.g. out.xlsx" in capsys.readouterr().err
    assert not (tmp_path / name).exists()
    assert main(["recalc", str(src), "--out", str(tmp_path / "OUT.XLSX")]) == 0  # the case of an extension is not its format


@pytest.mark.parametrize("formula, shown", [
    ("=SUM(D:D)", ""), ("=SUM(2:3)", ""),
    ("=SUM(Model!D:D)", "D:D in =SUM(Model!D:D): "), ("=SUM('Model'!$D:$D)", "$D:$D in =SUM('Model'!$D:$D): "),
    # the parser read these as D1:D, 1:2 (whole rows), B1: and a name '': named by what was typed
    ("=SUM(D1:D1048576)", "D1:D1048576 in =SUM(D1:D1048576): "), ("=SUM(D1:XFD1)", "D1:XFD1 in =SUM(D1:XFD1): "),
    ("=SUM(XFD1:XFD2)", "XFD1:XFD2 in =SUM(XFD1:XFD2): "),
    ("=SUM('Model'!B1:$XFD$1048576)", "B1:$XFD$1048576 in =SUM('Model'!B1:$XFD$1048576): "),
    ("=D1+XFD1", "XFD1 in =D1+XFD1: "),
])
def test_recalc_names_whole_columns_and_rows_as_what_it_does_not_recalculate(tmp_path, capsys, formula, shown):
    # they were "unknown name 'D:D' (not a defined name of the workbook)" or about "a name of another sheet"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Model"
    sheet["D1"], sheet["D2"], sheet["A5"] = 1, 2, formula
    book.save(tmp_path / "w.xlsx")
    assert main(["recalc", str(tmp_path / "w.xlsx"), "--out", str(tmp_path / "o.xlsx")]) == 2
    err = capsys.readouterr().err
    assert f"Model!A5: {shown}whole columns or rows (D:D, 1:1) and cells or ranges reaching the sheet's last row or " \
           "column are not recalculated here; use a bounded range such as D1:D1000" in err


@pytest.mark.parametrize("formula, name", [("=XFE1+1", "XFE1"), ("=B1048577", "B1048577"),
                                           ("=SUM(A2:A1048577)", "A2:A1048577")])
def test_recalc_names_a_reference_beyond_the_sheet_as_an_unknown_name(tmp_path, capsys, formula, name):
    # XFE1 computed 0 (an empty cell); Excel reads it as a name, #NAME? when none is defined
    book = openpyxl.Workbook()
    book.active.title = "Model"
    book.active["A5"] = formula
    book.save(tmp_path / "w.xlsx")
    assert main(["recalc", str(tmp_path / "w.xlsx"), "--out", str(tmp_path / "o.xlsx")]) == 2
    assert f"Model!A5: unknown name '{name}' (not a defined name of the workbook, nor a cell: a sheet ends at " \
           "XFD1048576)" in capsys.readouterr().err


# Implicit intersection: an ordinary (not array) formula reading a range where one value is expected
# reads the range's cell on its own row (a column range) or column (a row range), as Excel does; it
# took the range's first value.
def test_ordinary_formulas_read_a_range_by_implicit_intersection(tmp_path):
    from openpyxl.worksheet.formula import ArrayFormula

    def fill(wb):
        ws = wb.active
        ws.title = "S"
        for i in range(1, 4):
            ws[f"A{i}"] = i
            ws[f"B{i}"] = "=Prices*10"  # a named column: the value on the formula's row
        ws["C2"] = "=A1:A3"
        ws["E5"] = "=A1:A3"  # no row of the range: #VALUE!
        ws["D3"] = "=_xlfn.SINGLE(A1:A3)"  # @A1:A3
        ws["F2"] = '=-A1:A3%&"x"'
        ws["A10"], ws["B10"], ws["C10"] = 5, 6, 7
        ws["B12"] = "=A10:C10+1"  # a row: the value in the formula's column
        ws["E12"] = "=A10:C10+1"
        ws["G1"] = "={1,2,3}"  # an array, not a range: its top-left value, as before
        ws["G2"] = "=SUM(A1:A3)"  # a function reading the whole range
        ws["H2"] = "=A1:A3*{1,2}"  # @A1:A3 is 2, 2*{1,2} shows 2
        ws["I1"] = ArrayFormula("I1:I3", "=A1:A3*10")  # array formulas read the whole range, as before
        ws["J1"] = ArrayFormula("J1:J1", "=A1:A3*10")
        wb.create_sheet("O")["B2"] = "=S!A1:A3*2"  # on another sheet: by the row number

    src = _named_book(tmp_path, "intersection", fill, names=[("Prices", "S!$A$1:$A$3")])
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    v = stored_values(tmp_path / "out.xlsx")
    assert [v[("S", r, 1)] for r in range(3)] == [10, 20, 30]
    assert v[("S", 1, 2)] == 2 and v[("S", 4, 4)] == "#VALUE!" and v[("S", 2, 3)] == 3
    assert v[("S", 1, 5)] == "-0.02x"
    assert v[("S", 11, 1)] == 7 and v[("S", 11, 4)] == "#VALUE!"
    assert v[("S", 0, 6)] == 1 and v[("S", 1, 6)] == 6 and v[("S", 1, 7)] == 2
    assert [v[("S", r, 8)] for r in range(3)] == [10, 20, 30] and v[("S", 0, 9)] == 10
    assert v[("O", 1, 1)] == 4


def test_a_dynamic_array_reads_the_whole_range_and_at_intersects(tmp_path):
    book = recalc.Book()
    book.add_sheet("S")
    for r in range(3):
        book.set("S", r, 0, r + 1)
    book.set_array("S", 0, 2, "=A1:A3*10", None, dynamic=True)
    book.set_array("S", 1, 4, "=_xlfn.SINGLE(A1:A3)*{1,2}", None, dynamic=True)  # @: on the anchor's row
    book.calculate()
    assert [book.value("S", r, 2) for r in range(3)] == [10, 20, 30]
    assert [book.value("S", 1, c) for c in range(4, 7)] == [2, 4, None]


def test_implicit_intersection_reads_only_the_intersected_cell(tmp_path):
    # A1 reads B1, B2 reads A2: no circular reference, though each range holds the other formula
    def fill(ws):
        ws["A1"] = "=B1:B3"
        ws["A2"] = 7
        ws["B2"] = "=A1:A3"

    src = _book(tmp_path, "crossed", fill)
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    ws = _values(tmp_path / "out.xlsx")
    assert ws["A1"].value == 0 and ws["B2"].value == 7


def test_a_function_of_whole_arrays_in_an_ordinary_cell_shows_its_top_left_value(tmp_path):
    # no implicit intersection: Excel shows the array's first value (=LINEST(y,x) for the slope)
    def fill(ws):
        for r in range(1, 6):
            ws[f"A{r}"], ws[f"B{r}"] = r, 10 * r + r * r
        ws["D7"] = "=LINEST(B1:B5,A1:A5)"
        ws["E7"] = "=_xlfn._xlws.SORT(B1:B5,1,-1)"
        ws["F7"] = "=FREQUENCY(B1:B5,{20,40})"
        ws["G7"] = "=LINEST(B1:B5,A1:A5)*2"  # not wholly the call: which value Excel takes is not guessed

    src = _book(tmp_path, "arrays", fill)
    with pytest.raises(recalc.RecalcError, match=r"Sheet!G7: =LINEST\(B1:B5,A1:A5\)\*2 gives a 1×2 array"):
        recalc.recalc_file(src, tmp_path / "out.xlsx")

    def fill_without_g7(ws):
        fill(ws)
        ws["G7"] = None

    recalc.recalc_file(_book(tmp_path, "arrays_ok", fill_without_g7), tmp_path / "out.xlsx")
    ws = _values(tmp_path / "out.xlsx")
    slope = 160 / 10  # Σ(x − x̄)(y − ȳ) / Σ(x − x̄)² over x = 1…5, y = 11, 24, 39, 56, 75
    assert ws["D7"].value == pytest.approx(slope, rel=1e-12) and ws["E7"].value == 75 and ws["F7"].value == 1


def test_numbers_with_an_unsigned_exponent_are_read(tmp_path):
    # "cannot parse formula =1E3+1": Excel writes 1E+3, openpyxl users and other programs 1E3
    cases = {"B1": ("=A1*1E3", 2000), "B2": ("=1e3+1", 1001), "B3": ('="1E3"&"x"', "1E3x"),
             "B4": ("=2.5E-1*4", 1), "B5": ("=SUM(.5E2,A1)", 52), "B6": ("=E1+1", 1)}

    def fill(ws):
        ws["A1"] = 2
        for cell, (formula, _) in cases.items():
            ws[cell] = formula

    recalc.recalc_file(_book(tmp_path, "exponents", fill), tmp_path / "out.xlsx")
    ws = _values(tmp_path / "out.xlsx")
    assert {cell: ws[cell].value for cell in cases} == {cell: v for cell, (_, v) in cases.items()}


def test_a_double_minus_reads_a_number_and_sumproduct_counts_only_numbers(tmp_path):
    # the library merged -- into a unary + that changed nothing (SUMPRODUCT(--(A1:A5>1)) gave 0), and its
    # SUMPRODUCT read '1' typed as text as the number 1
    cases = {"C1": ("=SUMPRODUCT(--(A1:A5>1))", 4), "C2": ("=SUMPRODUCT(--(A1:A5>1),A1:A5)", 14), "C3": ("=--TRUE", 1),
             "C4": ('=--"3"', 3), "C5": ("=1--1", 2), "C6": ("=---1", -1), "C7": ("=SUMPRODUCT(-(A1:A5>1))", -4),
             "C8": ("=SUMPRODUCT(B1:B3)", 5), "C9": ("=SUMPRODUCT(B1:B3,B1:B3)", 13), "C10": ("=SUMPRODUCT(--B1:B3)", 6),
             "C11": ("=SUMPRODUCT(A1:A5,B1:B3)", "#VALUE!"), "C12": ("=+TRUE", True)}

    def fill(ws):
        for r in range(1, 6):
            ws[f"A{r}"] = r
        ws["B1"], ws["B2"], ws["B3"] = "1", 2, 3  # B1: a number typed as text
        for cell, (formula, _) in cases.items():
            ws[cell] = formula

    recalc.recalc_file(_book(tmp_path, "signs", fill), tmp_path / "out.xlsx", overwrite=True)
    ws = _values(tmp_path / "out.xlsx")
    assert {cell: ws[cell].value for cell in cases} == {cell: v for cell, (_, v) in cases.items()}


def test_index_with_a_row_or_column_number_0_gives_the_whole_column_or_row(tmp_path):
    # the library's INDEX gave the first cell: =SUM(INDEX(A1:B5,0,2)) summed B1 alone
    from openpyxl.worksheet.formula import ArrayFormula

    cases = {"D1": ("=SUM(INDEX(A1:B5,0,2))", 150), "D2": ("=SUM(INDEX(A1:B5,0,0))", 165),
             "D3": ("=SUM(INDEX(A1:B5,3))", 33), "D4": ("=SUM(INDEX(A1:B5,2,0))", 22),
             "D5": ("=SUM(INDEX(A1:A5,0))", 15), "D6": ("=INDEX(A1:B5,3,2)", 30), "D7": ("=INDEX(A1:A5,4)", 4),
             "D8": ("=INDEX(A1:B5,6,1)", "#REF!"), "D9": ("=INDEX(A1:B5,0,3)", "#REF!"),
             "D10": ("=INDEX(A1:B5,-1,1)", "#VALUE!"), "D11": ("=INDEX(A1:E1,3)", 0),
             "D12": ("=COUNT(INDEX(A1:C5,0,3))", 0)}

    def fill(ws):
        for r in range(1, 6):
            ws[f"A{r}"], ws[f"B{r}"] = r, 10 * r
        for cell, (formula, _) in cases.items():
            ws[cell] = formula
        ws["F1"] = ArrayFormula("F1:F5", "=INDEX(A1:B5,0,2)")

    recalc.recalc_file(_book(tmp_path, "index", fill), tmp_path / "out.xlsx")
    ws = _values(tmp_path / "out.xlsx")
    assert {cell: ws[cell].value for cell in cases} == {cell: v for cell, (_, v) in cases.items()}
    assert [ws[f"F{r}"].value for r in range(1, 6)] == [10, 20, 30, 40, 50]

    def ordinary(ws):  # in one ordinary cell Excel takes the column's cell on the formula's row: refused
        fill(ws)
        ws["H2"] = "=INDEX(A1:B5,0,2)"

    with pytest.raises(recalc.RecalcError, match=r"Sheet!H2: =INDEX\(A1:B5,0,2\) gives a whole 5×1 part of its "
                                                 r"range .* give both the row and the column number"):
        recalc.recalc_file(_book(tmp_path, "index_ordinary", ordinary), tmp_path / "out2.xlsx")


@pytest.mark.parametrize("formula, words", [
    # LEN intersects its argument, TRANSPOSE would not: the engine cannot tell which value Excel shows
    ("=LEN(A1:A3)", ["Sheet!H2: =LEN(A1:A3) gives a 3×1 array (from A1:A3) in a single cell",
                     "Excel would apply implicit intersection", "INDEX", "spilling (dynamic array) formula"]),
    ("=A1:B3*1", ["Sheet!H2: =A1:B3*1: A1:B3 is a 3×2 range where Excel would apply implicit intersection",
                  "one-row or one-column range only", "INDEX"]),
    ("=SUM(_xlfn.SINGLE(A1:A3),A1:A3)", ["Sheet!H2", "the range A1:A3 is read both with @", "INDEX"]),
])
def test_a_range_whose_implicit_intersection_is_not_reproduced_is_refused(tmp_path, formula, words):
    def fill(ws):
        for r in range(1, 4):
            ws[f"A{r}"], ws[f"B{r}"] = "x" * r, r
        ws["H2"] = formula

    src = _book(tmp_path, "refused", fill)
    with pytest.raises(recalc.RecalcError) as err:
        recalc.recalc_file(src, tmp_path / "out.xlsx")
    for w in words:
        assert w in str(err.value), (w, str(err.value))
    assert not (tmp_path / "out.xlsx").exists()


# REGEXTEST, REGEXREPLACE, REGEXEXTRACT as Excel documents them: the library's matched at the start only
# (REGEXTEST), replaced the first n matches instead of the n-th (REGEXREPLACE), read $1 as text.
@pytest.mark.parametrize("formula, excel", [
    ('=_xlfn.REGEXTEST("abc","b")', True), ('=_xlfn.REGEXTEST("abc","^b")', False),
    ('=_xlfn.REGEXTEST("ABC","b")', False), ('=_xlfn.REGEXTEST("ABC","b",0)', False),
    ('=_xlfn.REGEXTEST("ABC","b",1)', True), ("=_xlfn.REGEXTEST(Data!A1,\"^1\\d$\")", True),  # 10 as text
    ('=_xlfn.REGEXTEST(Data!A5,"^$")', True), ('=_xlfn.REGEXTEST(1/0,"a")', "#DIV/0!"),
    ('=_xlfn.REGEXREPLACE("aaa","a","X",2)', "aXa"), ('=_xlfn.REGEXREPLACE("aaa","a","X")', "XXX"),
    ('=_xlfn.REGEXREPLACE("aaa","a","X",0)', "XXX"), ('=_xlfn.REGEXREPLACE("aaa","a","X",-1)', "aaX"),
    ('=_xlfn.REGEXREPLACE("aaa","a","X",-3)', "Xaa"), ('=_xlfn.REGEXREPLACE("aaa","a","X",4)', "aaa"),
    ('=_xlfn.REGEXREPLACE("aAa","a","X",,1)', "XXX"), ('=_xlfn.REGEXREPLACE("aAa","a","X",2,0)', "aAX"),
    ('=_xlfn.REGEXREPLACE("JamesHenry","([A-Z][a-z]+)([A-Z][a-z]+)","$2, $1")', "Henry, James"),
    ('=_xlfn.REGEXREPLACE("a2","a(?<d>[0-9])","${d}${1}$$")', "22$"), ('=_xlfn.REGEXREPLACE("a.b","\\.","\\")', "a\\b"),
    # PCRE2's \Z also matches before a final newline, its \z does not (Python's \Z is PCRE2's \z)
    ('=_xlfn.REGEXREPLACE("a"&CHAR(10)&"b"&CHAR(10),"b\\Z","c")', "a\nc\n"),
    ('=_xlfn.REGEXREPLACE("a"&CHAR(10)&"b"&CHAR(10),"b\\z","c")', "a\nb\n"),
    ('=_xlfn.REGEXEXTRACT("10 apples, 12 oranges","[0-9]+")', "10"), ('=_xlfn.REGEXEXTRACT("abc","[0-9]+")', "#N/A"),
    ('=_xlfn.REGEXEXTRACT("ABC","b",0,1)', "B"), ('=_xlfn.REGEXEXTRACT("abc","[0-9]+",1)', "#N/A"),
    ('=_xlfn.REGEXEXTRACT("O my Luve red rose","O my (\\w+) red (\\w+)")', "O my Luve red rose"),
])
def test_regex_functions_give_excel_s_results(tmp_path, formula, excel):
    src = _named_book(tmp_path, "regex", _data_and_formula(formula))
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    got = stored_values(tmp_path / "out.xlsx").get(("Calc", 0, 0))
    assert got is excel if isinstance(excel, bool) else got == excel


def test_regexextract_returns_all_matches_down_and_groups_across():
    book = recalc.Book()
    book.add_sheet("S")
    book.set_array("S", 0, 0, '=_xlfn.REGEXEXTRACT("10 apples, 12 oranges, 7 figs","[0-9]+",1)', None, dynamic=True)
    book.set_array("S", 0, 2, '=_xlfn.REGEXEXTRACT("O my Luve red rose","O my (\\w+) red (\\w+)",2)', None, dynamic=True)
    book.set_array("S", 5, 0, '=_xlfn.REGEXEXTRACT("ab","[a-z]",1,0)', None, dynamic=True)
    book.calculate()
    assert [book.value("S", r, 0) for r in range(4)] == ["10", "12", "7", None]
    assert [book.value("S", r, 2) for r in range(2)] == ["Luve", None] and book.value("S", 0, 3) == "rose"
    assert [book.value("S", r, 0) for r in range(5, 7)] == ["a", "b"]


@pytest.mark.parametrize("formula, words", [
    ('=_xlfn.REGEXTEST("a","\\p{L}")', ["Calc!A1", "REGEXTEST() pattern '\\p{L}': the escape \\p", "PCRE2"]),
    ('=_xlfn.REGEXTEST("a","a(?i)b")', ["pattern 'a(?i)b': the option (?i) after the start"]),
    ('=_xlfn.REGEXTEST("a","[[:alpha:]]")', ["'[:' in a character class"]),
    ('=_xlfn.REGEXTEST("a","a{,2}")', ["a '{' that is no quantifier"]),
    ('=_xlfn.REGEXTEST("a","(")', ["a pattern Python's re cannot read"]),
    ('=_xlfn.REGEXTEST("é","\\w")', ["\\d \\w \\s \\b or case-insensitivity on non-ASCII text"]),
    ('=_xlfn.REGEXTEST("É","é",1)', ["case-insensitivity on non-ASCII text"]),
    ('=_xlfn.REGEXTEST("a","a",2)', ["REGEXTEST() case_sensitivity 2: expected 0 (case-sensitive) or 1"]),
    ('=_xlfn.REGEXREPLACE("a","a","b",1.5)', ["REGEXREPLACE() occurrence 1.5: expected a whole number"]),
    ('=_xlfn.REGEXREPLACE("a","a","$2")', ["REGEXREPLACE() replacement '$2': no group 2 in the pattern"]),
    ('=_xlfn.REGEXREPLACE("a","a","$ 1")', ["replacement '$ 1': a $ is $$ (a dollar sign) or $n"]),
    ('=_xlfn.REGEXREPLACE("b","(a)|b","$1")', ["group 1 took no part in the match"]),
    ('=_xlfn.REGEXREPLACE("abc","x*","-")', ["pattern 'x*': empty matches"]),
    ('=_xlfn.REGEXEXTRACT("a","a",3)', ["REGEXEXTRACT() return_mode 3: expected 0 (first match), 1 (all matches) or 2"]),
    ('=_xlfn.REGEXEXTRACT("a","a",2)', ["return_mode 2 with no capture group"]),
    ('=_xlfn.REGEXEXTRACT(Data!A1:A2,"\\d",1)', ["return_mode 1 or 2 of several texts"]),
])
def test_regex_patterns_and_arguments_excel_may_read_differently_are_refused(tmp_path, formula, words):
    _assert_refused(tmp_path, "regex_refused", formula, words)


@pytest.mark.parametrize("formula", ["=_xlfn.BYROW(A1:B2,_xleta.SUM)", "=_xlfn.MAP(A1:A2,_xleta.ABS)",
                                     "=_xlfn.REDUCE(0,A1:A2,_xleta.SUM)", "=_xlfn.SCAN(0,A1:A2,_xleta.SUM)",
                                     "=_xlfn.MAKEARRAY(2,2,_xleta.PRODUCT)", "=_xlfn.BYCOL(A1:B2,_xleta.MAX)",
                                     "=_xlfn.GROUPBY(A1:A2,B1:B2,_xleta.SUM)",
                                     "=_xlfn.PIVOTBY(A1:A2,A1:A2,B1:B2,_xleta.SUM)"])
def test_functions_taking_a_function_are_refused_by_name_and_not_listed(tmp_path, formula):
    # they need a LAMBDA (refused) or a function's name, which the library took unlike Excel
    name = formula.split(".", 1)[1].split("(")[0]
    assert name not in recalc.supported_builtins()

    def fill(ws):
        ws["A1"], ws["A2"], ws["B1"], ws["B2"] = 1, 2, 3, 4
        ws["D1"] = formula

    src = _book(tmp_path, "takes_a_function", fill)
    with pytest.raises(recalc.RecalcError, match=rf"functions not supported by the engine: {name}\(\) in Sheet!D1 "):
        recalc.recalc_file(src, tmp_path / "out.xlsx")


# -- found by a workbook maintainer's probe


def test_a_sheet_spanning_a_large_area_costs_what_its_cells_do(tmp_path):
    """A note in XFD1048576 beside A1 made openpyxl's iter_rows create every cell of the sheet's area:
    24 GB for a 5 KB workbook, then the kernel's OOM killer. Memory is the measure, not time."""
    import tracemalloc

    def fill(ws):
        ws["A1"] = 1
        ws["B1"] = "=A1*2"
        ws["XFD1"] = "note"
        ws["XFD1048576"] = "=A1*3"

    src = _book(tmp_path, "sparse", fill)
    tracemalloc.start()
    try:
        recalc.recalc_file(src, tmp_path / "out.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 200 * 2**20  # the area is 1.7e10 cells: any per-cell cost over it is far above this
    ws = _values(tmp_path / "out.xlsx")
    assert ws["B1"].value == 2 and ws["XFD1048576"].value == 3


def _chart_book(tmp_path, values):
    from openpyxl.chart import LineChart, Reference

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "S"
    for i, v in enumerate(values, start=1):
        ws[f"A{i}"] = v
        ws[f"B{i}"] = f"=A{i}*2"
    chart = LineChart()
    chart.add_data(Reference(ws, min_col=1, min_row=1, max_row=len(values)))
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=len(values)))
    ws.add_chart(chart, "D2")
    path = tmp_path / "chart.xlsx"
    wb.save(path)
    return path


def _cached_points(path):
    xml = zipfile.ZipFile(path).read("xl/charts/chart1.xml").decode()
    caches = re.findall(r"<(?:c:)?numRef><(?:c:)?f>([^<]*)</(?:c:)?f><(?:c:)?numCache>(.*?)</(?:c:)?numCache>", xml, re.S)
    return {ref: [float(v) for v in re.findall(r"<(?:c:)?v>([^<]*)</(?:c:)?v>", cache)] for ref, cache in caches}


def test_chart_caches_are_refreshed_in_a_workbook_saved_by_openpyxl_and_keep_whole_numbers(tmp_path):
    # openpyxl writes chart XML without the 'c:' prefix, which the refresh looked for: the caches kept
    # the old values; and a whole number typed in a cell (an int) was dropped from its series' cache
    src = _chart_book(tmp_path, [100, 200, 300])
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    points = _cached_points(tmp_path / "out.xlsx")
    assert points == {"'S'!$A$1:$A$3": [100, 200, 300], "'S'!$B$1:$B$3": [200, 400, 600]}, points
    # an input edited with openpyxl in that copy (its caches now written without the prefix): refreshed again
    wb = openpyxl.load_workbook(tmp_path / "out.xlsx")
    wb["S"]["A2"] = 250
    wb.save(tmp_path / "edited.xlsx")
    recalc.recalc_file(tmp_path / "edited.xlsx", tmp_path / "again.xlsx")
    assert _cached_points(tmp_path / "again.xlsx")["'S'!$B$1:$B$3"] == [200, 500, 600]


def test_a_workbook_in_the_1904_date_system_is_refused_not_computed_four_years_off(tmp_path):
    import datetime

    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    wb.active["A1"] = datetime.datetime(2030, 1, 15)
    wb.active["B2"] = "=A1+1"
    src = tmp_path / "mac.xlsx"
    wb.save(src)
    with pytest.raises(recalc.UnreadableWorkbook, match=r"mac.xlsx: cannot read the workbook \(it uses the 1904 date "
                                                        r"system .* expected the 1900 date system"):
        recalc.recalc_file(src, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.parametrize("formula, words", [
    ("=SUM(Q1:Q2!A1)", "a 3-D reference across sheets (Sheet1:Sheet3!A1) is not supported"),
    ("=SUM(Tbl[v])", "a table's structured reference (Table[column]) is not supported"),
    ("=Tbl[[#This Row],[v]]*2", "a table's structured reference (Table[column]) is not supported"),
    ("=SUM(Data!B1:B5 Data!B2:C3)", "the intersection (a space between ranges) and union ((range1,range2)) operators"),
    ("=SUM((Data!B1:B2,Data!B4))", "the intersection (a space between ranges) and union ((range1,range2)) operators"),
    ("=SUM(A1:A2)+", "cannot parse formula =SUM(A1:A2)+: not a valid formula (its syntax is not Excel's"),
])
def test_syntax_the_engine_lacks_is_named(tmp_path, formula, words):
    # were the parser's tuple "('Not a valid formula:\n%s', ...)" and "no sheet '(DATA!B1:B5 DATA'"
    def fill(wb):
        wb.active.title = "Data"
        for i in range(1, 6):
            wb.active[f"B{i}"] = wb.active[f"C{i}"] = i
        wb.create_sheet("Calc")["A1"] = formula

    with pytest.raises(recalc.RecalcError) as err:
        recalc.recalc_file(_named_book(tmp_path, "syntax", fill), tmp_path / "out.xlsx")
    assert str(err.value).startswith("Calc!A1: ") and words in str(err.value) and "%s" not in str(err.value)


def test_an_xls_or_encrypted_workbook_is_named_as_such(tmp_path):
    ole2 = tmp_path / "locked.xlsx"  # an encrypted .xlsx is an OLE2 container, as an .xls is
    ole2.write_bytes(bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504)
    with pytest.raises(recalc.UnreadableWorkbook, match=r"an Excel 97-2003 \(.xls\) file or a password-protected "
                                                        r"workbook, not an .xlsx \(zip\) file"):
        recalc.recalc_file(ole2, tmp_path / "out.xlsx")
    other = tmp_path / "notes.xlsx"
    other.write_bytes(b"plain text")
    with pytest.raises(recalc.UnreadableWorkbook, match=r"\(File is not a zip file\)$"):
        recalc.recalc_file(other, tmp_path / "out.xlsx")


# -- found by an adversarial-input probe: a few KB of crafted .xlsx, gigabytes or hours


def _with_sheet_xml(tmp_path, name, body, extra_parts=()):
    """A valid one-sheet workbook whose sheetData is `body` (raw XML), plus extra zip parts."""
    wb = openpyxl.Workbook()
    wb.active.title = "S"
    wb.active["A1"] = 1
    base = tmp_path / "base.xlsx"
    wb.save(base)
    path = tmp_path / name
    with zipfile.ZipFile(base) as zi, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zo:
        for info in zi.infolist():
            data = zi.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(r"<sheetData>.*</sheetData>|<sheetData/>", "<sheetData>" + body + "</sheetData>",
                              data.decode(), flags=re.S).encode()
            zo.writestr(info, data)
        for part, data in extra_parts:
            zo.writestr(part, data)
    return path


def test_an_array_formula_recorded_over_a_huge_range_is_refused_by_its_cell(tmp_path):
    # each cell of the recorded range was claimed one by one: A1:XFD1048576 ran 20 minutes at 4 GB
    src = _with_sheet_xml(tmp_path, "arr.xlsx", '<row r="1"><c r="A1"><f t="array" ref="A1:XFD1048576">1</f>'
                                                '<v>1</v></c></row>')
    with pytest.raises(recalc.RecalcError, match=r"^S!A1: the array formula's range A1:XFD1048576 spans "
                                                 r"17,179,869,184 cells: expected at most 1,000,000$"):
        recalc.recalc_file(src, tmp_path / "out.xlsx")


def test_a_part_that_unpacks_beyond_the_limit_is_refused_by_name(tmp_path, monkeypatch):
    # 1.5 GiB of spaces in an unreferenced part (a 1.5 MB file) took 3.3 GB and was copied to the output
    body = '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1+1</f></c></row>'
    plain = _with_sheet_xml(tmp_path, "plain.xlsx", body)
    largest = max(i.file_size for i in zipfile.ZipFile(plain).infolist())
    monkeypatch.setattr(recalc, "MAX_PART_BYTES", largest)  # the workbook's own parts pass, as at 512 MiB
    recalc.recalc_file(plain, tmp_path / "plain_out.xlsx")
    src = _with_sheet_xml(tmp_path, "bomb.xlsx", body, [("xl/bomb.xml", b" " * (largest + 1))])
    with pytest.raises(recalc.UnreadableWorkbook, match=rf"bomb.xlsx: cannot read the workbook \(its part xl/bomb.xml "
                                                        rf"unpacks to {largest + 1:,} bytes: expected at most "
                                                        rf"{largest:,} a part\)"):
        recalc.recalc_file(src, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


def test_a_workbook_beyond_the_total_size_cells_or_formula_length_is_refused_before_it_is_read(tmp_path, monkeypatch,
                                                                                               capsys):
    """Each part under its limit, 8 × 500 MiB of them; 6 million cells in 184 KB of zip; 8 array formulas
    of a million cells in 5 KB; a formula of 32,000 characters: a minute and gigabytes each, then a
    MemoryError traceback, where a line saying why was due."""
    body = '<row r="1"><c r="A1"><v>1</v></c><c r="B1"><f>A1+1</f></c></row>'
    plain = _with_sheet_xml(tmp_path, "plain.xlsx", body)
    total = sum(i.file_size for i in zipfile.ZipFile(plain).infolist())
    monkeypatch.setattr(recalc, "MAX_TOTAL_BYTES", total)  # the workbook's own parts pass
    recalc.recalc_file(plain, tmp_path / "plain_out.xlsx")
    src = _with_sheet_xml(tmp_path, "parts.xlsx", body, [("xl/junk1.xml", b" " * 8), ("xl/junk2.xml", b" " * 8)])
    with pytest.raises(recalc.UnreadableWorkbook, match=rf"its parts unpack to {total + 16:,} bytes: expected at most "
                                                        rf"{total:,} in all"):
        recalc.recalc_file(src, tmp_path / "out.xlsx")
    monkeypatch.undo()

    monkeypatch.setattr(recalc, "MAX_CELLS", 5)
    cells = "".join(f'<row r="{r}"><c r="A{r}"><v>1</v></c><c r="B{r}"><f>A{r}+1</f></c></row>' for r in range(1, 3))
    recalc.recalc_file(_with_sheet_xml(tmp_path, "four.xlsx", cells), tmp_path / "four_out.xlsx")  # 4 cells
    many = _with_sheet_xml(tmp_path, "many.xlsx", cells + '<row r="3"><c r="A3"><v>1</v></c><c r="B3"/></row>')
    array = _with_sheet_xml(tmp_path, "array.xlsx", '<row r="1"><c r="A1"><f t="array" ref="A1:A3">1</f><v>1</v></c></row>'
                                                    '<row r="4"><c r="A4"><v>1</v></c><c r="B4"><v>1</v></c><c r="C4"><v>1</v></c></row>')
    for book, counted in ((many, 6), (array, 6)):
        assert main(["recalc", str(book), "--out", str(tmp_path / "o.xlsx")]) == 2
        assert capsys.readouterr().err == (f"aipower: error: {book}: cannot read the workbook (it holds more than 5 "
                                           f"cells (counting each cell an array formula spans; {counted:,} by "
                                           "xl/worksheets/sheet1.xml): more than recalc computes in memory; expected a "
                                           "smaller workbook)\n")
    monkeypatch.undo()

    # formulas beyond the memory the machine has: said by the estimate, before the out-of-memory killer
    monkeypatch.setattr(recalc, "_available_memory", lambda: 3 * recalc.FORMULA_CELL_BYTES)
    recalc.recalc_file(_with_sheet_xml(tmp_path, "two.xlsx", cells), tmp_path / "two_out.xlsx")  # 2 formulas fit
    three = _with_sheet_xml(tmp_path, "three.xlsx", cells + '<row r="3"><c r="B3"><f>1</f></c><c r="C3"><f>2</f></c></row>')
    with pytest.raises(recalc.UnreadableWorkbook, match=r"its 4 formula cells need about 0\.0 GiB to recalculate "
                                                        r"\(33 KiB each\), and this machine has 0\.0 GiB available"):
        recalc.recalc_file(three, tmp_path / "out.xlsx")
    monkeypatch.undo()
    assert recalc._available_memory() is None or recalc._available_memory() > 0

    long = _with_sheet_xml(tmp_path, "long.xlsx", f'<row r="1"><c r="A1"><f>{"+".join(["1"] * 4097)}</f></c></row>')
    with pytest.raises(recalc.UnreadableWorkbook, match=r"S!A1 holds a formula of 8,194 characters: expected at "
                                                        r"most 8,192 \(Excel's limit\)"):
        recalc.recalc_file(long, tmp_path / "out.xlsx")
    assert not (tmp_path / "out.xlsx").exists()


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_workbook_that_is_a_pipe_is_refused_not_waited_on(tmp_path, capsys):
    fifo = tmp_path / "us_gap.xlsx"
    os.mkfifo(fifo)
    assert main(["recalc", str(fifo), "--out", str(tmp_path / "o.xlsx")]) == 2
    assert "not a regular file (a pipe or device): expected a workbook file (.xlsx)" in capsys.readouterr().err
    assert main(["regenerate", "--check", "--out", str(tmp_path), "--only", "us_gap"]) == 2
    assert "not a regular file (a pipe or device)" in capsys.readouterr().err


def test_cell_elements_are_found_without_reading_prefixed_elements_as_cells():
    # <c:a> in an extension matched `<c\b`, and each match scanned to the end of the part for </c>:
    # quadratic, 44 s for 5 KB of zip. What matters here is what matches, not how long it takes.
    xml = '<c r="A1"><v>1</v></c><ext xmlns:c="urn:x"><c:a>1</c:a><c:b/></ext><c r="B2" t="s"/><col/><cols/>'
    assert [m.group(1).strip() for m in recalc._C_ELEMENT.finditer(xml)] == ['r="A1"', 'r="B2" t="s"']


def test_excel_text_of_numbers_holds_for_the_formulas_library_in_the_process_as_the_readme_says():
    import formulas

    from aipower.recalc import _functions

    _functions()
    assert formulas.Parser().ast('=1/3&""')[1].compile()() == "0.333333333333333"


def test_a_legacy_array_whose_result_outgrew_its_range_is_warned_of(tmp_path, capsys):
    # a base-year-2025 workbook saved by openpyxl (or LibreOffice) loses its dynamic-array marks; with the
    # base year cleared the tables have 12 year columns again, and the 2035 column went without a word
    src = workbooks.build("china_balance", tmp_path / "by.xlsx", base_year=2025)
    wb = openpyxl.load_workbook(src)
    wb["Inputs"]["B5"] = None
    wb.save(tmp_path / "saved.xlsx")
    wb.close()
    out = tmp_path / "out.xlsx"
    assert main(["recalc", str(tmp_path / "saved.xlsx"), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert "aipower: warning: " in err and "array formulas return more than their ranges show (first: " in err
    assert "a 11 × 13 result in a 11 × 12 range" in err and "regenerate it" in err
    assert recalc.recalc_file(src, tmp_path / "fresh.xlsx").cut_short == ()  # marks kept: it re-spills


def test_recalc_renews_the_template_s_stamp_of_code_and_data_and_keeps_the_user_s_properties(tmp_path):
    # the values are this run's: a stamp naming the data they were first built with would misattribute them
    src = workbooks.build("dc_capex", tmp_path / "dc.xlsx")
    old = tmp_path / "old.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(old, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/custom.xml":
                data = data.replace(aipower.actuals.digest().encode(), b"0" * 64).replace(
                    b"</Properties>", b'<property fmtid="{D5CDD505-2E9C-101B-9397-08002B2CF9AE}" pid="9" '
                                      b'name="analyst"><vt:lpwstr>0.1.0 review</vt:lpwstr></property></Properties>')
            zout.writestr(info, data)
    out = tmp_path / "new.xlsx"
    recalc.recalc_file(old, out)
    with zipfile.ZipFile(out) as z:
        custom = z.read("docProps/custom.xml").decode()
    assert '"aipower data sha256"><vt:lpwstr>' + aipower.actuals.digest() + "<" in custom and "0" * 64 not in custom
    assert f'"aipower version"><vt:lpwstr>{aipower.__version__}<' in custom
    assert '"analyst"><vt:lpwstr>0.1.0 review<' in custom  # not aipower's: as it was


def test_randbetween_draws_a_whole_number_in_each_cell(tmp_path):
    # the library's RANDBETWEEN(1,6) gave 4.6359…, the same in every cell (its constant arguments folded)
    def fill(wb):
        ws = wb.active
        ws.title = "Calc"
        for r in range(1, 13):
            ws[f"A{r}"] = "=RANDBETWEEN(1,6)"
        ws["B1"], ws["B2"], ws["B3"] = "=RANDBETWEEN(5,1)", "=RANDBETWEEN(1.5,1.7)", "=RANDBETWEEN(2.5,3.5)"

    src = _named_book(tmp_path, "rand", fill)
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    got = stored_values(tmp_path / "out.xlsx")
    draws = [got[("Calc", r, 0)] for r in range(12)]
    assert all(d in (1, 2, 3, 4, 5, 6) for d in draws) and len(set(draws)) > 1, draws  # all alike: 6^-11
    assert [got[("Calc", r, 1)] for r in range(3)] == ["#NUM!", "#NUM!", 3]
