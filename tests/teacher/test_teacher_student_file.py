"""Issue 13: a student file's `exercise` block loads, saves back unchanged, and a bad one is
refused with one message naming the line and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import ScenarioError
from core.scenario.catalog import bundled_dir
from core.scenario.load import parse_scenario
from core.scenario.save import dump_scenario

BASE = (bundled_dir() / "two-layer-sigmoid.yaml").read_text()


def _with(block: str) -> str:
    return BASE + "\n" + block


def test_an_exercise_block_loads_and_saves_back() -> None:
    scenario = parse_scenario(_with("exercise:\n  id: ana-1\n  ask: ['out.delta[0]', 'hidden.delta[1]', loss]\n"))
    assert scenario.exercise is not None
    assert (scenario.exercise.id, scenario.exercise.ask, scenario.exercise.reveal) == (
        "ana-1", ("out.delta[0]", "hidden.delta[1]", "loss"), "after")
    again = parse_scenario(dump_scenario(scenario, Path("x.yaml")))
    assert again.exercise == scenario.exercise
    practice = parse_scenario(_with("exercise: {id: bo, ask: [loss], reveal: always}\n"))
    assert practice.exercise is not None and not practice.exercise.hides
    assert "reveal: always" in dump_scenario(practice, Path("x.yaml"))


@pytest.mark.parametrize(("block", "field", "words"), [
    ("exercise: {id: ana}\n", "exercise", "the required field 'ask' is missing"),
    ("exercise: {id: ana, ask: []}\n", "exercise.ask", "expected a list of quantity names"),
    ("exercise: {id: ana, ask: ['out.delta[7]']}\n", "exercise.ask[0]", "does not exist"),
    ("exercise: {id: ana, ask: ['nope.delta[0]']}\n", "exercise.ask[0]", "nope"),
    ("exercise: {id: ana, ask: [loss, loss]}\n", "exercise.ask[1]", "asked twice"),
    ("exercise: {id: ../x, ask: [loss]}\n", "exercise.id", "file name"),
    ("exercise: {id: 12, ask: [loss]}\n", "exercise.id", "as text"),
    ("exercise: {id: ana, ask: [loss], reveal: sometimes}\n", "exercise.reveal", "unknown reveal"),
    ("exercise: {id: ana, ask: [loss], answers: 3}\n", "exercise.answers", "unknown field"),
])
def test_a_bad_exercise_block_is_refused_with_one_message(block: str, field: str, words: str) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(_with(block), file="s.yaml")
    message = str(caught.value)
    assert message.startswith("s.yaml:") and f" {field}:" in message and words in message, message
    assert "\n" not in message
