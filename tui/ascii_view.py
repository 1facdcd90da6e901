"""``--ascii`` in the TUI: the app's text spelled in ASCII before layout, and a line filter after it.

Two layers (core.ascii_text has the characters):

- The text the app writes (derivations, the status and message lines, panel titles and
  labels, help, the key bar, the palette) is ``spell``-ed where it is handed to its widget
  (``shown``, ``shown_text``): δ becomes ``delta``, so the widths Textual lays out are the
  ASCII ones.
- What Textual draws itself (borders, scrollbars, its widgets' glyphs), and anything not
  spelled, passes ``AsciiFilter``, a line filter on every line of every widget: each
  character becomes ASCII of the same width (``╭`` → ``+``, ``▁`` → ``_``), so the layout
  holds. Being a line filter (``App.get_line_filters``), it acts on what a terminal, a
  browser tab and a screenshot receive alike. Chinese characters pass both unchanged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.text import Span, Text
from textual.binding import Binding
from textual.color import Color
from textual.content import Content
from textual.content import Span as ContentSpan
from textual.filter import LineFilter
from textual.visual import VisualType
from textual.widgets import Static

from core.ascii_text import ascii_mode, one_cell, shown, spell_mapped

__all__ = ["AsciiApp", "AsciiFilter", "SpelledStatic", "ascii_key", "shown", "shown_content", "shown_text"]

# Textual's key names drawn as symbols (textual.keys.KEY_DISPLAY_ALIASES), as words
KEY_WORDS = {"↑": "up", "↓": "down", "←": "left", "→": "right", "⌫": "backspace", "⏎": "enter"}


def ascii_key(display: str) -> str:
    """A key as Textual shows it (``↑``, ``^⏎``), in ASCII (``up``, ``^enter``)."""
    for symbol, word in KEY_WORDS.items():
        display = display.replace(symbol, word)
    return shown(display)


def shown_text(text: Text, formula: bool = False) -> Text:
    """A styled ``Text`` as the interface shows it now: spelled in ASCII mode (its styles
    moved with the characters they style), else ``text`` itself."""
    if not ascii_mode() or text.plain.isascii():
        return text
    plain, where = spell_mapped(text.plain, formula)
    out = Text(plain, style=text.style, justify=text.justify, overflow=text.overflow,
               no_wrap=text.no_wrap, end=text.end, tab_size=text.tab_size)
    out.spans = [Span(where[s.start], where[s.end], s.style) for s in text.spans if where[s.start] < where[s.end]]
    return out


class AsciiFilter(LineFilter):
    """Every character of a rendered line as ASCII of the same width (Chinese characters stay)."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        out: list[Segment] = []
        for segment in segments:
            text = segment.text
            if segment.control or text.isascii():
                out.append(segment)
                continue
            ascii_text = one_cell(text)
            width = cell_len(text)
            if cell_len(ascii_text) != width:  # a character the tables measure otherwise than Rich
                ascii_text = ascii_text[:width].ljust(width)
            out.append(Segment(ascii_text, segment.style, segment.control))
        return out


def shown_content(content: VisualType, formula: bool = False) -> VisualType:
    """What a Static is given (a string of markup, a Text, a Content), spelled in ASCII mode."""
    if not ascii_mode():
        return content
    if isinstance(content, str):
        return shown(content, formula)
    if isinstance(content, Text):
        return shown_text(content, formula)
    if isinstance(content, Content) and not content.plain.isascii():
        plain, where = spell_mapped(content.plain, formula)
        return Content(plain, [ContentSpan(where[s.start], where[s.end], s.style) for s in content.spans
                               if where[s.start] < where[s.end]])
    return content


class SpelledStatic(Static):
    """A Static whose content is spelled in ASCII mode before it is laid out (``formula``:
    a spaced ``·`` is a product, as in a derivation)."""

    def __init__(self, content: VisualType = "", *, formula: bool = False, id: str | None = None,
                 classes: str | None = None) -> None:
        self._formula = formula
        super().__init__(shown_content(content, formula), id=id, classes=classes)

    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        super().update(shown_content(content, self._formula), layout=layout)


class AsciiApp:
    """Mixed into an App (before it): with --ascii, the ``-ascii`` class on the app (for
    ``App.-ascii`` rules), ``AsciiFilter`` on every line and keys named in ASCII."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ascii = AsciiFilter() if ascii_mode() else None  # one filter: strips cache its lines
        self.set_class(self._ascii is not None, "-ascii")  # type: ignore[attr-defined]

    def get_line_filters(self) -> Sequence[LineFilter]:
        filters: Sequence[LineFilter] = super().get_line_filters()  # type: ignore[misc]
        return [*filters, self._ascii] if self._ascii is not None else filters

    def get_key_display(self, binding: Binding) -> str:
        display: str = super().get_key_display(binding)  # type: ignore[misc]
        return ascii_key(display) if self._ascii is not None else display
