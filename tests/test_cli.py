import csv

import pytest

from aipower.cli import main


def test_run_prints_tables(capsys):
    assert main(["run", "--scenario", "ai"]) == 0
    out = capsys.readouterr().out
    for name in ("demand", "capacity", "generation", "hours", "re_share", "renewable requirement"):
        assert name in out
    assert "data_centers" in out


def test_run_with_base_year(capsys):
    assert main(["run", "--base-year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "base year 2025" in out and "from assumptions" in out


def test_tables_write_csvs_and_refuse_to_overwrite(tmp_path, capsys):
    assert main(["tables", "--out", str(tmp_path)]) == 0
    for name in ("demand", "capacity", "generation", "hours", "re_share"):
        with open(tmp_path / f"{name}.csv", newline="") as fh:
            rows = list(csv.reader(fh))
        assert rows[0][0] == "row"
        assert rows[0][1:] == [str(y) for y in range(2024, 2036)]
    before = (tmp_path / "demand.csv").read_text()
    assert main(["tables", "--out", str(tmp_path), "--scenario", "ai"]) == 2
    assert "not overwriting" in capsys.readouterr().err
    assert (tmp_path / "demand.csv").read_text() == before
    assert main(["tables", "--out", str(tmp_path), "--scenario", "ai", "--force"]) == 0
    assert (tmp_path / "demand.csv").read_text() != before
    assert not list(tmp_path.glob(".*.tmp"))


@pytest.mark.parametrize("argv, message", [
    (["run", "--scenario", "nope"], "not a shipped scenario"),
    (["run", "--base-year", "1990"], "horizon.base_year = 1990"),
])
def test_errors_exit_2_with_a_message(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("aipower: error:") and message in err


def test_params_lists_sources(capsys):
    assert main(["params", "--scenario", "ai"]) == 0
    out = capsys.readouterr().out
    assert "demand.data_centers.segments" in out and "seed 1 [88]" in out


def test_version_and_calibrate(capsys):
    assert main(["version"]) == 0
    assert "kernel_compiler" in capsys.readouterr().out
    assert main(["calibrate"]) == 0
    assert "| seed-1 headline |" in capsys.readouterr().out
