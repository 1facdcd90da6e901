"""Answers and edits near float64's ends in the TUI: one short message, the session goes on."""

from __future__ import annotations

from tui_helpers import SIZE, cell, message, press

from core.scenario.catalog import load
from tui.app import CnnTuiApp
from tui.widgets.editing.answer_editor import AnswerEditor


async def test_an_answer_written_1e_minus_310_is_checked_in_one_short_message() -> None:
    """Checked to the 310 places it is written with: rounding to them raised
    decimal.InvalidOperation (the last-resort guard's "unexpected error"), and the exact
    value is written as its float, not as 310 places."""
    app = CnnTuiApp(load("two-layer-sigmoid"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        for typed, shown in (("1e-310", "1e−310"), ("-5e-324", "−5e−324")):
            app.main.select("out.out[1]")
            await press(pilot, "x")
            box = app.focused
            assert isinstance(box, AnswerEditor)
            box.value = typed
            await press(pilot, "enter")
            assert message(app) == (f"✗ your {shown} for out.out[1]: the exact value is 0.7729284653214625 "
                                    "(the derivation below shows the formula with numbers)")
            assert cell(app, "out.out[1]") == "0.772928465✗"
        assert app.main.unexpected == []


async def test_a_weight_typed_1e_minus_400_is_refused_not_read_as_0() -> None:
    """float64 reads 1e-400 as 0: the edit says so and the weight keeps its value (it was
    silently 0 before)."""
    app = CnnTuiApp(load("tiny-cnn"))
    async with app.run_test(size=SIZE) as pilot:
        app.main.select("fc.weight[0,0]")
        await press(pilot, "enter")
        box = app.focused
        box.value = "1e-400"
        await press(pilot, "enter")
        assert "'1e-400' is too small" in message(app) and "this one would be 0" in message(app), message(app)
        assert cell(app, "fc.weight[0,0]") == "0.100" and not app.stepper.edited
        assert app.main.unexpected == []
