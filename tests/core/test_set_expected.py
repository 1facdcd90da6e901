"""Stepper.set_expected: a learner's own value for one number, kept for saving."""

from __future__ import annotations

import pytest

from core.catalog import load
from core.errors import EditError
from core.scenario import Expected
from core.stepper import Stepper


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
