import csv
import json
import os
import sys

import pytest

from aipower import sweep
from aipower.cli import main
from test_cli import _main  # main(argv), failing the test if a KeyboardInterrupt escapes it


def test_sweep_writes_tables_and_refuses_to_overwrite(tmp_path, capsys):
    out = tmp_path / "sweep"
    assert main(["sweep", "--samples", "3000", "--seed", "4", "--out", str(out), "--outputs", "hours.coal,demand.data_centers"]) == 0
    with open(out / "percentiles_hours.coal.csv", newline="", encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["stat"] + [str(y) for y in range(2024, 2036)] + ["unit"]
    assert [r[0] for r in rows[1:]] == ["P5", "P10", "P50", "P90", "P95", "mean"]
    assert {r[-1] for r in rows[1:]} == {"h"}  # the files had no unit anywhere
    with open(out / "tornado.csv", newline="", encoding="utf-8-sig") as fh:
        tornado = list(csv.DictReader(fh))
    assert tornado[0]["input"] == "renewables.target_share"
    assert {(r["output"], r["year"], r["output_unit"]) for r in tornado} == {("hours.coal", "2030", "h")}
    meta = json.loads((out / "sweep.json").read_text())
    assert meta["samples"] == 3000 and meta["seed"] == 4 and meta["failed"] == 0
    assert meta["percentile_relative_error"] == sweep.DEFAULT_ALPHA and len(meta["inputs"]) >= 10
    assert meta["units"] == {"hours.coal": "h", "demand.data_centers": "TWh"} and meta["tornado"]["unit"] == "h"
    assert meta["command"] == "sweep" and meta["scenario"] == "ai_ranges" and meta["base_year"] == 2024
    assert meta["provenance"] == json.loads(json.dumps(sweep.run("ai_ranges", 1000).provenance))
    before = (out / "tornado.csv").read_text()
    assert main(["sweep", "--samples", "1000", "--out", str(out), "--outputs", "hours.coal,demand.data_centers"]) == 2
    assert "not overwriting" in capsys.readouterr().err
    assert (out / "tornado.csv").read_text() == before
    assert meta["latin"] is False
    # what ran is what sweep.json says: Latin hypercube, and samples the model refused
    refused = tmp_path / "refused"
    ranges = tmp_path / "wide.toml"
    ranges.write_text('[scenario]\nparent = "base"\n[renewables]\ntarget_share = { value = 0.6, low = 0.5, high = 0.9, '
                      'unit = "fraction", source = "test" }\n', encoding="utf-8")
    assert main(["sweep", "--scenario", str(ranges), "--samples", "2000", "--seed", "2", "--latin", "--out", str(refused),
                 "--outputs", "hours.coal", "--no-progress"]) == 0
    wide = json.loads((refused / "sweep.json").read_text())
    api = sweep.run(ranges, 2000, seed=2, latin=True, outputs=["hours.coal"])
    assert wide["latin"] is True and wide["failed"] == api.failed > 0
    assert main(["sweep", "--samples", "1000", "--out", str(out), "--force", "--tornado-year", "2028"]) == 0
    assert json.loads((out / "sweep.json").read_text())["tornado"]["year"] == 2028
    assert not list(out.glob(".*.tmp"))
    # fewer outputs into the same folder: the earlier run's other file stays, and sweep.json lists this run's
    capsys.readouterr()
    assert main(["sweep", "--samples", "1000", "--out", str(out), "--force", "--outputs", "hours.coal"]) == 0
    assert (out / "percentiles_demand.data_centers.csv").exists()
    assert (f"note: {out} also holds percentiles_demand.data_centers.csv, percentiles_demand.total.csv"
            in capsys.readouterr().err)  # named, so it is not read as this run's
    assert any("also holds percentiles_demand.data_centers.csv" in n  # and recorded with the run
               for n in json.loads((out / "sweep.json").read_text())["notes"])
    assert json.loads((out / "sweep.json").read_text())["files"] == ["percentiles_hours.coal.csv", "sweep.json",
                                                                      "tornado.csv"]


def test_a_folder_where_an_output_file_goes_is_refused_before_the_sweep_even_with_force(tmp_path, monkeypatch, capsys):
    out = tmp_path / "sweep"
    (out / "tornado.csv").mkdir(parents=True)
    monkeypatch.setattr(sweep, "run", lambda *a, **k: pytest.fail("the sweep ran"))
    assert main(["sweep", "--samples", "1000", "--out", str(out), "--force"]) == 2
    assert "tornado.csv: a folder where an output file goes" in capsys.readouterr().err


def test_existing_files_are_refused_before_the_sweep_runs(tmp_path, monkeypatch, capsys):
    out = tmp_path / "sweep"
    out.mkdir()
    (out / "tornado.csv").write_text("mine")

    def must_not_run(*args, **kwargs):
        raise AssertionError("the sweep ran before its output files were checked")

    monkeypatch.setattr(sweep, "run", must_not_run)
    assert main(["sweep", "--samples", "100", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "tornado.csv exists: not overwriting it" in err and "--force" in err
    assert (out / "tornado.csv").read_text() == "mine"
    # a bad output name is reported as such, before the files
    assert main(["sweep", "--samples", "100", "--out", str(out), "--outputs", "hours.cole"]) == 2
    assert "aipower: error: --outputs: output: 'hours.cole'" in capsys.readouterr().err
    assert main(["sweep", "--samples", "100", "--out", str(out), "--outputs", ""]) == 2
    assert "aipower: error: --outputs: outputs = (): expected at least one output" in capsys.readouterr().err


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
    (["--samples", "10", "--scenario", "base"], "no uncertain assumptions to sweep"),
    (["--samples", "10", "--tornado-year", "2099"], "year = 2099"),
])
def test_errors_exit_2(tmp_path, argv, message, capsys):
    assert main(["sweep", *argv, "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aipower: error:") and message in err


def test_tornado_quantiles_swing_each_input_between_them(tmp_path):
    out = tmp_path / "q"
    assert main(["sweep", "--samples", "200", "--tornado-quantiles", "0.1,0.9", "--out", str(out), "--no-progress"]) == 0
    with open(out / "tornado.csv", newline="", encoding="utf-8-sig") as fh:
        rows = {r["input"]: r for r in csv.DictReader(fh)}
    want = sweep.tornado("ai_ranges", "hours.coal", 2030, quantiles=(0.1, 0.9)).set_index("input")
    share = rows["renewables.target_share"]
    assert float(share["low"]) == pytest.approx(want.loc["renewables.target_share", "low"], rel=1e-9)
    assert float(share["swing"]) == pytest.approx(want.loc["renewables.target_share", "swing"], rel=1e-9)
    assert json.loads((out / "sweep.json").read_text())["tornado"]["swing"] == "quantiles 0.1, 0.9 of each input"


@pytest.mark.parametrize("value, message", [
    ("0.9,0.1", "0 < LOW < HIGH < 1"), ("0.1", "two probabilities LOW,HIGH"), ("0,0.9", "0 < LOW < HIGH < 1"),
    ("nan,0.9", "0 < LOW < HIGH < 1"), ("p10,p90", "two probabilities"),
])
def test_tornado_quantiles_that_cannot_be_used_are_named(tmp_path, capsys, value, message):
    with pytest.raises(SystemExit) as stop:
        main(["sweep", "--samples", "10", "--tornado-quantiles", value, "--out", str(tmp_path / "s")])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and f"argument --tornado-quantiles: '{value}'" in err and message in err, err
    assert not (tmp_path / "s").exists()


def _must_not_run(*args, **kwargs):
    raise AssertionError("the sweep ran before its arguments and output folder were checked")


@pytest.mark.parametrize("argv, message", [
    (["--tornado-output", "nope"], "--tornado-output nope: output: 'nope' is not an output"),
    (["--tornado-year", "2050"], "--tornado-year 2050: year = 2050: expected a year in 2024-2035"),
    (["--tornado-output", "requirement.level", "--tornado-year", "9999"],
     "--tornado-year 9999: year = 9999: expected a year in 2024-2035 (output 'requirement.level' has one value"),
])
def test_tornado_arguments_are_checked_before_the_sweep(tmp_path, monkeypatch, capsys, argv, message):
    monkeypatch.setattr(sweep, "run", _must_not_run)
    assert _main(["sweep", "--samples", "20000000", *argv, "--out", str(tmp_path / "s"), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aipower: error: {message}") and err.count("\n") == 1, err
    assert not (tmp_path / "s").exists()


@pytest.mark.parametrize("sub", ["", "new/deeper"])
def test_an_unwritable_output_folder_is_refused_by_name_before_the_sweep(tmp_path, monkeypatch, capsys, sub):
    import errno
    import os

    ro = tmp_path / "ro"
    ro.mkdir()
    real_open = os.open

    def read_only(path, *args, **kwargs):  # a read-only mount (tests may run as root: chmod would not stop them)
        if os.path.dirname(os.fspath(path)) == str(ro):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    monkeypatch.setattr(sweep, "run", _must_not_run)
    out = ro / sub if sub else ro
    assert _main(["sweep", "--samples", "20000000", "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    where = "cannot create files there" if not sub else f"cannot create files in {ro}"
    assert err == f"aipower: error: --out {out}: {where} (Read-only file system); expected a writable folder\n"
    assert ".tmp" not in err and list(ro.iterdir()) == []


@pytest.fixture
def old_files(tmp_path):
    """A sweep's files from an earlier run, to be replaced with --force."""
    out = tmp_path / "old"
    names = [f"percentiles_{o}.csv" for o in sweep.DEFAULT_OUTPUTS] + ["tornado.csv", "sweep.json"]
    out.mkdir()
    for name in names:
        (out / name).write_text(f"old {name}")
    return out, names


@pytest.mark.parametrize("stage", ["writing", "renaming"])
@pytest.mark.parametrize("force", [False, True])
def test_ctrl_c_while_writing_leaves_all_files_or_none(tmp_path, monkeypatch, capsys, old_files, stage, force):
    import os

    out, names = old_files if force else (tmp_path / "new" / "sweep", [])
    # new files go into place by a hard link (which refuses a name taken meanwhile), replaced ones by a rename
    patched = "fsync" if stage == "writing" else "replace" if force else "link"
    real = getattr(os, patched)
    calls = []

    def interrupted_at_the_third(*args, **kwargs):
        calls.append(args)
        if len(calls) == 3:  # two files are written (or renamed into place) already
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(os, patched, interrupted_at_the_third)
    argv = ["sweep", "--samples", "64", "--out", str(out), "--no-progress"] + (["--force"] if force else [])
    assert _main(argv) == 130
    captured = capsys.readouterr()
    assert captured.err == "aipower: sweep interrupted: nothing written\n" and captured.out == ""
    assert len(calls) >= 3  # (the undoing renames too)
    if force:  # the files replaced are put back, nothing else is left
        assert sorted(p.name for p in out.iterdir()) == sorted(names)
        assert all((out / name).read_text() == f"old {name}" for name in names)
    else:  # not even the folders it created
        assert not (tmp_path / "new").exists()


def test_a_closed_pipe_comes_after_every_file_is_written(tmp_path, monkeypatch):
    import io

    class ClosedPipe(io.StringIO):  # `aipower sweep ... | head -1`, head gone
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    out = tmp_path / "bp"
    assert _main(["sweep", "--samples", "64", "--out", str(out), "--no-progress"]) == 0
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted([f"percentiles_{o}.csv" for o in sweep.DEFAULT_OUTPUTS] + ["tornado.csv", "sweep.json"])


def test_ctrl_c_after_the_files_are_written_says_so(tmp_path, monkeypatch, capsys):
    import io

    class Interrupting(io.StringIO):
        def write(self, text):
            raise KeyboardInterrupt

    monkeypatch.setattr(sys, "stdout", Interrupting())
    out = tmp_path / "done"
    assert _main(["sweep", "--samples", "64", "--out", str(out), "--no-progress"]) == 130
    assert capsys.readouterr().err == f"aipower: sweep interrupted: all 6 files were written ({out})\n"
    assert len(list(out.iterdir())) == 6


SIGINT_MID_WRITE = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # as in a terminal, even if started with SIGINT ignored
from aipower.cli import main

real_fsync, calls = os.fsync, []

def slow_fsync(fd):
    real_fsync(fd)
    calls.append(fd)
    if len(calls) == 3:  # two files written: Ctrl-C now
        print("writing", flush=True)
        time.sleep(120)

os.fsync = slow_fsync
sys.exit(main(["sweep", "--samples", "64", "--out", sys.argv[1], "--no-progress"]))
"""


def test_a_real_ctrl_c_while_writing_exits_130_with_one_line_and_no_files(tmp_path):
    import signal
    import subprocess

    out = tmp_path / "sig"
    proc = subprocess.Popen([sys.executable, "-c", SIGINT_MID_WRITE, str(out)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"
        proc.send_signal(signal.SIGINT)
        stdout, stderr = proc.communicate(timeout=120)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130 and stderr == "aipower: sweep interrupted: nothing written\n", stderr
    assert stdout == "" and not out.exists()


@pytest.mark.parametrize("scenario", ["ai", "base"])
def test_a_scenario_without_ranges_gets_the_sweep_s_message(tmp_path, capsys, scenario):
    # the tornado ran first: "no uncertain assumptions for a tornado", without saying what to do
    assert main(["sweep", "--samples", "1000", "--scenario", scenario, "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aipower: error: scenario '{scenario}': no uncertain assumptions to sweep; give ranges") and "'ai_ranges'" in err
    assert "tornado" not in err and not (tmp_path / "s").exists()


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf", "3601", "ten"])
def test_a_dask_timeout_out_of_range_is_named_by_the_option_before_any_work(tmp_path, monkeypatch, capsys, value):
    # "dask_timeout = 0.0: ..." (the API's name), found once connecting; without --dask not at all
    monkeypatch.setattr(sweep, "run", _must_not_run)
    for dask in ([], ["--dask", "tcp://127.0.0.1:1"]):
        with pytest.raises(SystemExit) as stop:
            main(["sweep", "--samples", "10", *dask, "--dask-timeout", value, "--out", str(tmp_path / "s")])
        err = capsys.readouterr().err
        assert stop.value.code == 2 and f"argument --dask-timeout: '{value}': expected seconds in (0, 3600]" in err, err
    assert not (tmp_path / "s").exists()


def test_one_existing_file_exists_several_exist(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(sweep, "run", _must_not_run)
    out = tmp_path / "s"
    out.mkdir()
    (out / "tornado.csv").write_text("mine")
    assert main(["sweep", "--samples", "10", "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"aipower: error: {out / 'tornado.csv'} exists: not overwriting it (use --force to replace it)\n"
    (out / "sweep.json").write_text("mine")
    assert main(["sweep", "--samples", "10", "--out", str(out)]) == 2
    assert capsys.readouterr().err == (f"aipower: error: {out / 'tornado.csv'}, {out / 'sweep.json'} exist: not overwriting "
                                       "them (use --force to replace them)\n")


@pytest.mark.skipif(sys.platform != "linux", reason="a file name that is not UTF-8 needs a filesystem that takes bytes")
def test_a_scenario_file_name_that_is_not_utf8_is_written_escaped_in_sweep_json(tmp_path, capsys):
    # sweep.json names the scenario's file; strict UTF-8 failed on it once the sweep was done
    name = tmp_path / os.fsdecode(b"r\xff.toml")
    name.write_text('[scenario]\nparent = "ai_ranges"\n', encoding="utf-8")
    out = tmp_path / "out"
    assert main(["sweep", "--scenario", str(name), "--samples", "300", "--out", str(out), "--no-progress"]) == 0
    meta = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert any(os.fsdecode(b"r\xff") in str(v) for v in meta.values())


def test_a_file_that_appears_during_the_sweep_is_kept_and_named_in_command_line_words(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out"
    real_run = sweep.run

    def run_while_someone_saves_a_file(*args, **kwargs):
        out.mkdir(exist_ok=True)
        (out / "tornado.csv").write_text("mine\n", encoding="utf-8")
        return real_run(*args, **kwargs)

    monkeypatch.setattr(sweep, "run", run_while_someone_saves_a_file)
    assert main(["sweep", "--samples", "300", "--out", str(out), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "tornado.csv exists: not overwriting it (use --force to replace it)" in err, err
    assert (out / "tornado.csv").read_text(encoding="utf-8") == "mine\n"


def test_a_dask_timeout_without_dask_is_refused_not_ignored(tmp_path, monkeypatch, capsys):
    # it was accepted and the sweep ran on this machine, the analyst believing it went to the cluster
    monkeypatch.setattr(sweep, "run", _must_not_run)
    assert main(["sweep", "--samples", "10", "--dask-timeout", "5", "--out", str(tmp_path / "s")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aipower: error: --dask-timeout: 5 s given without --dask;"), err
    assert not (tmp_path / "s").exists()


def test_a_scenario_piped_on_standard_input_is_read_once(tmp_path):
    # the command loads a scenario more than once (its checks, then the sweep): a pipe read twice was empty
    # the second time, and the sweep refused "/dev/stdin: empty"
    import subprocess
    from importlib import resources

    text = resources.files("aipower").joinpath("scenarios/ai_ranges.toml").read_text(encoding="utf-8")
    out = tmp_path / "s"
    proc = subprocess.run([sys.executable, "-m", "aipower", "sweep", "--scenario", "/dev/stdin", "--samples", "200",
                           "--no-progress", "--out", str(out)], input=text, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (out / "tornado.csv").exists() and (out / "sweep.json").exists()


def test_a_later_base_year_moves_the_default_tornado_year(tmp_path):
    # --base-year 2031 failed "--tornado-year 2030: ... expected a year in 2031-2035", a year never given
    out = tmp_path / "s"
    assert main(["sweep", "--base-year", "2031", "--samples", "200", "--no-progress", "--out", str(out)]) == 0
    assert json.loads((out / "sweep.json").read_text(encoding="utf-8"))["tornado"]["year"] == 2031


def test_sweep_json_tells_two_scenario_files_and_base_years_apart(tmp_path):
    """Two files of the same name (one with a change, one without) and two base years gave byte-identical
    sweep.json files for different percentiles."""
    metas = []
    for folder, body, base_year in (("d2", "[supply.coal]\nretirements = { value = 5, unit = \"GW/yr\", source = \"t\" }\n", []),
                                    ("d3", "", []), ("d3", "", ["--base-year", "2025"])):
        scenario = tmp_path / folder / "s.toml"
        scenario.parent.mkdir(exist_ok=True)
        scenario.write_text('[scenario]\nparent = "ai_ranges"\n' + body)
        out = tmp_path / f"out{len(metas)}"
        assert main(["sweep", "--scenario", str(scenario), "--samples", "1000", "--out", str(out), "--outputs",
                     "hours.coal", "--no-progress", *base_year]) == 0
        metas.append(json.loads((out / "sweep.json").read_text()))
    files = [m["provenance"]["scenario"]["files"][-1] for m in metas]
    assert files[0]["path"] != files[1]["path"] and files[0]["sha256"] != files[1]["sha256"]
    assert files[1] == files[2] and [m["base_year"] for m in metas] == [2024, 2024, 2025]
    assert metas[2]["provenance"]["scenario"]["overrides"] == {"horizon.base_year": {"value": 2025, "unit": "year"}}
