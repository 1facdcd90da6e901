"""An operating-system error in the interface's words (contract §8: every word goes through ``tr``).

The system's own text (``strerror``) is English whatever the interface speaks, so the reasons
a learner meets (a missing file, a full disk, a read-only folder …) are kept here as
messages, in the C library's English wording, and translated where they are said. An error
without one of these numbers falls back to the system's text, then to ``otherwise``.
"""

from __future__ import annotations

import errno
import os

from core.i18n import mark, tr

REASONS: dict[int, str] = {
    errno.ENOENT: mark("No such file or directory"),
    errno.EACCES: mark("Permission denied"),
    errno.EPERM: mark("Operation not permitted"),
    errno.ENOSPC: mark("No space left on device"),
    errno.EDQUOT: mark("Disk quota exceeded"),
    errno.EFBIG: mark("File too large"),
    errno.EROFS: mark("Read-only file system"),
    errno.EISDIR: mark("Is a directory"),
    errno.ENOTDIR: mark("Not a directory"),
    errno.EEXIST: mark("File exists"),
    errno.ENOTEMPTY: mark("Directory not empty"),
    errno.EBUSY: mark("Device or resource busy"),
    errno.ETXTBSY: mark("Text file busy"),
    errno.EIO: mark("Input/output error"),
    errno.ELOOP: mark("Too many levels of symbolic links"),
    errno.EMFILE: mark("Too many open files"),
    errno.ENFILE: mark("Too many open files in system"),
    errno.EXDEV: mark("Invalid cross-device link"),
    errno.EINVAL: mark("Invalid argument"),
    errno.ENXIO: mark("No such device or address"),
    errno.ENOLCK: mark("No locks available"),
    errno.EADDRINUSE: mark("Address already in use"),
    errno.EADDRNOTAVAIL: mark("Cannot assign requested address"),
    errno.ENAMETOOLONG: mark("File name too long"),
}


def os_reason(err: BaseException, otherwise: str | None = None) -> str:
    """Why the system refused, in the interface's language: 'No space left on device'
    (设备上没有空间). ``otherwise`` (already translated) when the error says nothing."""
    number = getattr(err, "errno", None)
    if isinstance(number, int) and number in REASONS:
        return tr(REASONS[number])
    text = getattr(err, "strerror", None)
    if isinstance(text, str) and text:
        return text
    if isinstance(number, int) and number:
        return os.strerror(number)
    return otherwise if otherwise is not None else tr("the system refused")
