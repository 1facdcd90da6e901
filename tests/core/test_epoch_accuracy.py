"""An epoch's training accuracy is counted during the epoch, as its loss is: the share of the
samples its iterations classified right in their own forward pass, before each update; no
second pass over the training set. Held-out figures stay an evaluation after the epoch."""

from __future__ import annotations

import math

import pytest

from core.engine.training import Trainer, evaluate
from core.scenario.load import parse_scenario

# Every input is 0, so only the bias decides: softmax(b) with b = [0, 1] picks class 1 and every
# target is class 0. An iteration's δ of the bias is softmax(b) − y for each of its samples alike.
# Iteration 1 (samples 0, 1) sees b = [0, 1]: both wrong. Its update (rate 1) takes b to
# b − (σ(b) − y) = [0 + σ₁, 1 − σ₁] with σ₁ = e/(1 + e) = 0.731: class 0 wins, so iteration 2
# (samples 2 and 0: the cursor wraps) gets both right. The epoch counts 2 of its 4 samples right,
# while an evaluation after it classifies all 3 samples right.
BIAS_ONLY = """\
format: 1
name: bias only
input: [1]
samples:
  - {x: [0.0], label: 0}
  - {x: [0.0], label: 0}
  - {x: [0.0], label: 0}
layers:
  - {name: out, type: dense, units: 2, activation: softmax, weight: [[0.0], [0.0]], bias: [0.0, 1.0]}
loss: cross_entropy
learning_rate: 1.0
batch_size: 2
"""


def _sigma1(b0: float, b1: float) -> float:
    return math.exp(b1) / (math.exp(b0) + math.exp(b1))


def test_the_epoch_counts_its_own_iterations_right_before_each_update() -> None:
    scenario = parse_scenario(BIAS_ONLY)
    trainer = Trainer(scenario)
    [stats] = trainer.run_epochs(1)
    assert trainer.iteration == 3  # ⌈3/2⌉ = 2 iterations
    assert stats.accuracy == 2 / 4  # iteration 1: 0 of 2, iteration 2: 2 of 2 (a sample counted twice)
    # the loss is the mean of the same iterations' losses: −log softmax(b)₀ before each update
    s1 = _sigma1(0.0, 1.0)
    after = (s1, 1 - s1)
    first, second = -math.log(1 - s1), -math.log(1 - _sigma1(*after))
    assert stats.loss == pytest.approx((first + second) / 2, rel=1e-14)
    # evaluated after the epoch, the network classifies every training sample right
    assert evaluate(scenario, trainer.params, scenario.samples)[1] == 1.0
    assert stats.test_loss is None and stats.test_accuracy is None  # no held-out samples


def test_each_epoch_counts_only_its_own_iterations() -> None:
    trainer = Trainer(parse_scenario(BIAS_ONLY))
    first, second = trainer.run_epochs(2)
    assert (first.accuracy, second.accuracy) == (0.5, 1.0)  # epoch 2: every forward pass after the flip
    assert second.epoch == 2


def test_step_by_step_epochs_count_the_same() -> None:
    """The TUI's worker steps and closes each epoch itself: the same figures as run_epochs."""
    trainer = Trainer(parse_scenario(BIAS_ONLY))
    stats = []
    for _ in range(4):
        trainer.step()
        if trainer.epoch_done == trainer.iterations_per_epoch:
            stats.append(trainer.finish_epoch(len(stats) + 1))
    assert stats == Trainer(parse_scenario(BIAS_ONLY)).run_epochs(2)


def test_held_out_figures_are_evaluated_after_the_epoch() -> None:
    """The held-out samples (class 0 and class 1) are evaluated with the parameters at the
    epoch's end: b = [σ₁, 1 − σ₁] then one more update, which still picks class 0 for both."""
    text = BIAS_ONLY + "test_samples:\n  - {x: [0.0], label: 0}\n  - {x: [0.0], label: 1}\n"
    scenario = parse_scenario(text)
    trainer = Trainer(scenario)
    [stats] = trainer.run_epochs(1)
    assert stats.test_accuracy == 0.5
    assert (stats.test_loss, stats.test_accuracy) == evaluate(scenario, trainer.params, scenario.test_samples)
    assert stats.accuracy == 0.5  # the training figure is still the epoch's own count


def test_no_accuracy_for_regression() -> None:
    text = BIAS_ONLY.replace("label: 0}", "y: [0.5, 0.5]}").replace("softmax", "sigmoid").replace(
        "cross_entropy", "mse")
    [stats] = Trainer(parse_scenario(text)).run_epochs(1)
    assert stats.accuracy is None and math.isfinite(stats.loss)


def test_an_epoch_of_run_epochs_counts_from_where_it_starts() -> None:
    """Iterations stepped before ``run_epochs`` belong to no epoch of it: after one step (the
    flip), its epoch's two iterations both see b = [σ₁, 1 − σ₁] or later, and get all 4 right."""
    trainer = Trainer(parse_scenario(BIAS_ONLY))
    trainer.step()
    [stats] = trainer.run_epochs(1)
    assert stats.accuracy == 1.0 and trainer.iteration == 4
