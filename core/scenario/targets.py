"""Where a file may be written, checked before any long work and again just before writing.

A save must never lose a byte a user had, so a target is refused when it is empty, too
long for the file system, in a missing or read-only folder, a folder itself, anything but
a regular file (a FIFO, socket or device node is never opened), or a file the scenario
reads (its sample files). A symbolic link is followed: the file it points to is the one
replaced, and the link stays; a file with several hard links is refused (a rename would
split them). Nothing here writes or opens anything.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from core.errors import SaveError
from core.i18n import mark, tr
from core.os_reason import os_reason
from core.text import QUOTE_LIMIT, quote, visible

TEMP_RANDOM = 8  # characters tempfile.mkstemp puts between a temporary file's prefix and suffix
TEMP_EXTRA = len("..") + TEMP_RANDOM + len(".tmp")  # ".NAME.abcd1234.tmp" is NAME plus this
DEFAULT_NAME_MAX = 255
DEFAULT_PATH_MAX = 4096

_KINDS = ((stat.S_ISFIFO, mark("a FIFO (named pipe)")), (stat.S_ISSOCK, mark("a socket")),
          (stat.S_ISCHR, mark("a character device")), (stat.S_ISBLK, mark("a block device")),
          (stat.S_ISLNK, mark("a symbolic link that cannot be followed (it loops)")))


@dataclass(frozen=True)
class Target:
    """A checked place to write: ``path`` is the file really replaced (links followed),
    ``existing`` its status when checked (None: a new file)."""

    given: Path
    path: Path
    existing: os.stat_result | None

    @property
    def exists(self) -> bool:
        return self.existing is not None

    @property
    def shown(self) -> str:
        """The target as the user wrote it, bounded for a message."""
        return quote_path(str(self.given))


def check_target(path: str | os.PathLike[str], *, reads: Mapping[Path, str] | None = None) -> Target:
    """The checked target for writing ``path``, or a ``SaveError`` saying why not.

    ``reads`` names the files the work reads, each with what it is ("the scenario's sample
    file"): writing onto one of them would destroy the data being saved, so it is refused."""
    text = os.fspath(path)
    shown = quote_path(text)
    if not text.strip():
        raise SaveError(tr("no file name given: say which file to write"))
    if "\0" in text:
        raise SaveError(tr("a file name cannot contain a NUL character"), file=shown)
    if text.endswith(("/", os.sep)):
        raise SaveError(tr("this names a folder: give a file name"), file=shown)
    try:
        given = Path(text).expanduser()
    except RuntimeError:  # ~name of a user this system does not know
        raise SaveError(tr("no such home folder: check the name after ~"), file=shown) from None
    real = Path(os.path.realpath(given))
    _check_lengths(real, shown)
    _check_folder(real.parent, shown)
    existing = _lstat(real, shown)
    if existing is not None:
        _check_existing(real, existing, shown, reads or {})
    elif (followed := _stat(given)) is not None:
        # a link the path cannot be told of (/dev/stdout → a pipe, a deleted file): what is there?
        _check_kind(followed, shown)
        raise SaveError(tr("this leads to a file that has no name of its own (a deleted file or a process's open "
                           "file): choose another name"), file=shown)
    if real.parent.parts[1:2] in (("proc",), ("sys",)) and sys.platform.startswith("linux"):
        # the kernel's own folders: no file is made there (the write would fail only after the work)
        raise _read_only(real.parent, shown)
    return Target(given=given, path=real, existing=existing)


def quote_path(text: str, limit: int = QUOTE_LIMIT) -> str:
    """A path for a message: visible, and at most ``limit`` characters of its end (where
    the file name is; ``core.text.quote`` would keep the start), after a ``…``."""
    shown = visible(text)
    if len(shown) <= limit:
        return shown
    return f"…{shown[-limit:]}"


def name_limit(folder: Path) -> int:
    """The longest file name (in bytes) this tool can write in ``folder``: the file
    system's limit less the room its temporary file's name needs."""
    return _pathconf(folder, "PC_NAME_MAX", DEFAULT_NAME_MAX) - TEMP_EXTRA


def _pathconf(folder: Path, name: str, default: int) -> int:
    for place in (folder, *folder.parents):
        try:
            value = os.pathconf(place, name)
        except (OSError, ValueError):
            continue
        return value if value > 0 else default
    return default


def _check_lengths(real: Path, shown: str) -> None:
    folder = real.parent
    name = len(os.fsencode(real.name))
    limit = name_limit(folder)
    if name > limit:
        raise SaveError(tr("the file name is too long: {name} characters, at most {limit} here", name=name, limit=limit)
                        if name == len(real.name) else
                        tr("the file name is too long: {name} bytes, at most {limit} here", name=name, limit=limit),
                        file=shown)
    for part in real.parts:
        if len(os.fsencode(part)) > limit + TEMP_EXTRA:
            raise SaveError(tr("a folder name in this path is too long ({n} characters)", n=len(part)), file=shown)
    path_max = _pathconf(folder, "PC_PATH_MAX", DEFAULT_PATH_MAX)
    if len(os.fsencode(str(real))) + TEMP_EXTRA >= path_max:
        raise SaveError(tr("the path is too long: {n} characters, at most {most} here",
                           n=len(str(real)), most=path_max - TEMP_EXTRA - 1), file=shown)


def _check_folder(folder: Path, shown: str) -> None:
    try:
        info = folder.stat()
    except FileNotFoundError:
        raise SaveError(tr("the folder {path} does not exist", path=quote_path(str(folder))),
                        file=shown) from None
    except NotADirectoryError:
        raise SaveError(tr("part of this path is a file, not a folder"), file=shown) from None
    except PermissionError:
        raise SaveError(tr("no permission to open the folder {path}", path=quote_path(str(folder))),
                        file=shown) from None
    except OSError as err:
        raise SaveError(tr("cannot use the folder {path}: {os_reason}",
                           path=quote_path(str(folder)), os_reason=os_reason(err)), file=shown) from None
    if not stat.S_ISDIR(info.st_mode):
        raise SaveError(tr("{path} is not a folder", path=quote_path(str(folder))), file=shown)
    if not os.access(folder, os.W_OK | os.X_OK, effective_ids=os.access in os.supports_effective_ids) \
            or _read_only_system(folder):
        raise _read_only(folder, shown)


def _read_only(folder: Path, shown: str) -> SaveError:
    """The refusal of a folder where no file can be written here."""
    return SaveError(tr("the folder {path} is read-only here: choose another folder", path=quote_path(str(folder))),
                     file=shown)


def _read_only_system(folder: Path) -> bool:
    """Whether ``folder`` is on a read-only mount, where no file can be written whatever the
    permissions say (the administrator passes those)."""
    try:
        return bool(os.statvfs(folder).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):  # (no statvfs on this platform)
        return False


def _lstat(real: Path, shown: str) -> os.stat_result | None:
    try:
        return real.lstat()
    except FileNotFoundError:
        return None
    except OSError as err:
        raise SaveError(tr("cannot check the file: {os_reason}", os_reason=os_reason(err)), file=shown) from None


def _stat(path: Path) -> os.stat_result | None:
    """The status of what ``path`` leads to, links followed, without opening it."""
    try:
        return path.stat()
    except (OSError, ValueError):
        return None


def _check_existing(real: Path, info: os.stat_result, shown: str, reads: Mapping[Path, str]) -> None:
    _check_kind(info, shown)
    for source, what in reads.items():
        if _same_file(info, source):
            raise SaveError(tr("this is {what} {name}: writing here would destroy it; choose another name",
                               what=what, name=quote(source.name)), file=shown)
    if not os.access(real, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        raise SaveError(tr("the file is read-only: it was left as it is; choose another name"), file=shown)
    if info.st_nlink > 1:  # a rename would give this name new content and leave the others the old
        raise SaveError(tr("this file has {names} names (hard links): replacing it would leave the others with "
                           "the old content; choose another name", names=info.st_nlink), file=shown)


def _check_kind(info: os.stat_result, shown: str) -> None:
    """Only a regular file may be replaced: a folder, FIFO, socket or device is refused."""
    if stat.S_ISDIR(info.st_mode):
        raise SaveError(tr("this is a folder: give a file name"), file=shown)
    for test, kind in _KINDS:
        if test(info.st_mode):
            raise SaveError(tr("this is {kind}, not a regular file: nothing was written to it", kind=tr(kind)),
                            file=shown)
    if not stat.S_ISREG(info.st_mode):
        raise SaveError(tr("this is not a regular file: nothing was written to it"), file=shown)


def _same_file(info: os.stat_result, other: Path) -> bool:
    try:
        theirs = other.stat()
    except OSError:
        return False
    return (info.st_dev, info.st_ino) == (theirs.st_dev, theirs.st_ino)
