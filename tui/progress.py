"""A plain progress bar on standard error for headless training."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from core.i18n import tr


class ProgressBar:
    """``[██████░░░░] 640/1797 iterations`` redrawn in place, at most 10 times a second.

    On a terminal the bar is redrawn in place. Into a file or a pipe nothing is written:
    the result lines on standard output already say how far training is, and standard error
    keeps only what went wrong (one message), so logs and scripts read it as such.
    """

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.width = width
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0.0
        self._done = 0
        self.suffix = ""

    def update(self, done: int) -> None:
        self._done = done
        now = time.monotonic()
        if not self.live or (done < self.total and now - self._last < 0.1):
            return
        self._last = now
        filled = int(self.width * done / self.total)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r[{bar}] " + tr("{done}/{total} iterations", done=done, total=self.total) + self.suffix)
        self.stream.flush()

    def clear(self) -> None:
        """Make room for a result line: wipe the bar (on a terminal; elsewhere there is none)."""
        self.drop()
        self._last = 0.0

    def drop(self) -> None:
        """Wipe the bar without a result line (training stopped with a message instead)."""
        if self.live:
            self.stream.write("\r" + " " * (self.width + 40) + "\r")
            self.stream.flush()
