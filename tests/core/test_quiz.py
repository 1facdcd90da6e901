"""Quiz mode through the engine: order of questions, tolerance of the typed decimals, scoring."""

from __future__ import annotations

import pytest

from core.engine.stepper import Stepper
from core.learner.quiz import Quiz
from core.scenario.catalog import load


def test_quiz_asks_in_computation_order_and_scores() -> None:
    quiz = Quiz(Stepper(load("tiny-cnn")))
    assert quiz.current == "conv.net[0,0]"
    assert "conv.net[0,0]" in quiz.hidden
    assert quiz.answer("0.51").right
    answer = quiz.answer("0.70")  # conv.net[0,1] is 0.53: more than 0.01 away
    assert answer.name == "conv.net[0,1]" and not answer.right
    assert "0.1·0 + 0.2·0 + 0.3·0.1 + 0.5" in answer.derivation.one_line()
    assert (quiz.right, quiz.asked) == (1, 2)


def test_tolerance_follows_the_decimals_typed() -> None:
    quiz = Quiz(Stepper(load("tiny-cnn")), layer="out", kinds="forward")
    assert quiz.current == "out.net[0]"  # the quiz stepped through conv, pool and fc by itself
    assert quiz.answer("0.439").right  # 0.43918 to three places
    assert quiz.answer("−0.439").right  # −0.43918, typed with a true minus sign
    assert quiz.answer("0.7065").right  # out.out[0] = 0.706481…: within 0.0001 of 0.7065
    assert not quiz.answer("0.2937").right  # out.out[1] = 0.293519…: 0.00018 off, more than 0.0001
    assert quiz.finished  # the loss belongs to no layer


def test_a_wrong_answer_is_diagnosed() -> None:
    stepper = Stepper(load("tiny-cnn"))
    quiz = Quiz(stepper, layer="fc", kinds="deltas")
    assert quiz.current == "fc.grad_out[0]"
    quiz.skip()
    quiz.skip()
    assert quiz.current == "fc.delta[0]"
    answer = quiz.answer("-0.026")
    assert not answer.right
    assert answer.diagnosis is not None and answer.diagnosis.slip == "updated-weights"


def test_quiz_of_updates_ends_with_the_iteration() -> None:
    stepper = Stepper(load("tiny-cnn"))
    quiz = Quiz(stepper, kinds="updates")
    names = []
    while not quiz.finished:
        names.append(quiz.skip())
    assert names[0] == "conv.new_weight[0,0,0]" and names[-1] == "out.new_bias[1]"
    assert len(names) == 20 and stepper.phase().stage == "done"


def test_not_a_number_is_refused_without_counting() -> None:
    quiz = Quiz(Stepper(load("tiny-cnn")))
    with pytest.raises(ValueError, match="not a number"):
        quiz.answer("abc")
    assert quiz.asked == 0 and quiz.current == "conv.net[0,0]"


def test_an_answer_needs_the_decimals_the_screen_shows() -> None:
    """Typing 1 for 0.51 is not "right to 0 decimals": the answer must be as precise as shown."""
    quiz = Quiz(Stepper(load("tiny-cnn")))
    for vague in ("1", "0.5", "0"):
        with pytest.raises(ValueError, match="type it to 2 decimals"):
            quiz.answer(vague)
    assert quiz.asked == 0
    assert quiz.answer("0.51").right


def test_a_quiz_started_after_the_update_asks_about_the_next_iteration() -> None:
    """Found driving the app: Q after u ended at once with nothing to ask."""
    stepper = Stepper(load("tiny-cnn"))
    stepper.run_iteration()
    quiz = Quiz(stepper)
    assert stepper.iteration == 2 and quiz.current == "conv.net[0,0]"
    stepper.undo()  # the quiz's first forward step
    stepper.undo()  # and the move to the next iteration
    assert stepper.iteration == 1 and stepper.phase().stage == "done"
