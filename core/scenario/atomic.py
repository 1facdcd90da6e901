"""Write a file whole or not at all, onto a target checked by ``core.scenario.targets``.

The bytes go to a temporary file ``.NAME.xxxxxxxx.tmp`` in the target's folder, are
flushed to disk, get the old file's permissions and owner (or the usual umask ones for a
new file), and are renamed over the target: a reader sees the old file or the new one,
never a mix, and a FIFO or device at the target is never opened. On any failure, an
interrupt included, the temporary file is removed; temporary files left by a killed save
are removed by a later save of the same target once they are ten minutes old (only names
of exactly that pattern: a younger one may be another process's save in progress).
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import BinaryIO

from core.errors import SaveError
from core.i18n import tr
from core.os_reason import os_reason
from core.scenario.targets import TEMP_RANDOM, Target, check_target

Writer = Callable[[BinaryIO], object]  # writes the whole file to the handle
NO_HARD_LINKS = frozenset({errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.ENOSYS})  # os.link refused
STALE_AFTER = 600.0  # seconds: a temporary file younger than this may be another save's, still running


def temp_pattern(name_regex: str) -> re.Pattern[str]:
    """The names of this tool's temporary files for targets whose names match ``name_regex``."""
    return re.compile(rf"\.(?:{name_regex})\.[a-z0-9_]{{{TEMP_RANDOM}}}\.tmp")


def remove_stale_temps(folder: Path, patterns: Iterable[re.Pattern[str]]) -> list[str]:
    """Remove regular files in ``folder`` named like a temporary file of ours and not
    modified for ``STALE_AFTER`` seconds (left by a killed save: a younger one may be
    another cnn-tui's save in progress); anything else, links included, is left alone.
    Returns the names removed."""
    patterns = list(patterns)
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    before = time.time() - STALE_AFTER
    for entry in entries:
        if not any(p.fullmatch(entry.name) for p in patterns):
            continue
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat(follow_symlinks=False).st_mtime < before:
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed


def write_file(target: Target, write: Writer, *, replace: bool = True) -> Path:
    """Write ``target`` atomically with ``write(handle)``; returns the path as given
    (a symbolic link stays a link: the file it points to is the one replaced).

    ``replace=False`` never replaces anything: if a file appeared at the target since it
    was checked, nothing is written. Any OS error becomes a ``SaveError``."""
    remove_stale_temps(target.path.parent, [temp_pattern(re.escape(target.path.name))])
    place(write_temp(target, write), target, replace=replace)
    return target.given


def write_path(path: str | os.PathLike[str], write: Writer, *, reads: Mapping[Path, str] | None = None) -> Path:
    """Check ``path`` (see ``check_target``), then write it atomically."""
    return write_file(check_target(path, reads=reads), write)


def write_temp(target: Target, write: Writer) -> Path:
    """The complete temporary file for ``target``, flushed to disk, with the target's
    permissions and owner; removed again if anything fails (an interrupt included)."""
    tmp = None
    try:
        fd, name = tempfile.mkstemp(dir=target.path.parent, prefix=f".{target.path.name}.", suffix=".tmp")
        tmp = Path(name)
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            _keep_owner_and_mode(handle.fileno(), target)
            os.fsync(handle.fileno())
    except BaseException as err:
        if tmp is not None:
            _unlink_quietly(tmp)
        if isinstance(err, OSError):
            raise _failed(target, err) from None
        raise
    return tmp


def place(tmp: Path, target: Target, *, replace: bool = True) -> Path:
    """Rename the finished ``tmp`` onto the target (``replace=False``: only where nothing
    is); ``tmp`` is gone afterwards whatever happens."""
    try:
        _recheck(target)
        if replace:
            os.replace(tmp, target.path)
        else:
            _link_new(tmp, target)
    except OSError as err:
        raise _failed(target, err) from None
    finally:
        _unlink_quietly(tmp)  # after a rename nothing is left; after a link, its second name
    _sync_folder(target.path.parent)
    return target.path


def _failed(target: Target, err: OSError) -> SaveError:
    return SaveError(tr("cannot write the file: {os_reason}; nothing was changed", os_reason=os_reason(err)),
                     file=target.shown)


def _keep_owner_and_mode(fd: int, target: Target) -> None:
    """The old file's owner and permissions; a new file gets 0666 less the umask."""
    old = target.existing
    if old is None:
        os.fchmod(fd, 0o666 & ~_umask())
        return
    mine = os.fstat(fd)
    if (mine.st_uid, mine.st_gid) != (old.st_uid, old.st_gid):
        try:
            os.fchown(fd, old.st_uid, old.st_gid)
        except PermissionError:
            if mine.st_uid != old.st_uid:
                raise SaveError(tr("the file belongs to another user (uid {uid}) and replacing it would change "
                                   "its owner: it was left as it is; choose another name", uid=old.st_uid),
                                file=target.shown) from None
    os.fchmod(fd, stat.S_IMODE(old.st_mode))


def _umask() -> int:
    """The process's umask: read from /proc where it can be (setting it to read it back
    would race with other threads creating files), else set and restored at once."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _recheck(target: Target) -> None:
    """The target is still what was checked: absent, or a regular file (never opened)."""
    try:
        now = target.path.lstat()
    except FileNotFoundError:
        return
    if not stat.S_ISREG(now.st_mode):
        raise SaveError(tr("this is no longer a regular file: nothing was written to it"), file=target.shown)


def _link_new(tmp: Path, target: Target) -> None:
    """Put ``tmp`` at the target only if nothing is there (a hard link cannot replace).
    Where the file system has no hard links (FAT, exFAT, many SMB shares), the name is
    reserved by creating it exclusively, then the finished file is renamed onto it."""
    try:
        os.link(tmp, target.path)
    except FileExistsError:
        raise _appeared(target) from None
    except OSError as err:
        if err.errno not in NO_HARD_LINKS:
            raise
        _reserve_and_replace(tmp, target)


def _reserve_and_replace(tmp: Path, target: Target) -> None:
    try:
        fd = os.open(target.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise _appeared(target) from None
    os.close(fd)
    try:
        os.replace(tmp, target.path)
    except BaseException:
        _unlink_quietly(target.path)  # the empty file this save made to hold the name
        raise


def _appeared(target: Target) -> SaveError:
    return SaveError(tr("a file appeared here while saving: it was left as it is"), file=target.shown)


def _sync_folder(folder: Path) -> None:
    """Flush the rename itself to disk where the system allows it (best effort)."""
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink(missing_ok=True)
    except OSError:
        pass
