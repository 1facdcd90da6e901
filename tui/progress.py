"""A plain progress bar on standard error for headless training."""

from __future__ import annotations

import sys
import time
from typing import TextIO

from core.i18n import tr


class ProgressBar:
    """``[██████░░░░] 640/1797 iterations`` redrawn in place, at most 10 times a second.

    On a terminal the bar is redrawn in place: at the first update, then whenever a tenth of
    a second has passed, and at the last (so it ends full). Into a file or a pipe nothing is
    written: the result lines on standard output already say how far training is, and
    standard error keeps only what went wrong (one message), so logs and scripts read it as such.
    """

    EVERY = 0.1  # seconds between redraws, at least

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total = max(total, 1)
        self.stream = stream or sys.stderr
        self.width = width
        self.live = bool(getattr(self.stream, "isatty", lambda: False)())
        self._next = 0.0  # when the bar may be redrawn (time.monotonic)
        self._shown = False  # whether the bar is on the screen now
        self.suffix = ""

    def update(self, done: int) -> None:
        if not self.live:
            return
        now = time.monotonic()
        if done < self.total and now < self._next:
            return
        self._next = now + self.EVERY
        filled = int(self.width * done / self.total)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r[{bar}] " + tr("{done}/{total} iterations", done=done, total=self.total) + self.suffix)
        self.stream.flush()
        self._shown = True

    def clear(self) -> None:
        """Make room for a result line: wipe the bar if it is on the screen (on a terminal;
        elsewhere there is none). The next redraw waits for its tenth of a second as ever, so
        results printed faster than that (an epoch of one iteration) wipe nothing."""
        self.drop()

    def drop(self) -> None:
        """Wipe the bar without a result line (training stopped with a message instead)."""
        if self._shown:
            self.stream.write("\r" + " " * (self.width + 40) + "\r")
            self.stream.flush()
            self._shown = False
