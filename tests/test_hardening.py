"""Hardening: a writer killed mid-write leaves the previous file intact; concurrent
calls give the same results as serial ones; inputs past the model's limits are refused."""

from __future__ import annotations

import os
from pathlib import Path
import signal
import subprocess
import sys
import textwrap
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pytest

import aipower
from aipower import rack_power
from aipower._io import OutputExistsError, atomic_write, atomic_write_text

SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    from aipower._io import atomic_write

    def write(tmp):
        with open(tmp, "w") as fh:
            fh.write("partial new content\\n")
            fh.flush()
            print("writing", flush=True)
            time.sleep(60)  # killed here
            fh.write("never\\n")

    atomic_write(sys.argv[1], write, overwrite=True)
    """
)


def test_a_killed_writer_leaves_the_previous_file_intact(tmp_path):
    target = tmp_path / "table.csv"
    target.write_text("previous content\n")
    proc = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"  # the temp file is half written now
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
        proc.stdout.close()
    assert target.read_text() == "previous content\n"
    leftovers = [p for p in tmp_path.iterdir() if p.name != "table.csv"]
    assert all(p.name.startswith(".table.csv.") and p.suffix == ".tmp" for p in leftovers)  # never the target


def test_an_exception_mid_write_removes_the_temp_file(tmp_path):
    target = tmp_path / "out.txt"
    target.write_text("keep")

    def failing(tmp):
        tmp.write_text("half")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_write(target, failing, overwrite=True)
    assert target.read_text() == "keep"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def test_existing_files_are_not_overwritten_without_permission(tmp_path):
    target = tmp_path / "mine.txt"
    target.write_text("user's own")
    with pytest.raises(OutputExistsError, match="not overwriting"):
        atomic_write_text(target, "new")
    assert target.read_text() == "user's own"
    atomic_write_text(target, "new", overwrite=True)
    assert target.read_text() == "new"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_written_files_get_the_umask_permissions_and_replaced_files_keep_theirs(tmp_path):
    old_umask = os.umask(0o022)
    try:
        fresh = atomic_write_text(tmp_path / "new.csv", "x")
    finally:
        os.umask(old_umask)
    assert fresh.stat().st_mode & 0o777 == 0o644  # not tempfile's 0600: others on a server can read it
    mine = tmp_path / "mine.csv"
    mine.write_text("old")
    mine.chmod(0o640)
    atomic_write_text(mine, "new", overwrite=True)
    assert mine.stat().st_mode & 0o777 == 0o640 and mine.read_text() == "new"


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_file_is_private_while_written_and_a_link_s_target_gives_nothing(tmp_path):
    """Replacing a 0600 file, the new content was readable by all until the end; a symbolic link planted
    where the output goes gave the output its target's mode (0666) and owner."""
    from aipower._io import atomic_write

    secret = tmp_path / "secret.csv"
    secret.write_text("old")
    secret.chmod(0o600)
    seen = []
    atomic_write(secret, lambda tmp: (tmp.write_text("new"), seen.append(tmp.stat().st_mode & 0o777)), overwrite=True)
    assert seen == [0o600] and secret.stat().st_mode & 0o777 == 0o600 and secret.read_text() == "new"

    planted = tmp_path / "planted.csv"
    planted.write_text("theirs")
    planted.chmod(0o666)
    link = tmp_path / "out.csv"
    link.symlink_to(planted)
    old_umask = os.umask(0o022)
    try:
        atomic_write(link, lambda tmp: tmp.write_text("mine"), overwrite=True)
    finally:
        os.umask(old_umask)
    assert not link.is_symlink() and link.stat().st_mode & 0o777 == 0o644 and link.read_text() == "mine"
    assert planted.read_text() == "theirs"  # replaced the link, not written through it


def test_the_temp_file_is_synced_through_a_writable_handle(tmp_path, monkeypatch):
    fcntl = pytest.importorskip("fcntl")
    modes = []
    real_fsync = os.fsync

    def fsync(fd):
        modes.append(fcntl.fcntl(fd, fcntl.F_GETFL) & os.O_ACCMODE)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    atomic_write_text(tmp_path / "out.txt", "x")
    assert modes and os.O_RDONLY not in modes  # Windows' fsync (_commit) refuses a read-only handle


def test_a_target_held_open_elsewhere_is_named_and_left_intact(tmp_path, monkeypatch):
    target = tmp_path / "book.xlsx"
    target.write_text("user's")

    def held(src, dst):  # what Windows does while Excel has the file open
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(os, "replace", held)
    with pytest.raises(PermissionError, match=r"book.xlsx: cannot replace it .*open in Excel or another program, close it"):
        atomic_write_text(target, "new", overwrite=True)
    assert target.read_text() == "user's" and sorted(p.name for p in tmp_path.iterdir()) == ["book.xlsx"]


def _refuse_open(monkeypatch, refused, error: OSError) -> None:
    """os.open raises an error like `error` (its errno and text, with the path) for paths `refused(path)`
    holds of: a folder that refuses files, whatever user the tests run as."""
    real_open = os.open

    def fake_open(path, *args, **kwargs):
        if refused(path):
            raise type(error)(error.errno, error.strerror, str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", fake_open)


def test_an_unwritable_folder_is_named(tmp_path, monkeypatch):
    # a folder without write permission (tests may run as root)
    _refuse_open(monkeypatch, lambda path: str(path).endswith(".tmp"), PermissionError(13, "Permission denied"))
    with pytest.raises(PermissionError) as info:
        atomic_write_text(tmp_path / "out.csv", "x")
    assert str(info.value).endswith(f"{tmp_path}: cannot write there (Permission denied)")  # not the temp file's name
    assert ".tmp" not in str(info.value) and not (tmp_path / "out.csv").exists()


def test_concurrent_runs_equal_serial_runs():
    """The kernel releases the GIL; threads must not share state."""
    cases = [("base", {}), ("ai", {}), ("base", {"renewables.target_share": 0.28}), ("ai", {"horizon.end_year": 2030})]
    serial = [aipower.run(name, overrides=o).hours for name, o in cases]
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = [pool.submit(lambda c: aipower.run(c[0], overrides=c[1]).hours, case) for case in cases * 3]
        parallel = [f.result() for f in futures]
    for i, frame in enumerate(parallel):
        expected = serial[i % len(cases)]
        np.testing.assert_array_equal(frame.to_numpy(), expected.to_numpy())


def test_concurrent_calculator_calls_equal_serial():
    voltages = np.linspace(48, 1000, 50)
    serial = rack_power.loss_fraction(power_w=1e6, voltage_v=voltages, mass_kg=200.0)
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: rack_power.loss_fraction(power_w=1e6, voltage_v=voltages, mass_kg=200.0), range(8)))
    for r in results:
        np.testing.assert_array_equal(r, serial)


@pytest.mark.parametrize("overrides, message", [
    ({"horizon.end_year": 2101}, "end_year = 2101"),
    ({"horizon.end_year": 2500}, "end_year = 2500"),
    ({"renewables.target_year": 1e12}, "expected a year"),
])
def test_limits_are_refused_with_a_message(overrides, message):
    with pytest.raises(ValueError, match=message):
        aipower.run("base", overrides=overrides)


def test_huge_paths_are_refused_not_attempted():
    from aipower import dc_power, us_gap

    with pytest.raises(ValueError, match="n = 1000000000: expected a number of years in 0-200"):
        dc_power.intensity_path(start=1.0, annual_change=-0.1, n=10**9)
    with pytest.raises(ValueError, match="years = 1000000: expected a number of years in 1-200"):
        us_gap.cumulative_gap(gap_gw_per_year=20.0, years=10**6)


@pytest.mark.parametrize("value", [float("nan"), float("inf")])
def test_a_fixed_loss_factor_that_is_not_finite_is_refused_not_calibrated(value):
    # NaN is the kernel's "calibrate": given as a fixed factor it ran silently on the calibrated one
    with pytest.raises(ValueError, match=r"balance.loss_factor = (nan|inf): expected a finite fraction"):
        aipower.run("base", balance__loss_factor_mode="fixed", balance__loss_factor=value)


def test_a_read_only_folder_is_named_not_the_temp_file(tmp_path, monkeypatch):
    # a read-only mount refuses with EROFS, an OSError that is not a PermissionError
    import errno

    _refuse_open(monkeypatch, lambda path: str(path).endswith(".tmp"), OSError(errno.EROFS, "Read-only file system"))
    with pytest.raises(OSError) as info:
        atomic_write_text(tmp_path / "demand.csv", "x")
    assert str(info.value).endswith(f"{tmp_path}: cannot write there (Read-only file system)")
    assert ".tmp" not in str(info.value) and list(tmp_path.iterdir()) == []


def test_check_targets_refuses_a_folder_it_cannot_create_files_in(tmp_path, monkeypatch):
    from aipower._io import check_targets

    check_targets([tmp_path / "a.csv", tmp_path / "new" / "b.csv"])  # writable: nothing left behind
    assert list(tmp_path.iterdir()) == []
    _refuse_open(monkeypatch, lambda path: os.path.dirname(os.fspath(path)) == str(tmp_path),
                 PermissionError(13, "Permission denied"))
    with pytest.raises(PermissionError) as info:
        check_targets([tmp_path / "new" / "b.csv"], arg="--dir")
    assert str(info.value) == (f"--dir {tmp_path / 'new'}: cannot create files in {tmp_path} (Permission denied); "
                               "expected a writable folder")


def test_atomic_write_all_writes_every_file_or_none(tmp_path):
    from aipower._io import atomic_write_all

    out = tmp_path / "out"
    out.mkdir()
    kept = out / "kept.csv"
    kept.write_text("previous")
    kept.chmod(0o640)
    inode = kept.stat().st_ino
    (tmp_path / "elsewhere.csv").write_text("linked")
    (out / "link.csv").symlink_to(tmp_path / "elsewhere.csv")

    def fails(tmp):
        raise RuntimeError("disk full")

    writes = {out / "new.csv": lambda tmp: tmp.write_text("new"), kept: lambda tmp: tmp.write_text("new"),
              out / "link.csv": lambda tmp: tmp.write_text("new"), out / "sub" / "deeper.csv": lambda tmp: tmp.write_text("new"),
              out / "last.csv": fails}
    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write_all(writes, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["kept.csv", "link.csv"]  # no temp file, no new folder
    assert kept.read_text() == "previous" and kept.stat().st_ino == inode and kept.stat().st_mode & 0o777 == 0o640
    assert (out / "link.csv").is_symlink() and (tmp_path / "elsewhere.csv").read_text() == "linked"
    with pytest.raises(OutputExistsError, match="kept.csv"):
        atomic_write_all({out / "other.csv": lambda tmp: tmp.write_text("x"), kept: lambda tmp: tmp.write_text("x")})
    assert not (out / "other.csv").exists()
    writes[out / "last.csv"] = lambda tmp: tmp.write_text("new")
    assert atomic_write_all(writes, overwrite=True) == list(writes)
    assert all(p.read_text() == "new" for p in writes) and kept.stat().st_mode & 0o777 == 0o640
    assert not [p for p in out.rglob(".*")]


def test_a_folder_turned_read_only_mid_write_keeps_its_error_and_names_what_is_left(tmp_path, monkeypatch):
    # the temporary file's unlink, refused, replaced the error ("….tmp: Permission denied"), and the
    # undo stopped before it could say what it left
    from pathlib import Path

    from aipower._io import atomic_write_all
    from aipower.cli import error_text

    (tmp_path / "kept.csv").write_text("previous")

    def read_only(tmp):
        monkeypatch.setattr(Path, "unlink", lambda self, missing_ok=False: (_ for _ in ()).throw(
            PermissionError(13, "Permission denied", str(self))))
        raise PermissionError(13, "Permission denied", str(tmp_path))

    writes = {tmp_path / "kept.csv": lambda tmp: tmp.write_text("new"), tmp_path / "b.csv": read_only}
    with pytest.raises(PermissionError) as info:
        atomic_write_all(writes, overwrite=True)
    monkeypatch.undo()
    left = info.value.aipower_left
    assert info.value.filename == str(tmp_path) and left and all(p.name.endswith(".tmp") for p in left)
    assert (tmp_path / "kept.csv").read_text() == "previous"
    assert error_text(info.value) == (f"{tmp_path}: Permission denied; could not remove or restore "
                                      f"{', '.join(map(str, left))}")


@pytest.mark.skipif(sys.platform == "win32", reason="os.kill(SIGINT) to itself is a POSIX signal")
def test_a_second_ctrl_c_does_not_cut_the_undoing_short(tmp_path, monkeypatch):
    from aipower._io import atomic_write_all

    names = ["a.csv", "b.csv", "c.csv"]
    for name in names:
        (tmp_path / name).write_text(f"old {name}")
    real_replace = os.replace
    placed, undone = [], []

    def replace(src, dst):
        if Path(dst).name == "c.csv" and not undone:  # the last rename into place fails ...
            undone.append(None)
            raise RuntimeError("disk full")
        if undone:  # ... and a Ctrl-C comes again as the first replaced file is put back
            if len(undone) == 1:
                os.kill(os.getpid(), signal.SIGINT)
            undone.append(dst)
        else:
            placed.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)
    writes = {tmp_path / name: (lambda tmp: tmp.write_text("new")) for name in ["a.csv", "new.csv", "b.csv", "c.csv"]}
    with pytest.raises(KeyboardInterrupt):  # held until every file is back
        atomic_write_all(writes, overwrite=True)
    assert len(placed) == 3 and len(undone) == 3  # a, new and b went in; a and b were put back
    assert sorted(p.name for p in tmp_path.iterdir()) == names
    assert all((tmp_path / name).read_text() == f"old {name}" for name in names)


def test_a_file_that_appears_while_the_command_runs_is_neither_replaced_nor_removed(tmp_path):
    """A user's file saved (or a second run's output) at a target after the start-up check was
    overwritten without --force, and deleted when the run failed or was interrupted."""
    from aipower._io import OutputExistsError, atomic_write_all

    def theirs_appears(tmp):  # while this command writes, someone saves b.csv
        (tmp_path / "b.csv").write_text("my own work")
        tmp.write_text("new")

    writes = {tmp_path / "a.csv": lambda tmp: tmp.write_text("new"), tmp_path / "b.csv": theirs_appears}
    with pytest.raises(OutputExistsError, match=r"b\.csv exists: it appeared while this command ran; not overwriting"):
        atomic_write_all(writes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv"]  # a.csv, already in place, was taken back
    assert (tmp_path / "b.csv").read_text() == "my own work"

    (tmp_path / "b.csv").unlink()

    def fails(tmp):
        raise RuntimeError("disk full")

    writes = {tmp_path / "a.csv": lambda tmp: tmp.write_text("new"), tmp_path / "b.csv": theirs_appears,
              tmp_path / "c.csv": fails}
    with pytest.raises(RuntimeError, match="disk full"):
        atomic_write_all(writes)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.csv"]  # undoing removed only what the command wrote
    assert (tmp_path / "b.csv").read_text() == "my own work"


def test_a_failed_single_write_removes_the_folders_it_made(tmp_path):
    """workbooks.build into new nested folders that then failed left the empty folders behind."""
    from aipower._io import atomic_write

    def fails(tmp):
        raise ValueError("the builder refused")

    target = tmp_path / "a" / "b" / "book.xlsx"
    with pytest.raises(ValueError, match="refused"):
        atomic_write(target, fails)
    assert list(tmp_path.iterdir()) == []


def test_a_distribution_built_without_validation_is_refused_not_a_crash():
    """Distribution.normal(0, -1).quantile(...) recursed until the stack overflowed: the process died."""
    from aipower._kernel import sweep as k

    with pytest.raises(ValueError, match="distribution.sd = -1"):
        k.Distribution.normal(0.0, -1.0).quantile(0.5)


def test_a_long_valid_name_gets_a_temporary_name_the_file_system_takes(tmp_path):
    from aipower._io import atomic_write_all

    target = tmp_path / ("b" * 245 + ".xlsx")  # 250 bytes: valid, but '.NAME.xxxxxxxx.tmp' was not
    atomic_write_all({target: lambda tmp: tmp.write_text("new")})
    assert target.read_text() == "new"
    atomic_write_all({target: lambda tmp: tmp.write_text("newer")}, overwrite=True)  # its backup link too
    assert [p.name for p in tmp_path.iterdir()] == [target.name] and target.read_text() == "newer"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="only root may give a file to another user")
def test_a_replaced_file_keeps_its_owner(tmp_path):
    from aipower._io import atomic_write

    target = tmp_path / "theirs.csv"
    target.write_text("old")
    os.chown(target, 65534, 65534)
    os.chmod(target, 0o640)
    atomic_write(target, lambda tmp: tmp.write_text("new"), overwrite=True)
    st = os.stat(target)
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (65534, 65534, 0o640) and target.read_text() == "new"


def test_a_stop_discarded_inside_a_destructor_prints_no_traceback(capsys):
    import gc

    from aipower._io import raise_if_stopped, stop_signals_handled

    class StoppedWhileCollected:
        def __del__(self):
            raise KeyboardInterrupt  # as a Ctrl-C landing in a library's __del__ does

    with stop_signals_handled():
        StoppedWhileCollected()
        gc.collect()
        raise_if_stopped()  # (the signal handler, not __del__, remembers a real stop)
    assert "Exception ignored" not in capsys.readouterr().err


def test_check_targets_refuses_a_symlink_to_a_missing_folder(tmp_path):
    # it passed (the link does not "exist"), and the write failed at the end with "File exists"
    from aipower._io import check_targets

    link = tmp_path / "dang"
    link.symlink_to(tmp_path / "gone")
    for target in (link / "a.csv", link / "sub" / "a.csv"):
        with pytest.raises(ValueError) as info:
            check_targets([target], arg="--dir")
        assert str(info.value) == (f"--dir {target.parent}: {link} is a symbolic link to a missing target "
                                   f"({tmp_path / 'gone'}); expected a folder (created if missing) or a link to one")
    (tmp_path / "gone").mkdir()
    check_targets([link / "sub" / "a.csv"])  # a link to a folder is one


def test_check_targets_names_the_target_it_is_told_to(tmp_path, monkeypatch):
    # recalc --in-place named a "--out" the user never gave
    from aipower._io import check_targets

    _refuse_open(monkeypatch, lambda path: os.path.dirname(os.fspath(path)) == str(tmp_path),
                 OSError(30, "Read-only file system"))
    with pytest.raises(OSError) as info:
        check_targets([tmp_path / "book.xlsx"], overwrite=True, named="--in-place book.xlsx")
    assert str(info.value) == f"--in-place book.xlsx: cannot create files in {tmp_path} (Read-only file system); expected a writable folder"


def test_existing_targets_are_named_in_the_singular_or_plural(tmp_path):
    from aipower._io import atomic_write_all, check_targets, text_writer

    (tmp_path / "a.csv").write_text("a")
    with pytest.raises(OutputExistsError, match=r"a\.csv exists: not overwriting it \(use --force to replace it\)$"):
        check_targets([tmp_path / "a.csv", tmp_path / "b.csv"])
    (tmp_path / "b.csv").write_text("b")
    with pytest.raises(OutputExistsError, match=r"b\.csv exist: not overwriting them \(use --force to replace them\)$"):
        check_targets([tmp_path / "a.csv", tmp_path / "b.csv"])
    with pytest.raises(OutputExistsError, match=r"a\.csv exists: not overwriting it \(use --force / overwrite=True"):
        atomic_write_all({tmp_path / "a.csv": text_writer("x")})


def test_atomic_write_refuses_an_existing_file_before_any_work(tmp_path):
    # without its own check the file was still refused, but only once the work was done (a workbook built,
    # a sweep run), and as one that "appeared while this command ran"
    target = tmp_path / "mine.xlsx"
    target.write_bytes(b"the analyst's")

    def write(tmp):
        raise AssertionError("the work ran")

    with pytest.raises(OutputExistsError, match=r"mine\.xlsx exists: not overwriting it \(use --force / overwrite=True"):
        atomic_write(target, write)
    assert target.read_bytes() == b"the analyst's" and sorted(p.name for p in tmp_path.iterdir()) == ["mine.xlsx"]
