"""Safe file output: atomic writes that never replace a file without permission."""

from __future__ import annotations

import errno
import os
import secrets
import shutil
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any


# Where the Excel layer's dependencies come from, for every message about one missing
EXCEL_EXTRA = ('the excel extra: pip install ".[excel]" in the aipower checkout (or "aipower-VERSION-….whl[excel]" '
               "for the wheel installed)")


class MissingExtraError(ImportError):
    """A dependency of the excel extra is missing, or of a version the package cannot use: the message
    says what needs it and what to install; `detail` is what is wrong."""

    def __init__(self, needed_by: str, detail: str) -> None:
        super().__init__(f"{needed_by} needs {EXCEL_EXTRA}: {detail}")
        self.detail = detail


class OutputExistsError(FileExistsError):
    """The output file exists and overwriting was not allowed."""


class Interrupted(KeyboardInterrupt):
    """Ctrl-C once every file of a set was written in full: `paths` lists them."""

    def __init__(self, paths: Iterable[str | Path]) -> None:
        self.paths = [Path(p) for p in paths]
        super().__init__(f"interrupted after writing {len(self.paths)} file(s)")


def check_targets(targets: Iterable[str | Path], *, overwrite: bool = False, arg: str = "--out",
                  named: str | None = None) -> None:
    """Refuse, before any work is done, writes that would fail or replace files.

    Each target's folder must be a folder or creatable (its nearest existing
    ancestor a folder we may create files in: a probe file is made there and
    removed; no symbolic link to a missing target on the way), and no target may
    exist unless `overwrite`; `arg` names the option the folder came from in the
    error, or `named` names the target instead (e.g. "--in-place BOOK.xlsx").
    """
    paths = [Path(t) for t in targets]
    for folder in dict.fromkeys(t.parent for t in paths):
        who = named or f"{arg} {folder}"
        existing = None
        for p in (folder, *folder.parents):
            if p.exists():
                existing = p
                break
            if p.is_symlink():  # mkdir fails on it only once the work is done ("File exists")
                raise ValueError(f"{who}: {p} is a symbolic link to a missing target ({os.readlink(p)}); "
                                 "expected a folder (created if missing) or a link to one")
        if existing is not None and not existing.is_dir():
            raise ValueError(f"{who}: {existing} is a file; expected a folder (created if missing)")
        if existing is not None:
            _check_writable(folder, existing, who)
    folders = [str(t) for t in paths if t.is_dir()]  # --force replaces files, never a folder (found only at the end)
    if folders:
        raise ValueError(f"{', '.join(folders)}: a folder where an output file goes; expected a file or nothing there "
                         "(move the folder away or choose another name: --force does not replace folders)")
    present = [str(t) for t in paths if os.path.lexists(t)]  # a dangling symlink is there too
    if present and not overwrite:
        raise OutputExistsError(_exists_text(present))


def _exists_text(present: list[str], force: str = "--force") -> str:
    """The refusal of existing files: 'X exists: not overwriting it (use --force to replace it)', or the plural."""
    if len(present) == 1:
        return f"{present[0]} exists: not overwriting it (use {force} to replace it)"
    return f"{', '.join(present)} exist: not overwriting them (use {force} to replace them)"


def _new_file(named: Callable[[str], Path], mode: int) -> Path | None:
    """A new empty file at `named(random token)`, with `mode` less the umask; None if 100 names were taken."""
    for _ in range(100):
        path = named(secrets.token_hex(4))
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), mode)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    return None


def _check_writable(folder: Path, existing: Path, who: str) -> None:
    """Create and remove a probe file in `existing` (the folder, or its nearest existing ancestor);
    `who` names the target in the error ("--out DIR")."""
    try:
        probe = _new_file(lambda token: existing / f".aipower-probe.{token}.tmp", 0o600)
        if probe is not None:  # (no free name: the write itself will report what goes wrong)
            os.unlink(probe)
    except OSError as exc:
        named_folder = who.endswith(f" {folder}")
        where = "cannot create files there" if existing == folder and named_folder else f"cannot create files in {existing}"
        raise exc.__class__(f"{who}: {where} ({exc.strerror or exc}); expected a writable folder") from None


# Longest file name most file systems take, in bytes.
_NAME_MAX = 255


def _beside(path: Path, token: str) -> Path:
    """A hidden temporary name next to `path`: `.NAME.TOKEN.tmp`, NAME cut (whole characters) where a
    long but valid name would make it too long for the file system."""
    room = _NAME_MAX - len(f"..{token}.tmp")
    name = path.name
    while len(name.encode("utf-8", "surrogateescape")) > room:
        name = name[:-1]
    return path.with_name(f".{name}.{token}.tmp")


def _new_temp_beside(path: Path) -> Path:
    """An empty new file next to `path`, with the permissions the umask gives (mkstemp's are 0600,
    which would leave a regenerated workbook readable by its owner only)."""
    try:
        tmp = _new_file(lambda token: _beside(path, token), 0o666)
    except OSError as exc:  # name the folder (or the file), not our temporary file
        if exc.errno == errno.ENAMETOOLONG:
            raise exc.__class__(exc.errno, f"{path}: cannot write it ({exc.strerror})") from None
        raise exc.__class__(exc.errno, f"{path.parent}: cannot write there ({exc.strerror})") from None
    if tmp is None:
        raise FileExistsError(f"{path.parent}: no free name for a temporary file beside {path.name}")
    return tmp


def _written_temp(path: Path, write: Callable[[Path], None]) -> Path:
    """A temporary file beside `path` that `write` filled, with `path`'s permissions (or the umask's),
    synced to disk; removed again if anything fails."""
    tmp = _new_temp_beside(path)
    try:
        # The file replaced gives its mode and owner, not a symbolic link's target: a link planted where
        # the output goes, to a file of the planter's (0666, theirs), made the output theirs to edit.
        # The link itself is replaced, not written through.
        old = os.lstat(path) if os.path.lexists(path) else None
        old = old if old is not None and stat.S_ISREG(old.st_mode) else None
        mode = stat.S_IMODE((old or os.stat(tmp)).st_mode)
        # owner-only while it is written: replacing a 0600 file, the new content was readable by all
        # (the umask's 0644) until the end
        os.chmod(tmp, 0o600)
        write(tmp)
        os.chmod(tmp, mode)  # the writer may have replaced tmp with a file of its own
        if old is not None and hasattr(os, "chown"):  # a replaced file keeps its owner and group too
            try:
                os.chown(tmp, old.st_uid, old.st_gid)
            except OSError:  # only root may give a file away; the mode is kept either way
                pass
        with open(tmp, "r+b") as fh:  # writable: Windows' fsync (_commit) fails on a read-only handle
            os.fsync(fh.fileno())
    except BaseException as exc:
        left = [] if _removed(tmp) else [tmp]  # a folder turned read-only: the error stays the writing's
        if isinstance(exc, OSError) and exc.filename is None and exc.strerror:  # a full disk names no file:
            named = OSError(exc.errno, exc.strerror, str(path))  # name the one being written
            _note_left(named, left)
            raise named from None
        _note_left(exc, left)
        raise
    return tmp


# The files each open all_or_nothing block (innermost last, per thread) put in place: path → (device,
# inode) of the file renamed there, so that undoing removes or replaces only what this command wrote.
_placing = threading.local()


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _appeared(path: Path) -> OutputExistsError:
    return OutputExistsError(f"{path} exists: it appeared while this command ran; not overwriting it "
                             "(use --force to replace it)")


def _replace(tmp: Path, path: Path, *, overwrite: bool = True) -> None:
    """Rename `tmp` to `path`. Without `overwrite`, a file that appeared at `path` since the command
    checked it (another program, a second run) is refused, not replaced: a hard link fails if the name
    is taken, where rename would not (Windows' rename refuses by itself)."""
    placed = getattr(_placing, "stack", None)
    if placed:
        placed[-1][path] = _identity(tmp)
    try:
        if overwrite:
            os.replace(tmp, path)
        elif os.name == "nt":
            try:
                os.rename(tmp, path)
            except FileExistsError:
                raise _appeared(path) from None
        else:
            try:
                os.link(tmp, path, follow_symlinks=False)
            except FileExistsError:
                raise _appeared(path) from None
            except OSError as exc:  # no hard links on this file system (FAT, some network shares)
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.EXDEV):
                    raise
                if os.path.lexists(path):
                    raise _appeared(path) from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except PermissionError as exc:  # Windows: Excel holds the workbook open
        raise PermissionError(exc.errno, f"{path}: cannot replace it ({exc.strerror}); if it is open in Excel "
                                         "or another program, close it and run again") from None


def atomic_write(path: str | Path, write: Callable[[Path], None], *, overwrite: bool = False) -> Path:
    """Call `write(tmp)` on a temporary file next to `path`, then rename it over `path`.

    A crash or kill mid-write leaves any previous file intact. An existing
    `path` is replaced only with `overwrite=True`, and keeps its permissions;
    a new file gets the umask's.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists: not overwriting it (use --force / overwrite=True to replace it)")
    created = _missing_folders([path])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp: Path | None = None
    try:
        tmp = _written_temp(path, write)
        raise_if_stopped()  # a stop Python discarded (inside a weakref finalizer, a __del__): nothing is renamed
        _replace(tmp, path, overwrite=overwrite)
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        for folder in created:  # deepest first; one something else wrote into meanwhile stays
            try:
                folder.rmdir()
            except OSError:
                break
        raise
    return path


def atomic_write_all(writes: Mapping[str | Path, Callable[[Path], None]], *, overwrite: bool = False,
                     force_hint: str = "--force / overwrite=True") -> list[Path]:
    """Write several files all or nothing: every `write(tmp)` fills a temporary file beside its
    target first, and only then are they renamed into place.

    An error or Ctrl-C (KeyboardInterrupt) at any point removes the temporary files
    and the new files already renamed, puts back the files they replaced, and
    re-raises: the folder is as it was. A Ctrl-C once every file is in place
    raises `Interrupted` (a KeyboardInterrupt) listing them.
    """
    paths = [Path(p) for p in writes]
    present = [str(p) for p in paths if p.exists()]
    if present and not overwrite:
        raise OutputExistsError(_exists_text(present, force_hint))
    with all_or_nothing(paths):
        temps: dict[Path, Path] = {}
        try:
            for path, write in zip(paths, writes.values()):
                path.parent.mkdir(parents=True, exist_ok=True)
                temps[path] = _written_temp(path, write)
            raise_if_stopped()  # a Ctrl-C Python discarded (inside a __del__): nothing is renamed
            for path, tmp in temps.items():
                _replace(tmp, path, overwrite=overwrite)
        except BaseException as exc:
            # a folder made read-only meanwhile: a temporary file that cannot be removed is named, and the
            # error that stopped the writing stays the one reported
            _note_left(exc, [tmp for tmp in temps.values() if not _removed(tmp)])
            raise
    return paths


def _removed(path: Path) -> bool:
    """Remove `path` if it is there; False if it is there and cannot be removed."""
    try:
        path.unlink(missing_ok=True)
        return True
    except OSError:
        return False


def _note_left(exc: BaseException, left: list[Path]) -> None:
    """Record on `exc` the files the undoing could not remove or restore, for its message."""
    if left:
        exc.aipower_left = [*getattr(exc, "aipower_left", []), *left]  # type: ignore[attr-defined]


def atomic_write_text(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    return atomic_write(path, text_writer(text), overwrite=overwrite)


def csv_writer(df: Any, *, index: bool) -> Callable[[Path], None]:
    """A `write(tmp)` for `atomic_write`/`atomic_write_all`: the DataFrame as CSV in UTF-8 with a byte-order
    mark, each number as the shortest text that reads back as the same float (the API's values, bit for
    bit; 288.0 keeps its point, so a column of round numbers does not read as integers in one run and
    as floats in the next)."""
    return lambda tmp: df.to_csv(tmp, index=index, float_format=_exact, encoding="utf-8-sig")


def _exact(x: float) -> str:
    return repr(float(x))


def text_writer(text: str) -> Callable[[Path], None]:
    """A `write(tmp)` for `atomic_write`/`atomic_write_all`: the text in UTF-8. A lone surrogate (a
    file name that is not UTF-8, as Python decodes it) is written as its escape, \\udcff: in JSON the
    same text, where strict UTF-8 would fail only once the work to write is done."""
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8", errors="backslashreplace")

    return write


def atomic_write_csv(path: str | Path, df: Any, *, index: bool, overwrite: bool = False) -> Path:
    """A DataFrame as CSV in UTF-8 with a byte-order mark: Excel, which opens a CSV without one in the
    system's code page, then shows units such as 亿kWh as they are."""
    return atomic_write(path, csv_writer(df, index=index), overwrite=overwrite)


# ---------------------------------------------------------------------------------------------
# All or nothing: a set of files written together, undone together on an error or Ctrl-C


# The signals that stop a command: Ctrl-C, and `kill` / `timeout` / `systemctl stop` (SIGTERM) or a
# closed terminal (SIGHUP), which the command line turns into the same KeyboardInterrupt.
_STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))
_stop_requested = threading.Event()


def _stop(signum: int, frame: Any) -> None:
    _stop_requested.set()  # remembered: a KeyboardInterrupt raised inside a __del__ is discarded by Python
    raise KeyboardInterrupt


@contextmanager
def stop_signals_handled() -> Iterator[None]:
    """For a command: SIGINT, SIGTERM and SIGHUP raise KeyboardInterrupt (so every write is undone
    the same way) and are remembered, so the writes are undone even if Python swallowed it. The
    previous handlers come back after the block (a caller such as pytest keeps its own)."""
    _stop_requested.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}
    for sig in _STOP_SIGNALS:
        if previous[sig] != signal.SIG_IGN:  # nohup's ignored SIGHUP stays ignored
            signal.signal(sig, _stop)
    hook = sys.unraisablehook

    def quiet_stop(unraisable: Any) -> None:
        # A stop raised inside a __del__ is discarded with a traceback ("Exception ignored in ..."):
        # it is remembered above, so the one-line message is all the user needs.
        if not isinstance(unraisable.exc_value, KeyboardInterrupt):
            hook(unraisable)

    sys.unraisablehook = quiet_stop
    try:
        yield
    finally:
        sys.unraisablehook = hook
        for sig, handler in previous.items():
            signal.signal(sig, handler if handler is not None else signal.SIG_DFL)
        _stop_requested.clear()  # the command is over: its stop does not stop the caller's next writes


def stop_requested() -> bool:
    """Whether a stop signal came during the current `stop_signals_handled` block."""
    return _stop_requested.is_set()


def raise_if_stopped() -> None:
    """Raise KeyboardInterrupt if a stop signal came and its exception was lost on the way."""
    if _stop_requested.is_set():
        raise KeyboardInterrupt


@contextmanager
def _sigint_deferred(then: Callable[[], BaseException] | None = None) -> Iterator[None]:
    """Hold Ctrl-C (SIGINT; SIGTERM and SIGHUP where Python handles them) until the block is done,
    then raise it (as `then()` if given): the block's file operations are not cut in half. Only in
    the main thread, where Python handles signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handlers = {sig: signal.getsignal(sig) for sig in _STOP_SIGNALS}
    # Only signals set from Python: not ignored, not the system's default (SIGTERM's kills at once)
    held_signals = [sig for sig, h in handlers.items() if callable(h)]
    if signal.SIGINT not in held_signals:  # Ctrl-C ignored, or not set from Python
        yield
        return
    held: list[int] = []
    for sig in held_signals:
        signal.signal(sig, lambda signum, frame: held.append(signum))
    try:
        yield
    finally:
        for sig in held_signals:
            signal.signal(sig, handlers[sig])
    if held:
        if then is not None:
            raise then()
        previous = handlers[held[0]]
        if callable(previous):
            previous(held[0], None)
        raise KeyboardInterrupt


def _link_beside(path: Path) -> Path:
    """A second name for `path` (a hard link, or a copy where links are not supported) to restore it from."""
    for _ in range(100):
        keep = _beside(path, secrets.token_hex(4))
        try:
            os.link(path, keep, follow_symlinks=False)  # a symbolic link is put back as a link
            return keep
        except FileExistsError:
            continue
        except (OSError, NotImplementedError):
            keep = _new_temp_beside(path)
            try:
                shutil.copy2(path, keep)
            except BaseException:
                keep.unlink(missing_ok=True)
                raise
            return keep
    raise FileExistsError(f"{path.parent}: no free name for a temporary file beside {path.name}")


def _missing_folders(paths: Iterable[Path]) -> list[Path]:
    """The folders `paths` need that do not exist yet, deepest first."""
    missing: dict[Path, None] = {}
    for path in paths:
        for folder in (path.parent, *path.parent.parents):
            if folder.exists() or folder in missing:
                break
            missing[folder] = None
    return sorted(missing, key=lambda p: len(p.parts), reverse=True)


@contextmanager
def all_or_nothing(targets: Iterable[str | Path]) -> Iterator[list[Path]]:
    """Undo the block's writes to `targets` if it raises (an error or Ctrl-C): new files are removed,
    replaced ones put back and folders it created (if left empty) removed; then the exception goes on.

    The undoing holds Ctrl-C until it is done. If the block ends normally but Ctrl-C
    comes while the saved copies are dropped, `Interrupted` (listing `targets`) is raised.
    """
    paths = list(dict.fromkeys(Path(t) for t in targets))
    created = _missing_folders(paths)
    saved: dict[Path, Path] = {}
    try:
        with _sigint_deferred():
            for path in paths:
                if path.is_file():
                    saved[path] = _link_beside(path)
    except BaseException as exc:
        _note_left(exc, [keep for keep in saved.values() if not _removed(keep)])
        raise
    stack = _placing.__dict__.setdefault("stack", [])
    ours: dict[Path, tuple[int, int] | None] = {}
    stack.append(ours)
    try:
        yield paths
    except BaseException as exc:
        with _sigint_deferred():
            left = _undo(paths, saved, ours, created)
        _note_left(exc, left)  # what could not be undone, for the message
        raise
    finally:
        stack.remove(ours)
    with _sigint_deferred(then=lambda: Interrupted(paths)):
        for keep in saved.values():
            keep.unlink(missing_ok=True)


def _undo(paths: list[Path], saved: Mapping[Path, Path], ours: Mapping[Path, tuple[int, int] | None],
          created: list[Path]) -> list[Path]:
    """Remove the files the block put in place and put back those they replaced. A path holding
    anything else (a file another program or run wrote there meanwhile, or one the block never got to)
    is left alone."""
    left = []
    for path in paths:
        mine = path in ours and ours[path] is not None and _identity(path) == ours[path]
        try:
            if mine and path in saved:
                os.replace(saved[path], path)
            elif mine:
                path.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            left.append(path)
        if path in saved and not _removed(saved[path]):  # put back (renaming a link onto its own file leaves it) or not needed
            left.append(saved[path])
    for folder in created:
        try:
            folder.rmdir()
        except OSError:
            pass
    return left
