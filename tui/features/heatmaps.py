"""``h``: the focused panel between numbers and heatmaps."""

from __future__ import annotations

from typing import ClassVar

from textual.widget import Widget

from core.i18n import tr
from tui.bindings import key_for
from tui.features.base import Feature
from tui.widgets.panels.layer_panel import LayerPanel


class HeatmapFeature(Feature):
    """Numbers ↔ heatmap for the panel that holds the focus."""

    ACTIONS: ClassVar[frozenset[str]] = frozenset({"toggle_heatmap"})

    def focused_panel(self) -> LayerPanel | None:
        node: Widget | None = self.host.focused
        while node is not None and not isinstance(node, LayerPanel):
            node = node.parent if isinstance(node.parent, Widget) else None
        return node

    def action_toggle_heatmap(self) -> None:
        host = self.host
        key = key_for("toggle_heatmap")
        panel = self.focused_panel()
        if panel is None:
            host.say(tr("{key} switches the focused panel between numbers and a heatmap: move into a panel first",
                        key=key), error=True)
            return
        name = host.selected
        panel.set_mode("numbers" if panel.mode == "heatmap" else "heatmap")
        host.refresh_view()
        view = panel.view
        if not (name and view.select(name)):
            rows = panel.grid.rows
            view.select(rows[0].cells[0].name if rows and rows[0].cells else "")
        view.focus(scroll_visible=False)
        host.keep_selection_in_view()
        if panel.mode == "heatmap":
            host.say(tr("{panel}: heatmap (blue < 0 < red; arrows move over single values; {key}: numbers)",
                        panel=panel.key, key=key))
        else:
            cut = name and not panel.grid.locate(name)
            host.say(tr("{panel}: numbers ({key}: heatmap)", panel=panel.key, key=key)
                     + (tr(" — {name} is beyond the first {rows}×{cols} shown", name=name, rows=8, cols=8)
                        if cut else ""))
