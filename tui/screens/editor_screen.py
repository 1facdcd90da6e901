"""The network editor: a scenario's layers and settings, changed one at a time.

Each row is written as the file writes it (a layer as one line of flow YAML, a setting as
its value) with the shapes and parameter counts that result. Every change goes through
``core.scenario.draft``, which has the loader check it as a file: a refused change is said
with the loader's message and the typed line stays to be corrected. ``o`` opens the result
in the stepping view (where ``S`` saves it as an ordinary scenario); escape leaves it.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from core.engine.scenario import Scenario
from core.errors import CnnTuiError
from core.i18n import mark, tr, tr_n
from core.scenario.draft import SETTINGS, Draft
from core.text import visible
from tui.ascii_view import SpelledStatic
from tui.bindings import EDITOR_BINDINGS, EDITOR_KEYS, editor_key, key_for
from tui.literal import literal
from tui.screens.confirm_screen import ConfirmScreen
from tui.widgets.bars.key_bar import KeyBar

# the settings' rows, as the table names them (marked messages: shown with tr)
SETTING_WORDS = {"name": mark("name"), "input": mark("input shape"), "samples": mark("samples"), "loss": mark("loss"),
                 "learning_rate": mark("learning rate α"), "optimizer": mark("optimizer"),
                 "batch_size": mark("batch size"), "seed": mark("seed"), "init": mark("init")}


class LineEditor(Input):
    """The line of the row being edited: enter applies it, escape puts the row back."""

    BINDINGS = [Binding("escape", "cancel", mark("cancel"), show=True)]

    def action_cancel(self) -> None:
        screen = self.screen
        if isinstance(screen, EditorScreen):
            screen.cancel_edit()


class EditorScreen(Screen[Scenario]):
    """Dismisses with the designed scenario (``o``), or None (escape)."""

    CSS_PATH = "editor.tcss"  # the network editor's styles, read when it first opens (not for the first frame)

    BINDINGS = EDITOR_BINDINGS
    KEY_TABLE = EDITOR_KEYS  # the command palette lists these while the editor is open

    def __init__(self, draft: Draft) -> None:
        super().__init__(id="editor")
        self.draft = draft
        self.history: list[Draft] = []
        self.editing: str | None = None  # the row key being edited

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-body"):
            yield SpelledStatic(id="editor-title")  # SpelledStatic: ASCII with --ascii
            yield DataTable(id="editor-table", cursor_type="row", zebra_stripes=True)
            yield LineEditor(id="editor-line", compact=True, placeholder=tr("enter on a row edits it here"))
            yield SpelledStatic(id="editor-summary")
            yield SpelledStatic(id="editor-message")
        yield KeyBar(id="editor-keys")

    def on_mount(self) -> None:
        table = self.table
        table.add_columns("", tr("reads"), tr("makes"), tr("parameters"), tr("as in the file"))
        self.line.display = False
        self.show()
        table.focus()
        self.say(tr("network editor: {edit} edits the selected row as the file writes it; {add} adds a layer, "
                    "{open} opens it for stepping", edit=editor_key("edit_row"), add=editor_key("add_layer"),
                    open=editor_key("open_design")))

    # --- parts ---------------------------------------------------------------------------
    @property
    def table(self) -> DataTable[Text | str]:
        return self.query_one("#editor-table", DataTable)

    @property
    def line(self) -> LineEditor:
        return self.query_one("#editor-line", LineEditor)

    def say(self, text: str, error: bool = False) -> None:
        message = self.query_one("#editor-message", Static)
        message.set_class(error, "error")
        message.update(literal(text))
        if error:
            self.app.bell()

    def show(self, select: str | None = None) -> None:
        """Redraw every row from the draft, keeping the cursor on ``select`` (or where it was)."""
        table, draft = self.table, self.draft
        was = self.selected_key
        table.clear()
        for i, row in enumerate(draft.rows()):
            table.add_row(Text(tr("layer {n}", n=i + 1)), row.reads, row.makes,
                          Text(f"{row.parameters:,}", justify="right"), Text(visible(row.line)), key=f"layer:{i}")
        for name in SETTINGS:
            table.add_row(Text(tr(SETTING_WORDS[name])), "", "", "", Text(visible(draft.setting(name))),
                          key=f"setting:{name}")
        wanted = select or was
        keys = [f"layer:{i}" for i in range(len(draft.layers))] + [f"setting:{n}" for n in SETTINGS]
        if wanted in keys:
            table.move_cursor(row=keys.index(wanted), animate=False)
        network = draft.scenario.network
        self.query_one("#editor-title", Static).update(literal(tr("network editor — {name}", name=draft.scenario.name)))
        layers, samples = len(network.layers), len(draft.scenario.samples)
        self.query_one("#editor-summary", Static).update(" · ".join((
            tr_n("{n} layer", "{n} layers", layers), tr("output {shape}", shape=list(network.output_shape)),
            tr("{n:,} parameters", n=draft.parameters), tr_n("{n} sample", "{n} samples", samples))))

    @property
    def selected_key(self) -> str | None:
        table = self.table
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def selected_layer(self) -> int | None:
        key = self.selected_key
        return int(key.split(":")[1]) if key and key.startswith("layer:") else None

    @staticmethod
    def row_words(key: str) -> str:
        """``layer:2`` → ``layer 3`` (as the table counts), ``setting:loss`` → ``loss``."""
        kind, _, what = key.partition(":")
        return tr("layer {n}", n=int(what) + 1) if kind == "layer" else tr(SETTING_WORDS.get(what, what))

    def text_of(self, key: str) -> str:
        kind, _, what = key.partition(":")
        if kind == "setting":
            return self.draft.setting(what)
        return self.draft.rows()[int(what)].line

    # --- changes ---------------------------------------------------------------------------
    def change(self, make: str, build: object) -> bool:
        """Adopt the draft ``build()`` gives, or say why the loader refused it (nothing changes)."""
        try:
            assert callable(build)
            draft = build()
        except CnnTuiError as err:
            self.say(str(err), error=True)
            return False
        assert isinstance(draft, Draft)
        self.history.append(self.draft)
        self.draft = draft
        self.show(make)
        notes = "; ".join(draft.notes)
        if notes:
            self.say(tr("{row}: checked as a file is; {notes}", row=self.row_words(make), notes=notes))
        else:
            self.say(tr("{row}: checked as a file is", row=self.row_words(make)))
        return True

    def start_edit(self, key: str) -> None:
        self.editing = key
        line = self.line
        line.value = self.text_of(key)
        line.display = True
        line.focus()
        line.cursor_position = len(line.value)
        self.say(tr("edit the line as the file writes it; enter applies it, escape leaves it as it was"))

    def cancel_edit(self) -> None:
        self.editing = None
        self.line.display = False
        self.table.focus()
        self.say(tr("left as it was"))

    @on(Input.Submitted, "#editor-line")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        key = self.editing
        if key is None:
            return
        kind, _, what = key.partition(":")
        text = event.value
        draft = self.draft
        if kind == "setting":
            done = self.change(key, lambda: draft.with_setting(what, text))
        else:
            done = self.change(key, lambda: draft.with_layer(int(what), text))
        if done:  # a refused line stays to be corrected
            self.editing = None
            self.line.display = False
            self.table.focus()

    @on(DataTable.RowSelected, "#editor-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.start_edit(str(event.row_key.value))

    # --- keys (tui.bindings.EDITOR_KEYS) ---------------------------------------------------------
    def action_edit_row(self) -> None:
        key = self.selected_key
        if key is not None:
            self.start_edit(key)

    def action_add_layer(self) -> None:
        """A dense layer after the selected one; before it when that is the output layer (which
        stays last), and before the output when a setting is selected."""
        last = len(self.draft.layers) - 1
        selected = self.selected_layer()
        after = last - 1 if selected is None or selected == last else selected
        draft = self.draft
        if self.change(f"layer:{after + 1}", lambda: draft.with_new_layer(after, "dense")):
            self.say(tr("added a dense layer as layer {n}: {edit} changes its type and fields, {up}/{down} move it",
                        n=after + 2, edit=editor_key("edit_row"), up=editor_key("move_up"),
                        down=editor_key("move_down")))

    def action_remove_layer(self) -> None:
        i = self.selected_layer()
        if i is None:
            self.say(tr("select a layer to remove (the settings stay)"), error=True)
            return
        draft = self.draft
        self.change(f"layer:{max(i - 1, 0)}", lambda: draft.without_layer(i))

    def action_move_up(self) -> None:
        self.move_layer(-1)

    def action_move_down(self) -> None:
        self.move_layer(1)

    def move_layer(self, delta: int) -> None:
        i = self.selected_layer()
        if i is None:
            self.say(tr("select a layer to move"), error=True)
            return
        draft = self.draft
        self.change(f"layer:{i + delta}", lambda: draft.with_layer_moved(i, delta))

    def action_undo_change(self) -> None:
        if not self.history:
            self.say(tr("nothing to undo in the editor"), error=True)
            return
        self.draft = self.history.pop()
        self.show()
        self.say(tr("undid the last change"))

    def action_open_design(self) -> None:
        self.dismiss(self.draft.scenario)

    def action_leave_editor(self) -> None:
        """Back to the stepping view; a design with changes asks first (they would be lost)."""
        if not self.history or self.draft.document == self.history[0].document:  # nothing would be lost
            self.dismiss(None)
            return

        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)
            else:
                self.say(tr("kept the design ({key} opens it for stepping)", key=editor_key("open_design")))

        self.app.push_screen(ConfirmScreen(
            tr("Leave the editor and lose the changes to the design?"),
            tr("{key} opens it for stepping instead ({save} there saves it)", key=editor_key("open_design"),
               save=key_for("save_as"))), answered)
