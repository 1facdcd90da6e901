"""Heatmap panels: the default per scenario, the h toggle, selection over pixels, the legend."""

from __future__ import annotations

import numpy as np
import pytest
from tui_helpers import SIZE, derivation, message, press

from core.numbers import fmt
from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.heatmap.heatmap_view import HeatmapView, layout_for


@pytest.fixture
def digits() -> CnnTuiApp:
    return CnnTuiApp(load("digits"))


def header(view: HeatmapView, block: int) -> str:
    return view.render_line(view._starts[block]).text


async def test_big_panels_default_to_heatmaps_and_tiny_ones_to_numbers(digits, app):
    async with digits.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert digits.main.panel("conv").mode == "heatmap" and digits.main.panel("input").mode == "heatmap"
        assert digits.main.panel("conv").heatmap.display and not digits.main.panel("conv").grid.display
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert all(p.mode == "numbers" for p in app.main.panels)


async def test_h_toggles_the_focused_panel_and_keeps_the_selection(digits):
    async with digits.run_test(size=SIZE) as pilot:
        await press(pilot, "f")  # conv computed, conv.out[0,0,0,0] selected
        panel = digits.main.panel("conv")
        assert digits.focused is panel.heatmap
        await press(pilot, "h")
        assert panel.mode == "numbers" and digits.focused is panel.grid
        assert digits.main.selected == "conv.out[0,0,0,0]"
        assert "numbers" in message(digits)
        await press(pilot, "h")
        assert panel.mode == "heatmap" and digits.focused is panel.heatmap
        assert digits.main.panel("input").mode == "heatmap"  # other panels unchanged


async def test_every_value_of_a_heatmap_is_selectable_and_explained(digits):
    async with digits.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
        digits.main.select("conv.out[7,7,7,7]")  # far beyond the 8×8 numbers shown per quantity
        await pilot.pause()
        assert digits.main.selected == "conv.out[7,7,7,7]"
        assert "conv.out[7,7,7,7]" in derivation(digits)
        await press(pilot, "left")
        assert digits.main.selected == "conv.out[7,7,7,6]"
        await press(pilot, "up")
        assert digits.main.selected == "conv.out[7,7,6,6]"
        assert "conv.out[7,7,6,6]" in derivation(digits)
        await press(pilot, "end")
        assert digits.main.selected == "conv.out[7,7,6,7]"


async def test_clicking_a_pixel_selects_its_value(digits):
    async with digits.run_test(size=SIZE) as pilot:
        await pilot.pause()
        view = digits.main.panel("input").heatmap
        region = view.cell_region("input[0,0,2,3]")  # upper half of its character cell
        await pilot.click(view, offset=(region.x, region.y))
        await pilot.pause()
        assert digits.main.selected == "input[0,0,2,3]"
        await press(pilot, "escape")  # the scenario's story stood in the derivation's place
        assert "input[0,0,2,3]" in derivation(digits)


async def test_the_legend_shows_min_and_max(digits):
    async with digits.run_test(size=SIZE) as pilot:
        await press(pilot, "f")
        view = digits.main.panel("conv").heatmap
        names = [b.name for b in view.blocks]
        out = digits.stepper.array("conv.out")
        line = header(view, names.index("conv.out"))
        assert line.startswith("out 8×8×8×8")
        assert fmt(float(out.min()), 3) in line and fmt(float(out.max()), 3) in line
        w = digits.stepper.array("conv.weight")
        line = header(view, names.index("conv.weight"))
        assert fmt(float(w.min()), 3) in line and fmt(float(w.max()), 3) in line
        assert "not computed yet" in header(view, names.index("conv.delta"))


def test_layout_puts_every_value_somewhere_once():
    for shape in [(8, 8, 8, 8), (8, 1, 3, 3), (10, 128), (8,), (), (64, 16, 28, 28), (3, 127)]:
        lay = layout_for(shape)
        size = int(np.prod(shape)) if shape else 1
        drawn = np.unique(lay.index[lay.index >= 0])
        assert drawn.size == size and drawn[0] == 0 and drawn[-1] == size - 1
        assert lay.width <= 41
        r, c = lay.pos[size - 1]
        assert lay.index[r, c] == size - 1


async def test_a_big_map_renders_only_what_is_visible(digits):
    async with digits.run_test(size=SIZE) as pilot:
        await press(pilot, "F", "B")
        view = digits.main.panel("conv").heatmap
        assert view.virtual_size.height > 100  # much taller than the panel
        assert len(view._cache) < 60  # only the lines on screen were drawn


def test_snapshot_digits_heatmaps(snap_compare):
    async def forward(pilot) -> None:
        await pilot.pause()  # the first frame settles, as a learner sees it before pressing a key
        await pilot.press("f")
        await pilot.pause()

    assert snap_compare(CnnTuiApp(load("digits")), terminal_size=SIZE, run_before=forward)


async def test_a_quiz_hides_its_values_in_heatmaps_too(digits):
    async with digits.run_test(size=SIZE) as pilot:
        await press(pilot, "Q")
        await pilot.pause()
        await press(pilot, "enter")  # the whole iteration: conv's values are asked first
        await pilot.pause()
        assert digits.main.quiz_mode.quiz is not None and digits.main.quiz_mode.quiz.current.startswith("conv.")
        blocks = {b.name: b for b in digits.main.panel("conv").heatmap.blocks}
        asked = {name.split("[")[0] for name in digits.main.quiz_mode.quiz.hidden}
        assert "conv.net" in asked and blocks["conv.net"].values is None  # no colours to give it away
        assert all(blocks[name].values is None for name in asked if name in blocks)
        assert blocks["conv.weight"].values is not None
        await press(pilot, "escape")
        await pilot.pause()
        blocks = {b.name: b for b in digits.main.panel("conv").heatmap.blocks}
        assert blocks["conv.net"].values is not None


@pytest.mark.parametrize("how", ["plain", "ascii", "zh"])
async def test_a_heatmap_is_as_wide_as_its_widest_header(how):
    """A heatmap measures its headers without drawing them (``_header_width``): the measure is
    the drawn header's width for every block, computed or not, over an iteration of digits,
    with --ascii and in Chinese (wide characters) too; the view is as wide as the widest."""
    from contextlib import ExitStack

    from core.ascii_text import using_ascii
    from core.i18n import using_language

    with ExitStack() as stack:
        if how == "ascii":
            stack.enter_context(using_ascii())
        if how == "zh":
            stack.enter_context(using_language("zh"))
        digits = CnnTuiApp(load("digits"))
        async with digits.run_test(size=SIZE) as pilot:
            await pilot.pause()
            seen = 0
            for _ in range(12):
                for view in digits.main.query(HeatmapView):
                    for i in range(len(view.blocks)):
                        assert view._header_width(i) == view._header(i).cell_len
                        seen += 1
                    if view.blocks:
                        widest = max(view._header(i).cell_len for i in range(len(view.blocks)))
                        assert view.natural_width() >= widest
                await press(pilot, "space")
            assert seen > 100
