import csv
import os
import subprocess
import sys

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
        with open(tmp_path / f"{name}.csv", newline="", encoding="utf-8-sig") as fh:
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
    # A byte-order mark, so Excel reads the text as UTF-8 and not in the system's code page
    raw = (tmp_path / "dc_capex.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and "亿kWh".encode() in raw


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
