"""Quiz: choose what to be asked (the whole iteration, one layer, one kind of value, or one
kind of value in one layer: space picks a kind or a layer, enter starts)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tui.widgets.quiz.quiz_bar import SCOPES

Scope = tuple[str | None, str]  # (layer or None, kinds)


class QuizScreen(ModalScreen[Scope | None]):
    """Dismisses with (layer, kinds) or None when cancelled."""

    # labels take the dialog's width and wrap (auto width would cut them off on narrow terminals)
    DEFAULT_CSS = "#quiz-dialog Label { width: 100%; }"

    BINDINGS = [Binding("escape", "cancel", "cancel"),
                Binding("space", "pick", "pick a kind or a layer")]

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
        self.picked: dict[str, str | None] = {"kind": None, "layer": None}  # option ids space picked

    def compose(self) -> ComposeResult:
        options: list[Option | None] = [Option("the whole iteration: every value, in order", id="all"), None]
        options += [Option(f"  only {SCOPES[kinds]}", id=f"kind-{kinds}") for kinds in SCOPES if kinds != "all"]
        options.append(None)
        options += [Option(f"  only layer {layer}", id=f"layer-{layer}") for layer in self.layer_names]
        with Vertical(classes="dialog", id="quiz-dialog"):
            yield Label("Quiz: the next values are hidden and you compute them. What should it ask?")
            yield Label(f"It starts from where you are ({self.where}) and runs to the end of this iteration.",
                        classes="hint")
            yield OptionList(*options, id="quiz-scope")
            yield Label("enter starts · space picks a kind and a layer to combine (e.g. only deltas of fc) "
                        "· escape cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        layer, kinds = self.scopes[event.option.id or "all"]
        if event.option.id != "all":
            if layer is None and self.picked["layer"]:
                layer = self.scopes[self.picked["layer"]][0]
            if kinds == "all" and self.picked["kind"]:
                kinds = self.scopes[self.picked["kind"]][1]
        self.dismiss((layer, kinds))

    def action_pick(self) -> None:
        """Mark the highlighted kind or layer (space again unmarks it); enter combines them."""
        options = self.query_one(OptionList)
        if options.highlighted is None:
            return
        oid = options.get_option_at_index(options.highlighted).id or "all"
        if oid == "all":
            return
        group = "kind" if oid.startswith("kind-") else "layer"
        self.picked[group] = None if self.picked[group] == oid else oid
        for option_id in self.scopes:
            if option_id == "all":
                continue
            layer, kinds = self.scopes[option_id]
            text = f"only layer {layer}" if option_id.startswith("layer-") else f"only {SCOPES[kinds]}"
            mark = "✓ " if option_id in self.picked.values() else "  "
            options.replace_option_prompt(option_id, mark + text)

    def action_cancel(self) -> None:
        self.dismiss(None)
