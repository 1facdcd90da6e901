"""The message log (m): every message of the session, in full, to scroll back through."""

from __future__ import annotations

from typing import ClassVar

from tui.features.base import Feature
from tui.host import StepHost
from tui.message_log import MessageLog


class MessagesFeature(Feature):
    """Keeps every message said and opens the log."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"messages"})

    def __init__(self, host: StepHost) -> None:
        super().__init__(host)
        self.log = MessageLog()

    def action_messages(self) -> None:
        from tui.screens.messages_screen import MessagesScreen

        self.host.ask(MessagesScreen(self.log), lambda _closed: None)
