"""Strict number entry in every place a number is typed: enter (edit), x (my answer), the quiz.

A refused entry keeps its editor open and focused, says what is accepted, and changes nothing.
"""

from __future__ import annotations

from test_quiz_ui import answer, start_quiz
from tui_helpers import SIZE, cell, message, press

from tui.widgets.editing.answer_editor import AnswerEditor
from tui.widgets.panels.layer_panel import CellEditor

REFUSED = {"١": "is not a number: type ASCII digits with one '.'",
           "٠.٧٠٦": "is not a number: type ASCII digits with one '.'",
           "1_000": "is not a number: type ASCII digits with one '.'",
           "0x10": "is not a number: type ASCII digits with one '.'",
           "inf": "is not a number: type ASCII digits with one '.'",
           "1,5": "write the decimal point as '.' (1.5), not ','"}


async def test_a_refused_edit_keeps_the_editor_open_and_changes_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        app.main.select("fc.bias[0]")
        await press(pilot, "enter")
        editor = app.screen.query_one(CellEditor)
        for text, why in REFUSED.items():
            editor.value = text
            await press(pilot, "enter")
            assert why in message(app), text
            assert app.query_one("#message").has_class("error")
            assert app.screen.query_one(CellEditor) is editor and app.focused is editor
            assert app.stepper.value("fc.bias[0]") == 0.3 and not app.stepper.edited
            assert cell(app, "out.out[0]") == "0.706✓"  # nothing downstream was cleared
        editor.value = "0.25"
        await press(pilot, "enter")
        assert app.stepper.value("fc.bias[0]") == 0.25 and not app.screen.query(CellEditor)


async def test_a_refused_answer_keeps_the_my_answer_editor_open_and_changes_nothing(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        app.main.select("fc.net[0]")
        await press(pilot, "x")
        editor = app.screen.query_one(AnswerEditor)
        for text, why in REFUSED.items():
            editor.value = text
            await press(pilot, "enter")
            assert why in message(app), text
            assert app.screen.query_one(AnswerEditor) is editor and app.focused is editor
            assert "fc.net[0]" not in app.stepper.scenario.expected and not app.stepper.edited
            assert cell(app, "fc.net[0]") == "0.440"  # no ✓/✗: no answer was kept
        editor.value = "0.44"
        await press(pilot, "enter")
        assert app.stepper.scenario.expected["fc.net[0]"].text == "0.44"


async def test_a_refused_quiz_answer_keeps_the_question_and_the_score(app):
    async with app.run_test(size=SIZE) as pilot:
        box = await start_quiz(app, pilot)
        for text, why in REFUSED.items():
            await answer(pilot, box, text)
            assert why in message(app), text
            quiz = app.main.quiz_mode.quiz
            assert quiz.asked == 0 and quiz.right == 0 and quiz.current == "conv.net[0,0]"
            assert app.focused is box and cell(app, "conv.net[0,0]") == "?"
        await answer(pilot, box, "0.51")
        assert app.main.quiz_mode.quiz.asked == 1 and app.main.quiz_mode.quiz.right == 1


async def test_an_extreme_edit_is_shown_in_a_bounded_width(app):
    async with app.run_test(size=SIZE) as pilot:
        app.main.select("fc.bias[0]")
        await press(pilot, "enter")
        editor = app.screen.query_one(CellEditor)
        editor.value = "1e308"
        await press(pilot, "enter")
        assert app.stepper.value("fc.bias[0]") == 1e308
        assert cell(app, "fc.bias[0]") == "1.000e308"  # not a 309-digit integer
        assert "fc.bias[0]: 0.300 → 1.000e308" in message(app)
        app.main.select("fc.bias[0]")
        await press(pilot, "enter")
        assert app.screen.query_one(CellEditor).value == "1e308"  # full precision, short
