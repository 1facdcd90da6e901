"""The scenario's story: its name, its description (the teacher's notes) and the keys to start.

It takes the derivation panel's place when a scenario opens, never covers the panels and
never holds a key back: the first key closes it and still does what it does.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll

from core.i18n import tr
from tui.ascii_view import SpelledStatic
from tui.bindings import key_for, short_label
from tui.literal import literal

START_KEYS = ("step_forward", "step_next", "run_iteration", "trace_direction", "help")


def start_keys() -> Text:
    """``to start: f forward · space next · …`` with the key bar's words (from the key table)."""
    out = Text(tr("to start: "), style="bold")
    for j, action in enumerate(START_KEYS):
        if j:
            out.append(" · ", style="dim")
        out.append(key_for(action), style="bold")
        out.append(f" {short_label(action)}")  # the key table's word, in the language spoken
    out.append("   " + tr("(any key closes this; {key} shows it again)", key=key_for("intro")), style="dim")
    return out


def reflow(description: str) -> str:
    """A description's paragraphs as single lines, so they wrap to the panel's width (a file
    breaks its lines for an editor's width); blank lines and list items stay as written."""
    paragraphs: list[list[str]] = []
    for line in description.strip().splitlines():
        text = line.strip()
        if not text:
            paragraphs.append([])
        elif not paragraphs or not paragraphs[-1] or text.startswith(("-", "*", "•")):
            paragraphs.append([text])
        else:
            paragraphs[-1].append(text)
    return "\n".join(" ".join(words) for words in paragraphs)


class IntroPanel(VerticalScroll):
    """A scrollable box with the scenario's name, description and first keys."""

    def __init__(self) -> None:
        super().__init__(id="intro")
        self.border_title = tr("the scenario")
        self.border_subtitle = tr("{down} {up} scroll", down=key_for("scroll_down"), up=key_for("scroll_up"))
        self.can_focus = False
        self.title_line = SpelledStatic(id="intro-title")  # ASCII with --ascii
        self.body = SpelledStatic(id="intro-description")
        self.keys = SpelledStatic(id="intro-keys")

    def compose(self) -> ComposeResult:
        yield self.title_line
        yield self.keys
        yield self.body

    def show_story(self, name: str, description: str) -> None:
        """Fill in a scenario's story (its text shown literally: no markup, no control characters)."""
        self.title_line.update(literal(name))
        self.body.update(literal(reflow(description), keep_newlines=True))
        self.body.display = bool(description.strip())
        self.keys.update(start_keys())
