"""A plain progress bar on standard error for headless training."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class ProgressBar:
    """``[██████░░░░]  640/1797 iterations`` redrawn in place, at most 10 times a second."""

    def __init__(self, total: int, label: str = "iterations", stream: TextIO | None = None,
                 width: int = 30) -> None:
        self.total = max(total, 1)
        self.label = label
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0
        self.suffix = ""

    def update(self, done: int, total: int | None = None) -> None:
        if total is not None:
            self.total = max(total, 1)
        now = time.monotonic()
        if done < self.total and now - self._last < 0.1:
            return
        self._last = now
        filled = int(self.width * done / self.total)
        bar = "█" * filled + "░" * (self.width - filled)
        self.stream.write(f"\r[{bar}] {done}/{self.total} {self.label}{self.suffix}")
        self.stream.flush()

    def clear(self) -> None:
        """Wipe the bar's line, so a result line can be printed in its place."""
        self.stream.write("\r" + " " * (self.width + 40) + "\r")
        self.stream.flush()
        self._last = 0.0

    def close(self) -> None:
        self.stream.write("\n")
        self.stream.flush()
