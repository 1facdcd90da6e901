"""A panel's lines inside its border are made once for all of them
(``tui.widgets.panels.same_lines``): after steps, focus moves, a much wider number, a small
terminal (scroll bars) and a change of theme, every line of every panel is what Textual's
own line cache draws from scratch."""

from __future__ import annotations

from textual._styles_cache import StylesCache
from tui_helpers import SIZE, press

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.panels.layer_panel import LayerPanel
from tui.widgets.panels.same_lines import SameInsideLines


def check_panels(app: CnnTuiApp) -> int:
    """Each panel's lines as its cache gives them against a fresh Textual cache's; how many
    panels changed focus look (so the check saw borders of both kinds)."""
    looks = set()
    for panel in app.main.query(LayerPanel):
        if not panel.region:
            continue
        assert isinstance(panel._styles_cache, SameInsideLines)
        whole = panel.size.region
        kept = panel._styles_cache.render_widget(panel, whole)
        assert kept == StylesCache().render_widget(panel, whole), panel.id
        looks.add(panel.styles.border_left)
    return len(looks)


async def test_panel_lines_are_what_textual_draws() -> None:
    app = CnnTuiApp(load("tiny-cnn"))
    looks = 0
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        for key in ["space"] * 5 + ["tab", "tab", "right", "space", "plus", "plus", "space"]:
            await press(pilot, key)
            await pilot.pause()
            looks = max(looks, check_panels(app))
        app.theme = "nord"
        await pilot.pause()
        await pilot.pause()
        check_panels(app)
        await pilot.resize_terminal(80, 24)  # panels shorter than their grids: scroll bars
        await pilot.pause()
        await pilot.pause()
        check_panels(app)
        await press(pilot, "space")
        await pilot.pause()
        check_panels(app)
    assert looks == 2  # (the focused panel's border and the others')
