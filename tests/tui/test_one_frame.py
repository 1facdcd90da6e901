"""What a key changed reaches the screen in one frame (``tui.widgets.one_frame``), and the
layouts that frame skips leave the screen as a full layout of it would: no grid, heatmap or
panel clipped or left at a stale size, an edited weight and the step after it included."""

from __future__ import annotations

import pytest
from test_editing import start_edit, type_value
from textual.screen import Screen
from textual.widget import Widget
from tui_helpers import SIZE, cell, press

from core.engine.stepper import Stepper
from core.numbers import fmt
from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.one_frame import NoSecondLayout, SizedByContent


def screen_text(app: CnnTuiApp) -> list[str]:
    """The screen as drawn now, line by line (what the compositor holds, without drawing again)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def laid_out_afresh(app: CnnTuiApp, pilot) -> list[str]:
    """The screen once every widget has been laid out and drawn again from scratch, the
    Textual way: each layout that changed a virtual size followed by another, and every grid
    or heatmap as wide as its content alone (not its panel's room)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(NoSecondLayout, "_size_updated", Widget._size_updated)
        patch.setattr(SizedByContent, "room", lambda self: 0)
        for widget in app.screen.walk_children(with_self=True):
            widget._layout_updates += 1  # (Textual's box-model cache: see value_cursor.relayout)
            widget.refresh(layout=True)
        for _ in range(3):  # a layout that changes sizes asks for the next
            await pilot.pause()
    return screen_text(app)


async def test_a_steps_repaints_reach_the_screen_before_its_first_frame(monkeypatch) -> None:
    """Every widget a step repaints (the status and message lines, the derivation, each
    panel's grid) is handed to the screen before the frame that shows the new status line:
    the message line and the derivation used to come a frame later."""
    app = CnnTuiApp(load("tiny-cnn"))
    frames = [0]
    updates: list[tuple[int, str | None]] = []  # (frames drawn before it, the widget's id)
    real_update = Screen._on_update

    async def on_update(self: Screen[object], message) -> None:
        updates.append((frames[0], message.widget.id))
        await real_update(self, message)

    monkeypatch.setattr(Screen, "_on_update", on_update)
    display = app._display

    def counting(screen, renderable) -> None:
        display(screen, renderable)
        if renderable is not None:
            frames[0] += 1

    app._display = counting  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")  # the story closes
        await pilot.pause()
        for _ in range(10):  # forward, backward, update and into iteration 2
            updates.clear()
            first = frames[0]
            await press(pilot, "space")
            await pilot.pause()
            asked: dict[str | None, int] = {}
            for at, who in updates:
                asked.setdefault(who, at)  # its first repaint after the key (a layout may add more)
            assert asked.get("status") == first
            assert asked.get("message") == first
            assert asked.get("derivation-body", first) == first


@pytest.mark.parametrize("name", ["tiny-cnn", "digits"])
async def test_each_key_leaves_the_screen_as_a_full_layout_would(name: str) -> None:
    app = CnnTuiApp(load(name))
    keys = ["space"] * 6 + ["plus", "plus", "space", "space", "h", "space", "z", "tab", "space", "minus"]
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        await pilot.pause()
        for key in keys:
            await press(pilot, key)
            await pilot.pause()
            assert screen_text(app) == await laid_out_afresh(app, pilot), key


async def test_an_edited_weight_and_the_next_steps_show_their_new_numbers_whole() -> None:
    """A much wider number in a grid (an edit), then the steps from it: each screen is what a
    full layout gives, and fc's net shows the number the edited weight makes."""
    app = CnnTuiApp(load("tiny-cnn"))
    unedited = Stepper(load("tiny-cnn"))
    for _ in range(3):
        unedited.step_forward()
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        await pilot.pause()
        editor = await start_edit(app, pilot, "fc.weight[0,1]")
        await type_value(pilot, editor, "-123.4567")
        await pilot.pause()
        assert cell(app, "fc.weight[0,1]").startswith("−123.")
        assert screen_text(app) == await laid_out_afresh(app, pilot)
        for _ in range(3):  # conv, pool, fc: fc's net is made from the edited weight
            await press(pilot, "space")
            await pilot.pause()
            assert screen_text(app) == await laid_out_afresh(app, pilot)
        shown = fmt(app.stepper.value("fc.net[0]"), app.main.decimals)
        assert shown != fmt(unedited.value("fc.net[0]"), app.main.decimals)
        assert cell(app, "fc.net[0]").startswith(shown)
        assert any(shown in line for line in screen_text(app))
