"""Headless training: many iterations through the same maths as the stepper, kept lean.

An epoch is ⌈S/B⌉ iterations of the one wrapping sample cursor (contract §2), so
training continues exactly where stepping would.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.layers import Params
from core.passes import loss_value, predict, train_step
from core.scenario import SampleSet, Scenario

EVAL_CHUNK = 512


@dataclass(frozen=True)
class EpochStats:
    """One epoch's mean training loss and, for classification, accuracies."""

    epoch: int
    loss: float
    accuracy: float | None = None  # on the training samples
    test_loss: float | None = None
    test_accuracy: float | None = None  # on held-out samples, when the scenario has them


def evaluate(scenario: Scenario, params: dict[str, Params], samples: SampleSet) -> tuple[float, float | None]:
    """(mean loss, accuracy or None) of ``params`` on ``samples``, in chunks."""
    network = scenario.network
    total_loss = 0.0
    correct = 0
    for start in range(0, len(samples), EVAL_CHUNK):
        x = samples.x[start:start + EVAL_CHUNK]
        y = samples.y[start:start + EVAL_CHUNK]
        out = predict(network, params, x)
        total_loss += loss_value(network, None, out, y) * len(x)
        correct += int(np.sum(out.reshape(len(x), -1).argmax(axis=1) == y.argmax(axis=1)))
    accuracy = correct / len(samples) if samples.is_classification else None
    return total_loss / len(samples), accuracy


class Trainer:
    """Runs iterations from a starting point: parameters and the iteration number."""

    def __init__(self, scenario: Scenario, params: dict[str, Params] | None = None,
                 iteration: int = 1) -> None:
        self.scenario = scenario
        self.params = params if params is not None else scenario.params
        self.iteration = iteration  # the next iteration to run, 1-based

    @property
    def iterations_per_epoch(self) -> int:
        return math.ceil(len(self.scenario.samples) / self.scenario.batch_size)

    def batch(self, iteration: int) -> tuple[np.ndarray, np.ndarray]:
        s = self.scenario
        b, n = s.batch_size, len(s.samples)
        start = ((iteration - 1) * b) % n
        if start + b <= n:
            return s.samples.x[start:start + b], s.samples.y[start:start + b]
        idx = [(start + j) % n for j in range(b)]
        return s.samples.x[idx], s.samples.y[idx]

    def step(self) -> float:
        """One iteration; returns its loss."""
        x, y = self.batch(self.iteration)
        self.params, loss, _ = train_step(self.scenario.network, self.params, x, y,
                                          self.scenario.learning_rate)
        self.iteration += 1
        return loss

    def run_epochs(self, epochs: int, progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> list[EpochStats]:
        """Train ``epochs`` epochs; ``progress(done, total)`` is told of each iteration."""
        stats = []
        total = epochs * self.iterations_per_epoch
        done = 0
        for epoch in range(1, epochs + 1):
            losses = []
            for _ in range(self.iterations_per_epoch):
                if should_stop is not None and should_stop():
                    return stats
                losses.append(self.step())
                done += 1
                if progress is not None:
                    progress(done, total)
            stats.append(self.epoch_stats(epoch, float(np.mean(losses))))
        return stats

    def epoch_stats(self, epoch: int, mean_loss: float) -> EpochStats:
        s = self.scenario
        accuracy = test_loss = test_accuracy = None
        if s.samples.is_classification:
            _, accuracy = evaluate(s, self.params, s.samples)
        if s.test_samples is not None:
            test_loss, test_accuracy = evaluate(s, self.params, s.test_samples)
        return EpochStats(epoch, mean_loss, accuracy, test_loss, test_accuracy)
