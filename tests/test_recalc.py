"""`aipower recalc`: an analyst's workbook recalculated without Excel, formulas kept, values updated,
everything else preserved; never written over without --in-place; unsupported functions named."""

from __future__ import annotations

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
    stored values deliberately stale (0)."""
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
    ws.write_dynamic_array_formula("A9:M10", '=AIP_BALANCE(Case,"hours",A2:B2)', None, 0)
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
    assert "formula cells recalculated" in capsys.readouterr().out
    assert src.read_bytes() == before  # the input is untouched

    r = aipower.run("ai", overrides={"renewables.target_share": 0.28})
    values = stored_values(out)
    for i, y in enumerate(range(2026, 2031)):
        assert values[("Model", 3, 1 + i)] == r.hours.loc["coal", y]
    avg = round(float(r.hours.loc["coal", 2026:2030].mean()), 1)
    assert values[("Model", 4, 0)] == pytest.approx(avg, abs=1e-9)
    assert values[("Model", 5, 0)] == ("above 4,000 h (1)" if avg > 4000 else "below (1)")
    assert values[("Model", 6, 0)] == pytest.approx(84 + 1.4 ** 0.2 - 1, rel=1e-12)
    assert values[("Model", 8, 1)] == 2024 and values[("Model", 9, 0)] == "coal"
    assert values[("Model", 9, 12)] == r.hours.loc["coal", 2035]

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
    before = src.read_bytes()
    assert main(["recalc", str(src), "--in-place"]) == 0
    assert src.read_bytes() != before
    assert stored_values(src)[("Model", 6, 0)] > 84
    assert not list(tmp_path.glob(".*.tmp"))


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
    # A9:M10 holds =AIP_BALANCE(...) as a dynamic array; A9# is what Excel 365 writes for its spill
    spill = {"A12": "=SUM(_xlfn.ANCHORARRAY(A9))", "A13": "=SUM(A9:M10)",
             "A14": "=COUNT(_xlfn.ANCHORARRAY($A$9))*100+COUNTA(_xlfn.anchorarray(Model!A9))",
             "A15": "=INDEX(_xlfn.ANCHORARRAY('Model'!A9),2,3)", "A16": "=C10",
             "A17": '=LEN("_xlfn.ANCHORARRAY(A5)")'}  # in quotes: text, not a reference
    src = _own_book(tmp_path / "own.xlsx", spill)
    recalc.recalc_file(src, tmp_path / "out.xlsx")
    v = stored_values(tmp_path / "out.xlsx")
    assert v[("Model", 11, 0)] == v[("Model", 12, 0)] != 0
    assert v[("Model", 13, 0)] == 24 * 100 + 26  # years and hours are numbers, the corner and row label text
    assert v[("Model", 14, 0)] == v[("Model", 15, 0)] == aipower.run("ai", overrides={"renewables.target_share": 0.28}).hours.iloc[0, 1]
    assert v[("Model", 16, 0)] == len("_xlfn.ANCHORARRAY(A5)")


@pytest.mark.parametrize("ref", ["A5", "B9", "Nowhere!A9"])
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
