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
