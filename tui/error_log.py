"""Unexpected failures, written down: the message line says one sentence, this file the rest.

A failure that is not a typed CnnTuiError is a bug. The app goes on (the session is kept),
and its traceback is appended to ``errors.log`` in the state folder (beside the recovery
journals) so that it can be reported. The log is kept small: past ``LIMIT`` bytes it starts
again. Writing it never fails the app.
"""

from __future__ import annotations

import time
import traceback
from contextlib import suppress
from pathlib import Path

from core.user_dirs import state_folder

LIMIT = 1_000_000  # bytes kept before the log starts again


def log_path() -> Path | None:
    """``errors.log`` in the state folder; None where there is none (no home folder)."""
    folder = state_folder()
    return None if folder is None else folder / "errors.log"


def record(err: BaseException) -> Path | None:
    """Append ``err``'s traceback to the log; the log's path, or None if it cannot be written."""
    path = log_path()
    if path is None:
        return None
    text = "".join(traceback.format_exception(err))
    entry = f"--- {time.strftime('%Y-%m-%d %H:%M:%S')}\n{text}\n"
    with suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        mode = "w" if path.exists() and path.stat().st_size > LIMIT else "a"
        with path.open(mode, encoding="utf-8") as log:
            log.write(entry)
        return path
    return None
