import csv
import json

import pytest

from aipower import sweep
from aipower.cli import main


def test_sweep_writes_tables_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", "--samples", "3000", "--seed", "4", "--out", str(out), "--outputs", "hours.coal,demand.data_centers"]) == 0
    with open(out / "percentiles_hours.coal.csv", newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["stat"] + [str(y) for y in range(2024, 2036)]
    assert [r[0] for r in rows[1:]] == ["P5", "P10", "P50", "P90", "P95", "mean"]
    with open(out / "tornado.csv", newline="", encoding="utf-8-sig") as fh:
        tornado = list(csv.DictReader(fh))
    assert tornado[0]["input"] == "renewables.target_share"
    meta = json.loads((out / "sweep.json").read_text())
    assert meta["samples"] == 3000 and meta["seed"] == 4 and meta["failed"] == 0
    assert meta["percentile_relative_error"] == sweep.DEFAULT_ALPHA and len(meta["inputs"]) >= 10
    before = (out / "tornado.csv").read_text()
    assert main(["sweep", "--samples", "1000", "--out", str(out), "--outputs", "hours.coal,demand.data_centers"]) == 2
    assert "not overwriting" in capsys.readouterr().err
    assert (out / "tornado.csv").read_text() == before
    assert main(["sweep", "--samples", "1000", "--out", str(out), "--force", "--tornado-year", "2028"]) == 0
    assert json.loads((out / "sweep.json").read_text())["tornado"]["year"] == 2028
    assert not list(out.glob(".*.tmp"))


def test_existing_files_are_refused_before_the_sweep_runs(tmp_path, monkeypatch, capsys):
    out = tmp_path / "sweep"
    out.mkdir()
    (out / "tornado.csv").write_text("mine")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the sweep ran before its output files were checked")

    monkeypatch.setattr(sweep, "run", must_not_run)
    assert main(["sweep", "--samples", "100", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "tornado.csv exist: not overwriting" in err and "--force" in err
    assert (out / "tornado.csv").read_text() == "mine"
    # a bad output name is reported as such, before the files
    assert main(["sweep", "--samples", "100", "--out", str(out), "--outputs", "hours.cole"]) == 2
    assert "output: 'hours.cole'" in capsys.readouterr().err


@pytest.mark.parametrize("scenario, outputs, expected", [
    ("ai_ranges", None, sweep.DEFAULT_OUTPUTS),
    ("ai_ranges", "hours.coal, demand.total", ("hours.coal", "demand.total")),
    ("ai_ranges", ["capacity.solar"], ("capacity.solar",)),
])
def test_chosen_outputs_are_what_run_reports(scenario, outputs, expected):
    assert sweep.chosen_outputs(scenario, outputs) == tuple(expected)
    assert tuple(sweep.run(scenario, 64, outputs=outputs).tables) == tuple(expected)


def test_interrupted_sweep_writes_nothing(tmp_path, monkeypatch, capsys):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sweep, "run", interrupted)
    assert main(["sweep", "--samples", "100", "--out", str(tmp_path / "x")]) == 130
    assert "interrupted: nothing written" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


@pytest.mark.parametrize("argv, message", [
    (["--samples", "0"], "samples = 0"),
    (["--samples", "10", "--threads", "-2"], "threads = -2"),
    (["--samples", "10", "--scenario", "base"], "no uncertain assumptions"),
    (["--samples", "10", "--tornado-year", "2099"], "year = 2099"),
])
def test_errors_exit_2(tmp_path, argv, message, capsys):
    assert main(["sweep", *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aipower: error:") and message in err
