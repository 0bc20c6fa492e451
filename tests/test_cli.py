import csv
import errno
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import aipower
from aipower import calibration, load_scenario
from aipower.cli import main


def test_run_prints_tables(capsys):
    assert main(["run", "--scenario", "ai"]) == 0
    out = capsys.readouterr().out
    for name in ("demand", "capacity", "generation", "hours", "re_share", "renewable requirement"):
        assert name in out
    assert "data_centers" in out
    # the figures as printed, from the result (a share printed as 0.3 under a % header, a per-point figure
    # 10× off and calculator rows at 2 digits had passed)
    r = aipower.run("ai")
    share = next(line for line in out.splitlines() if line.startswith("non_hydro_share"))
    assert share.split()[1:] == [f"{v:.1%}" for v in r.re_share.loc["non_hydro_share"]]
    q = r.requirement
    assert (f"renewable requirement: {q.level_gw_per_year:,.1f} GW/yr of wind+solar in {q.first_year}-{q.last_year} for "
            f"a 30% non-hydro share in 2030 ({0.01 / q.share_per_gw_per_year:,.1f} GW/yr per point of share)") in out
    gap = aipower.us_gap.table(load_scenario("ai"))
    row = gap.iloc[0]
    shown = [f"{v:,.0f}" if 1e4 <= abs(v) < 1e12 else f"{v:.4g}" for v in row.drop(["row", "unit"]).astype(float)]
    assert any(line.split()[-len(shown) - 1:-1] == shown for line in out.splitlines()), shown


def test_run_states_the_target_share_as_given(tmp_path, capsys):
    # 28.5% was printed "for a 28% non-hydro share": rounded to a whole percent
    share = tmp_path / "s285.toml"
    share.write_text('[renewables]\ntarget_share = { value = 28.5, unit = "%", source = "test" }\n', encoding="utf-8")
    assert main(["run", "--scenario", str(share)]) == 0
    assert " for a 28.5% non-hydro share in 2030 " in capsys.readouterr().out


def test_run_of_a_scenario_without_a_description_ends_its_header_at_the_name(tmp_path, capsys):
    bare = tmp_path / "s28.toml"  # the README's 28% example has no description: the header ended in ': '
    bare.write_text('[scenario]\nparent = "ai"\n', encoding="utf-8")
    assert main(["run", "--scenario", str(bare)]) == 0
    assert capsys.readouterr().out.splitlines()[0].endswith(" — scenario 's28'")


def test_run_says_why_a_calibrated_loss_factor_is_below_zero(tmp_path, capsys):
    assert main(["run"]) == 0
    assert "loss/own-use factor -1.64% (below zero: " in capsys.readouterr().out
    fixed = tmp_path / "fixed.toml"
    fixed.write_text('[scenario]\nparent = "base"\n[balance]\nloss_factor_mode = { value = "fixed" }\n'
                     'loss_factor = { value = 0.05, unit = "fraction", source = "test" }\n', encoding="utf-8")
    assert main(["run", "--scenario", str(fixed)]) == 0
    out = capsys.readouterr().out
    assert "loss/own-use factor +5.00%\n" in out and "below zero" not in out


def test_run_prints_nothing_when_a_calculator_table_refuses_an_input(tmp_path, capsys):
    # it printed the balance tables and the first calculator tables, then failed with exit 2
    bad = tmp_path / "bad.toml"
    bad.write_text('[scenario]\nparent = "base"\n[token_cost]\n'
                   'pue_china = { value = 0.5, unit = "ratio", source = "test" }\n', encoding="utf-8")
    assert main(["run", "--scenario", str(bad)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and f"token_cost.pue_china = 0.5 ({bad}:4): pue = 0.5: expected a PUE >= 1" in err


def test_run_with_base_year(capsys):
    assert main(["run", "--base-year", "2025"]) == 0
    out = capsys.readouterr().out
    assert "base year 2025" in out and "from assumptions" in out


def test_tables_write_csvs_and_refuse_to_overwrite(tmp_path, capsys):
    assert main(["tables", "--out", str(tmp_path)]) == 0
    for name in ("demand", "capacity", "generation", "hours", "re_share"):
        with open(tmp_path / f"{name}.csv", newline="", encoding="utf-8-sig") as fh:
            rows = list(csv.reader(fh))
        assert rows[0][0] == "row"
        assert rows[0][1:] == [str(y) for y in range(2024, 2036)] + ["unit"]
        # each row names its unit: the table's, but for the two rows in another one
        table_unit = {"demand": "TWh", "capacity": "GW", "generation": "TWh", "hours": "h", "re_share": "fraction"}
        other = {"total_growth": "fraction", "wind_solar_additions": "GW/yr"}
        assert {r[0]: r[-1] for r in rows[1:]} == {r[0]: other.get(r[0], table_unit[name]) for r in rows[1:]}
    before = (tmp_path / "demand.csv").read_text()
    assert main(["tables", "--out", str(tmp_path), "--scenario", "ai"]) == 2
    assert "not overwriting" in capsys.readouterr().err
    assert (tmp_path / "demand.csv").read_text() == before
    assert main(["tables", "--out", str(tmp_path), "--scenario", "ai", "--force"]) == 0
    assert (tmp_path / "demand.csv").read_text() != before
    assert not list(tmp_path.glob(".*.tmp"))
    # A byte-order mark, so Excel reads the text as UTF-8 and not in the system's code page
    raw = (tmp_path / "dc_capex.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "亿kWh".encode() in raw
    # every number reads back as the API's float, bit for bit (ten digits had passed every test)
    r = aipower.run("ai")
    for name in ("demand", "capacity", "generation", "hours", "re_share"):
        back = pd.read_csv(tmp_path / f"{name}.csv", encoding="utf-8-sig", index_col="row").drop(columns="unit")
        back.columns = back.columns.astype(int)
        want = getattr(r, name).astype(float)
        assert (back.to_numpy() == want.to_numpy()).all() and list(back.index) == list(want.index), name


@pytest.mark.parametrize("argv, message", [
    (["run", "--scenario", "nope"], "not a shipped scenario"),
    (["run", "--base-year", "1990"], "--base-year 1990: expected a base year for which every actual"),
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
    out = capsys.readouterr().out
    assert "| seed-1 headline |" in out and calibration.backcast_markdown() in out


@pytest.mark.parametrize("command", [
    ["tables", "--out", "{file}"],
    ["tables", "--out", "{file}/sub"],
    ["regenerate", "--only", "us_gap", "--out", "{file}"],
    ["sweep", "--samples", "64", "--out", "{file}"],
    ["recalc", "{book}", "--out", "{file}/copy.xlsx"],
])
def test_an_output_folder_that_is_a_file_is_refused_by_name(command, tmp_path, capsys):
    a_file = tmp_path / "notes.txt"
    a_file.write_text("mine")
    book = tmp_path / "book.xlsx"
    if "{book}" in command:
        assert main(["regenerate", "--only", "us_gap", "--out", str(tmp_path / "books")]) == 0
        book = tmp_path / "books" / "us_gap.xlsx"
    argv = [a.format(file=a_file, book=book) for a in command]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("aipower: error: --out ") and f"{a_file} is a file; expected a folder" in err, err
    assert a_file.read_text() == "mine"


def test_recalc_of_a_file_that_is_not_a_workbook_names_it(tmp_path, capsys):
    text = tmp_path / "notes.txt"
    text.write_text("mine")
    assert main(["recalc", str(text), "--out", str(tmp_path / "out.xlsx")]) == 2
    assert f"aipower: error: {text}: cannot read the workbook" in capsys.readouterr().err
    assert not (tmp_path / "out.xlsx").exists()


def test_a_closed_pipe_ends_quietly(monkeypatch):
    import io

    from aipower import cli

    def closed(*args, **kwargs):
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(cli, "_print_result", closed)
    monkeypatch.setattr(cli.sys, "stderr", io.StringIO())
    assert main(["run"]) == 0  # `aipower run | head`: not an error


@pytest.mark.parametrize("command", [["params"], ["run"], ["calibrate"], ["run", "--scenario", "亿.toml"]])
def test_output_in_a_legacy_code_page_does_not_fail(command, tmp_path):
    # Redirected output on Windows is cp1252, which has no 亿 or →: a file gets UTF-8 instead.
    env = dict(os.environ, PYTHONIOENCODING="cp1252")
    proc = subprocess.run([sys.executable, "-c", "import sys; from aipower.cli import main; sys.exit(main())", *command],
                          capture_output=True, env=env, cwd=tmp_path, timeout=300)
    err = proc.stderr.decode("utf-8")
    assert "codec can't encode" not in err
    if command[-1] == "亿.toml":
        assert proc.returncode == 2 and "scenario '亿.toml': no such file" in err
    else:
        assert proc.returncode == 0, err
        out = proc.stdout.decode("utf-8")  # as UTF-8, characters intact
        assert "亿" in out if command[0] in ("params", "run") else "→" in out



def test_output_in_a_code_page_with_the_chinese_but_not_every_sign_is_utf8(tmp_path):
    # Chinese Windows redirects in GBK, which has 亿 and → but not − or ³: those were written as \u2212
    env = dict(os.environ, PYTHONIOENCODING="gbk")
    proc = subprocess.run([sys.executable, "-c", "import sys; from aipower.cli import main; sys.exit(main())", "params"],
                          capture_output=True, env=env, cwd=tmp_path, timeout=300)
    out = proc.stdout.decode("utf-8")
    assert proc.returncode == 0 and "\u2212" in out and "\\u2212" not in out and "亿" in out


def _main(argv):
    """main(argv), with a KeyboardInterrupt that escapes it turned into a failure (not a stopped test run)."""
    try:
        return main(argv)
    except KeyboardInterrupt:
        pytest.fail("KeyboardInterrupt escaped the command line: a traceback, not a one-line message")


def _interrupt(*args, **kwargs):
    raise KeyboardInterrupt


@pytest.mark.parametrize("where, argv, prefix", [
    ("aipower.cli._writable_text_streams", ["run"], "aipower: interrupted"),  # before the arguments are read
    ("aipower.cli._parser", ["run"], "aipower: interrupted"),
    ("aipower.cli.run", ["run"], "aipower: run interrupted"),
    ("aipower.calibration.markdown", ["calibrate"], "aipower: calibrate interrupted"),
    ("aipower.recalc.recalc_file", ["recalc", "in.xlsx", "--out", "{tmp}/out.xlsx"], "aipower: recalc interrupted"),
    ("aipower.sweep.chosen_outputs", ["sweep", "--samples", "64", "--out", "{tmp}/s"], "aipower: sweep interrupted"),
])
def test_ctrl_c_anywhere_is_one_line_and_exit_130(where, argv, prefix, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(where, _interrupt)
    assert _main([a.format(tmp=tmp_path) for a in argv]) == 130
    captured = capsys.readouterr()
    assert captured.err == f"{prefix}: nothing written\n" and captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_during_recalc_ends_its_progress_line_first(tmp_path, monkeypatch, capsys):
    def half_done(book, out, *, overwrite, progress, keep_values):
        progress(5, 10)
        raise KeyboardInterrupt

    monkeypatch.setattr("aipower.recalc.recalc_file", half_done)
    monkeypatch.setattr("sys.stderr.isatty", lambda: True)  # progress shows on a terminal only
    assert _main(["recalc", "in.xlsx", "--out", str(tmp_path / "out.xlsx")]) == 130
    assert capsys.readouterr().err == "\r  5/10 formula cells\naipower: recalc interrupted: nothing written\n"


def test_recalc_progress_stays_out_of_logs(tmp_path, monkeypatch, capsys):
    def done(book, out, *, overwrite, progress, keep_values):
        progress(5, 10)
        raise ValueError("stop here")

    monkeypatch.setattr("aipower.recalc.recalc_file", done)
    assert _main(["recalc", "in.xlsx", "--out", str(tmp_path / "out.xlsx")]) == 2
    assert capsys.readouterr().err == "aipower: error: stop here\n"  # no carriage-return progress lines


@pytest.mark.parametrize("stop", [KeyboardInterrupt, OSError(28, "No space left on device")])
@pytest.mark.parametrize("force", [False, True])
def test_regenerate_leaves_all_workbooks_or_none(stop, force, tmp_path, monkeypatch, capsys):
    only = ["us_gap", "rack_power", "training", "onsite_power"]
    out = tmp_path / "books" if not force else tmp_path
    if force:
        for n in only:
            (out / f"{n}.xlsx").write_text(f"old {n}")
    calls = []
    real = os.fsync

    def fsync(fd):  # each workbook is synced once written: the third one fails
        calls.append(fd)
        if len(calls) == 3:
            raise stop
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    argv = ["regenerate", "--out", str(out)] + [a for n in only for a in ("--only", n)] + (["--force"] if force else [])
    rc = _main(argv)
    err = capsys.readouterr().err
    if stop is KeyboardInterrupt:
        assert rc == 130 and err == "aipower: regenerate interrupted: nothing written\n"
    else:
        # the workbook being written (the third), not '[Errno 28]'
        assert rc == 2 and err == f"aipower: error: {out / 'training.xlsx'}: No space left on device\n", err
    assert len(calls) == 3
    if force:  # the replaced workbooks are back, nothing else is left
        assert sorted(p.name for p in out.iterdir()) == sorted(f"{n}.xlsx" for n in only)
        assert all((out / f"{n}.xlsx").read_text() == f"old {n}" for n in only)
    else:
        assert not out.exists()
    # so a second run is not refused for files the first one left
    monkeypatch.setattr(os, "fsync", real)
    assert _main(argv) == 0


@pytest.mark.parametrize("stage", ["writing", "printing"])
def test_tables_interrupted_leave_all_files_or_none(stage, tmp_path, monkeypatch, capsys):
    import io

    out = tmp_path / "t"
    if stage == "writing":
        calls = []
        real = os.fsync

        def fsync(fd):
            calls.append(fd)
            if len(calls) == 4:
                raise KeyboardInterrupt
            real(fd)

        monkeypatch.setattr(os, "fsync", fsync)
    else:
        class Interrupting(io.StringIO):
            def write(self, text):
                raise KeyboardInterrupt

        monkeypatch.setattr(sys, "stdout", Interrupting())
    assert _main(["tables", "--out", str(out)]) == 130
    err = capsys.readouterr().err
    if stage == "writing":
        assert err == "aipower: tables interrupted: nothing written\n" and not out.exists()
    else:
        assert err == f"aipower: tables interrupted: all 13 files were written ({out})\n"
        assert len(list(out.glob("*.csv"))) == 12 and (out / "tables.json").exists() and not list(out.glob(".*"))


def _c_locale_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHONIOENCODING"))}
    return dict(env, LC_ALL="C", LANG="C", PYTHONUTF8="0")  # ASCII, not the UTF-8 mode


def test_a_non_ascii_file_name_in_the_c_locale_is_printed_as_given(tmp_path):
    # the name comes in as surrogate escapes of its bytes; a file or pipe gets them back, not an error
    proc = subprocess.run([sys.executable, "-c", "import sys; from aipower.cli import main; sys.exit(main())",
                           "run", "--scenario", "不存在.toml"], capture_output=True, env=_c_locale_env(), cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 2
    assert proc.stderr.decode("utf-8") == (f"aipower: error: scenario '不存在.toml': no such file in {tmp_path}, and not a "
                                           "shipped scenario (expected one of base, ai, ai_ranges or a path to a .toml file)\n")
    proc = subprocess.run([sys.executable, "-c", "import sys; from aipower.cli import main; sys.exit(main())",
                           "tables", "--out", "输出"], capture_output=True, env=_c_locale_env(), cwd=tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", "replace")
    lines = proc.stdout.decode("utf-8").splitlines()
    assert len(lines) == 13 and lines[0] == os.path.join("输出", "demand.csv") and proc.stderr == b""
    assert (tmp_path / "输出" / "demand.csv").exists()


def test_a_console_that_cannot_show_a_character_escapes_it_and_keeps_file_name_bytes(monkeypatch):
    import io

    from aipower import cli

    class Console(io.BytesIO):
        def isatty(self):
            return True

    raw = Console()
    console = io.TextIOWrapper(raw, encoding="ascii", errors="strict", write_through=True)
    monkeypatch.setattr(sys, "stdout", console)
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    cli._writable_text_streams()
    console.write("亿kWh \udce8\udcbe\udc93.csv")  # a UTF-8 file name decoded as ASCII with surrogate escapes
    assert raw.getvalue() == b"\\u4ebfkWh " + "\udce8\udcbe\udc93".encode("ascii", "surrogateescape") + b".csv"


def test_params_shows_what_a_sweep_samples_and_the_number_an_actual_resolves_to(capsys):
    assert main(["params", "--scenario", "ai_ranges"]) == 0
    out = capsys.readouterr().out
    # the range was hidden behind the point value, and an actual showed only its series name
    assert "renewables.target_share = 0.3 ~ uniform 0.28 to 0.32 [fraction]" in out
    assert "calibration.coal_hours = 4627.63 [h] — actual 'hours_coal' at 2024" in out
    # segments one per line, as a scenario file writes them: they were a Python list of dicts on one line
    assert "demand.data_centers.segments [segments]:\n  [0] increment 2025: value 628 ~ triangular mode 628 in 290 " \
           "to 966 yi kWh/yr — seed 1 [91]" in out
    assert "  [2] cagr 2028-2030: rate 0.25 ~ triangular mode 0.25 in 0.2 to 0.3, from_year 2025 fraction/yr — " in out
    assert "[{'method'" not in out


def test_output_paths_users_get_wrong(tmp_path, monkeypatch, capsys):
    from aipower import workbooks

    # an unset $OUTDIR: refused, not this folder
    with pytest.raises(SystemExit) as stop:
        _main(["regenerate", "--out", "", "--only", "training"])
    assert stop.value.code == 2 and "argument --out: '': expected a path" in capsys.readouterr().err
    # a dangling symlink where a workbook goes is a file there: not replaced without --force
    out = tmp_path / "books"
    out.mkdir()
    (out / "training.xlsx").symlink_to(tmp_path / "gone.xlsx")
    assert _main(["regenerate", "--out", str(out), "--only", "training"]) == 2
    assert "training.xlsx exists: not overwriting it" in capsys.readouterr().err and (out / "training.xlsx").is_symlink()
    # --check on a file that is no workbook: a line, not a traceback
    (out / "training.xlsx").unlink()
    (out / "training.xlsx").write_text("junk")
    assert _main(["regenerate", "--check", "--out", str(out), "--only", "training"]) == 1
    assert "not a readable workbook" in capsys.readouterr().err
    # recalc --in-place through a symlink updates the file it points to and keeps the link
    book = workbooks.build("us_gap", tmp_path / "u.xlsx")
    link = tmp_path / "link.xlsx"
    link.symlink_to(book)
    before = book.read_bytes()
    assert _main(["recalc", str(link), "--in-place"]) == 0
    assert link.is_symlink() and book.read_bytes() != before


@pytest.mark.parametrize("how", ["sigterm", "swallowed"])
def test_regenerate_stopped_by_kill_or_a_lost_ctrl_c_writes_nothing(how, tmp_path, monkeypatch, capsys):
    """SIGTERM (timeout, systemctl stop) left temp files and hard-link backups in the folder; a Ctrl-C
    that Python discarded inside a __del__ let --force replace the workbooks with exit 0."""
    import signal

    from aipower import _io

    only = ["us_gap", "rack_power", "training"]
    for n in only:
        (tmp_path / f"{n}.xlsx").write_text(f"old {n}")
    calls = []
    real = os.fsync

    def fsync(fd):
        calls.append(fd)
        if len(calls) == 2:
            if how == "sigterm":
                os.kill(os.getpid(), signal.SIGTERM)
            else:
                _io._stop_requested.set()  # what the handler records before its exception is lost
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    handler = signal.getsignal(signal.SIGTERM)
    rc = _main(["regenerate", "--out", str(tmp_path), "--force"] + [a for n in only for a in ("--only", n)])
    assert rc == 130 and "interrupted: nothing written" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{n}.xlsx" for n in only)  # no temp files
    assert all((tmp_path / f"{n}.xlsx").read_text() == f"old {n}" for n in only)
    assert signal.getsignal(signal.SIGTERM) == handler  # the caller's handler is back


@pytest.mark.parametrize("when", ["computing", "writing"])
def test_recalc_stopped_by_a_lost_ctrl_c_or_sigterm_leaves_the_workbook_as_it_was(when, tmp_path, monkeypatch, capsys):
    """A SIGTERM whose KeyboardInterrupt the formula library's weakref finalizers discarded let recalc
    --in-place replace the workbook and exit 0 (2 of 6 nightly stops)."""
    from aipower import _io, recalc, workbooks

    book = workbooks.build("us_gap", tmp_path / "us_gap.xlsx")
    before = book.read_bytes()
    if when == "computing":
        real = recalc.Book.value
        seen, stop_at = [], [3]

        def value(self, *key):
            seen.append(key)
            if len(seen) == stop_at[0]:
                _io._stop_requested.set()  # what the handler records before its exception is lost
            return real(self, *key)

        monkeypatch.setattr(recalc.Book, "value", value)
    else:
        real_fsync = os.fsync

        def fsync(fd):
            _io._stop_requested.set()
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync)
    assert _main(["recalc", str(book), "--in-place"]) == 130
    assert "interrupted" in capsys.readouterr().err
    assert book.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["us_gap.xlsx"]
    if when == "computing":  # stopped at the formula it was computing, not after every formula of the book
        stopped = len(seen)
        _io._stop_requested.clear()
        seen.clear()
        stop_at[0] = 0
        recalc.recalc_file(book, tmp_path / "whole.xlsx")
        assert stopped < len(seen) / 2


def test_a_refused_formula_with_line_breaks_is_one_line_on_stderr(tmp_path, capsys):
    # a long IF laid out with Alt+Enter was quoted over three lines: a log's grep saw fragments
    import openpyxl

    wb = openpyxl.Workbook()
    wb.active["A1"] = "=IF(B1>0,\n  LEN(A2:A3),\n  0)"
    wb.save(tmp_path / "nl.xlsx")
    assert _main(["recalc", str(tmp_path / "nl.xlsx"), "--out", str(tmp_path / "out.xlsx")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("aipower: error: Sheet!A1: =IF(B1>0, ⏎ LEN(A2:A3), ⏎ 0) gives"), err


def test_import_aipower_loads_no_numerics_until_a_name_is_used():
    # `import aipower` (and so the console script's start) defers numpy, pandas and the kernel
    code = ("import sys, aipower; heavy = [m for m in ('numpy', 'pandas', 'aipower._kernel') if m in sys.modules]; "
            "print(heavy); print(aipower.run.__module__, aipower.units.__name__, 'run' in dir(aipower))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == ["[]", "aipower.balance aipower.units True"]


def test_unknown_attribute_of_the_package_is_an_attribute_error():
    import aipower

    with pytest.raises(AttributeError, match="'aipower' has no attribute 'nope'"):
        aipower.nope  # noqa: B018


@pytest.mark.parametrize("stop", [
    "raise KeyboardInterrupt", "os.kill(os.getpid(), signal.SIGTERM)",
    # swallowed by Python (raised in a weakref callback during an import): the command ran and wrote
    "signal.getsignal(signal.SIGINT).__globals__['_stop_requested'].set()",
    # numpy's C import cut short: "ImportError: Unable to import required dependency numpy" and a traceback
    "signal.getsignal(signal.SIGINT).__globals__['_stop_requested'].set(); raise ImportError('cut short')",
])
def test_a_stop_while_the_command_starts_is_one_line_and_exit_130(stop):
    # Ctrl-C (or SIGTERM) while the command line's imports run, as in its first second
    code = ("import os, signal, sys, importlib.abc\n"
            "class Stop(importlib.abc.MetaPathFinder):\n"
            "    def find_spec(self, name, path=None, target=None):\n"
            f"        if name == 'pandas': {stop}\n"
            "sys.meta_path.insert(0, Stop())\n"
            "from aipower._console import main\n"
            "sys.exit(main())\n")
    proc = subprocess.run([sys.executable, "-c", code, "run"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 130
    assert proc.stderr == "aipower: interrupted: nothing written\n"


def test_the_console_script_installs_its_handlers_before_anything_slow():
    # the package's version was read from its metadata as `aipower` was imported, before the console
    # script's handlers, so a Ctrl-C then printed a traceback
    code = "import sys, aipower._console; print('importlib.metadata' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.stdout == "False\n", proc.stderr


def test_a_ctrl_c_after_the_command_finished_keeps_its_exit_status():
    # the handlers were restored before the interpreter's shutdown (a tenth of a second): a Ctrl-C
    # then ended the process by the signal, exit 130 without a word, its files all written
    code = ("import os, signal, sys, time\n"
            "from aipower._console import main\n"
            "status = main()\n"
            "os.kill(os.getpid(), signal.SIGINT)\n"
            "time.sleep(0.2)\n"
            "sys.exit(status)\n")
    proc = subprocess.run([sys.executable, "-c", code, "version"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.startswith("package: ") and proc.stderr == ""


def test_regenerate_check_of_a_file_names_it(tmp_path, capsys):
    # each workbook was reported missing, and the command offered failed with "is a file"
    (tmp_path / "afile").write_text("x")
    assert _main(["regenerate", "--check", "--out", str(tmp_path / "afile")]) == 2
    assert capsys.readouterr().err == f"aipower: error: --out {tmp_path / 'afile'} is a file: expected the folder of workbooks to check\n"


def test_regenerate_says_its_notes_before_writing(tmp_path, monkeypatch, capsys):
    # a Ctrl-C while the notes were worked out, after the workbooks were in place, said "nothing written"
    from aipower import workbooks

    def stop(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(workbooks, "regenerate_notes", stop)
    assert _main(["regenerate", "--out", str(tmp_path / "b"), "--only", "us_gap"]) == 130
    assert capsys.readouterr().err == "aipower: regenerate interrupted: nothing written\n"
    assert not (tmp_path / "b").exists() or not list((tmp_path / "b").iterdir())


def test_python_dash_m_runs_the_command_line():
    proc = subprocess.run([sys.executable, "-m", "aipower", "--version"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and proc.stdout.startswith("aipower "), proc.stderr



def test_a_quoted_tilde_scenario_path_is_the_home_folder(tmp_path, monkeypatch, capsys):
    (tmp_path / "my.toml").write_text('[scenario]\nparent = "ai"\n', encoding="utf-8")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert _main(["run", "--scenario", "~/my.toml"]) == 0  # it was read as a folder named '~'
    assert "coal" in capsys.readouterr().out


def test_version_info_before_anything_read_the_version():
    # the version became lazy: version_info() read the global before __getattr__ ever set it
    code = "import aipower; print(aipower.version_info()['package'] == aipower.__version__)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.stdout == "True\n", proc.stderr


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_an_undecodable_file_name_is_shown_as_given_in_errors_too(tmp_path):
    # stdout showed the bytes, stderr (backslashreplace) showed o\\udcff
    name = os.fsencode(tmp_path) + b"/o\xff.toml"
    proc = subprocess.run([sys.executable, "-m", "aipower", "run", "--scenario", name], capture_output=True, timeout=300,
                          env={**os.environ, "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": ""})
    assert proc.returncode == 2 and b"o\xff.toml" in proc.stderr and b"udcff" not in proc.stderr


@pytest.mark.parametrize("command", [
    ["tables", "--out", "{link}"],
    ["tables", "--out", "{link}/sub"],
    ["regenerate", "--only", "us_gap", "--out", "{link}"],
    ["sweep", "--samples", "64", "--out", "{link}"],
    ["recalc", "{book}", "--out", "{link}/x.xlsx"],
])
def test_an_output_folder_that_is_a_dangling_symlink_is_refused_before_any_work(command, tmp_path, monkeypatch, capsys):
    # the command did all its work (a long sweep), then failed on "dang: File exists"
    from aipower import recalc, sweep, workbooks

    book = workbooks.build("us_gap", tmp_path / "us_gap.xlsx") if "{book}" in command else None
    link = tmp_path / "dang"
    link.symlink_to(tmp_path / "gone")
    monkeypatch.setattr(sweep, "run", lambda *a, **k: pytest.fail("the sweep ran"))
    monkeypatch.setattr(workbooks, "_write", lambda *a: pytest.fail("a workbook was built"))
    monkeypatch.setattr(recalc, "load_book", lambda *a: pytest.fail("the workbook was read"))
    assert _main([a.format(link=link, book=book) for a in command]) == 2
    err = capsys.readouterr().err
    assert err.startswith("aipower: error: --out ") and err.count("\n") == 1
    assert f"{link} is a symbolic link to a missing target ({tmp_path / 'gone'}); expected a folder" in err
    assert not (tmp_path / "gone").exists() and link.is_symlink()


def test_a_folder_where_the_recalculated_workbook_goes_is_named_as_a_folder(tmp_path, capsys):
    # it said "exists: not overwriting it (use --force ...)", and with --force that folders are not replaced
    from aipower import workbooks

    book = workbooks.build("us_gap", tmp_path / "us_gap.xlsx")
    (tmp_path / "dir.xlsx").mkdir()
    for force in ([], ["--force"]):
        assert _main(["recalc", str(book), "--out", str(tmp_path / "dir.xlsx"), *force]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"aipower: error: {tmp_path / 'dir.xlsx'}: a folder where an output file goes") and "use --force" not in err


def test_a_recalculated_copy_over_a_dangling_symlink_needs_force(tmp_path, capsys):
    # the link passed the check (it does not "exist") and failed at the end, as if it had just appeared
    from aipower import workbooks

    book = workbooks.build("us_gap", tmp_path / "us_gap.xlsx")
    link = tmp_path / "copy.xlsx"
    link.symlink_to(tmp_path / "gone.xlsx")
    assert _main(["recalc", str(book), "--out", str(link)]) == 2
    assert capsys.readouterr().err == f"aipower: error: {link} exists: not overwriting it (use --force, or --in-place for the input)\n"


def test_recalc_in_place_with_force_is_refused_not_ignored(tmp_path, capsys):
    from aipower import workbooks

    book = workbooks.build("us_gap", tmp_path / "us_gap.xlsx")
    before = book.read_bytes()
    assert _main(["recalc", str(book), "--in-place", "--force"]) == 2
    assert capsys.readouterr().err == ("aipower: error: --force: --in-place already replaces BOOK.xlsx; --force goes "
                                       "with --out, to replace OUT.xlsx\n")
    assert book.read_bytes() == before


def test_recalc_in_place_in_a_folder_it_cannot_write_names_in_place(tmp_path, monkeypatch, capsys):
    # "--out /path: cannot create files there (Read-only file system)": the user gave no --out
    import errno

    from aipower import workbooks

    book = workbooks.build("us_gap", tmp_path / "us_gap.xlsx")
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and os.path.dirname(os.fspath(path)) == str(tmp_path):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    assert _main(["recalc", str(book), "--in-place"]) == 2
    assert capsys.readouterr().err == (f"aipower: error: --in-place {book}: cannot create files in {tmp_path} "
                                       "(Read-only file system); expected a writable folder\n")


class _FullStdout(io.StringIO):
    """Standard output on a full disk (`> /dev/full`)."""

    def write(self, text):
        raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("command, written", [
    (["regenerate", "--only", "us_gap", "--out", "{tmp}/full"], "; the file is written ({tmp}/full/us_gap.xlsx)"),
    (["recalc", "{tmp}/us_gap.xlsx", "--out", "{tmp}/full/r.xlsx"], "; the file is written ({tmp}/full/r.xlsx)"),
    (["tables", "--out", "{tmp}/full"], "; the files are written (13 in {tmp}/full)"),
    (["version"], ""),
])
def test_a_failed_write_to_standard_output_is_not_blamed_on_the_files(command, written, tmp_path, monkeypatch, capsys):
    # "aipower: error: full: No space left on device", though the files were written
    from aipower import workbooks

    workbooks.build("us_gap", tmp_path / "us_gap.xlsx")
    monkeypatch.setattr(sys, "stdout", _FullStdout())
    assert _main([a.format(tmp=tmp_path) for a in command]) == 2
    err = capsys.readouterr().err
    assert err == f"aipower: error: standard output: cannot write to it (No space left on device){written.format(tmp=tmp_path)}\n"
    files = 13 if command[0] == "tables" else 1 if written else 0
    assert len(list((tmp_path / "full").iterdir()) if files else []) == files


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
def test_standard_output_on_a_full_device_says_so():
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "aipower", "version"], stdout=full, stderr=subprocess.PIPE,
                              text=True, timeout=300)
    assert proc.returncode == 2
    assert proc.stderr == "aipower: error: standard output: cannot write to it (No space left on device)\n"


@pytest.mark.skipif(not os.path.exists("/dev/full"), reason="no /dev/full")
@pytest.mark.parametrize("command, status", [(["run", "--base-year", "1800"], 2), (["params", "--scenario", "nope"], 2),
                                             (["version"], 0)])
def test_standard_error_on_a_full_device_keeps_the_exit_status(command, status):
    # the message printed on the way out raised too: exit status 1, the code of a stale workbook for
    # `regenerate --check`, whatever had happened
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "aipower", *command], stdout=subprocess.PIPE, stderr=full,
                              text=True, timeout=300)
    assert proc.returncode == status


@pytest.mark.skipif(os.name != "posix", reason="a closed standard output is a POSIX shell's `>&-`")
def test_a_closed_standard_output_says_so():
    # Python starts with sys.stdout None and print() dropped the table: exit status 0, nothing shown
    proc = subprocess.run([sys.executable, "-m", "aipower", "run"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, timeout=300, preexec_fn=lambda: os.close(1))
    assert proc.returncode == 2
    assert proc.stderr == "aipower: error: standard output: cannot write to it (Bad file descriptor)\n"


@pytest.mark.skipif(os.name != "posix", reason="a closed standard error is a POSIX shell's `2>&-`")
def test_a_closed_standard_error_keeps_messages_out_of_the_output(tmp_path):
    # sys.stderr None: a sweep's progress check failed (exit 1, nothing written), and print(file=None)
    # put notes and errors on standard output, in the data
    def closed_stderr():
        os.close(2)

    run = lambda *argv: subprocess.run([sys.executable, "-m", "aipower", *argv], stdout=subprocess.PIPE, text=True,
                                       timeout=300, preexec_fn=closed_stderr)  # noqa: E731
    sweep = run("sweep", "--samples", "10", "--out", str(tmp_path / "s"))
    assert sweep.returncode == 0 and (tmp_path / "s" / "tornado.csv").exists()
    bad = run("tables", "--out", str(tmp_path / "s" / "tornado.csv"))
    assert bad.returncode == 2 and bad.stdout == ""
    regenerate = run("regenerate", "--out", str(tmp_path / "wb"), "--only", "sweep")  # its note goes to stderr
    assert regenerate.returncode == 0 and "note" not in regenerate.stdout and "sweep.xlsx" in regenerate.stdout


def test_an_abbreviated_option_is_not_taken_for_a_destructive_one(tmp_path, capsys):
    # argparse's prefix matching read --fo as --force and --in as --in-place
    (tmp_path / "tb").mkdir()
    with pytest.raises(SystemExit) as exit_:
        _main(["tables", "--out", str(tmp_path / "tb"), "--fo"])
    assert exit_.value.code == 2 and "unrecognized arguments: --fo" in capsys.readouterr().err
    from aipower import workbooks

    book = workbooks.build("us_gap", tmp_path / "b.xlsx")
    before = book.read_bytes()
    with pytest.raises(SystemExit) as exit_:
        _main(["recalc", str(book), "--in"])
    assert exit_.value.code == 2 and book.read_bytes() == before


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["sweep", "--help"]])
def test_help_and_version_on_a_full_standard_output_say_so(argv, monkeypatch, capsys):
    # argparse drops the write error of its own output: exit status 0, nothing written, no word
    monkeypatch.setattr(sys, "stdout", _FullStdout())
    assert _main(argv) == 2
    assert capsys.readouterr().err == "aipower: error: standard output: cannot write to it (No space left on device)\n"


class _ClosedPipe(io.StringIO):
    """Standard output piped into `head`, closed early."""

    def write(self, text):
        raise BrokenPipeError(errno.EPIPE, "Broken pipe")


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_help_and_version_into_a_closed_pipe_exit_0_without_a_traceback(argv, monkeypatch):
    # the probe above re-raised the BrokenPipeError, which escaped main() as a traceback, exit status 1
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    monkeypatch.setattr(sys, "stderr", io.StringIO())  # closed, as for every command's output into `| head`
    assert _main(argv) == 0


def test_help_and_version_still_print_and_exit_0(capsys):
    with pytest.raises(SystemExit) as info:
        _main(["--version"])
    assert info.value.code == 0 and capsys.readouterr().out.startswith("aipower ")


def test_a_quoted_tilde_output_folder_is_the_home_folder(tmp_path, monkeypatch, capsys):
    # '~/wbx' in quotes (a crontab) made a folder named '~' in the current folder
    from aipower import workbooks

    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    assert _main(["tables", "--out", "~/wbx"]) == 0
    assert (tmp_path / "home" / "wbx" / "demand.csv").exists() and not (tmp_path / "~").exists()
    workbooks.build("us_gap", tmp_path / "home" / "us_gap.xlsx")
    assert _main(["recalc", "~/us_gap.xlsx", "--out", "~/r/us_gap.xlsx"]) == 0
    assert (tmp_path / "home" / "r" / "us_gap.xlsx").exists() and not (tmp_path / "~").exists()


@pytest.mark.parametrize("command", [
    ["run"], ["params"], ["tables", "--out", "{tmp}/t"], ["sweep", "--samples", "64", "--out", "{tmp}/s"],
    ["regenerate", "--only", "us_gap", "--out", "{tmp}/r"], ["regenerate", "--check", "--only", "us_gap", "--out", "{tmp}"],
])
@pytest.mark.parametrize("year, expected", [
    ("2023", "expected a base year for which every actual the scenario starts from exists: 2024-2034"),
    ("2040", "expected a base year before horizon.end_year = 2035: 2024-2034"),
])
def test_a_base_year_refused_is_named_by_the_option(command, year, expected, tmp_path, capsys):
    # "override: horizon.base_year = 2023: ...": the user gave --base-year; `params` took any year
    assert _main([a.format(tmp=tmp_path) for a in command] + ["--base-year", year]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"aipower: error: --base-year {year}: {expected}"), captured.err
    assert captured.out == "" and sorted(p.name for p in tmp_path.iterdir()) == []


@pytest.mark.parametrize("argv, words", [
    (["sweep", "--samples", "1e3", "--out", "x"], "aipower sweep: error: argument --samples: '1e3' is not an integer"),
    (["run", "--base-year", "2025年"], "aipower run: error: argument --base-year: '2025年' is not a year; expected a "
                                       "whole number such as 2025"),
    (["sweep", "--tornado-year", "x", "--out", "x"], "aipower sweep: error: argument --tornado-year: 'x' is not a year"),
    (["bogus"], "aipower: error: argument command: invalid choice: 'bogus'"),
    (["run", "--fo"], "aipower: error: unrecognized arguments: --fo"),
])
def test_a_command_line_mistake_is_one_line_like_every_other_error(capsys, argv, words):
    # argparse printed its usage block first: seven lines for a typo
    with pytest.raises(SystemExit) as stop:
        main(argv)
    err = capsys.readouterr().err
    assert stop.value.code == 2 and err.count("\n") == 1 and err.startswith(words), err
    assert err.rstrip().endswith("--help`)")


@pytest.mark.parametrize("command, module", [(["functions", "--builtins"], "formulas"),
                                             (["regenerate", "--out", "{tmp}/wb"], "xlsxwriter"),
                                             (["recalc", "{tmp}/x.xlsx", "--out", "{tmp}/y.xlsx"], "formulas")])
def test_a_command_without_its_extra_says_what_to_install(command, module, tmp_path, capsys, monkeypatch):
    # `functions --builtins` without the excel extra ended in a ModuleNotFoundError traceback
    import builtins

    real_import = builtins.__import__

    def no_extra(name, *args, **kwargs):
        if name == module or name.startswith(module + "."):
            raise ModuleNotFoundError(f"No module named '{module}'", name=module)
        return real_import(name, *args, **kwargs)

    for loaded in [m for m in sys.modules if m == module or m.startswith((module + ".", "aipower.recalc",
                                                                         "aipower.workbooks", "aipower._build"))]:
        monkeypatch.delitem(sys.modules, loaded)
        if loaded.startswith("aipower."):  # `from . import recalc` takes the package's attribute first
            monkeypatch.delattr(sys.modules["aipower"], loaded.split(".")[1], raising=False)
    monkeypatch.setattr(builtins, "__import__", no_extra)
    assert main([c.format(tmp=tmp_path) for c in command]) == 2
    err = capsys.readouterr().err
    assert err.startswith('aipower: error: the Excel commands need the excel extra: pip install ".[excel]"')
    assert f"No module named '{module}'" in err


def test_a_formulas_version_the_engine_cannot_use_is_named_with_what_to_install(tmp_path, capsys, monkeypatch):
    # formulas 1.3.0 met the extra's old bound (>=1.2): regenerate then refused the shipped template's own
    # formula ("OperatorToken.process() got an unexpected keyword argument 'parser'")
    import importlib.metadata

    real_version = importlib.metadata.version
    monkeypatch.setattr(importlib.metadata, "version", lambda name: "1.3.0" if name == "formulas" else real_version(name))
    for loaded in [m for m in sys.modules if m.startswith(("aipower.recalc", "aipower.workbooks"))]:
        monkeypatch.delitem(sys.modules, loaded)
        monkeypatch.delattr(sys.modules["aipower"], loaded.split(".")[1], raising=False)
    with pytest.raises(ImportError, match=r"aipower.recalc \(recalc, regenerate\) needs the excel extra: pip install "
                                          r"\"\.\[excel\]\" .*: the formula engine needs formulas >=1\.3\.1,<1\.4; this "
                                          r"Python has formulas 1\.3\.0"):
        import aipower.workbooks  # noqa: F401
    assert main(["regenerate", "--out", str(tmp_path / "wb")]) == 2
    assert capsys.readouterr().err == ('aipower: error: the Excel commands need the excel extra: pip install ".[excel]" '
                                       'in the aipower checkout (or "aipower-VERSION-….whl[excel]" for the wheel '
                                       'installed) (the formula engine needs formulas >=1.3.1,<1.4; this Python has '
                                       'formulas 1.3.0)\n')
    assert not (tmp_path / "wb").exists()


def test_the_engine_s_formulas_versions_are_the_excel_extra_s():
    from pathlib import Path

    from aipower.recalc import FORMULAS_VERSIONS
    from aipower.scenario import tomllib

    project = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    low, high = (".".join(map(str, v)) for v in FORMULAS_VERSIONS)
    assert f"formulas>={low},<{high}" in project["project"]["optional-dependencies"]["excel"]


def test_tables_record_what_produced_them(tmp_path, capsys):
    """tables.json names the versions, the scenario's files with their SHA-256, the base year and the
    overrides: two runs whose CSVs differ can be told apart from their folders alone."""
    import hashlib

    import aipower
    from aipower.scenario import load_scenario

    own = tmp_path / "mine.toml"
    own.write_text('[scenario]\nparent = "ai"\n\n[supply.coal]\nretirements = { value = 5, unit = "GW/yr", source = "test" }\n')
    assert main(["tables", "--scenario", str(own), "--base-year", "2025", "--out", str(tmp_path / "a")]) == 0
    record = json.loads((tmp_path / "a" / "tables.json").read_text())
    provenance = record["provenance"]
    assert provenance["aipower"] == aipower.version_info() and record["scenario"] == "mine"
    assert record["base_year"] == 2025 and provenance["scenario"]["base_year"] == 2025
    assert provenance["scenario"]["overrides"] == {"horizon.base_year": {"value": 2025, "unit": "year"}}
    files = provenance["scenario"]["files"]
    # the shipped files by their place in the package (no machine path), the user's own as given
    assert [f["path"] for f in files[:-1]] == [f"aipower/scenarios/{n}" for n in ("calculators.toml", "base.toml", "ai.toml")]
    assert files[-1] == {"path": str(own.resolve()), "sha256": hashlib.sha256(own.read_bytes()).hexdigest()}
    for f, path in zip(files, load_scenario(own).files):
        assert f["sha256"] == hashlib.sha256(Path(path).read_bytes()).hexdigest()
    assert record["files"] == sorted([*(p.name for p in (tmp_path / "a").glob("*.csv")), "tables.json"])
    assert record["units"] == {"loss_factor": "fraction"}
    # every assumption read, where it was set: the file's own change though the file is edited or lost
    read = provenance["scenario"]["assumptions"]
    assert read["supply.coal.retirements"] == {"value": 5, "unit": "GW/yr", "set_in": f"{own.resolve()}:5"}
    assert read["renewables.target_share"]["set_in"].startswith("aipower/scenarios/base.toml:")
    assert set(read) == set(load_scenario(own).keys())
    package = os.path.dirname(aipower.__file__)
    assert record["notes"] and not any(package in n for n in record["notes"])
    # the same folder again: the record is one of the files kept without --force
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "tables.json").write_text("mine")
    assert main(["tables", "--out", str(tmp_path / "b")]) == 2
    assert "tables.json" in capsys.readouterr().err and (tmp_path / "b" / "tables.json").read_text() == "mine"


def test_the_package_folder_is_not_written_out_when_reached_through_a_link(monkeypatch):
    # an environment reached through a symlink (or a mapped drive) named its files unresolved: the full
    # machine path, user name included, went into tables.json; and with \ on Windows, / elsewhere
    from aipower import scenario
    linked = os.path.join(os.sep, "home", "ana", "venvlink", "site-packages", "aipower") + os.sep
    monkeypatch.setattr(scenario, "_PACKAGE_DIRS", [linked, *scenario._PACKAGE_DIRS])
    given = f"{linked}scenarios{os.sep}base.toml:12: x; {scenario._PACKAGE_DIRS[-1]}data{os.sep}a.csv:3"
    assert scenario.shown_paths(given) == "aipower/scenarios/base.toml:12: x; aipower/data/a.csv:3"
    assert str(Path(scenario.__file__).resolve().parent) + os.sep in scenario._PACKAGE_DIRS


def test_control_characters_from_a_received_scenario_are_printed_written_out(tmp_path, capsys):
    """A scenario's name or a source holding ESC sequences cleared the screen and set the window title
    through `run` and `params`; an error quoting it did the same on standard error."""
    esc = tmp_path / "esc.toml"
    esc.write_text('[scenario]\nparent = "base"\nname = "x\\u001b[2J\\u001b]0;owned\\u0007"\n[demand]\n'
                   'ev_tertiary_share = { value = 0.5, unit = "fraction", source = "s\\u001b[5mblink" }\n', encoding="utf-8")
    assert main(["run", "--scenario", str(esc)]) == 0
    assert main(["params", "--scenario", str(esc)]) == 0
    assert main(["run", "--scenario", str(esc), "--base-year", "1800"]) == 2
    out, err = capsys.readouterr()
    assert "scenario 'x\\x1b[2J\\x1b]0;owned\\x07'" in out and "s\\x1b[5mblink" in out
    assert not any(c in out + err for c in "\x1b\x07") and "\n" in out



def test_every_number_params_prints_carries_back_as_an_override_with_its_unit(capsys):
    # xladdin/README.md: carrying a value from `aipower params` with its unit is the safe way;
    # 1.275 kW per accelerator was refused as ambiguous (2.880 is 2880 in some locales)
    assert main(["params"]) == 0
    lines = re.findall(r"^([\w.]+) = ([-\d.e+]+|\[[-\d.e+, ]+\]) \[([^\]]+)\] — ", capsys.readouterr().out, re.M)
    assert len(lines) > 100
    base = load_scenario("base")
    for key, value, unit in lines:
        if value.startswith("["):
            continue  # a [low, high] pair is a list, not text with a unit
        carried = load_scenario("base", overrides={key: f"{value} {unit}"})
        assert carried.get(key) == pytest.approx(base.get(key), rel=1e-15), key
    assert ("token_cost.it_power_kw", "1.2750", "kW per accelerator") in lines
