"""One short line for any failure of a user's action, for the message line.

Typed ``CnnTuiError``s from core are the normal path and already say what went wrong;
anything else (an ``OSError`` from the file system, memory, a bug) is worded here without
Python's exception names or reprs, with at most ~80 characters of a user's value.
"""

from __future__ import annotations

from core.errors import CnnTuiError
from core.text import quote


def problem(err: BaseException) -> str:
    """``err`` as the message line shows it."""
    if isinstance(err, CnnTuiError):
        return str(err)
    if isinstance(err, OSError):
        reason = (err.strerror or "the file system refused").lower()
        return f"{quote(str(err.filename))}: {reason}" if err.filename else reason
    if isinstance(err, MemoryError):
        return "not enough memory for this"
    if isinstance(err, RecursionError):
        return "the data is nested too deeply"
    return "an unexpected error stopped it; the session is unchanged"
