"""Issue 13: a student opens their exercise file: the asked values are blanks to fill with x,
the status line counts the answers, and no exact value of an asked value (nor of anything
computed after it) is shown: no number, no ✓/✗, no derivation with numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
from tui_helpers import SIZE, cell, derivation, message, press, status

from core.engine.stepper import Stepper
from core.numbers import fmt
from core.scenario.catalog import load
from core.scenario.load import load_scenario
from core.teacher.exercise import make_exercise
from core.teacher.grade import grade_file
from core.teacher.key import read_key
from core.teacher.tolerance import Tolerance
from tui.app import CnnTuiApp
from tui.widgets.editing.answer_editor import AnswerEditor


@pytest.fixture
def student(tmp_path: Path) -> Path:
    make_exercise(load("tiny-cnn"), "tiny-cnn", ["ana"], 2, "fc:deltas, out.delta", Tolerance("decimals", 3),
                  "after", tmp_path, pdf=False)
    return tmp_path / "ana.yaml"


async def _answer(app, pilot, name: str, text: str) -> None:
    app.main.select(name)
    await press(pilot, "x")
    editor = app.screen.query_one(AnswerEditor)
    editor.value = text
    await press(pilot, "enter")
    await pilot.pause()


async def test_asked_values_are_blanks_answers_are_kept_and_nothing_reveals_them(student: Path) -> None:
    scenario = load_scenario(student)
    exact = Stepper(load_scenario(student))
    exact.run_iteration()
    asked = list(scenario.exercise.ask)
    assert asked == ["out.delta[0]", "out.delta[1]", "fc.grad_out[0]", "fc.grad_out[1]", "fc.delta[0]", "fc.delta[1]"]
    app = CnnTuiApp(scenario)
    async with app.run_test(size=SIZE) as pilot:
        assert "EXERCISE ana: 0 of 6 answered" in status(app)
        assert cell(app, "out.delta[0]") == "____"
        await press(pilot, "F", "B", "u")  # the whole iteration: forward values show, the rest stays hidden
        assert message(app).startswith("updated ") and "→" not in message(app)  # no new weight shown
        assert cell(app, "fc.out[0]") == fmt(exact.value("fc.out[0]"), 3)
        for name in asked:
            assert cell(app, name) == "____"
        assert cell(app, "out.grad_weight[0,0]") == "·"  # after an asked value: hidden too
        assert f"loss {fmt(exact.value('loss'), 3)}" in status(app)  # computed before the first asked value
        wrong = exact.value("fc.delta[0]") + 0.2
        await _answer(app, pilot, "fc.delta[0]", f"{wrong:.3f}")
        assert "1 of 6 answered" in message(app) and "✓" not in message(app) and "✗" not in message(app)
        assert cell(app, "fc.delta[0]") == f"{wrong:.3f}".replace("-", "−") + "✎"
        assert "1 of 6 answered" in status(app)
        app.main.select("fc.delta[0]")
        await pilot.pause()
        shown = derivation(app)
        assert "Asked in your exercise" in shown and fmt(exact.value("fc.delta[0]"), 3) not in shown
        app.main.select("out.new_weight[0,0]")
        await pilot.pause()
        assert "Hidden in your exercise" in derivation(app)
        assert fmt(exact.value("out.new_weight[0,0]"), 3) not in derivation(app)
        for key in ("Q", "e", "g", "X"):
            await press(pilot, key)
            assert "not in an exercise" in message(app)
        await press(pilot, "space")  # the next iteration would show the updated weights
        assert "the exercise is this iteration" in message(app)
        await press(pilot, "s")
        await pilot.pause()
        assert "saved to" in message(app)
    saved = load_scenario(student)
    assert saved.expected["fc.delta[0]"].value == pytest.approx(round(wrong, 3))
    result = grade_file(read_key(student.parent / "key.yaml"), str(student.parent / "key.yaml"), student)
    assert not result.tampered and result.score == 0 and result.max == 6  # saved after the update: still its variant


async def test_practice_files_show_checks_as_usual(tmp_path: Path) -> None:
    make_exercise(load("tiny-cnn"), "tiny-cnn", ["bo"], 2, "out.delta", Tolerance("decimals", 3), "always",
                  tmp_path, pdf=False)
    app = CnnTuiApp(load_scenario(tmp_path / "bo.yaml"))
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "n")
        assert cell(app, "out.delta[0]") not in ("____", "·")
        assert "EXERCISE bo: 0 of 2 answered" in status(app)


async def test_grade_browser_shows_students_and_their_answers(student: Path) -> None:
    from textual.widgets import DataTable, Static

    from tui.grade_app import GradeApp

    key_file = student.parent / "key.yaml"
    text = student.read_text() + "expected:\n  out.delta[0]: 0.5\n"
    handed = student.parent / "handed.yaml"
    handed.write_text(text)
    results = [grade_file(read_key(key_file), str(key_file), handed)]
    app = GradeApp(results, "tiny-cnn")
    async with app.run_test(size=SIZE) as pilot:
        students = app.query_one("#students", DataTable)
        assert students.row_count == 1 and students.get_row_at(0)[:2] == ["ana", "0/6"]
        answers = app.query_one("#answers", DataTable)
        assert answers.row_count == 6
        rows = [answers.get_row_at(i) for i in range(6)]
        assert rows[0][0] == "out.delta[0]" and rows[0][1] == "0.5" and rows[0][3] == "wrong"
        assert all(row[3] == "missing" for row in rows[1:])
        await pilot.press("tab", "down")
        await pilot.pause()
        assert "out.delta[1]: missing" in str(app.query_one("#detail", Static).content)


async def test_an_exercise_holds_back_the_editor_the_sample_picker_and_alpha(student: Path) -> None:
    app = CnnTuiApp(load_scenario(student))
    async with app.run_test(size=SIZE) as pilot:
        for key in ("N", "l", "a"):
            await press(pilot, "escape", key)
            await pilot.pause()
            assert app.screen is app.main
            assert message(app) == "not in an exercise: it would change the numbers you are asked to work out"
        assert app.stepper.scenario.learning_rate == load_scenario(student).learning_rate
        app.main.select("fc.delta[0]")  # asked: the trace marks what it reads, never a hidden value
        await pilot.pause()
        marked = {c.name for p in app.main.panels for row in p.grid.rows for c in row.cells if c.trace}
        assert marked == {"out.weight[0,0]", "out.weight[1,0]", "fc.out[0]"}  # out.delta is asked: unmarked
