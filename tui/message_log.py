"""Every message of the session, kept so that none is lost to the one message line.

The main screen's ``say`` adds each message here as well as showing it; the message log
(``tui.screens.messages_screen``) shows them all, newest last. A message repeated at once
(a key pressed again while it does not apply) is counted, not stored twice. The log is
bounded: past ``LIMIT`` entries the oldest go, and the log says how many went. A dialog
that shows a refusal in itself (a file that cannot be opened) posts ``Said``, which the app
adds to the log too.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from textual.message import Message

LIMIT = 2000  # entries kept


@dataclass
class Entry:
    """One message: when it was first said, its text, whether it was an error, how often in a row."""

    at: str  # "12:03:04"
    text: str
    error: bool = False
    count: int = 1


class MessageLog:
    """The session's messages, oldest first."""

    def __init__(self, limit: int = LIMIT) -> None:
        self.entries: list[Entry] = []
        self.dropped = 0  # the oldest entries let go past ``limit``
        self.limit = limit

    def add(self, text: str, error: bool = False) -> None:
        last = self.entries[-1] if self.entries else None
        if last is not None and last.text == text and last.error == error:
            last.count += 1
            return
        self.entries.append(Entry(time.strftime("%H:%M:%S"), text, error))
        if len(self.entries) > self.limit:
            extra = len(self.entries) - self.limit
            del self.entries[:extra]
            self.dropped += extra

    @property
    def texts(self) -> list[str]:
        """Every message kept, oldest first (as said, without the time)."""
        return [entry.text for entry in self.entries]


class Said(Message):
    """A dialog showed a message in itself: the app keeps it in the log as well."""

    def __init__(self, text: str, error: bool = True) -> None:
        super().__init__()
        self.text = text
        self.error = error
