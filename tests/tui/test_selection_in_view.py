"""The selected value stays on screen when the grids widen (more decimals) or a panel turns
into a heatmap: the panels scroll sideways and the panel up or down until it shows."""

from __future__ import annotations

import pytest
from textual.containers import HorizontalScroll
from tui_helpers import SIZE, press

from core.scenario.catalog import load
from tui.app import CnnTuiApp


def on_screen(app, name: str) -> bool:
    """Is the cell of ``name`` drawn inside the panels' box and inside its own panel?"""
    box = app.main.query_one("#panels", HorizontalScroll)
    for panel in app.main.panels:
        region = panel.view.cell_region(name) if panel.view.display else None
        if region is None:
            continue
        cell = region.translate(panel.view.content_region.offset)
        inside = box.content_region.intersection(panel.scrollable_content_region)
        return inside.contains_region(cell)
    raise AssertionError(f"{name} is not shown")


async def settle(pilot) -> None:
    for _ in range(3):
        await pilot.pause()


async def test_six_decimals_at_120_columns_keep_the_out_panels_value_in_view(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        app.main.select("out.weight[0,1]")
        await settle(pilot)
        assert on_screen(app, "out.weight[0,1]")
        await press(pilot, "plus", "plus", "plus")  # 6 decimals: the grids widen past 120 columns
        await settle(pilot)
        assert app.main.query_one("#panels").max_scroll_x > 0  # the panels no longer fit …
        assert on_screen(app, "out.weight[0,1]")  # … and the selected value was scrolled into view


async def test_at_80_by_24_the_selection_stays_in_view_with_more_decimals_and_a_heatmap():
    app = CnnTuiApp(load("x-vs-o"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "n")
        app.main.select("conv.grad_weight[1,0,2,2]")  # low in a panel right of the screen's middle
        await settle(pilot)
        assert on_screen(app, "conv.grad_weight[1,0,2,2]")
        await press(pilot, "plus", "plus", "plus")
        await settle(pilot)
        assert on_screen(app, "conv.grad_weight[1,0,2,2]")
        app.main.select("out.new_weight[1,7]")
        await settle(pilot)
        assert on_screen(app, "out.new_weight[1,7]")
        app.main.select("flat.out[0]")
        await press(pilot, "h")  # the flatten panel as a heatmap: the cursor stays where it was
        await settle(pilot)
        assert app.main.panel("flat").mode == "heatmap" and app.main.selected == "flat.out[0]"
        assert on_screen(app, "flat.out[0]")


def cut_panels(app) -> list[str]:
    """Panels whose values are cut with no way to scroll to them: wider than the panel (a
    panel scrolls only up and down), or taller without a scroll bar."""
    cut = []
    for panel in app.main.panels:
        view = panel.view
        width = view.get_content_width(panel.size, panel.size)
        height = view.get_content_height(panel.size, panel.size, width)
        room = panel.scrollable_content_region
        if width > room.width or (height > room.height and not panel.show_vertical_scrollbar):
            cut.append(f"{panel.key} ({panel.mode}): {width}×{height} in {room.width}×{room.height}")
    return cut


@pytest.mark.parametrize("name", ["tiny-cnn", "x-vs-o"])
async def test_no_panel_is_cut_at_80_by_24_with_more_decimals_or_heatmaps(name):
    app = CnnTuiApp(load(name))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "n")
        for _ in range(4):  # 3 to 7 decimals
            await press(pilot, "plus")
            await settle(pilot)
            assert cut_panels(app) == []
        for panel in app.main.panels:  # every panel as a heatmap
            panel.view.focus()
            await press(pilot, "h")
            await settle(pilot)
        assert all(p.mode == "heatmap" for p in app.main.panels)
        assert cut_panels(app) == []
        box = app.main.query_one("#panels", HorizontalScroll)
        assert box.max_scroll_x > 0 and box.show_horizontal_scrollbar  # wider than 80: it scrolls
