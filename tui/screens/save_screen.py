"""Save as: ask for a path (with completion); the app does the saving."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from core.i18n import mark, tr
from core.scenario.root import Root
from tui.literal import literal
from tui.screens.path_suggester import PathSuggester


class SaveScreen(ModalScreen[str | None]):
    """Dismisses with the path typed, or None when cancelled."""

    CSS_PATH = "dialogs.tcss"  # the dialogs' styles, read when it first opens (not for the first frame)

    # labels take the dialog's width and wrap (auto width would cut them off on narrow terminals)
    DEFAULT_CSS = "#save-dialog Label { width: 100%; }"

    BINDINGS = [Binding("escape", "cancel", mark("cancel"))]

    def __init__(self, default: str, why: str = "", error: str = "", root: Root | None = None) -> None:
        """``error``: why the path typed last time was refused (the dialog opens again with it)."""
        super().__init__(classes="dialog-screen")
        self.root = root  # served: completion suggests nothing outside this folder
        self.default = default
        self.why = why
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="save-dialog"):
            if self.why:
                yield Label(literal(self.why), classes="why")
            if self.error:
                yield Label(literal(self.error), classes="error", id="save-error")
            yield Label(tr("Save the scenario (current weights and samples) as:"))
            yield Input(value=self.default, id="save-path", suggester=PathSuggester(root=self.root))
            yield Label(tr("enter saves · escape cancels"), classes="hint")

    def on_mount(self) -> None:
        field = self.query_one("#save-path", Input)
        field.focus()
        field.cursor_position = len(field.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if value:
            self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)
