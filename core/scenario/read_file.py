"""Open a file a scenario names, safely: regular files only, and never more bytes than allowed.

A FIFO would block the reader forever, ``/dev/zero`` never ends (its ``st_size`` is 0), a
folder or socket cannot be read at all: every path that is not a regular file is refused
from its ``stat`` alone, before it is opened. The file is then opened non-blocking (so a
path swapped for a FIFO after the check cannot hang either), checked again on the open
descriptor, and read up to a byte limit: the limit counts the bytes actually read, not
what the file system claims.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from core.errors import ScenarioError
from core.i18n import mark, tr
from core.os_reason import os_reason
from core.text import quote

_PIECE = 1 << 20  # bytes read at a time
PATH_LIMIT = 200  # characters of a path a message repeats

_KINDS = ((stat.S_ISDIR, mark("a folder")), (stat.S_ISFIFO, mark("a named pipe (FIFO)")),
          (stat.S_ISCHR, mark("a device")), (stat.S_ISBLK, mark("a device")), (stat.S_ISSOCK, mark("a socket")))


def shown_path(path: Path) -> str:
    """A path for a message: control characters visible, an absurdly long one cut."""
    return quote(str(path), PATH_LIMIT)


def _kind(mode: int) -> str:
    for test, name in _KINDS:
        if test(mode):
            return tr(name)
    return tr("not a regular file")


def _refusal(mode: int, what: str) -> str:
    return tr("this is {kind}, not {what}: cnn-tui reads regular files only", kind=_kind(mode), what=what)


def check_regular(path: Path, what: str) -> os.stat_result:
    """``path``'s stat (links followed); ScenarioError unless it is a regular file."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ScenarioError(tr("no such file"), file=shown_path(path)) from None
    except (OSError, ValueError) as err:  # ValueError: a NUL in the name
        raise ScenarioError(tr("cannot read the file: {value}",
                               value=os_reason(err, tr('not a usable path'))),
                            file=shown_path(path)) from None
    if not stat.S_ISREG(info.st_mode):
        raise ScenarioError(_refusal(info.st_mode, what), file=shown_path(path))
    return info


def open_regular(path: Path, what: str) -> BinaryIO:
    """Open a regular file for reading without ever blocking on a FIFO or a device."""
    check_regular(path, what)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as err:
        raise ScenarioError(tr("cannot read the file: {value}", value=os_reason(err, tr('unreadable'))),
                            file=shown_path(path)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # replaced between the check and the open
            raise ScenarioError(_refusal(mode, what), file=shown_path(path))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_limited(path: Path, limit: int, what: str) -> bytes | None:
    """The bytes of a regular file, or None when it holds more than ``limit`` bytes
    (at most ``limit + 1`` are read to find out)."""
    parts: list[bytes] = []
    total = 0
    with open_regular(path, what) as handle:
        try:
            while total <= limit:  # in pieces: read(limit + 1) would allocate the whole limit
                piece = handle.read(min(_PIECE, limit + 1 - total))
                if not piece:
                    break
                parts.append(piece)
                total += len(piece)
        except OSError as err:
            raise ScenarioError(tr("cannot read the file: {value}", value=os_reason(err, tr('unreadable'))),
                                file=shown_path(path)) from None
    return None if total > limit else b"".join(parts)
