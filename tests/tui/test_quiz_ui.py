"""Quiz mode on the main screen: choose a scope, hidden values, answers scored and explained."""

from __future__ import annotations

from textual.widgets import OptionList
from tui_helpers import SIZE, cell, derivation, message, press, status

from tui.screens.quiz_screen import QuizScreen
from tui.widgets.quiz_bar import AnswerInput, QuizBar


async def start_quiz(app, pilot, option: str = "all") -> AnswerInput:
    await press(pilot, "Q")
    await pilot.pause()
    assert isinstance(app.screen, QuizScreen)
    options = app.screen.query_one(OptionList)
    options.highlighted = options.get_option_index(option)
    await press(pilot, "enter")
    await pilot.pause()
    box = app.query_one(AnswerInput)
    assert app.focused is box
    return box


async def answer(pilot, box: AnswerInput, text: str) -> None:
    box.value = text
    await press(pilot, "enter")
    await pilot.pause()


async def test_quiz_hides_the_next_values_and_scores_a_right_answer(app):
    async with app.run_test(size=SIZE) as pilot:
        box = await start_quiz(app, pilot)
        assert app.main.quiz_mode.quiz.current == "conv.net[0,0]"
        assert cell(app, "conv.net[0,0]") == "?"  # the question
        assert cell(app, "conv.net[1,1]") == "·"  # computed by the quiz's step, hidden
        assert app.main.selected == "conv.net[0,0]"
        assert "conv.net[0,0] = ?" in derivation(app)
        assert "0.51" not in derivation(app)  # the formula without its numbers
        assert "QUIZ 0/0 right" in status(app)
        await answer(pilot, box, "0.51")
        assert "✓ conv.net[0,0]" in message(app) and "1/1 right" in message(app)
        assert cell(app, "conv.net[0,0]") == "0.510"
        assert cell(app, "conv.net[0,1]") == "?"
        assert "QUIZ 1/1 right" in status(app)


async def test_a_wrong_answer_shows_the_formula_with_numbers(app):
    async with app.run_test(size=SIZE) as pilot:
        box = await start_quiz(app, pilot)
        await answer(pilot, box, "0.51")
        await answer(pilot, box, "0.70")  # conv.net[0,1] is 0.53
        assert "✗ conv.net[0,1]: 0.70 is wrong, it is 0.530" in message(app)
        text = derivation(app)
        assert "you typed 0.7, the value is 0.5300" in text
        assert "0.1·0 + 0.2·0 + 0.3·0.1 + 0.5" in text  # the formula with numbers
        assert "conv.net[1,0] = ?" in text  # and the next question
        assert "QUIZ 1/2 right" in status(app)


async def test_a_wrong_delta_names_the_slip(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "F")
        box = await start_quiz(app, pilot, "kind-deltas")
        assert app.main.quiz_mode.quiz.current == "out.grad_out[0]"
        for _ in range(6):  # reveal out.grad_out, out.delta, fc.grad_out unscored
            await press(pilot, "ctrl+r")
        await pilot.pause()
        assert app.main.quiz_mode.quiz.current == "fc.delta[0]" and app.main.quiz_mode.quiz.asked == 0
        assert "out.delta[0]" not in app.main.quiz_mode.quiz.hidden and cell(app, "out.delta[0]") == "−0.294✓"
        await answer(pilot, box, "-0.026")
        text = derivation(app)
        assert "((−0.294)·0.1 + 0.294·(−0.1)) · 0.608·(1 − 0.608)" in text
        assert "already-updated weights" in text
        assert "updated-weights" in message(app)


async def test_not_a_number_is_refused_and_loss_stays_hidden(app):
    async with app.run_test(size=SIZE) as pilot:
        box = await start_quiz(app, pilot, "kind-forward")
        await answer(pilot, box, "abc")
        assert "not a number" in message(app)
        assert app.main.quiz_mode.quiz.asked == 0 and app.main.quiz_mode.quiz.current == "conv.net[0,0]"
        while app.main.quiz_mode.quiz.current != "loss":
            app.main.quiz_mode.quiz.skip()
        app.main.refresh_view()
        assert "loss ·" in status(app) and cell(app, "loss") == "?"


async def test_escape_leaves_the_quiz_with_the_values_computed(app):
    async with app.run_test(size=SIZE) as pilot:
        box = await start_quiz(app, pilot, "layer-conv")
        await answer(pilot, box, "0.51")
        await press(pilot, "f")  # goes into the answer box, not to the stepper
        assert box.value == "f"
        box.value = ""
        await press(pilot, "escape")
        await pilot.pause()
        assert app.main.quiz_mode.quiz is None and not app.query(QuizBar)
        assert "left the quiz: 1/1 right" in message(app)
        assert cell(app, "conv.net[0,1]") == "0.530"
        assert "QUIZ" not in status(app)
        await press(pilot, "f")  # stepping works again
        assert cell(app, "pool.out[0,0]") == "0.629"


async def test_stepping_keys_are_refused_while_the_quiz_runs(app):
    async with app.run_test(size=SIZE) as pilot:
        await start_quiz(app, pilot)
        app.main.panel("input").grid.focus()
        await pilot.pause()
        await press(pilot, "f")
        assert "the quiz is stepping for you" in message(app)
        assert app.stepper.phase().describe() == "forward 2/4: pool"
        await press(pilot, "Q")  # back to the answer box
        assert isinstance(app.focused, AnswerInput)


async def test_quiz_scope_combines_a_kind_and_a_layer(app):
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "Q")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        options.highlighted = options.get_option_index("kind-deltas")
        await press(pilot, "space")
        assert "✓" in str(options.get_option("kind-deltas").prompt)
        options.highlighted = options.get_option_index("layer-fc")
        await press(pilot, "enter")
        await pilot.pause()
        quiz = app.main.quiz_mode.quiz
        assert quiz is not None and quiz.layer == "fc" and quiz.kinds == "deltas"
        assert quiz.current.startswith("fc.")
        assert status(app).startswith(f"quiz: {quiz.current} = ?")  # the question, not the stepper's phase
        assert app.main.panel("fc").border_subtitle == "quiz: ? below"
