"""The learning rate α, edited in the status line's place: enter commits, escape cancels."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input

from core.i18n import mark, tr


class RateEditor(Input):
    """One line over the status line; the samples feature checks and applies what is typed."""

    BINDINGS = [Binding("escape", "cancel", mark("cancel"), show=True)]

    class Cancelled(Message):
        """escape: keep α as it is."""

    def __init__(self, text: str) -> None:
        super().__init__(value=text, select_on_focus=True, compact=True, id="rate-editor",
                         placeholder=tr("a number > 0, e.g. 0.1"))

    def action_cancel(self) -> None:
        self.post_message(self.Cancelled())
