"""Quiz: choose what to be asked (the whole iteration, one layer, one kind of value, or one
kind of value in one layer: space picks a kind or a layer, enter starts)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from core.i18n import mark, tr
from tui.widgets.quiz.quiz_text import SCOPES

Scope = tuple[str | None, str]  # (layer or None, kinds)


class QuizScreen(ModalScreen[Scope | None]):
    """Dismisses with (layer, kinds) or None when cancelled."""

    CSS_PATH = "dialogs.tcss"  # the dialogs' styles, read when it first opens (not for the first frame)

    # labels take the dialog's width and wrap (auto width would cut them off on narrow terminals)
    DEFAULT_CSS = "#quiz-dialog Label { width: 100%; }"

    BINDINGS = [Binding("escape", "cancel", mark("cancel")),
                Binding("space", "pick", mark("pick a kind or a layer"))]

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
        options: list[Option | None] = [Option(tr("the whole iteration: every value, in order"), id="all"), None]
        options += [Option("  " + self.option_words(oid), id=oid) for oid in self.scopes if oid.startswith("kind-")]
        options.append(None)
        options += [Option("  " + self.option_words(oid), id=oid) for oid in self.scopes if oid.startswith("layer-")]
        with Vertical(classes="dialog", id="quiz-dialog"):
            yield Label(tr("Quiz: the next values are hidden and you compute them. What should it ask?"))
            yield Label(tr("It starts from where you are ({where}) and runs to the end of this iteration.",
                           where=self.where), classes="hint")
            yield OptionList(*options, id="quiz-scope")
            yield Label(tr("enter starts · space picks a kind and a layer to combine (e.g. only deltas of fc) "
                           "· escape cancels"), classes="hint")

    def option_words(self, option_id: str) -> str:
        """``only layer fc`` / ``only forward values``: the words of a kind's or a layer's option (without its tick)."""
        layer, kinds = self.scopes[option_id]
        if option_id.startswith("layer-"):
            return tr("only layer {layer}", layer=layer)
        return tr("only {what}", what=tr(SCOPES[kinds]))

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
            tick = "✓ " if option_id in self.picked.values() else "  "
            options.replace_option_prompt(option_id, tick + self.option_words(option_id))

    def action_cancel(self) -> None:
        self.dismiss(None)
