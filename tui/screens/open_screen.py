"""Open a scenario: a path with completion, a tree of *.yaml files, or a bundled name.

The file is loaded here, in a background thread (a slow, huge or never-ending file
never freezes the screen, and never holds up quitting); a broken one shows its message
and the dialog stays open, so the current session is never touched by a failed open.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from rich.text import Text, TextType
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DirectoryTree, Input, Label, Static

from core.engine.scenario import Scenario
from core.i18n import mark, tr
from core.scenario.catalog import bundled_names, load
from core.scenario.root import Root
from core.text import quote, visible
from tui.background import run_in_background
from tui.literal import literal
from tui.message_log import Said
from tui.problem import problem
from tui.screens.path_suggester import PathSuggester


class YamlTree(DirectoryTree):
    """Folders and scenario files only (served: only those inside the folder, links resolved)."""

    confined: Root | None = None

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if not p.name.startswith(".") and (p.is_dir() or p.suffix in (".yaml", ".yml"))
                and (self.confined is None or self.confined.contains(p))]

    def process_label(self, label: TextType) -> Text:
        """A file name with control characters visible (a name may hold ``\\x1b[2J``)."""
        return super().process_label(Text(visible(label)) if isinstance(label, str) else label)


class OpenScreen(ModalScreen[Scenario | None]):
    """Dismisses with the loaded Scenario, or None when cancelled."""

    CSS_PATH = "dialogs.tcss"  # the dialogs' styles, read when it first opens (not for the first frame)

    # labels take the dialog's width and wrap (auto width would cut them off on narrow terminals)
    DEFAULT_CSS = "#open-dialog Label { width: 100%; }"

    BINDINGS = [Binding("escape", "cancel", mark("cancel"))]

    def __init__(self, folder: Path, with_tree: bool = True, root: Root | None = None) -> None:
        """``root``: only files inside that folder open (a served session)."""
        super().__init__(classes="dialog-screen")
        self.folder = folder
        self.with_tree = with_tree
        self.root = root
        self.loader: Callable[[str], Scenario] = load if root is None else root.load
        self._loading = 0  # the number of the latest load started

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="open-dialog"):
            yield Label(tr("Open a scenario: type a path (→ accepts the completion shown) or pick a file below"))
            yield Label(tr("bundled: {names}", names=", ".join(bundled_names())), classes="hint")
            yield Input(placeholder=tr("path/to/scenario.yaml or tiny-cnn"), id="open-path",
                        suggester=PathSuggester(root=self.root))
            yield Static("", id="open-error", classes="error")
            if self.with_tree:
                tree = YamlTree(self.folder, id="open-tree")
                tree.confined = self.root
                yield tree

    def on_mount(self) -> None:
        self.query_one("#open-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.try_open(event.value.strip())

    def on_directory_tree_file_selected(self, event: DirectoryTree.FileSelected) -> None:
        event.stop()
        self.query_one("#open-path", Input).value = str(event.path)
        self.try_open(str(event.path))

    def try_open(self, target: str) -> None:
        """Load ``target`` in a thread; on success close with it, otherwise show why and stay."""
        error = self.query_one("#open-error", Static)
        if not target:
            error.update(tr("type a path or a bundled name"))
            return
        error.update(literal(tr("opening {path}…", path=quote(target))))
        self._loading += 1
        ticket = self._loading  # a second enter supersedes the first load: its outcome is dropped
        run_in_background(self.app, partial(self.loader, target), partial(self._loaded, ticket),
                          partial(self._failed, ticket), name="open")

    def _current(self, ticket: int) -> bool:
        """Is this the latest load, and the dialog still open?"""
        return ticket == self._loading and self.is_attached and self.app.screen is self

    def _loaded(self, ticket: int, scenario: Scenario) -> None:
        if self._current(ticket):
            self.dismiss(scenario)

    def _failed(self, ticket: int, err: BaseException) -> None:
        if self._current(ticket):
            said = problem(err)
            self.query_one("#open-error", Static).update(literal(said))
            self.post_message(Said(tr("not opened: {reason}", reason=said)))  # kept in the message log too
            self.app.bell()

    def action_cancel(self) -> None:
        self.dismiss(None)
