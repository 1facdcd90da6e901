"""A keypress redraws only the panels whose numbers or marks changed, and a panel left as
drawn always shows what a fresh drawing would: after steps, edits, undo, decimals,
hand-rounding, the trace and the heatmap toggle."""

from __future__ import annotations

import pytest
from tui_helpers import SIZE, cell, cell_state, press, press_each

import tui.screens.main_screen as main_screen
from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.heatmap.blocks import heat_blocks
from tui.widgets.panels.layer_rows import panel_rows


def assert_every_panel_as_fresh(app: CnnTuiApp) -> None:
    """What each panel shows (its grid, or its heatmaps: a hidden grid's rows are made when
    it is shown again, which the sequences' ``h`` checks)."""
    main = app.main
    hidden, asked, blanks = main.quiz_hidden(), main.quiz_mode.asked(), frozenset(main.exercise.blanks())
    traced = main.tracing.marks()
    for panel in main.panels:
        if panel.mode == "numbers":
            assert panel.grid.rows == panel_rows(main.stepper, panel.key, main.decimals, main.fresh, hidden, asked,
                                                 blanks, traced), panel.key
        else:
            fresh = heat_blocks(main.stepper, panel.key, main.fresh, hidden, traced)
            assert [(b.name, b.fresh, b.traced) for b in panel.heatmap.blocks] == \
                [(b.name, b.fresh, b.traced) for b in fresh], panel.key
            for shown, drawn in zip(panel.heatmap.blocks, fresh):
                assert (shown.values is None) == (drawn.values is None), panel.key
                if drawn.values is not None:
                    assert (shown.values == drawn.values).all(), panel.key


async def test_a_forward_step_redraws_the_panels_it_changed_only(app, monkeypatch) -> None:
    drawn: list[str] = []

    def counting(stepper, key, *args):
        drawn.append(key)
        return panel_rows(stepper, key, *args)

    monkeypatch.setattr(main_screen, "panel_rows", counting)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "f")  # conv
        await pilot.pause()
        drawn.clear()
        await press(pilot, "f")  # pool: its values are new, conv's are no longer fresh (and the trace marks them)
        await pilot.pause()
        assert sorted(set(drawn)) == ["conv", "pool"]
        assert cell(app, "pool.out[0,0]") == "0.629"
        assert cell_state(app, "pool.out[0,0]") == "fresh"
        assert cell_state(app, "conv.out[0,0]") == "plain"
        assert_every_panel_as_fresh(app)


@pytest.mark.parametrize("name", ["tiny-cnn", "digits", "adam-step"])
async def test_panels_left_as_drawn_show_what_a_fresh_drawing_would(name: str) -> None:
    app = CnnTuiApp(load(name))
    keys = ["f", "f", "d", "space", "plus", "F", "b", "z", "minus", "B", "u", "d", "R", "f", "z", "z", "h",
            "space", "r"]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await press_each(pilot, app, keys, assert_every_panel_as_fresh)
