"""The message log: every message of this session, newest last, to scroll back through."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from core.i18n import mark, tr
from core.text import visible
from tui.bindings import binding_keys, key_for
from tui.message_log import MessageLog


def log_text(log: MessageLog) -> Text:
    """Each message whole, wrapped, after the time it was said (errors in the error style)."""
    out = Text()
    if log.dropped:
        out.append(tr("({n:,} older messages are no longer kept)", n=log.dropped) + "\n", style="dim")
    for i, entry in enumerate(log.entries):
        if i:
            out.append("\n")
        out.append(f"{entry.at}  ", style="dim")
        out.append(visible(entry.text), style="bold red" if entry.error else "")
        if entry.count > 1:
            out.append(f"  (×{entry.count})", style="dim")
    if not log.entries:
        out.append(tr("no messages yet"), style="dim")
    return out


class MessagesScreen(ModalScreen[None]):
    """Closes with escape, q or the key that opened it; ↑↓, page up/down, home/end scroll."""

    CSS_PATH = "dialogs.tcss"  # the dialogs' styles, read when it first opens (not for the first frame)

    BINDINGS = [Binding(f"escape,q,{binding_keys('messages')}", "close", mark("close"))]

    def __init__(self, log: MessageLog) -> None:
        super().__init__(classes="dialog-screen")
        self.messages = log

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="messages-dialog"):
            yield Label(tr("Messages of this session, newest last · ↑↓ page up/down scroll · escape or {key} closes",
                           key=key_for("messages")), classes="hint")
            with VerticalScroll(id="messages-scroll"):
                yield Static(log_text(self.messages), id="messages-body")

    def on_mount(self) -> None:
        scroll = self.query_one("#messages-scroll", VerticalScroll)
        scroll.focus()
        self.call_after_refresh(scroll.scroll_end, animate=False, immediate=True)

    def action_close(self) -> None:
        self.dismiss(None)
