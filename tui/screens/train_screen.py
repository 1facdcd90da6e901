"""Train: ask "iterations or epochs, how many" in a small modal; the app does the training."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet

from core.numbers import parse_count
from tui.literal import literal
from tui.message_log import Said

MAX_ITERATIONS = 10_000_000


class TrainScreen(ModalScreen[tuple[str, int] | None]):
    """Dismisses with ("iterations" | "epochs", count), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]
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
            yield Label("Train from here, in the background (escape stops it; z afterwards undoes it all).")
            epoch = (f"An epoch is {self.per_epoch:,} iteration{'s' if self.per_epoch != 1 else ''} "
                     "(every training sample once)")
            if self.test_count:
                epoch += f"; accuracy is measured on {self.test_count:,} held-out samples after each epoch"
            yield Label(epoch + ".", classes="hint")
            with RadioSet(id="train-unit"):
                yield RadioButton("epochs", value=self.unit == "epochs", id="unit-epochs")
                yield RadioButton("iterations", value=self.unit == "iterations", id="unit-iterations")
            yield Label("How many?")
            yield Input(value=str(self.count), id="train-count")  # any text: parse_count says what is wrong
            yield Label("", id="train-error", classes="error")
            yield Label("enter trains · tab reaches the epochs/iterations choice · escape cancels", classes="hint")

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
            self._refuse(f"choose between 1 and {MAX_ITERATIONS // per:,} {self.unit}")
            return
        self.dismiss((self.unit, count))

    def _refuse(self, text: str) -> None:
        self.query_one("#train-error", Label).update(literal(text))
        self.post_message(Said(f"not trained: {text}"))  # kept in the message log too

    def action_cancel(self) -> None:
        self.dismiss(None)
