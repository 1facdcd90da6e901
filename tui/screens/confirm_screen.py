"""A two-way question in a small modal (unsaved changes, overwriting a file, restoring a session)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from core.i18n import mark, tr
from tui.literal import literal


class ConfirmScreen(ModalScreen[bool]):
    """Dismisses with True (y) or False (n / escape).

    A subclass renames the answers (``YES``, ``NO``: label and button variant), their keys
    (``BINDINGS``, with ``inherit_bindings=False``) and which button has focus (``FOCUS``).
    The labels are marked messages (shown in the current language); the question and the hint
    come said already. They may hold a user's text (a path, a scenario's name): they are
    shown literally, never as markup.
    """

    CSS_PATH = "dialogs.tcss"  # the dialogs' styles, read when it first opens (not for the first frame)

    # labels take the dialog's width and wrap (auto width would cut them off on narrow terminals)
    DEFAULT_CSS = ".dialog Label { width: 100%; }"

    BINDINGS = [Binding("y", "answer(True)", mark("yes")), Binding("n,escape", "answer(False)", mark("no"))]
    YES: ClassVar[tuple[str, str]] = (mark("Yes (y)"), "warning")  # labels marked, shown with tr
    NO: ClassVar[tuple[str, str]] = (mark("No (n)"), "primary")
    FOCUS: ClassVar[str] = "no"

    def __init__(self, question: str, hint: str = "") -> None:
        super().__init__(classes="dialog-screen")
        self.question = question
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(literal(self.question), id="question")
            if self.hint:
                yield Label(literal(self.hint), classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(tr(self.YES[0]), id="yes", variant=self.YES[1])  # type: ignore[arg-type]
                yield Button(tr(self.NO[0]), id="no", variant=self.NO[1])  # type: ignore[arg-type]

    def on_mount(self) -> None:
        self.query_one(f"#{self.FOCUS}", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
