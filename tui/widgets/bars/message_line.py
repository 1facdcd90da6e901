"""The message line: the outcome of the last command, above the key bar.

A message is never cut without saying so: it wraps over up to ``MAX_LINES`` lines (two on
a terminal under ``TALL`` rows, where the panels need the room), and one longer still ends
with ``…`` and the key of the message log, where every message of the session can be read
whole (``tui.message_log``).
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text
from textual.geometry import Size
from textual.widgets import Static

from core.i18n import tr
from core.text import visible
from tui.ascii_view import shown
from tui.bindings import key_for
from tui.widgets.panels.value_cursor import relayout

MAX_LINES = 3
TALL = 30  # rows: a shorter terminal gives the message two lines


class MessageLine(Static):
    """The last outcome or error (``content`` holds the whole text; the screen shows at most
    ``MAX_LINES`` lines of it)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.text = ""  # the whole message, as said
        self._height = 1

    def say(self, text: str, error: bool = False) -> None:
        if self.has_class("error") != error:
            self.set_class(error, "error")
        self.text = text
        # plain Text (no markup), control characters visible: messages repeat names and paths
        self.update(Text(shown(visible(text))), layout=False)  # ASCII with --ascii
        height = self._line_count(self.content_size.width)
        if height != self._height:
            self._height = height
            relayout(self)

    def _wrapped(self, width: int) -> list[Text]:
        if width <= 0:
            return [Text(shown(visible(self.text)))]
        console: Console = self.app.console
        return list(Text(shown(visible(self.text))).wrap(console, width))

    @property
    def max_lines(self) -> int:
        return MAX_LINES if self.app.size.height >= TALL else MAX_LINES - 1

    def _line_count(self, width: int) -> int:
        return max(1, min(len(self._wrapped(width)), self.max_lines))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        self._height = self._line_count(width)
        return self._height

    def render(self) -> Text:
        width = self.content_size.width
        lines = self._wrapped(width)
        if len(lines) > self.max_lines:
            more = tr(" … ({key}: the whole message)", key=key_for("messages"))
            lines = lines[:self.max_lines]
            last = lines[-1]
            last.rstrip()
            last.truncate(max(0, width - cell_len(more)))
            last.append(more, style="bold")
        out = Text("\n").join(lines)
        out.no_wrap = True
        out.overflow = "crop"
        return out
