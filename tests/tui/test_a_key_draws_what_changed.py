"""A key does its view's work once and draws again only what changed: a step writes its
derivation once and moves the focus within the key (not in a later callback, which made the
two panels whose border shows the focus repaint a frame late); a heatmap draws again only
the lines whose values, marks, cursor or focus changed, and every line it keeps is what a
fresh drawing would give."""

from __future__ import annotations

from textual.strip import Strip
from tui_helpers import SIZE, press, press_each

import tui.widgets.derivation.derivation_view as derivation_view
from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.features.stepping import SteppingFeature
from tui.widgets.heatmap.heatmap_view import HeatmapView


def segments(strip: Strip) -> list[tuple[str, object]]:
    return [(segment.text, segment.style) for segment in strip]


def assert_heatmaps_as_fresh(app: CnnTuiApp) -> None:
    """Every line a shown heatmap would give again without drawing it (kept, and drawn from
    what it would be drawn from now) is the line a fresh drawing gives."""
    kept = 0
    for panel in app.main.panels:
        view = panel.heatmap
        if panel.mode != "heatmap" or not view.is_mounted:
            continue
        for y, (key, strip) in list(view._cache.items()):
            if key == view._line_key(y):
                kept += 1
                assert segments(strip) == segments(view._draw_line(y)), (panel.key, y)
    assert kept  # (the heatmaps do keep lines)


async def test_a_step_writes_its_derivation_once_and_focuses_its_value_at_once(app, monkeypatch) -> None:
    written: list[str | None] = []
    real_text = derivation_view.derivation_text

    def counting(stepper, name, *args):
        written.append(name)
        return real_text(stepper, name, *args)

    monkeypatch.setattr(derivation_view, "derivation_text", counting)
    focused_after: list[bool] = []
    real_next = SteppingFeature.action_step_next

    def step_next(self: SteppingFeature) -> None:
        real_next(self)
        main = self.host
        focused = main.focused
        focused_after.append(
            focused is not None
            and main.selected in {cell.name for row in getattr(focused, "rows", []) for cell in row.cells}
        )

    monkeypatch.setattr(SteppingFeature, "action_step_next", step_next)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")  # the story closes
        await pilot.pause()
        for _ in range(10):  # forward, backward, update and into iteration 2
            written.clear()
            await press(pilot, "space")
            await pilot.pause()
            assert written == [app.main.selected]  # once, for the value the step selected
        assert focused_after == [True] * 10  # the grid showing it had the focus when the key's action returned


async def test_moving_the_cursor_or_the_focus_draws_only_the_cursors_lines(monkeypatch) -> None:
    app = CnnTuiApp(load("digits"))
    drawn: list[tuple[str | None, int]] = []
    real_draw = HeatmapView._draw_line

    def counting(self: HeatmapView, y: int) -> Strip:
        drawn.append((self.id, y))
        return real_draw(self, y)

    monkeypatch.setattr(HeatmapView, "_draw_line", counting)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        for _ in range(2):  # conv, then pool: the focus is in pool's heatmap
            await press(pilot, "space")
        await pilot.pause()
        view = app.main.focused
        assert isinstance(view, HeatmapView)
        for key in ("right", "down", "left"):
            drawn.clear()
            await press(pilot, key)
            await pilot.pause()
            assert {who for who, _ in drawn} <= {view.id}
            assert len(set(drawn)) <= 2, key  # the cursor's old line and its new one
        assert_heatmaps_as_fresh(app)
        drawn.clear()
        await press(pilot, "tab")  # the focus leaves: the cursor's colour changes, on its line only
        await pilot.pause()
        assert len({y for who, y in drawn if who == view.id}) <= 1
        assert_heatmaps_as_fresh(app)


async def test_heatmap_lines_kept_are_what_a_fresh_drawing_gives() -> None:
    app = CnnTuiApp(load("digits"))
    keys = [
        "space",
        "space",
        "d",
        "space",
        "right",
        "down",
        "space",
        "plus",
        "F",
        "space",
        "z",
        "tab",
        "space",
        "space",
        "space",
        "h",
        "h",
        "space",
        "space",
        "r",
    ]
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "escape")
        await pilot.pause()
        await press_each(pilot, app, keys, assert_heatmaps_as_fresh)
