"""The bundled batchnorm-tiny, dropout-tiny and residual-block: their expected values are
the exact ones, the slips they warn about are named, and the quiz asks their statistics."""

from __future__ import annotations

import pytest

from core.engine.stepper import Stepper
from core.engine.training import Trainer, evaluate
from core.exports.report import solve
from core.learner.diagnosis import diagnose
from core.learner.quiz import Quiz
from core.scenario.catalog import load

NAMES = ("batchnorm-tiny", "dropout-tiny", "residual-block")


@pytest.mark.parametrize("name", NAMES)
def test_expected_values_are_right_and_described(name: str) -> None:
    scenario = load(name)
    assert "What to look at" in scenario.description
    record = solve(scenario)[0]
    assert len(record.checks) >= 5
    assert all(check.ok for check in record.checks), [c.name for c in record.checks if not c.ok]


@pytest.mark.parametrize(("name", "value", "wrong", "slip"), [
    ("batchnorm-tiny", "bn.var[0]", 3.333, "unbiased-variance"),
    ("batchnorm-tiny", "bn.xhat[1,0]", 0.548, "unbiased-variance"),
    ("batchnorm-tiny", "bn.running_var[0]", 1.150, "biased-running-variance"),
    ("residual-block", "bn.var[0]", 0.1084, "unbiased-variance"),
    ("residual-block", "h1.grad_out[0,0]", -0.124, "one-path"),
    ("dropout-tiny", "drop.out[0]", 0.600, "dropout-scale"),
    ("dropout-tiny", "h.grad_out[0]", -0.0573, "dropout-scale"),
])
def test_the_slips_a_learner_makes_are_named(name: str, value: str, wrong: float, slip: str) -> None:
    stepper = Stepper(load(name))
    stepper.run_iteration()
    decimals = len(str(wrong).split(".")[1])
    found = diagnose(stepper, value, wrong, decimals)
    assert found is not None and found.slip == slip


def test_the_quiz_asks_batch_norm_statistics_in_the_order_worked_by_hand() -> None:
    stepper = Stepper(load("batchnorm-tiny"))
    quiz = Quiz(stepper, layer="bn", kinds="forward")
    assert quiz.pending[:4] == ["bn.mean[0]", "bn.mean[1]", "bn.var[0]", "bn.var[1]"]
    assert quiz.pending[-4:] == ["bn.running_mean[0]", "bn.running_mean[1]", "bn.running_var[0]",
                                 "bn.running_var[1]"]
    assert quiz.answer("2.000").right
    assert quiz.answer("2.000").right
    answer = quiz.answer("3.333")
    assert not answer.right and answer.diagnosis is not None and answer.diagnosis.slip == "unbiased-variance"
    assert answer.derivation.substituted == "((1 − 2)² + (3 − 2)² + (0 − 2)² + (4 − 2)²) / 4"


def test_dropout_tiny_trains_and_evaluates_without_dropout() -> None:
    scenario = load("dropout-tiny")
    trainer = Trainer(scenario)
    stats = trainer.run_epochs(20)
    assert stats[-1].loss < stats[0].loss
    # the last epoch's iterations, each with its own mask, classified neither sample right; evaluated
    # without dropout afterwards, the network classifies both right
    assert stats[-1].accuracy == 0.0
    assert evaluate(scenario, trainer.params, scenario.samples, trainer.layer_state)[1] == 1.0
