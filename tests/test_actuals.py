"""The packaged actuals: how a data file is read and checked, and what records which edition was read."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

import aipower

from aipower import actuals, version_info
from aipower.scenario import load_scenario, result_provenance

HEADER = "series,year,value,unit,source\n"
GOOD = "hours_coal,2024,4627.63,h (plants >= 6 MW),CEC 2025\n"


def parsed(text: str | bytes) -> dict:
    out: dict = {}
    actuals.parse(text if isinstance(text, bytes) else text.encode(), "data.csv", out, {})
    return out


def test_a_row_converts_to_the_kernel_unit_and_keeps_what_was_published():
    a = parsed(HEADER + GOOD + "consumption_total,2024,98521,yi kWh,NEA\ntotal_yoy,2025,-1.5,%,NEA\n")
    assert a[("hours_coal", 2024)].unit == "h" and a[("hours_coal", 2024)].value == 4627.63
    total = a[("consumption_total", 2024)]
    assert (total.value, total.unit, total.raw_value, total.raw_unit) == (pytest.approx(9852.1), "TWh", 98521.0, "yi kWh")
    assert a[("total_yoy", 2025)].value == pytest.approx(-0.015)  # a growth rate may fall


def test_a_file_saved_by_excel_as_csv_utf8_reads_the_same():
    # Excel's "CSV UTF-8" starts with a byte-order mark: the header read as '\ufeffseries' (KeyError)
    assert parsed(b"\xef\xbb\xbf" + (HEADER + GOOD).encode()) == parsed(HEADER + GOOD)


@pytest.mark.parametrize("row, message", [
    (GOOD, r"data.csv:3: hours_coal 2024 is given twice \(also data.csv:2\)"),
    ("capacity_coal,2024,1190,GWh end of year,x\n", r"data.csv:3: capacity_coal 2024: unit = 'GWh end of year': expected one of 'yi kWh', 'GW'"),
    ("hours_gas,2024,2500,hrs,x\n", r"hours_gas 2024: unit = 'hrs': expected one of"),
    ("hours_coal,2025,46270,yi kWh,x\n", r"data.csv:3: hours_coal 2025: unit = 'yi kWh' is in TWh, but the series is in h \(data.csv:2\)"),
    ("hours_coal,,4400,h,x\n", r"data.csv:3: hours_coal: year = '': expected a year in 1900-2100"),
    ("hours_coal,2025.5,4400,h,x\n", r"year = '2025.5'"),
    ("hours_coal,2025,abc,h,x\n", r"data.csv:3: hours_coal 2025: value = 'abc': expected a finite number >= 0 in h"),
    ("hours_coal,2025,-4400,h,x\n", r"value = '-4400': expected a finite number >= 0"),
    ("hours_coal,2025,nan,h,x\n", r"value = 'nan'"),
    ("hours_coal,2025,4400,h,\n", r"data.csv:3: hours_coal 2025: source is empty"),
    ("hours_coal,2025,4400,h,NEA, 2026\n", r"data.csv:3: 6 fields: expected 5"),
    ("Hours coal,2025,4400,h,x\n", r"data.csv:3: series = 'Hours coal': expected a name in lower case"),
])
def test_a_malformed_row_is_named_by_file_line_and_value(row, message):
    with pytest.raises(ValueError, match=message):
        parsed(HEADER + GOOD + row)


def test_a_wrong_header_or_encoding_is_named():
    with pytest.raises(ValueError, match=r"data.csv:1: columns \['series', 'year', 'val'"):
        parsed("series,year,val,unit,source\n" + GOOD)
    with pytest.raises(ValueError, match="data.csv: not UTF-8 text"):
        parsed((HEADER + "population,2024,1408,million,国家统计局\n").encode("gb18030"))
    assert parsed(HEADER + "\n" + GOOD + ",,,,\n")  # blank lines are skipped


def test_each_packaged_file_is_recorded_with_the_digest_of_its_bytes():
    files = actuals.files()
    assert [f["path"] for f in files] == [f"aipower/data/{name}" for name in actuals._FILES]
    from importlib import resources

    for f, name in zip(files, actuals._FILES):
        data = resources.files("aipower.data").joinpath(name).read_bytes()
        assert f["sha256"] == hashlib.sha256(data).hexdigest()
    assert version_info()["data_sha256"] == actuals.digest()
    assert result_provenance(load_scenario("base"))["data"] == files


def test_the_digest_changes_with_any_row(monkeypatch):
    # the vintage (the latest year) stays 2025 when a 2024 row is corrected: the digest does not
    before = actuals.digest()
    monkeypatch.setattr(actuals, "files", lambda: [{"path": "aipower/data/x.csv", "sha256": "0" * 64}])
    assert actuals.digest() != before


@pytest.fixture
def data_with_row(tmp_path, monkeypatch):
    """Makes the package read a copy of its data files with one row appended to the first: returns
    (that file, the row's line). The cache is cleared on both sides, so no other test sees the copy."""
    import types
    from importlib import resources

    def add(row: str) -> tuple[str, int]:
        for name in actuals._FILES:
            (tmp_path / name).write_bytes(resources.files("aipower.data").joinpath(name).read_bytes())
        with open(tmp_path / actuals._FILES[0], "a", encoding="utf-8") as f:
            f.write(row + "\n")
        line = len((tmp_path / actuals._FILES[0]).read_text(encoding="utf-8").splitlines())
        monkeypatch.setattr(actuals, "resources", types.SimpleNamespace(files=lambda package: tmp_path))
        actuals._EDITION.clear()  # read at the next load, as the copy
        return str(tmp_path / actuals._FILES[0]), line

    yield add
    monkeypatch.undo()
    actuals._EDITION.clear()


def test_a_malformed_data_file_is_named_in_full_not_inside_the_first_assumption_reading_it(data_with_row):
    # "…/base.toml:20: demand.total_growth_start: aipower/data/…csv:79: …" sent the maintainer to base.toml
    import aipower

    where, line = data_with_row("hours_coal,2025,4400,hrs,test")
    with pytest.raises(ValueError, match=rf"^{re.escape(where)}:{line}: hours_coal 2025: unit = 'hrs': expected one of"):
        aipower.run("base")


def test_the_files_are_recorded_by_their_place_in_the_package():
    assert actuals.files()[0]["path"] == f"aipower/data/{actuals._FILES[0]}"


def test_a_misspelt_series_is_named_where_its_year_is_missing(data_with_row):
    # a maintainer adds coal hours as "hour_coal": a series of its own that nothing reads; where the
    # model then lacks hours_coal for that year, the error points at the row that was meant for it
    where, line = data_with_row("hour_coal,2031,4400,h,test")
    with pytest.raises(ValueError, match=r"^actual series 'hours_coal' has no value for 2031: it has 2022, 2023, 2024 "
                                         rf"\(hour_coal has 2031, {re.escape(where)}:{line}: a misspelt series name\?\)$"):
        actuals.get("hours_coal", 2031)
    with pytest.raises(ValueError, match=r"^actual series 'hours_nuclear' has no value for 2031: it has [\d, ]+$"):
        actuals.get("hours_nuclear", 2031)  # no similar series has 2031: nothing guessed


def test_no_packaged_series_is_taken_for_a_misspelling_of_another():
    # consumption_total_yoy lacking 2024 is not a slip for consumption_total, which has it
    names = {series for series, _ in actuals.table()}
    years = {year for _, year in actuals.table()}
    assert [(s, y) for s in names for y in years if not actuals.has(s, y) and actuals._near(s, y)] == []
    assert "capacity_wind has 2024" in actuals._near("capacity_wnd", 2024)


def test_the_backcast_compares_every_figure_the_data_has_for_the_first_projected_year(data_with_row):
    # a fixed list compared wind and solar capacity only: coal hours added to the data went unchecked
    from aipower import calibration

    data_with_row("capacity_coal,2025,1230,GW end of year,test\nhours_coal,2025,4400,h (plants >= 6 MW),test")
    for case in ("base", "ai"):
        rows = {r.label: r for r in calibration.backcast(case)}
        run = aipower.run(case)
        assert rows["capacity: coal, end of year"].model == run.capacity.loc["coal", 2025]
        assert rows["capacity: coal, end of year"].actual == 1230
        assert rows["utilization hours: coal"].model == run.hours.loc["coal", 2025]
        assert rows["utilization hours: coal"].actual == 4400 and rows["utilization hours: coal"].unit == "h"
        assert list(rows)[5:] == ["capacity: coal, end of year", "capacity: wind, end of year",
                                  "capacity: solar, end of year", "utilization hours: coal"]


@pytest.mark.parametrize("row, said", [
    ("population,2024,0,million,test", "demand.population.start = 0: expected a finite number > 0"),
    ("hours_coal,2024,9000,h (plants >= 6 MW),test", "coal_hours_actual = 9000: expected a number in [0, 8784]"),
    ("hours_gas,2024,9999,h,test", "gas hours (start year) = 9999: expected a number in [0, 8784]"),
])
def test_a_refused_actual_names_the_data_row_it_was_read_from(data_with_row, row, said):
    # the scenario's line (base.toml) or the kernel's own name sent the maintainer to the wrong file
    where, _ = data_with_row("")
    series, year = row.split(",")[:2]
    folder = Path(where).parent
    for name in actuals._FILES:
        text = (folder / name).read_text(encoding="utf-8")
        old = re.search(rf"^{series},{year},[^\n]*$", text, re.M)
        if old:
            line = text[:old.start()].count("\n") + 1
            (folder / name).write_text(text.replace(old.group(0), row), encoding="utf-8")
            break
    with pytest.raises(ValueError) as info:
        aipower.run("base")
    assert said in str(info.value)
    assert str(info.value).endswith(f"(read from the data: {series} {year}, {folder / name}:{line})")


def test_aipower_data_names_a_folder_of_the_analyst_s_own_data_files(tmp_path, monkeypatch):
    # the only way to an edition of one's own was editing the installed package (lost with an upgrade)
    import aipower
    from importlib import resources

    packaged = resources.files("aipower.data").joinpath(actuals._FILES[0]).read_text(encoding="utf-8")
    mine = packaged.replace("hours_coal,2024,4627.63,", "hours_coal,2024,4500,")
    assert mine != packaged
    (tmp_path / actuals._FILES[0]).write_text(mine, encoding="utf-8")
    before = aipower.run("base")
    try:
        monkeypatch.setenv(actuals.DATA_ENV, str(tmp_path))
        after = aipower.run("base")  # the next load reads the folder's file, the other file as packaged
        assert after.hours.loc["coal", 2024] == pytest.approx(4500, rel=1e-12) and before.hours.loc["coal", 2024] != pytest.approx(4500)
        assert [f["path"] for f in actuals.files()] == [f"{actuals.DATA_ENV}/{actuals._FILES[0]}",
                                                        f"aipower/data/{actuals._FILES[1]}"]
        for folder, words in ((tmp_path / "none", "not a folder"), (tmp_path / "empty", "the folder holds none of")):
            if folder.name == "empty":
                folder.mkdir()
            monkeypatch.setenv(actuals.DATA_ENV, str(folder))
            with pytest.raises(ValueError, match=rf"^{actuals.DATA_ENV} = '{re.escape(str(folder))}': {words}"):
                aipower.run("base")
    finally:
        monkeypatch.delenv(actuals.DATA_ENV)
        actuals._EDITION.clear()
    assert aipower.run("base").hours.loc["coal", 2024] == before.hours.loc["coal", 2024]
