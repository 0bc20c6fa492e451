"""Template workbooks: current, live formulas with stored values, names, drop-down, charts, sources."""

from __future__ import annotations

import os
import re
import shutil
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

import aipower
from aipower import workbooks
from aipower._io import OutputExistsError
from aipower.cli import main
from aipower.libreoffice import stored_values

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "workbooks"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("built")
    workbooks.regenerate(out)
    return out


def test_committed_workbooks_are_what_the_builder_makes_now(built):
    names = sorted(p.name for p in COMMITTED.glob("*.xlsx"))
    assert names == sorted(f"{n}.xlsx" for n in workbooks.TEMPLATES)
    for name in names:
        diffs = workbooks.compare(COMMITTED / name, built / name)
        assert not diffs, f"{name} is stale (run `aipower regenerate --out workbooks --force`): {diffs[:5]}"


def test_builder_output_is_reproducible(built, tmp_path):
    workbooks.build("china_balance", tmp_path / "again.xlsx")
    assert (tmp_path / "again.xlsx").read_bytes() == (built / "china_balance.xlsx").read_bytes()


def test_each_workbook_says_which_release_built_it(built):
    """The stored figures are a release's until the add-in recalculates: the file says which (Excel:
    File > Info > Properties > Custom), and `recalc` keeps it."""
    from aipower import actuals

    for name in workbooks.TEMPLATES:
        wb = openpyxl.load_workbook(built / f"{name}.xlsx")
        props = {p.name: p.value for p in wb.custom_doc_props.props}
        assert props == {"aipower version": aipower.__version__, "aipower data vintage": actuals.vintage(),
                         "aipower data sha256": actuals.digest()}, name
    out = built.parent / "recalculated.xlsx"
    assert main(["recalc", str(built / "us_gap.xlsx"), "--out", str(out)]) == 0
    assert {p.name for p in openpyxl.load_workbook(out).custom_doc_props.props} == {"aipower version", "aipower data vintage",
                                                                                    "aipower data sha256"}


def test_compare_finds_a_changed_number(built, tmp_path):
    src = built / "china_balance.xlsx"
    # a change of 1e-9 is found (a tolerance of 1e-4 passed a 1.001 change being found); 1e-14 is rounding
    for factor, found in ((1.001, True), (1 + 1e-9, True), (1 + 1e-14, False)):
        bad = tmp_path / "bad.xlsx"
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename == "xl/worksheets/sheet2.xml":
                    data = re.sub(rb"<v>(\d+\.\d+)</v>", lambda m: b"<v>" + repr(float(m.group(1)) * factor).encode()
                                  + b"</v>", data, count=1)
                zout.writestr(info, data)
        assert bool(workbooks.compare(src, bad)) is found, factor


def _formulas(path: Path) -> dict[tuple[str, int, int], str]:
    wb = openpyxl.load_workbook(path)
    out = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                v = c.value
                text = getattr(v, "text", v)
                if isinstance(text, str) and text.startswith("=") and c.data_type == "f":
                    out[(ws.title, c.row - 1, c.column - 1)] = text
    return out


def test_balance_workbook_mirrors_the_research_tables(built, base, ai):
    path = built / "china_balance.xlsx"
    stored = stored_values(path)
    formulas = _formulas(path)
    # Demand: a spilled AIP_BALANCE table, every cell stored, equal to the API's table.
    anchor = next(k for k, f in formulas.items() if k[0] == "Demand" and "AIP_BALANCE" in f)
    r0, c0 = anchor[1], anchor[2]
    years = [stored[("Demand", r0, c0 + 1 + j)] for j in range(len(base.demand.columns))]
    assert years == list(base.demand.columns)
    for i, row in enumerate(base.demand.index, start=1):
        assert stored[("Demand", r0 + i, c0)] == row
        for j, y in enumerate(base.demand.columns, start=1):
            assert stored[("Demand", r0 + i, c0 + j)] == pytest.approx(base.demand.loc[row, y], rel=1e-15)
    # Coal hours base vs AI: granular functions, one per year.
    ws = openpyxl.load_workbook(path)["Generation"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    for name, result in (("base", base), ("ai", ai)):
        r = rows[f"coal hours, {name}"]
        for j, y in enumerate(result.hours.columns, start=2):
            assert f'AIP_COAL_HOURS("{name}"' in ws.cell(r, j).value
            assert stored[("Generation", r - 1, j - 1)] == pytest.approx(result.hours.loc["coal", y], rel=1e-15)
    req = aipower.required_wind_solar("base", target_share=0.28)
    rws = openpyxl.load_workbook(path, data_only=True)["Renewables"]
    found = [c for row in rws.iter_rows() for c in row if c.value == 0.28 and c.column == 1]
    assert found and rws.cell(found[0].row, 2).value == pytest.approx(req.level_gw_per_year, rel=1e-12)


def test_every_formula_cell_stores_a_value_and_calls_aip_or_builtins(built):
    for path in built.glob("*.xlsx"):
        stored = stored_values(path)
        formulas = _formulas(path)
        assert formulas, path
        for key, f in formulas.items():
            assert key in stored, (path.name, key, f)
            assert not (isinstance(stored[key], str) and stored[key].startswith("#")), (path.name, key, stored[key])


def test_inputs_names_dropdown_charts_and_sources(built):
    path = built / "china_balance.xlsx"
    wb = openpyxl.load_workbook(path)
    names = set(wb.defined_names)
    assert {"Scenario", "BaseYear", "Overrides", "TargetShare", "TargetYear"} <= names
    assert wb.defined_names["Overrides"].attr_text == "Inputs!$A$10:$B$29"
    dv = wb["Inputs"].data_validations.dataValidation
    assert any(v.type == "list" and "base" in (v.formula1 or "") and "ai" in v.formula1 for v in dv)
    for ws in wb.worksheets[1:]:
        assert any("Source" in str(ws.cell(r, 1).value) or "AIP_PARAMS" in str(ws.cell(r, 1).value) for r in (2, 3)), ws.title
    with zipfile.ZipFile(path) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) >= 3
        for n in charts:
            xml = z.read(n).decode()
            assert re.search(r"<c:numCache>.*?<c:pt idx=\"0\"><c:v>[-\d.]+</c:v>", xml, re.S), n  # charts show data


def test_regenerate_for_another_scenario(tmp_path, ai, capsys):
    assert main(["regenerate", "--scenario", "ai", "--out", str(tmp_path), "--only", "china_balance"]) == 0
    assert str(tmp_path.resolve()) in capsys.readouterr().out
    wb = openpyxl.load_workbook(tmp_path / "china_balance.xlsx", data_only=True)
    assert wb["Inputs"]["B4"].value == "ai"
    stored = stored_values(tmp_path / "china_balance.xlsx")
    want = float(ai.demand.loc["total", 2030])
    assert any(isinstance(v, float) and v == pytest.approx(want, rel=1e-15) for (s, _, _), v in stored.items() if s == "Demand")


def test_regenerate_never_overwrites_without_force(tmp_path, capsys):
    target = tmp_path / "china_balance.xlsx"
    target.write_bytes(b"analyst's own file")
    assert main(["regenerate", "--out", str(tmp_path)]) == 2
    assert "not overwriting" in capsys.readouterr().err
    assert target.read_bytes() == b"analyst's own file"
    assert main(["regenerate", "--out", str(tmp_path), "--force", "--only", "china_balance"]) == 0
    assert zipfile.is_zipfile(target)
    assert not list(tmp_path.glob(".*.tmp"))


def test_regenerate_force_keeps_a_replaced_workbook_that_held_the_analyst_s_inputs(built, tmp_path, capsys):
    # --force, which the README and recalc suggest for a stale template, took the analyst's scenario,
    # override rows and own sheet with it, without a word
    own = tmp_path / "china_balance.xlsx"
    wb = openpyxl.load_workbook(built / "china_balance.xlsx")
    wb["Inputs"]["B4"] = "ai"
    first = wb.defined_names["Overrides"].attr_text.split("!")[1].split(":")[0].replace("$", "")
    wb["Inputs"][first] = "renewables.target_share"
    wb["Inputs"][first].offset(0, 1).value = 0.28
    wb.create_sheet("MyAnalysis")["A1"] = "mine"
    wb.save(own)
    edited = own.read_bytes()
    shutil.copy(built / "token_cost.xlsx", tmp_path / "token_cost.xlsx")  # the template as built: nothing to keep
    assert main(["regenerate", "--out", str(tmp_path), "--force", "--only", "china_balance", "--only", "token_cost"]) == 0
    err = capsys.readouterr().err
    assert ("aipower: note: china_balance.xlsx held 1 override row, Scenario 'ai', sheet 'MyAnalysis' of its own: the "
            "replaced workbook is kept as china_balance.previous.xlsx") in err and "token_cost" not in err
    assert (tmp_path / "china_balance.previous.xlsx").read_bytes() == edited
    assert workbooks.stored_inputs(own) == ("base", None) and not (tmp_path / "token_cost.previous.xlsx").exists()
    # --check names a sheet by its name, not its zip part ('xl/worksheets/sheet7.xml: only in the file')
    assert any(d.startswith("sheet 'MyAnalysis' (xl/worksheets/sheet") and d.endswith("): only in the kept")
               for d in workbooks.compare(tmp_path / "china_balance.previous.xlsx", own, labels=("the kept", "the new")))
    # an earlier copy is never replaced
    shutil.copy(tmp_path / "china_balance.previous.xlsx", own)
    assert main(["regenerate", "--out", str(tmp_path), "--force", "--only", "china_balance"]) == 0
    assert "kept as china_balance.previous-2.xlsx" in capsys.readouterr().err
    assert (tmp_path / "china_balance.previous.xlsx").read_bytes() == (tmp_path / "china_balance.previous-2.xlsx").read_bytes()


def test_regenerate_bad_scenario_writes_nothing(tmp_path, capsys):
    assert main(["regenerate", "--scenario", "nope", "--out", str(tmp_path / "x")]) == 2
    assert "nope" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.libreoffice
@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed (CI installs it)")
def test_libreoffice_check_catches_a_wrong_stored_value(built, tmp_path):
    from aipower import libreoffice

    src = built / "china_balance.xlsx"
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet4.xml":  # Generation: coal hours rows
                data = re.sub(rb'(<c r="B\d+" s="\d+"><f>IF\(AND\(ISNUMBER\(B\$\d+\),B\$\d+&lt;=\d+\),AIP_COAL_HOURS[^<]*</f><v>)([\d.]+)',
                              lambda m: m.group(1) + b"1234.5", data, count=1)
            zout.writestr(info, data)
    problems = libreoffice.compare([bad], timeout=240)
    assert len(problems) == 1 and "AIP_COAL_HOURS" in problems[0] and "1234.5" in problems[0]


def test_sweep_template_fan_and_tornado_charts_fed_by_the_sweep_functions(built):
    from aipower import sweep

    path = built / "sweep.xlsx"
    formulas = _formulas(path)
    sweep_cells = [k for k, f in formulas.items() if f.startswith("=AIP_SWEEP(")]
    tornado_cells = [k for k, f in formulas.items() if f.startswith("=AIP_TORNADO(")]
    assert len(sweep_cells) == 1 and len(tornado_cells) == 1
    wb = openpyxl.load_workbook(path, data_only=True)
    assert wb["Inputs"]["B4"].value == "ai_ranges"  # base has no ranges: the template sweeps ai_ranges
    samples, seed, year = (wb["Inputs"][c].value for c in ("B6", "B7", "B8"))
    ws = wb["Sweep"]
    assert "Sources" in ws["A2"].value and "ai_ranges" in ws["A2"].value
    stored = stored_values(path)
    (sheet, r, c), = sweep_cells
    table = sweep.sweep_table("ai_ranges", "hours.coal", samples=int(samples), seed=int(seed))
    p50 = table.set_index("stat").loc["P50"]
    # stored with 16 significant digits (xlsxwriter)
    assert [stored[(sheet, r + 3, c + 1 + j)] for j in range(len(p50))] == pytest.approx(list(p50), rel=1e-15)
    (sheet, r, c), = tornado_cells
    assert year is None  # blank: AIP_TORNADO's default year (2030 here), which a later base year moves
    first = sweep.tornado_table("ai_ranges", "hours.coal", 2030).iloc[0]
    assert stored[(sheet, r + 1, c)] == first["input"] and stored[(sheet, r + 1, c + 6)] == pytest.approx(first["swing"], rel=1e-15)
    with zipfile.ZipFile(path) as z:
        charts = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")]
    fan = next(x for x in charts if "<c:lineChart>" in x)
    bar = next(x for x in charts if '<c:barDir val="bar"/>' in x)
    assert fan.count("<c:ser>") == 5 and bar.count("<c:ser>") == 2
    for xml in (fan, bar):
        assert re.search(r"<c:numCache>.*?<c:pt idx=\"0\"><c:v>[-\d.]+</c:v>", xml, re.S)


def test_check_names_stale_or_edited_workbooks_and_writes_nothing(tmp_path, capsys):
    assert main(["regenerate", "--out", str(tmp_path), "--only", "token_cost", "--scenario", "ai"]) == 0
    assert main(["regenerate", "--out", str(tmp_path), "--only", "token_cost", "--scenario", "ai", "--check"]) == 0
    book = tmp_path / "token_cost.xlsx"
    wb = openpyxl.load_workbook(book)
    wb.worksheets[0]["Z99"] = "my note"
    wb.save(book)
    edited = book.read_bytes()
    capsys.readouterr()
    assert main(["regenerate", "--out", str(tmp_path), "--only", "token_cost", "--scenario", "ai", "--check"]) == 1
    err = capsys.readouterr().err
    assert f"{book}: " in err and "only in the builder's" in err  # which side, not 'the second'
    # the command that rebuilds it keeps what was checked (--only, --scenario), not every template for base
    assert (f"1 workbook stale or edited: `aipower regenerate --out {tmp_path} --scenario ai --only token_cost --force` "
            "replaces it, and any edits made in it") in err
    assert book.read_bytes() == edited


def test_check_finds_a_workbook_recalculated_in_place_current_and_an_edited_text_not(tmp_path, capsys):
    """`aipower recalc --in-place` writes a spilled table's text inline and its numbers as Python does
    ('20', not '20.0'): the same cells, which --check called edited when it compared bytes."""
    assert main(["regenerate", "--out", str(tmp_path), "--only", "us_gap"]) == 0
    book = tmp_path / "us_gap.xlsx"
    before = book.read_bytes()
    (tmp_path / "built.xlsx").write_bytes(before)
    assert main(["recalc", "--in-place", str(book)]) == 0
    assert book.read_bytes() != before  # rewritten ...
    capsys.readouterr()
    assert main(["regenerate", "--out", str(tmp_path), "--only", "us_gap", "--check"]) == 0  # ... but current
    # a text changed in the shared strings part is still an edit
    edited = tmp_path / "edited"
    edited.mkdir()
    with zipfile.ZipFile(tmp_path / "built.xlsx") as zin, zipfile.ZipFile(edited / "us_gap.xlsx", "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/sharedStrings.xml":
                data, n = re.subn(rb"<t>Inputs</t>", b"<t>My inputs</t>", data)
                assert n == 1
            zout.writestr(info, data)
    assert workbooks.compare(tmp_path / "built.xlsx", edited / "us_gap.xlsx") == ["sheet 'Inputs' (xl/worksheets/sheet1.xml): differs"]
    assert workbooks.compare(book, edited / "us_gap.xlsx") == ["sheet 'Inputs' (xl/worksheets/sheet1.xml): differs"]


def test_regenerate_says_when_the_sweep_workbook_cannot_sweep_the_scenario(tmp_path, capsys):
    assert main(["regenerate", "--out", str(tmp_path / "a"), "--only", "sweep", "--scenario", "ai"]) == 0
    err = capsys.readouterr().err
    assert "aipower: note: sweep.xlsx: scenario 'ai' has no ranges to sweep" in err and "sweep ai_ranges" in err
    assert main(["regenerate", "--out", str(tmp_path / "b"), "--only", "token_cost", "--scenario", "ai"]) == 0
    assert "note" not in capsys.readouterr().err  # no sweep workbook: nothing to say
    assert workbooks.regenerate_notes("ai_ranges") == []


def test_check_says_a_folder_where_a_workbook_goes_is_not_for_force(tmp_path, capsys):
    (tmp_path / "token_cost.xlsx").mkdir()
    assert main(["regenerate", "--out", str(tmp_path), "--only", "token_cost", "--check"]) == 1
    err = capsys.readouterr().err
    assert "token_cost.xlsx: a folder where the workbook goes (--force does not replace folders" in err
    assert "--force`" not in err and "1 workbook stale or edited\n" in err


def test_check_refuses_force_which_it_would_ignore(tmp_path, capsys):
    # --check writes nothing: `--check --force` checked and replaced nothing, silently
    assert main(["regenerate", "--out", str(tmp_path), "--only", "token_cost", "--check", "--force"]) == 2
    assert capsys.readouterr().err.startswith("aipower: error: --force: --check writes nothing")
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_scenario_that_is_a_pipe_is_refused_before_the_build(tmp_path, capsys):
    # a workbook stores the scenario's path for its formulas: a pipe's was gone at the build's own recalculation
    fifo = tmp_path / "scenario.toml"
    os.mkfifo(fifo)
    assert main(["regenerate", "--scenario", str(fifo), "--out", str(tmp_path / "w"), "--only", "token_cost"]) == 2
    err = capsys.readouterr().err
    assert f"--scenario {fifo}: not a regular file (a pipe or device)" in err, err
    assert not (tmp_path / "w").exists()


def test_build_refuses_an_existing_file_and_regenerate_an_empty_selection(tmp_path):
    mine = tmp_path / "mine.xlsx"
    mine.write_text("an analyst's own workbook")
    with pytest.raises(OutputExistsError):
        workbooks.build("dc_capex", mine)
    assert mine.read_text() == "an analyst's own workbook"
    workbooks.build("dc_capex", mine, overwrite=True)
    assert zipfile.is_zipfile(mine)
    with pytest.raises(ValueError, match=r"only = \[\]: expected template names"):
        workbooks.regenerate(tmp_path / "none", only=[])  # `only or every template` wrote all nine
    assert not (tmp_path / "none").exists()


def test_a_scenario_file_is_written_into_the_workbook_as_an_absolute_path(tmp_path, monkeypatch):
    (tmp_path / "my.toml").write_text('[scenario]\nparent = "ai"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    (path,) = workbooks.regenerate(tmp_path / "out", scenario="my.toml", only=["china_balance"])
    cell = openpyxl.load_workbook(path)["Inputs"]["B4"].value
    assert cell == str((tmp_path / "my.toml").resolve())  # a relative one only works from this folder


def test_regenerate_writes_every_workbook_or_none(tmp_path, monkeypatch):
    real = workbooks._write

    def failing(name, path, scenario, base_year):
        if name == "training":  # the seventh of nine
            raise RuntimeError("disk full")
        real(name, path, scenario, base_year)

    monkeypatch.setattr(workbooks, "_write", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        workbooks.regenerate(tmp_path / "out")
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())


def test_a_full_disk_names_the_workbook_and_prints_no_traceback(tmp_path, monkeypatch, capsys):
    import errno

    def full(self, data):  # what writing to a full disk raises: no file named
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Path, "write_bytes", full)
    assert main(["regenerate", "--out", str(tmp_path / "o"), "--only", "china_balance"]) == 2
    err = capsys.readouterr().err
    assert err == f"aipower: error: {tmp_path / 'o' / 'china_balance.xlsx'}: No space left on device\n", err
    assert not (tmp_path / "o").exists()


def test_a_shipped_scenario_named_in_another_case_is_written_as_its_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # 'AI' became the path tmp_path/AI, which does not exist
    (path,) = workbooks.regenerate(tmp_path / "out", scenario="AI", only=["dc_capex"])
    assert openpyxl.load_workbook(path)["Inputs"]["B4"].value == "ai"


def test_a_base_year_without_actuals_is_named_before_any_workbook_is_built(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(workbooks, "_write", lambda *a: pytest.fail("a workbook was built"))
    assert main(["regenerate", "--out", str(tmp_path / "o"), "--base-year", "2023", "--only", "training"]) == 2
    err = capsys.readouterr().err
    assert "error: --base-year 2023: expected a base year for which every actual" in err and "2024-2034" in err
    assert "Assumptions!" not in err and not (tmp_path / "o").exists()


def test_a_later_base_year_leaves_the_columns_past_the_tables_blank_and_the_chart_a_gap(tmp_path):
    """Inputs!BaseYear = 2025 shortens the spilled tables to 2025-2035; the coal-hours block's last
    column showed 0, #N/A and #VALUE! (and its chart a year 0). Its charted hours are NA() there: a
    gap in Excel's line chart, which draws "" as 0; `recalc` does not count NA()'s #N/A as an error."""
    from aipower import recalc

    src, edited = tmp_path / "china_balance.xlsx", tmp_path / "by25.xlsx"
    workbooks.build("china_balance", src)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(edited, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":  # Inputs: BaseYear (B5), blank in the template
                data, n = re.subn(rb'<c r="B5" s="(\d+)"/>', rb'<c r="B5" s="\1"><v>2025</v></c>', data)
                assert n == 1
            zout.writestr(info, data)
    recalc.recalc_file(edited, tmp_path / "out.xlsx")
    g = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["Generation"]
    rows = {g.cell(r, 1).value: r for r in range(1, g.max_row + 1)}
    years = [g.cell(rows["year"], c).value for c in range(2, 14)]
    assert years[0] == 2025 and years[10] == 2035 and years[11] in (None, "")
    for label, past in (("coal hours, base", "#N/A"), ("coal hours, ai", "#N/A"), ("AI minus base (h)", "")):
        values = [g.cell(rows[label], c).value for c in range(2, 14)]
        assert all(isinstance(v, (int, float)) for v in values[:11]) and values[11] in ((past,) if past else (None, "")), (label, values)
    assert g.cell(rows["coal hours, ai"], 2).value == aipower.run("ai", base_year=2025).hours.loc["coal", 2025]


def test_the_sweep_template_recalculates_for_a_scenario_with_fewer_ranges(built, tmp_path):
    """Inputs!Scenario set to a file with one range: the chart's helper cells past the tornado's one
    row gave #N/A, and `aipower recalc` refused the workbook for its new errors."""
    from aipower import recalc, sweep

    one = tmp_path / "one_range.toml"
    one.write_text('[scenario]\nname = "one_range"\nparent = "ai"\ndescription = "one range"\n\n[renewables]\n'
                   'target_share = { value = 0.30, low = 0.28, high = 0.32, unit = "fraction", source = "test" }\n')
    wb = openpyxl.load_workbook(built / "sweep.xlsx")
    # the drop-down offers the shipped scenarios that have ranges to sweep, not base or ai
    (dv,) = wb["Inputs"].data_validations.dataValidation
    assert dv.sqref == "B4" and dv.formula1 == '"ai_ranges"'
    wb["Inputs"]["B4"] = str(one)
    wb.save(tmp_path / "edited.xlsx")
    recalc.recalc_file(tmp_path / "edited.xlsx", tmp_path / "out.xlsx")  # raised: new errors
    ws = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)["Sweep"]
    (top,) = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "input"]
    helper = [c for c in range(1, ws.max_column + 1) if ws.cell(top, c).value == "low − base [h]"][0]
    row = sweep.tornado_table(str(one), "hours.coal", 2030).iloc[0]
    assert ws.cell(top + 1, 1).value == "renewables.target_share"
    assert ws.cell(top + 1, helper).value == pytest.approx(row["output_at_low"] - row["base"], abs=1e-6)
    assert ws.cell(top + 2, helper).value in (None, "") and ws.cell(top + 2, helper + 1).value in (None, "")


def test_the_sweep_template_builds_for_a_range_whose_end_the_model_refuses(tmp_path):
    """A target share up to 0.8 (more wind and solar than demand leaves room for): the tornado row's high is
    blank with its reason, and its chart cell NA(), a gap; the builder refused that #N/A and wrote nothing."""
    wide = tmp_path / "wide.toml"
    wide.write_text('[scenario]\nparent = "ai"\n\n[renewables]\n'
                    'target_share = { value = 0.30, low = 0.25, high = 0.8, unit = "fraction", source = "test" }\n')
    assert main(["regenerate", "--scenario", str(wide), "--out", str(tmp_path / "w"), "--only", "sweep"]) == 0
    ws = openpyxl.load_workbook(tmp_path / "w" / "sweep.xlsx", data_only=True)["Sweep"]
    (top,) = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "input"]
    header = [ws.cell(top, c).value for c in range(1, ws.max_column + 1)]
    row = {h: ws.cell(top + 1, c).value for c, h in enumerate(header, start=1) if h}
    assert row["input"] == "renewables.target_share" and row["note"].startswith("coal generation[2030]")
    assert row["output_at_high [h]"] is None and row["high − base [h]"] == "#N/A"
    assert isinstance(row["low − base [h]"], float)


def test_check_with_a_folder_and_stale_workbooks_never_offers_force_for_the_folder(tmp_path, capsys):
    # the command offered (`--force`) then failed on the folder: "--force does not replace folders"
    (tmp_path / "token_cost.xlsx").mkdir()
    assert main(["regenerate", "--out", str(tmp_path), "--only", "token_cost", "--only", "us_gap", "--check"]) == 1
    err = capsys.readouterr().err
    assert f"{tmp_path / 'us_gap.xlsx'}: missing" in err
    assert err.endswith(f"aipower: 2 workbooks stale or edited: move {tmp_path / 'token_cost.xlsx'} (a folder) away; then "
                        f"`aipower regenerate --out {tmp_path} --only token_cost --only us_gap --force` replaces the other, "
                        "and any edits made in it\n")


@pytest.mark.parametrize("how", ["sheet cut in half", "sheet part missing", "bad CRC", "damaged deflate stream"])
def test_check_reports_a_damaged_workbook_as_a_problem_of_that_file(how, tmp_path, capsys):
    from test_recalc import _DAMAGE, _damaged

    book = workbooks.build("us_gap", tmp_path / "good.xlsx")
    (tmp_path / "out").mkdir()
    _damaged(book, tmp_path / "out" / "us_gap.xlsx", how)
    assert main(["regenerate", "--out", str(tmp_path / "out"), "--only", "us_gap", "--check"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"{tmp_path / 'out' / 'us_gap.xlsx'}: ") and "Traceback" not in err
    if how in ("bad CRC", "damaged deflate stream"):  # the zip cannot be read: said so (compare reads XML as text)
        assert f"not a readable workbook ({_DAMAGE[how]}" in err


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names there are Unicode, not bytes")
def test_a_scenario_path_that_is_not_utf8_is_refused_before_the_build(tmp_path):
    # xlsxwriter failed after the whole build: "'utf-8' codec can't encode character '\udce9' ... surrogates
    # not allowed"; the workbook stores the path for its formulas, so replacing the byte would name no file
    import subprocess

    name = os.fsencode(tmp_path) + b"/caf\xe9.toml"
    Path(os.fsdecode(name)).write_text('[scenario]\nparent = "ai"\n', encoding="utf-8")
    for check in ([], [b"--check"]):
        proc = subprocess.run([sys.executable, "-m", "aipower", "regenerate", "--scenario", name, "--out",
                               os.fsencode(tmp_path / "o"), "--only", "us_gap", *check], capture_output=True, timeout=300)
        assert proc.returncode == 2
        assert proc.stderr.startswith(b"aipower: error: --scenario " + name + b": the file's path " + name +
                                      b" is not valid UTF-8"), proc.stderr
        assert b"rename the file (or its folder)" in proc.stderr and proc.stderr.count(b"\n") == 1
    assert not (tmp_path / "o").exists()


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="file names there are Unicode, not bytes")
def test_the_api_refuses_a_scenario_path_that_is_not_utf8_before_writing(tmp_path):
    from aipower import workbooks

    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/caf\xe9.toml"))
    path.write_text('[scenario]\nparent = "ai"\n', encoding="utf-8")
    with pytest.raises(ValueError, match=r"^scenario .*caf.*\.toml: the file's path .* is not valid UTF-8"):
        workbooks.build("us_gap", tmp_path / "us_gap.xlsx", scenario=str(path))
    assert not (tmp_path / "us_gap.xlsx").exists()


def test_only_matches_template_names_ignoring_case_and_the_extension():
    assert workbooks.template_names(["Sweep", " CHINA_balance.xlsx "]) == ["sweep", "china_balance"]
    assert workbooks.regenerate_notes("base", None, ["Sweep"]) == workbooks.regenerate_notes("base", None, ["sweep"]) != []
    with pytest.raises(ValueError, match="--only nope: expected one of china_balance, "):
        workbooks.template_names(["nope"])


def test_check_of_a_folder_built_for_another_scenario_says_so_and_offers_no_force(tmp_path, capsys):
    # it listed XML differences and offered `--force`, which would have replaced the ai workbooks with base ones
    assert main(["regenerate", "--out", str(tmp_path), "--only", "token_cost", "--scenario", "ai"]) == 0
    capsys.readouterr()
    assert main(["regenerate", "--out", str(tmp_path), "--only", "token_cost", "--check"]) == 1
    err = capsys.readouterr().err
    assert (f"aipower: note: {tmp_path / 'token_cost.xlsx'} holds scenario 'ai' in its Inputs sheet; checked against "
            "scenario 'base'\n") in err
    assert err.endswith("aipower: 1 workbook stale or edited, 1 of them built for other inputs: check them with the "
                        "--scenario and --base-year they hold\n")
    assert "--force" not in err


def test_check_of_a_folder_built_for_another_base_year_names_the_base_year_checked(tmp_path, capsys):
    # "checked against 'base'" did not say that the check used the scenario's own base year
    assert main(["regenerate", "--out", str(tmp_path), "--only", "china_balance", "--base-year", "2025"]) == 0
    capsys.readouterr()
    assert main(["regenerate", "--out", str(tmp_path), "--only", "china_balance", "--check"]) == 1
    assert (f"aipower: note: {tmp_path / 'china_balance.xlsx'} holds scenario 'base', base year 2025 in its Inputs "
            "sheet; checked against scenario 'base', its own base year\n") in capsys.readouterr().err


def test_check_of_a_workbook_it_cannot_read_is_an_error_not_stale(tmp_path, capsys, monkeypatch):
    # a permission error was reported as "stale or edited" (exit 1) with `--force` offered
    assert main(["regenerate", "--out", str(tmp_path), "--only", "us_gap"]) == 0
    capsys.readouterr()

    def unreadable(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(workbooks, "compare", unreadable)
    assert main(["regenerate", "--out", str(tmp_path), "--only", "us_gap", "--check"]) == 2
    assert capsys.readouterr().err == f"aipower: error: {tmp_path / 'us_gap.xlsx'}: cannot read it (Permission denied)\n"


def test_the_sweep_book_builds_for_a_base_year_after_2030(tmp_path):
    # its tornado year is blank, AIP_TORNADO's default: a fixed 2030 was refused for base years 2031-2034
    path = workbooks.build("sweep", tmp_path / "sweep.xlsx", base_year=2031)
    inputs = openpyxl.load_workbook(path)["Inputs"]
    row = next(r for r in inputs.iter_rows() if r[0].value == "Tornado year")
    assert row[1].value is None and "Blank: 2030, or the base year if later" in row[2].value


def test_china_balance_builds_for_a_horizon_past_the_shipped_cases(tmp_path):
    # every list of base.toml carried to 2040; the book's base and AI rows stop at their own end, 2035
    base = (Path(aipower.__file__).parent / "scenarios" / "base.toml").read_text(encoding="utf-8")
    mine = tmp_path / "base_2040.toml"
    mine.write_text(base.replace("2035]", "2040]").replace('name = "base"', 'name = "base 2040"')
                    .replace("value = 2035, unit = \"year\"", "value = 2040, unit = \"year\""), encoding="utf-8")
    assert aipower.load_scenario(mine).get("horizon.end_year") == 2040
    path = workbooks.build("china_balance", tmp_path / "cb.xlsx", scenario=str(mine))
    ws = openpyxl.load_workbook(path)["Generation"]
    label = next(r for r in ws.iter_rows() if r[0].value == "coal hours, base")
    assert "<=2035)" in label[1].value
