"""Atomic file output: write a temp file beside the target, then rename it over the target.

No output ever replaces a file the command must keep: the ledger (and its journal), disclo.toml, a
prose file, the calendar file, an input of the same command. The CLI says which files those are
(:func:`protect`, within :func:`protecting`); :func:`check_target` refuses a target that is one of
them, compared by resolved path and by inode, so that a symlink or a hard link is no way round.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

from disclo_cli.errors import OutputError
from disclo_cli.messages import Msg, msg


@dataclass(frozen=True)
class Protected:
    """A file no output may replace, and what it is (a message code: protected.ledger …)."""

    path: Path
    what: str


_PROTECTED: ContextVar[tuple[Protected, ...]] = ContextVar("disclo_protected", default=())


@contextmanager
def protecting() -> Iterator[None]:
    """A scope (one command) in which protect() adds to the files outputs must not replace."""
    token = _PROTECTED.set(())
    try:
        yield
    finally:
        _PROTECTED.reset(token)


def protect(path: str | os.PathLike, what: str) -> None:
    """No output of this command may replace `path` (`what` it is, for the message)."""
    _PROTECTED.set((*_PROTECTED.get(), Protected(Path(path), what)))


def protected() -> tuple[Protected, ...]:
    return _PROTECTED.get()


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths are one file: the same inode (hard links, symlinks), or the same resolved
    path (a file not there yet, such as a ledger's journal)."""
    try:
        sa, sb = os.stat(a), os.stat(b)
        if (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino):
            return True
    except (OSError, ValueError):
        pass
    try:
        return os.path.normcase(os.path.realpath(a)) == os.path.normcase(os.path.realpath(b))
    except (OSError, ValueError):
        return False


def check_target(target: str | os.PathLike, *, protect: Iterable[Protected] | None = None, own: str = "") -> None:
    """Refuse (OutputError) to write `target` when it is a protected file; `own` is the kind of file
    the writer is meant to replace (the calendar import writes the calendar file)."""
    path = Path(target)
    for p in protected() if protect is None else protect:
        if p.what != own and same_file(path, p.path):
            raise OutputError("output-protected", target=str(path), what=msg(p.what), path=str(p.path))
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return  # not there yet (or not reachable: the write says why)
    if stat.S_ISDIR(mode):
        raise OutputError("output-is-folder", target=str(path))
    if not stat.S_ISREG(mode):  # a device, a FIFO: replacing it would not write to it
        raise OutputError("output-not-regular", target=str(path))


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


def atomic_write(path: str | os.PathLike, write: Callable[[Path], None], *, protect: Iterable[Protected] | None = None, own: str = "") -> Path:
    """Call write(temp_path), then replace path with it; on failure path is untouched and no temp stays.

    A protected file (see check_target) is never the target. The new file gets the folder's usual
    mode (0644 under the usual umask), not the temp file's private 0600.
    """
    import sqlite3
    import tempfile

    target = Path(path)
    check_target(target, protect=protect, own=own)
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
        _set_mode(tmp, target)
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


def _set_mode(tmp: Path, target: Path) -> None:
    """The mode the file would have had if opened normally: the previous file's, else 0666 less the umask."""
    try:
        mode = os.stat(target).st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    with contextlib.suppress(OSError):  # a file system without modes (FAT on a USB stick): the temp file's mode stays
        os.chmod(tmp, mode)


def _remove(tmp: Path) -> None:
    """The temp file and any SQLite journal beside it."""
    for leftover in (tmp, tmp.with_name(tmp.name + "-journal"), tmp.with_name(tmp.name + "-wal"), tmp.with_name(tmp.name + "-shm")):
        with contextlib.suppress(OSError):  # a leftover we cannot remove must not hide the error being reported
            leftover.unlink(missing_ok=True)


def write_bytes(path: str | os.PathLike, data: bytes, *, own: str = "") -> Path:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    return atomic_write(path, write, own=own)
