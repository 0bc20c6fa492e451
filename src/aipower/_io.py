"""Safe file output: atomic writes that never replace a file without permission."""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any


class OutputExistsError(FileExistsError):
    """The output file exists and overwriting was not allowed."""


def check_targets(targets: Iterable[str | Path], *, overwrite: bool = False, arg: str = "--out") -> None:
    """Refuse, before any work is done, writes that would fail or replace files.

    Each target's folder must be a folder or creatable (its nearest existing
    ancestor a folder), and no target may exist unless `overwrite`; `arg` names
    the option the folder came from in the error.
    """
    targets = [Path(t) for t in targets]
    for folder in dict.fromkeys(t.parent for t in targets):
        existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
        if existing is not None and not existing.is_dir():
            raise ValueError(f"{arg} {folder}: {existing} is a file; expected a folder (created if missing)")
    present = [str(t) for t in targets if t.exists()]
    if present and not overwrite:
        raise OutputExistsError(f"{', '.join(present)} exist: not overwriting (use --force to replace them)")


def _new_temp_beside(path: Path) -> Path:
    """An empty new file next to `path`, with the permissions the umask gives (mkstemp's are 0600,
    which would leave a regenerated workbook readable by its owner only)."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_BINARY", 0), 0o666)
        except FileExistsError:
            continue
        except PermissionError as exc:  # name the folder, not our temporary file
            raise PermissionError(exc.errno, f"{path.parent}: cannot write there ({exc.strerror})") from None
        os.close(fd)
        return tmp
    raise FileExistsError(f"{path.parent}: no free name for a temporary file beside {path.name}")


def atomic_write(path: str | Path, write: Callable[[Path], None], *, overwrite: bool = False) -> Path:
    """Call `write(tmp)` on a temporary file next to `path`, then rename it over `path`.

    A crash or kill mid-write leaves any previous file intact. An existing
    `path` is replaced only with `overwrite=True`, and keeps its permissions;
    a new file gets the umask's.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists: not overwriting it (use --force / overwrite=True to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _new_temp_beside(path)
    try:
        mode = stat.S_IMODE(os.stat(path if path.exists() else tmp).st_mode)
        write(tmp)
        os.chmod(tmp, mode)  # the writer may have replaced tmp with a file of its own
        with open(tmp, "r+b") as fh:  # writable: Windows' fsync (_commit) fails on a read-only handle
            os.fsync(fh.fileno())
        try:
            os.replace(tmp, path)
        except PermissionError as exc:  # Windows: Excel holds the workbook open
            raise PermissionError(exc.errno, f"{path}: cannot replace it ({exc.strerror}); if it is open in Excel "
                                             "or another program, close it and run again") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), overwrite=overwrite)


def atomic_write_csv(path: str | Path, df: Any, *, index: bool, float_format: str, overwrite: bool = False) -> Path:
    """A DataFrame as CSV in UTF-8 with a byte-order mark: Excel, which opens a CSV without one in the
    system's code page, then shows units such as 亿kWh as they are."""
    return atomic_write(path, lambda tmp: df.to_csv(tmp, index=index, float_format=float_format, encoding="utf-8-sig"),
                        overwrite=overwrite)
