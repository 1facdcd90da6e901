"""The panel holding the focus shows it (accent border, bright bold title, the cursor's
colour) after every focus move, by key and by mouse, though a focus move no longer repaints
the panels' grids whole: what is on the screen, styles and all, is what drawing every
widget again from scratch gives."""

from __future__ import annotations

from rich.segment import Segment
from textual.content import Content
from textual.widget import Widget
from tui_helpers import SIZE, press

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.panels.layer_panel import LayerPanel


def drawn(app: CnnTuiApp) -> list[list[Segment]]:
    """The screen as the compositor holds it now: text and style of every cell."""
    return [list(strip) for strip in app.screen._compositor.render_strips()]


async def drawn_afresh(app: CnnTuiApp, pilot) -> list[list[Segment]]:
    """The screen once every widget has been drawn again with no cache kept."""
    for widget in app.screen.walk_children(Widget, with_self=True):
        for cache in ("_lines", "_cache"):  # the grid's and the heatmap's own line caches
            if isinstance(getattr(widget, cache, None), dict) and not isinstance(widget, LayerPanel):
                getattr(widget, cache).clear()
        widget.refresh()
    await pilot.pause()
    return drawn(app)


def title_line(app: CnnTuiApp, panel: LayerPanel) -> list[Segment]:
    region = panel.region
    line = drawn(app)[region.y]
    cells: list[Segment] = []
    x = 0
    for segment in line:
        for char in segment.text:
            if region.x <= x < region.right:
                cells.append(Segment(char, segment.style))
            x += 1
    return cells


def title_is_bold(app: CnnTuiApp, panel: LayerPanel) -> bool | None:
    """Whether the panel's title is drawn bold; None if the screen shows it clipped."""
    title = Content.from_markup(str(panel.border_title)).plain
    cells = title_line(app, panel)
    text = "".join(c.text for c in cells)
    if title not in text:
        return None
    start = text.index(title)
    return all(c.style is not None and bool(c.style.bold) for c in cells[start:start + len(title)])


async def check(app: CnnTuiApp, pilot, what: str) -> None:
    await pilot.pause()
    focused = [p for p in app.main.panels if p.has_focus_within]
    assert len(focused) == 1, what
    assert title_is_bold(app, focused[0]), what
    for panel in app.main.panels:
        assert title_is_bold(app, panel) in (panel is focused[0], None), (what, panel.id)
    assert drawn(app) == await drawn_afresh(app, pilot), what


async def test_the_focused_panel_looks_focused_after_keys_and_clicks() -> None:
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")  # the story closes
        await check(app, pilot, "start")
        for i in range(8):  # each step moves the focus to the panel of the next step
            await press(pilot, "space")
            await check(app, pilot, f"space {i}")
        for key in ("tab", "tab", "shift+tab", "right", "left"):
            await press(pilot, key)
            await check(app, pilot, key)
        for key in ("input", "fc", "conv"):
            grid = app.main.panel(key).grid
            await pilot.click(grid, offset=(grid.size.width // 2, 0))
            await check(app, pilot, f"click {key}")
            assert app.focused is grid


async def test_a_heatmap_panel_looks_focused_after_keys_and_clicks() -> None:
    app = CnnTuiApp(load("digits"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await check(app, pilot, "start")
        view = app.main.panel("input").heatmap
        region = view.cell_region("input[0,0,2,3]")
        assert region is not None
        await pilot.click(view, offset=(region.x, region.y))
        await check(app, pilot, "click input")
        assert app.focused is view
        for key in ("tab", "shift+tab"):
            await press(pilot, key)
            await check(app, pilot, key)
        for i in range(4):
            await press(pilot, "space")
            await check(app, pilot, f"space {i}")


async def test_the_focused_border_follows_a_change_of_theme() -> None:
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        await press(pilot, "space")
        await check(app, pilot, "dark")
        focused = next(p for p in app.main.panels if p.has_focus_within)
        dark_border = focused.styles.border_top
        app.theme = "nord"  # another accent colour
        await pilot.pause()
        await check(app, pilot, "nord")
        assert focused.styles.border_top != dark_border
        assert focused.styles.border_top == focused.get_component_styles("layer-panel--focused").border_top


async def test_a_focus_move_repaints_the_two_panels_borders_only(monkeypatch) -> None:
    """Moving the focus recolours the border of the panel it leaves and of the one it enters:
    those repaint their four edges (regions), never a whole panel with the grid inside it,
    and no other panel repaints at all."""
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        refreshed: list[tuple[str, int]] = []
        refresh = LayerPanel.refresh

        def recording(self: LayerPanel, *regions, **kwargs):
            refreshed.append((str(self.id), len(regions)))
            return refresh(self, *regions, **kwargs)

        monkeypatch.setattr(LayerPanel, "refresh", recording)
        before = next(p for p in app.main.panels if p.has_focus_within)
        await press(pilot, "tab")
        after = next(p for p in app.main.panels if p.has_focus_within)
        assert after is not before
        assert sorted(refreshed) == sorted([(str(before.id), 4), (str(after.id), 4)])
        assert drawn(app) == await drawn_afresh(app, pilot)
