"""A grid draws each line from its row alone and redraws only the rows that changed: the
screen must still look exactly as a whole redraw of every widget would make it, after
steps, cursor moves, focus moves, decimals and the trace."""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.visual import Visual, visualize
from tui_helpers import SIZE, press

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.panels.value_grid import ValueGrid

KEYS = ["f", "f", "right", "down", "tab", "plus", "b", "d", "space", "u"]


def cells(strip) -> list[tuple[str, object]]:
    """A line as (character, style) pairs: the same picture whatever its segments."""
    return [(char, segment.style) for segment in strip for char in segment.text]


def whole_lines(grid: ValueGrid) -> list[list[tuple[str, object]]]:
    """The grid's lines as Textual draws a widget from ``render()`` (all rows at once)."""
    width, height = grid.size
    strips = Visual.to_strips(grid, visualize(grid, grid.render()), width, height, grid.visual_style)
    return [cells(strip) for strip in strips]


async def after_each_key():
    """tiny-cnn's app and pilot after each of KEYS (and the key), for a test to look at."""
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        for key in KEYS:
            await press(pilot, key)
            await pilot.pause()
            yield app, pilot, key


def textual_line(grid: ValueGrid, y: int) -> list[Segment]:
    """Row ``y`` drawn alone by Textual's machinery (``Visual.to_strips`` of its text)."""
    line = Text(no_wrap=True, overflow="crop", end="")
    grid._draw_row(line, y)
    strip = Visual.to_strips(grid, visualize(grid, line), grid.size.width, 1, grid.visual_style)[0]
    return list(strip.apply_offsets(0, y) if y else strip)


async def test_each_line_drawn_alone_is_the_line_of_the_whole_grid() -> None:
    async for app, _, key in after_each_key():
        for panel in app.main.panels:
            grid = panel.grid
            if grid.display and grid.size.width:
                drawn = [cells(grid.render_line(y)) for y in range(len(grid.rows))]
                assert drawn == whole_lines(grid), (key, grid.id)
                for y in range(len(grid.rows)):  # made straight from the row: Textual's segments exactly
                    alone = grid._drawn_alone(y)
                    assert alone is not None and list(alone) == textual_line(grid, y), (key, grid.id, y)
                    assert alone.cell_length == sum(len(text) for text, _ in cells(alone))


async def test_the_screen_after_partial_redraws_is_the_screen_redrawn_whole() -> None:
    async for app, pilot, key in after_each_key():
        shown = app.export_screenshot()
        for widget in app.screen.walk_children():
            if isinstance(widget, ValueGrid):
                widget._lines.clear()  # nothing kept: every line drawn again from its row
            widget.refresh()
        await pilot.pause()
        assert app.export_screenshot() == shown, key
