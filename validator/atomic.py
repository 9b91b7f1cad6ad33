"""Files sdelint writes (reports, baselines, caches) appear whole or not at all.

A report or baseline path may be a symlink (written through: the link stays and
its target is replaced), a device or a FIFO (``-o /dev/stdout``: written
directly, since a device cannot be renamed over), or a regular file (a
temporary file beside it is renamed over it, keeping the file's mode; a new
file gets the mode the umask gives, as ``open`` would). ``/dev/stdout``,
``/dev/stderr``, ``/dev/fd/N`` and ``/proc/self/fd/N`` name a descriptor this
process already has: it is written to as it is, whatever it is open on (a shell's
``>> log`` is appended to, not replaced by the report).
"""

from __future__ import annotations

import errno
import io
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, TextIO


def _umask_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_STANDARD = {"/dev/stdout": 1, "/dev/stderr": 2}


def _descriptor(path: Path) -> int | None:
    """A duplicate of the open descriptor ``path`` names (``/dev/stdout``, ``/dev/fd/3``, ``/proc/self/fd/3``), or None
    when it names none; OSError (EBADF, naming ``path``) when it names one this process does not have open."""
    name = os.path.normpath(os.path.abspath(path))
    number = str(_STANDARD[name]) if name in _STANDARD else None
    for prefix in ("/dev/fd/", "/proc/self/fd/", f"/proc/{os.getpid()}/fd/"):
        if name.startswith(prefix) and "/" not in name[len(prefix):]:
            number = name[len(prefix):]
    if number is None:
        return None
    try:  # "²" is a digit to str.isdigit and not to int(); a number past a C int overflows os.dup
        if not (number.isascii() and number.isdigit()):
            raise OSError(errno.EBADF, "not a descriptor")
        return os.dup(int(number))
    except (OSError, OverflowError):  # not open here: a temporary file under /proc/PID/fd could never be made either
        raise OSError(errno.EBADF, os.strerror(errno.EBADF), str(path)) from None


def names_a_descriptor(path: Path) -> bool:
    """Whether ``path`` names a descriptor this process has open (``/dev/stdout``): written to as it is, nothing replaced."""
    try:
        duplicate = _descriptor(path)
    except OSError:
        return False
    if duplicate is None:
        return False
    os.close(duplicate)
    return True


def _no_temporary_file(exc: OSError, folder: Path) -> str:
    """Why ``path`` cannot be written when no temporary file can be made beside it.

    A folder that exists and refuses new files (``-o /proc/version``: ENOENT, or one the user may not write in:
    EACCES) said "No such file or directory" of a file that exists: the refusal is the folder's, so it is named.
    A read-only or full file system is said as it is: that is true of the file too.
    """
    if exc.errno in (errno.ENOENT, errno.EACCES, errno.EPERM) and folder.is_dir():
        return f"cannot create a file beside it in {folder} ({exc.strerror}): sdelint writes a new file there and renames it over"
    return exc.strerror or str(exc)


# The longest file name most file systems take, in bytes (NAME_MAX)
_LONGEST_NAME = 255


@contextmanager
def _replacing(path: Path, mode: int | None = None) -> Iterator[BinaryIO]:
    """A binary file to write ``path``'s new content to; it replaces ``path`` only when the block ends without an error."""
    import tempfile  # imported when writing: most runs write nothing

    duplicate = _descriptor(path)
    if duplicate is not None:  # -o /dev/stdout with stdout redirected to a file: renaming over that file would drop what it held
        with os.fdopen(duplicate, "wb") as direct:
            yield direct
        return
    try:
        current = os.stat(path)  # follows links: /dev/stdout -> /proc/self/fd/1 -> a pipe or a terminal
    except FileNotFoundError:
        current = None
    if current is not None and not stat.S_ISREG(current.st_mode):
        try:
            with open(path, "wb") as direct:  # a device or FIFO: nothing to rename over
                yield direct
        except OSError as exc:
            if exc.filename is None:  # a write's error (/dev/full: no space) names no file: name the one asked for
                raise OSError(exc.errno, exc.strerror, str(path)) from None
            raise
        return
    target = Path(os.path.realpath(path))  # through symlinks: replace the file a link points to, not the link
    target.parent.mkdir(parents=True, exist_ok=True)
    keep = stat.S_IMODE(current.st_mode) if current is not None else (mode if mode is not None else _umask_mode())
    try:
        # beside the target, named after it while that fits: a name of 242 to 255 bytes would not take the 14 more
        fits = len(os.fsencode(target.name)) <= _LONGEST_NAME - len(".XXXXXXXX.tmp") - 1
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}." if fits else ".sdelint.", suffix=".tmp")
    except OSError as exc:  # a read-only or full file system: say so of the file asked for, not of a temporary name
        raise OSError(exc.errno, _no_temporary_file(exc, target.parent), str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), keep)
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename in (None, tmp):  # a full disk while writing or syncing: the target is what failed
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise


def write_bytes_atomically(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``data`` to ``path`` whole or not at all; ``mode`` for a new file (default: from the umask)."""
    with _replacing(path, mode) as handle:
        handle.write(data)


def write_atomically(path: Path, text: str) -> None:
    """UTF-8 text; a lone surrogate (from a payload's key) is written as a backslash escape."""
    write_bytes_atomically(path, text.encode("utf-8", errors="backslashreplace"))


class ReportText(io.TextIOWrapper):
    """The text layer of a report file: UTF-8 with ``newline=""``, so it writes each newline as it is given and a
    writer may put UTF-8 bytes straight into its buffer (a text stream does not say how it translates newlines)."""

    newlines_as_given = True


@contextmanager
def open_atomically(path: Path) -> Iterator[TextIO]:
    """A text stream onto ``path``, written as ``write_atomically`` writes: a report of 80 MB goes out as it is
    produced, with no whole copy of it in memory first."""
    with _replacing(path) as handle:
        stream = ReportText(handle, encoding="utf-8", errors="backslashreplace", newline="")
        try:
            yield stream
            stream.flush()
        finally:
            stream.detach()  # the binary handle stays open for _replacing to sync and rename
