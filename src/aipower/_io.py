"""Safe file output: atomic writes that never replace a file without permission."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path


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


def atomic_write(path: str | Path, write: Callable[[Path], None], *, overwrite: bool = False) -> Path:
    """Call `write(tmp)` on a temporary file next to `path`, then rename it over `path`.

    A crash or kill mid-write leaves any previous file intact. An existing
    `path` is replaced only with `overwrite=True`.
    """
    path = Path(path)
    if path.exists() and not overwrite:
        raise OutputExistsError(f"{path} exists: not overwriting it (use --force / overwrite=True to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path: str | Path, text: str, *, overwrite: bool = False) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), overwrite=overwrite)
