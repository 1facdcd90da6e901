"""Export: choose a format (Markdown, LaTeX, PyTorch script) and where to write it."""

from __future__ import annotations

from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList
from textual.widgets.option_list import Option

from core.exports.formats import SUFFIXES
from core.i18n import mark, tr
from core.scenario.root import Root
from tui.literal import literal
from tui.screens.path_suggester import PathSuggester

# one line each, so the list stays three lines high on a 60×20 terminal; what each holds is
# said below it for the one highlighted. The words are marked messages: shown with tr (a
# format's own name, Markdown or LaTeX, is the same in every language)
LABELS = {"markdown": "Markdown (.md)", "latex": "LaTeX (.tex)", "pytorch": mark("PyTorch script (.py)")}
ABOUT = {"markdown": mark("every formula with its numbers, the checks"),
         "latex": mark("the same, as a document for pdflatex"),
         "pytorch": mark("the iteration run by autograd; prints every value as JSON, as solve does")}
NAMES = {"markdown": "Markdown", "latex": "LaTeX", "pytorch": mark("PyTorch script")}


def format_name(fmt: str) -> str:
    """The format's name as a message says it (``PyTorch script``, ``PyTorch 脚本``)."""
    return tr(NAMES[fmt])


class ExportScreen(ModalScreen[tuple[str, str] | None]):
    """Dismisses with (format, path) or None when cancelled."""

    CSS_PATH = "dialogs.tcss"  # the dialogs' styles, read when it first opens (not for the first frame)

    # labels take the dialog's width and wrap (auto width would cut them off on narrow terminals)
    DEFAULT_CSS = "#export-dialog Label { width: 100%; }"

    BINDINGS = [Binding("escape", "cancel", mark("cancel"))]

    def __init__(self, default: Path, note: str = "", error: str = "", fmt: str = "markdown",
                 typed: str | None = None, root: Root | None = None) -> None:
        """``error``: why the file typed last time (``typed``) was refused: the dialog opens
        again with it as typed, in the format chosen then (``fmt``)."""
        super().__init__(classes="dialog-screen")
        self.root = root  # served: completion suggests nothing outside this folder
        self.default = default
        self.typed = typed
        self.note = note
        self.error = error
        self.format = fmt

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="export-dialog"):
            yield Label(tr("Export this iteration: a format (↑↓), then the file"))
            if self.note:
                yield Label(literal(self.note), classes="why")
            yield OptionList(*(Option(tr(text), id=fmt) for fmt, text in LABELS.items()), id="export-format")
            yield Label(tr(ABOUT[self.format]), classes="hint", id="export-about")
            if self.error:
                yield Label(literal(self.error), classes="error", id="export-error")
            typed = self.typed if self.typed is not None else str(self.default.with_suffix(SUFFIXES[self.format]))
            yield Input(value=typed, id="export-path",
                        suggester=PathSuggester(tuple(SUFFIXES.values()), root=self.root))
            yield Label(tr("enter writes · tab: format ↔ file · escape cancels"), classes="hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = list(LABELS).index(self.format)
        if self.error:  # back to correct the file: the field has focus, its text as typed
            path = self.query_one("#export-path", Input)
            path.focus()
            path.cursor_position = len(path.value)
        else:
            options.focus()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self._choose(event.option.id or "markdown")

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._choose(event.option.id or "markdown")
        path = self.query_one("#export-path", Input)
        path.focus()
        path.cursor_position = len(path.value)

    def _choose(self, fmt: str) -> None:
        """Switch the format and give the file name its suffix (the format shown when the
        dialog opens leaves the name as it is)."""
        self.query_one("#export-about", Label).update(tr(ABOUT[fmt]))
        if fmt == self.format:
            return
        self.format = fmt
        path = self.query_one("#export-path", Input)
        typed = Path(path.value.strip() or str(self.default))
        if typed.suffix in SUFFIXES.values() or not typed.suffix:
            path.value = str(typed.with_suffix(SUFFIXES[fmt]))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        if value:
            self.dismiss((self.format, value))

    def action_cancel(self) -> None:
        self.dismiss(None)
