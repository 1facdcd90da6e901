"""Quiz: choose what to be asked (the whole iteration, one layer or one kind of value)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.widgets.quiz_bar import SCOPES

Scope = tuple[str | None, str]  # (layer or None, kinds)


class QuizScreen(ModalScreen[Scope | None]):
    """Dismisses with (layer, kinds) or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]

    def __init__(self, layers: list[str], where: str) -> None:
        super().__init__(classes="dialog-screen")
        self.layer_names = layers
        self.where = where
        self.scopes: dict[str, Scope] = {"all": (None, "all")}
        for kinds in SCOPES:
            if kinds != "all":
                self.scopes[f"kind-{kinds}"] = (None, kinds)
        for layer in self.layer_names:
            self.scopes[f"layer-{layer}"] = (layer, "all")

    def compose(self) -> ComposeResult:
        options: list[Option | None] = [Option("the whole iteration: every value, in order", id="all"), None]
        options += [Option(f"only {SCOPES[kinds]}", id=f"kind-{kinds}") for kinds in SCOPES if kinds != "all"]
        options.append(None)
        options += [Option(f"only layer {layer}", id=f"layer-{layer}") for layer in self.layer_names]
        with Vertical(classes="dialog", id="quiz-dialog"):
            yield Label("Quiz: the next values are hidden and you compute them. What should it ask?")
            yield Label(f"It starts from where you are ({self.where}) and runs to the end of this iteration.",
                        classes="hint")
            yield OptionList(*options, id="quiz-scope")
            yield Label("enter starts · escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.scopes[event.option.id or "all"])

    def action_cancel(self) -> None:
        self.dismiss(None)
