"""One short line for any failure of a user's action, for the message line.

Typed ``CnnTuiError``s from core are the normal path and already say what went wrong;
anything else (an ``OSError`` from the file system, memory, a bug) is worded here without
Python's exception names or reprs, with at most ~80 characters of a user's value; its traceback goes to the error log.
"""

from __future__ import annotations

from pathlib import Path

from core.errors import CnnTuiError
from core.i18n import tr
from core.os_reason import os_reason
from core.text import quote
from tui.error_log import record


def problem(err: BaseException) -> str:
    """``err`` as the message line shows it."""
    if isinstance(err, CnnTuiError):
        return str(err)
    if isinstance(err, OSError):
        reason = os_reason(err, tr("the file system refused")).lower()
        return f"{quote(str(err.filename))}: {reason}" if err.filename else reason
    if isinstance(err, MemoryError):
        return tr("not enough memory for this")
    if isinstance(err, RecursionError):
        return tr("the data is nested too deeply")
    where = record(err)  # a bug: its traceback is kept for a report
    if where:
        return tr("an unexpected error stopped it (logged in {log}); the session is unchanged",
                  log=quote(_short(where)))
    return tr("an unexpected error stopped it; the session is unchanged")


def _short(path: Path) -> str:
    """``~/.local/state/cnn-tui/errors.log`` rather than the home folder spelled out."""
    home = Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)
