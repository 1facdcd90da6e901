"""The user's folders this tool writes in: ``$XDG_STATE_HOME/cnn-tui`` (recovery journals, the
error log) and ``$XDG_CACHE_HOME/cnn-tui`` (the parsed cache), after the XDG base directory rules.

A variable that is unset, empty or not an absolute path is ignored (the rules say so), and
the folder then lies under the home folder. Where there is no home folder either (``HOME``
unset or not absolute, and a user id without a passwd entry, as in some containers) there is
no folder: ``None``, and the caller does without (no journal, no log, no cache), never a crash.
"""

from __future__ import annotations

import os
from pathlib import Path


def xdg_folder(variable: str, under_home: str) -> Path | None:
    """``$variable/cnn-tui``, else ``~/under_home/cnn-tui``; None when neither is known."""
    base = os.environ.get(variable) or ""
    if os.path.isabs(base):
        return Path(base) / "cnn-tui"
    try:
        home = Path.home()
    except RuntimeError:  # no HOME and no passwd entry for this user id
        return None
    return home / under_home / "cnn-tui" if home.is_absolute() else None


def state_folder() -> Path | None:
    """``$XDG_STATE_HOME/cnn-tui`` (default ``~/.local/state/cnn-tui``)."""
    return xdg_folder("XDG_STATE_HOME", os.path.join(".local", "state"))


def cache_folder() -> Path | None:
    """``$XDG_CACHE_HOME/cnn-tui`` (default ``~/.cache/cnn-tui``)."""
    return xdg_folder("XDG_CACHE_HOME", ".cache")
