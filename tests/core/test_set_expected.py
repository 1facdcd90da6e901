"""Stepper.set_expected: a learner's own value for one number, kept for saving."""

from __future__ import annotations

import pytest

from core.engine.scenario import Expected
from core.engine.stepper import Stepper
from core.errors import EditError
from core.scenario.catalog import load


def test_set_expected_records_replaces_and_removes() -> None:
    stepper = Stepper(load("tiny-cnn"))
    stepper.set_expected("fc.net[0]", Expected(0.44, 2, "0.44"))
    assert stepper.scenario.expected["fc.net[0]"].text == "0.44" and stepper.edited
    assert stepper.current_scenario().expected["fc.net[0]"].value == 0.44
    stepper.set_expected("fc.net[0]", None)
    assert "fc.net[0]" not in stepper.scenario.expected


def test_set_expected_needs_one_value() -> None:
    stepper = Stepper(load("tiny-cnn"))
    with pytest.raises(EditError, match="name one value"):
        stepper.set_expected("fc.delta", Expected(1.0, 0, "1"))
    assert not stepper.edited


def test_undo_and_reset_take_back_a_typed_answer() -> None:
    """Found driving the app: an answer typed with x survived undo, and quitting did not ask."""
    from core.engine.scenario import Expected
    from core.engine.stepper import Stepper
    from core.scenario.catalog import load

    stepper = Stepper(load("tiny-cnn"))
    stepper.step_forward()
    stepper.set_expected("conv.out[0,0]", Expected(0.6, 1, "0.6"))
    assert stepper.scenario.expected["conv.out[0,0]"].text == "0.6" and stepper.edited
    stepper.undo()
    assert stepper.scenario.expected["conv.out[0,0]"].text == "0.625" and not stepper.edited
    stepper.set_expected("conv.out[0,0]", Expected(0.6, 1, "0.6"))
    stepper.reset()
    assert stepper.scenario.expected["conv.out[0,0]"].text == "0.625"


def test_undoing_a_whole_iteration_at_the_undo_limit() -> None:
    """Found in review: past the undo limit, undoing an iteration stopped at its update."""
    from core.engine.stepper import UNDO_LIMIT, Stepper
    from core.scenario.catalog import load

    stepper = Stepper(load("tiny-cnn"))
    for _ in range(UNDO_LIMIT + 5):
        stepper.run_iteration()
    stepper.undo()
    assert stepper.phase().stage == "done" and stepper.iteration == UNDO_LIMIT + 4
