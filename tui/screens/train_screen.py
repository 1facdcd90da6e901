"""Train: ask "iterations or epochs, how many" in a small modal; the app does the training."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from core.i18n import mark, tr, tr_n
from core.numbers import parse_count
from tui.bindings import key_for
from tui.literal import literal
from tui.message_log import Said

MAX_ITERATIONS = 10_000_000


class TrainScreen(ModalScreen[tuple[str, int] | None]):
    """Dismisses with ("iterations" | "epochs", count), or None when cancelled."""

    CSS_PATH = "dialogs.tcss"  # the dialogs' styles, read when it first opens (not for the first frame)

    BINDINGS = [Binding("escape", "cancel", mark("cancel"))]
    DEFAULT_CSS = """
    #train-dialog Label { width: 100%; }
    #train-dialog RadioSet { width: auto; }
    #train-dialog Input { width: 20; }
    """

    def __init__(self, unit: str, count: int, per_epoch: int, test_count: int | None) -> None:
        super().__init__(classes="dialog-screen")
        self.unit = unit
        self.count = count
        self.per_epoch = per_epoch
        self.test_count = test_count

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="train-dialog"):
            yield Label(tr("Train from here, in the background (escape stops it; {undo} afterwards undoes it all).",
                           undo=key_for("undo")))
            if self.test_count:
                epoch = tr_n("An epoch is {n:,} iteration (every training sample once); accuracy is measured on "
                             "{test:,} held-out samples after each epoch.",
                             "An epoch is {n:,} iterations (every training sample once); accuracy is measured on "
                             "{test:,} held-out samples after each epoch.", self.per_epoch, test=self.test_count)
            else:
                epoch = tr_n("An epoch is {n:,} iteration (every training sample once).",
                             "An epoch is {n:,} iterations (every training sample once).", self.per_epoch)
            yield Label(epoch, classes="hint")
            with RadioSet(id="train-unit"):
                yield RadioButton(tr("epochs"), value=self.unit == "epochs", id="unit-epochs")
                yield RadioButton(tr("iterations"), value=self.unit == "iterations", id="unit-iterations")
            yield Label(tr("How many?"))
            yield Input(value=str(self.count), id="train-count")  # any text: parse_count says what is wrong
            yield Label("", id="train-error", classes="error")
            yield Label(tr("enter trains · tab reaches the epochs/iterations choice · escape cancels"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#train-count", Input).focus()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.unit = "epochs" if event.pressed.id == "unit-epochs" else "iterations"

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            count = parse_count(event.value)
        except ValueError as err:
            self._refuse(str(err))
            return
        per = self.per_epoch if self.unit == "epochs" else 1
        if count < 1 or count * per > MAX_ITERATIONS:
            most = MAX_ITERATIONS // per
            self._refuse(tr("choose between 1 and {n:,} epochs", n=most) if self.unit == "epochs"
                         else tr("choose between 1 and {n:,} iterations", n=most))
            return
        self.dismiss((self.unit, count))

    def _refuse(self, text: str) -> None:
        self.query_one("#train-error", Label).update(literal(text))
        self.post_message(Said(tr("not trained: {reason}", reason=text)))  # kept in the message log too

    def action_cancel(self) -> None:
        self.dismiss(None)
