"""Atomic file output: write a temp file beside the target, then rename it over the target."""

from __future__ import annotations

import errno
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Callable

from disclo_cli.errors import OutputError
from disclo_cli.messages import Msg, msg


def _why(exc: BaseException) -> tuple[str, Msg]:
    """(what happened, what to do) for an OSError or SQLite error while writing."""
    code = getattr(exc, "errno", None)
    text = str(exc)
    what = getattr(exc, "strerror", None) or text or type(exc).__name__
    if code in (errno.ENOSPC, errno.EDQUOT) or "disk is full" in text:
        return what, msg("todo-disk-full")
    if code in (errno.EACCES, errno.EPERM, errno.EROFS) or "readonly" in text or "read-only" in text:
        return what, msg("todo-read-only")
    return what, msg("todo-write-failed")


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None]) -> Path:
    """Call write(temp_path), then replace path with it; on failure path is untouched and no temp stays."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError("output-folder-missing", target=str(target), folder=str(folder))
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        what, todo = _why(exc)
        raise OutputError("output-cannot-create", target=str(target), folder=str(folder), what=what, todo=todo) from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except (OSError, sqlite3.Error) as exc:  # sqlite3: the ledger backup writes through SQLite
        _remove(tmp)
        what, todo = _why(exc)
        code = "output-failed-kept" if target.exists() else "output-failed"
        raise OutputError(code, target=str(target), what=what, todo=todo) from exc
    except BaseException:
        _remove(tmp)
        raise
    return target


def _remove(tmp: Path) -> None:
    """The temp file and any SQLite journal beside it."""
    for leftover in (tmp, tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        try:
            leftover.unlink(missing_ok=True)
        except OSError:
            pass  # a leftover we cannot remove must not hide the error being reported


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    return atomic_write(path, lambda tmp: tmp.write_bytes(data))
