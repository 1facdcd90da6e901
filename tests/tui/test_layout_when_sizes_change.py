"""A step lays the screen out only when a size changes, and what the skipped layouts would
have done is on screen all the same: a grid that grows wider shows every digit and the
panels do not overlap, the derivation shows every line as it grows, a panel scrolls to the
selected value (``tui.widgets.one_frame``: ``NoSecondLayout``, ``SizedByContent.room``)."""

from __future__ import annotations

import pytest
from textual.screen import Screen
from tui_helpers import SIZE, derivation, press

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.derivation.derivation_view import DerivationView
from tui.widgets.panels.layer_panel import LayerPanel
from tui.widgets.panels.value_grid import ValueGrid, shown_cell


def screen_lines(app: CnnTuiApp) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def check_grids_whole(app: CnnTuiApp) -> None:
    """Every panel lies beside the next without overlapping, each grid fits inside its panel
    at its content's width at least, and every value the panel shows is drawn where the grid
    says, all its digits."""
    lines = screen_lines(app)
    panels = sorted((p for p in app.main.query(LayerPanel) if p.region.height), key=lambda p: (p.region.x, p.region.y))
    for left, right in zip(panels, panels[1:]):
        if left.region.y == right.region.y:  # the same row (the loss sits under the output layer)
            assert left.region.right <= right.region.x, (left.id, right.id)
    for panel in panels:
        grid = panel.grid
        if not grid.display or not grid.rows:
            continue
        assert grid.size.width >= grid.natural_width(), grid.id
        if panel.styles.width is not None and panel.styles.width.is_auto:  # (not the loss's: 100%)
            styles = panel.styles  # as wide as its min-width or its grid needs, never a column more
            scroll_bar = styles.scrollbar_size_vertical if panel.show_vertical_scrollbar else 0
            least = styles.min_width.value if styles.min_width is not None else 0
            assert panel.region.width == max(least, grid.natural_width() + styles.gutter.width + scroll_bar), panel.id
        assert panel.content_region.contains_region(grid.region.intersection(panel.content_region))
        assert grid.region.width <= panel.content_region.width, grid.id
        visible = panel.scrollable_content_region.intersection(app.main.query_one("#panels").scrollable_content_region)
        for row in grid.rows:
            for cell in row.cells:
                box = grid.cell_region(cell.name)
                assert box is not None
                screen_box = box.translate(grid.content_region.offset)
                if not visible.contains_region(screen_box):
                    continue  # scrolled out of view
                drawn = lines[screen_box.y][screen_box.x:screen_box.right]
                assert drawn == shown_cell(cell.text).rjust(box.width), (cell.name, drawn)


async def test_grids_growing_wider_show_every_digit_and_the_panels_do_not_overlap() -> None:
    """Two iterations of tiny-cnn: conv's grid widens for its minus signs and narrows again,
    pool's numbers replace its dots inside a panel its title holds wider."""
    app = CnnTuiApp(load("tiny-cnn"))
    widths: set[int] = set()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        await pilot.pause()
        for _ in range(18):
            await press(pilot, "space")
            await pilot.pause()
            check_grids_whole(app)
            widths.add(app.main.query_one("#grid-conv", ValueGrid).natural_width())
    assert len(widths) > 1  # (conv's numbers did change width)


async def test_an_edit_to_a_much_wider_weight_widens_its_panel() -> None:
    from test_editing import start_edit, type_value

    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        await pilot.pause()
        before = app.main.query_one("#panel-fc").region.width
        editor = await start_edit(app, pilot, "fc.weight[0,1]")
        await type_value(pilot, editor, "-123456.4567")
        await pilot.pause()
        assert app.main.query_one("#panel-fc").region.width > before
        check_grids_whole(app)


def count_layouts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """A list that counts the screen's layouts from now on."""
    count = [0]
    real = Screen._refresh_layout

    def counted(self: Screen[object], *args: object, **kwargs: object) -> None:
        count[0] += 1
        real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return count


async def test_numbers_changing_width_inside_their_panels_room_lay_nothing_out(monkeypatch) -> None:
    """forward to pool: its values replace the dots (its grid 6 → 11 columns) inside a panel
    its title holds at 12: a repaint, no layout; the next steps' grids keep their sizes too."""
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        for _ in range(10):  # one iteration and conv's forward step: pool shows its dots
            await press(pilot, "space")
        await pilot.pause()
        grid = app.main.query_one("#grid-pool", ValueGrid)
        dots = grid.natural_width()
        layouts = count_layouts(monkeypatch)
        await press(pilot, "space")  # forward 2/4: pool
        await pilot.pause()
        assert grid.natural_width() > dots  # (its numbers did widen it)
        assert layouts[0] == 0
        check_grids_whole(app)


async def test_a_panel_widened_by_its_grid_is_laid_out_once(monkeypatch) -> None:
    """The update step widens conv's grid (and its panel, and moves those to its right): one
    layout, not a second one for the panel's virtual size."""
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        for _ in range(7):  # up to the update
            await press(pilot, "space")
        await pilot.pause()
        panel = app.main.query_one("#panel-conv", LayerPanel)
        width = panel.region.width
        layouts = count_layouts(monkeypatch)
        await press(pilot, "space")
        await pilot.pause()
        assert panel.region.width != width  # (it did change width)
        assert layouts[0] == 1
        check_grids_whole(app)


async def test_the_derivation_shows_every_line_as_it_grows() -> None:
    """Its box grows with the longer derivations of the backward pass (laid out at once, its
    least height kept without a layout of its own): every line is on screen, or the box
    scrolls and shows its scroll bar."""
    app = CnnTuiApp(load("tiny-cnn"))
    heights: list[int] = []
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        for _ in range(10):
            await press(pilot, "space")
            await pilot.pause()
            box = app.main.query_one(DerivationView)
            text = derivation(app).split("\n")
            heights.append(box.outer_size.height)
            body = box.body.content_region
            if box.body.outer_size.height <= box.scrollable_content_region.height:  # all of it fits
                assert not box.show_vertical_scrollbar
                drawn = [line[body.x:body.right] for line in screen_lines(app)[body.y:body.bottom]]
                assert " ".join(" ".join(drawn).split()) == " ".join(" ".join(text).split())  # (lines wrap)
            else:
                assert box.show_vertical_scrollbar and box.virtual_size.height >= len(text)
            assert box.styles.min_height is not None and box.styles.min_height.value == box.outer_size.height
    assert heights == sorted(heights) and heights[0] < heights[-1]  # (it did grow)


@pytest.mark.parametrize("name", ["conv.grad_weight[1,0,0]", "conv.new_bias[1]", "fc.new_bias[1]"])
async def test_a_panel_scrolls_to_the_selected_value(name: str) -> None:
    """On a small terminal the panels are shorter than their grids: selecting a value low in
    one scrolls its panel to show it, scroll bar and all."""
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=(80, 24)) as pilot:
        await press(pilot, "escape", "F", "B")
        await pilot.pause()
        app.main.select(name)
        await pilot.pause()
        panel = next(p for p in app.main.query(LayerPanel) if p.grid.locate(name) is not None)
        box = panel.grid.cell_region(name)
        assert box is not None
        assert panel.show_vertical_scrollbar
        assert panel.scroll_offset.y > 0
        screen_box = box.translate(panel.grid.content_region.offset)
        assert panel.scrollable_content_region.contains_region(screen_box)
        drawn = screen_lines(app)[screen_box.y][screen_box.x:screen_box.right]
        where = panel.grid.locate(name)
        assert where is not None
        assert drawn == shown_cell(panel.grid.rows[where[0]].cells[where[1]].text).rjust(box.width)
        check_grids_whole(app)
