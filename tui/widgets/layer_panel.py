"""One bordered panel per layer (plus input and loss), holding its ValueGrid.

The panel also hosts the inline editor: an ``Input`` placed exactly over the cell being
edited, so the value itself becomes the editor.
"""

from __future__ import annotations

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input

from tui.widgets.heatmap_view import HeatBlock, HeatmapView
from tui.widgets.value_grid import Row, ValueGrid


class CellEditor(Input):
    """The inline editor of one value: enter commits (the app decides), escape cancels."""

    BINDINGS = [Binding("escape", "cancel", "cancel", show=True)]

    def __init__(self, name: str, text: str) -> None:
        super().__init__(value=text, select_on_focus=True, compact=True, id="cell-editor")
        self.quantity = name

    def action_cancel(self) -> None:
        panel = self.parent
        self.remove()
        if isinstance(panel, LayerPanel):
            panel.view.focus()
            self.app.post_message(EditCancelled(self.quantity))


class EditCancelled(Message):
    """escape in the inline editor."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.quantity = name


class LayerPanel(VerticalScroll):
    """A titled, scrollable panel showing one layer's numbers."""

    def __init__(self, key: str, title: str) -> None:
        super().__init__(id=f"panel-{key}", classes="layer-panel")
        self.key = key
        self.border_title = title
        self.styles.min_width = len(Content.from_markup(title)) + 6
        self.grid = ValueGrid(id=f"grid-{key}")
        self.heatmap = HeatmapView(id=f"heat-{key}")
        self.heatmap.display = False
        self.mode = "numbers"  # or "heatmap" (h toggles)
        self.can_focus = False

    def compose(self):
        yield self.grid
        yield self.heatmap

    @property
    def view(self) -> ValueGrid | HeatmapView:
        """The widget showing the values now: the number grid or the heatmaps."""
        return self.heatmap if self.mode == "heatmap" else self.grid

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.grid.display = mode == "numbers"
        self.heatmap.display = mode == "heatmap"

    def set_blocks(self, blocks: list[HeatBlock]) -> None:
        self.heatmap.set_blocks(blocks)

    def set_rows(self, rows: list[Row]) -> None:
        self.grid.set_rows(rows)

    @property
    def editor(self) -> CellEditor | None:
        found = self.query(CellEditor)
        return found.first() if found else None

    def start_edit(self, name: str, text: str, editor_class: type[CellEditor] = CellEditor) -> CellEditor | None:
        """Mount an Input over the cell of ``name``; None if the grid does not show it."""
        region = self.view.cell_region(name)
        if region is None:
            return None
        if self.editor is not None:
            self.editor.remove()
        editor = editor_class(name, text)
        editor.styles.width = max(region.width + 1, 7)
        editor.styles.offset = (region.x, region.y)
        self.mount(editor)
        editor.focus()
        return editor
