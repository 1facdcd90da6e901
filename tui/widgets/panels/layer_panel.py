"""One bordered panel per layer (plus input and loss), holding its ValueGrid.

The panel also hosts the inline editor: an ``Input`` placed exactly over the cell being
edited, so the value itself becomes the editor. The panel turns the editor's enter and
escape into ``EditSubmitted`` and ``EditCancelled``; the screen's editing feature decides.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.color import Color
from textual.containers import VerticalScroll
from textual.content import Content
from textual.geometry import Region
from textual.message import Message
from textual.style import Style as VisualStyle
from textual.widgets import Input
from textual.widgets.input import Selection

from core.ascii_text import shown
from core.i18n import mark
from tui.widgets.one_frame import NoSecondLayout
from tui.widgets.panels.same_lines import SameInsideLines
from tui.widgets.panels.value_grid import Row, ValueGrid

if TYPE_CHECKING:  # the heatmaps' widget is imported when a panel first shows heatmaps
    from tui.widgets.heatmap.blocks import HeatBlock
    from tui.widgets.heatmap.heatmap_view import HeatmapView


_EDGES = ("border_top", "border_right", "border_bottom", "border_left")


class CellEditor(Input):
    """The inline editor of one value: enter commits (the editing feature decides), escape cancels.

    It has no fixed id: an editor being removed and its successor may be in the DOM at the
    same moment (the panel awaits the removal anyway), and two equal ids would end the app.
    """

    BINDINGS = [Binding("escape", "cancel", mark("cancel"), show=True)]

    def __init__(self, name: str, text: str) -> None:
        super().__init__(value=text, select_on_focus=True, compact=True, classes="cell-editor")
        self.quantity = name

    def action_cancel(self) -> None:
        self.post_message(LayerPanel.EditCancelled(self))

    def on_focus(self) -> None:
        self.call_later(self.show_start)  # after Input's own focus handling, which selects all

    def show_start(self) -> None:
        """Everything selected, the cursor (and so the view) at the start: −0.1946…, not …449244."""
        self.selection = Selection(len(self.value), 0)
        self.scroll_to(0, animate=False, immediate=True)


class LayerPanel(NoSecondLayout, VerticalScroll):
    """A titled, scrollable panel showing one layer's numbers."""

    COMPONENT_CLASSES = {"layer-panel--focused"}

    class EditSubmitted(Message):
        """enter in an inline editor (a value's or a learner's answer)."""

        def __init__(self, editor: CellEditor, text: str) -> None:
            super().__init__()
            self.editor = editor
            self.text = text

    class EditCancelled(Message):
        """escape in an inline editor (the editor is already gone when this arrives)."""

        def __init__(self, editor: CellEditor) -> None:
            super().__init__()
            self.editor = editor

    def __init__(self, key: str, title: str) -> None:
        super().__init__(id=f"panel-{key}", classes="layer-panel")
        self.key = key
        self.border_title = title = shown(title)  # ASCII with --ascii
        self.styles.min_width = len(Content.from_markup(title)) + 6
        self.grid = ValueGrid(id=f"grid-{key}")
        self._heatmap: HeatmapView | None = None  # made when the panel first shows heatmaps
        self.mode = "numbers"  # or "heatmap" (h toggles)
        # what its rows were made from (the main screen skips a panel whose sources are the same)
        self.drawn_from: tuple[tuple[object, ...], tuple[object, ...]] | None = None
        self.can_focus = False
        self._styles_cache = SameInsideLines()  # its lines inside the border are all alike

    def compose(self) -> ComposeResult:
        yield self.grid
        if self.mode == "heatmap":  # else mounted when first shown: a hidden widget is styled all the same
            yield self.heatmap

    @property
    def heatmap(self) -> HeatmapView:
        """The panel's heatmaps (made, hidden, at the first ask: a panel that never shows them
        never imports their widget)."""
        if self._heatmap is None:
            from tui.widgets.heatmap.heatmap_view import HeatmapView

            self._heatmap = HeatmapView(id=f"heat-{self.key}")
            self._heatmap.display = False
        return self._heatmap

    @property
    def view(self) -> ValueGrid | HeatmapView:
        """The widget showing the values now: the number grid or the heatmaps."""
        return self.heatmap if self.mode == "heatmap" else self.grid

    def set_mode(self, mode: str) -> None:
        self.mode = mode
        self.grid.display = mode == "numbers"
        if mode == "heatmap" or self._heatmap is not None:
            self.heatmap.display = mode == "heatmap"
        if mode == "heatmap" and self.is_mounted and self.heatmap.parent is None:
            self.mount(self.heatmap)  # its first showing (see compose)

    def set_blocks(self, blocks: list[HeatBlock]) -> None:
        self.heatmap.set_blocks(blocks)

    def show_subtitle(self, subtitle: str) -> None:
        """The text on the border's bottom line ("next: f" under the panel of the next step).
        Setting ``border_subtitle`` repaints the whole panel (its border all the way round,
        ~19 lines a step); only the bottom line shows the subtitle, so only that line is
        repainted, once the panel has a size. The text is kept as ``border_subtitle`` keeps it."""
        if self.border_subtitle == subtitle:
            return
        width, height = self.outer_size
        if not (self.is_mounted and width and height):
            self.border_subtitle = subtitle
            return
        self._border_subtitle = self.render_str(subtitle).expand_tabs(4).split()[0]  # as Textual's setter
        offset = self.content_offset  # refresh() takes regions inside the border and padding
        self.refresh(Region(-offset.x, height - 1 - offset.y, width, 1))

    def on_mount(self) -> None:
        self.watch(self.screen, "focused", self._show_focus)  # as the focus moves, before any frame

    def notify_style_update(self) -> None:
        """After a restyle (a theme): the border again, once the component styles are done too."""
        super().notify_style_update()
        if self.is_mounted:
            self.call_next(self._show_focus)

    def _show_focus(self) -> None:
        """The border of the panel holding the focus, from ``layer-panel--focused``, else the
        panel's own. Setting it (an inline border of the same kind) repaints the panel's own
        lines only; a ``:focus-within`` rule restyled the panel's subtree at each focus move,
        which repainted its grid (a title colour rule: every descendant) and its scroll bars.

        An edge that changes colour only is set without Textual's refresh of the whole panel
        (which repaints the grid inside it too), and just the border's four edges are
        repainted; an edge that appears or goes (a theme's) is set as Textual sets it."""
        own = self.styles.base
        edges = self.get_component_styles("layer-panel--focused") if self.has_focus_within else own
        styles, inline = self.styles, self.styles.inline
        recolored = False
        for name in _EDGES:
            new, now = getattr(edges, name), getattr(styles, name)
            if new == now:
                continue
            if bool(new[0]) == bool(now[0]) and self.is_mounted:
                recolored |= inline.set_rule(name, new)
            else:
                setattr(styles, name, new)  # a layout: the panel's inside moves
        if recolored:
            self.refresh(*self._edge_regions())

    def _edge_regions(self) -> tuple[Region, ...]:
        """The border's top and bottom lines and its left and right columns, as ``refresh``
        takes regions (from inside the border and padding)."""
        width, height = self.outer_size
        x, y = self.content_offset
        return (Region(-x, -y, width, 1), Region(-x, height - 1 - y, width, 1),
                Region(-x, -y, 1, height), Region(width - 1 - x, -y, 1, height))

    def _get_title_style_information(self, background: Color) -> tuple[Color, Color, VisualStyle]:
        """The title's colour and style: the focused panel's from ``layer-panel--focused``.

        Read here, as the top line is drawn: set as a style when the focus moves, a title
        colour or text style repaints every line inside the panel (Textual repaints all of a
        widget's descendants when one of its colour or text-style rules changes)."""
        if not self.has_focus_within:
            return super()._get_title_style_information(background)
        styles = self.get_component_styles("layer-panel--focused")
        color = styles.border_title_color
        if styles.auto_border_title_color:  # $text is "auto": as Textual resolves it
            color = background.get_contrast_text(color.a)
        return color, self.styles.border_title_background, VisualStyle.from_rich_style(styles.border_title_style)

    def set_rows(self, rows: list[Row]) -> None:
        self.grid.set_rows(rows)

    @property
    def editor(self) -> CellEditor | None:
        found = self.query(CellEditor)
        return found.first() if found else None

    async def start_edit(self, name: str, text: str, editor_class: type[CellEditor] = CellEditor) -> CellEditor | None:
        """Mount an Input over the cell of ``name``; None if the grid does not show it."""
        region = self.view.cell_region(name)
        if region is None:
            return None
        await self.close_editor()
        editor = editor_class(name, text)
        # the whole value where the panel has room for it (over the cells to its right), else
        # as much as fits; it opens showing its start, all of it selected (typing replaces it)
        room = self.content_size.width - region.x
        editor.styles.width = max(region.width + 1, 7, min(len(text) + 1, room))
        editor.styles.offset = (region.x, region.y)
        await self.mount(editor)
        editor.focus()
        return editor

    async def close_editor(self, refocus: bool = False) -> None:
        """Remove the open editor (waiting until it is gone); ``refocus`` returns to the values."""
        for editor in list(self.query(CellEditor)):
            await editor.remove()
        if refocus:
            self.view.focus()

    @on(Input.Submitted, ".cell-editor")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if isinstance(event.input, CellEditor):
            self.post_message(self.EditSubmitted(event.input, event.value))

    @on(EditCancelled)
    async def _cancelled(self, event: EditCancelled) -> None:
        """Close the editor here, then let the message go on up to say so."""
        await self.close_editor(refocus=True)
