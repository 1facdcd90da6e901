"""Headless training: many iterations through the same maths as the stepper, kept lean.

An epoch is ⌈S/B⌉ iterations of the one wrapping sample cursor (contract §2), so
training continues exactly where stepping would.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.engine.passes import gradients, loss_value, predict
from core.engine.scenario import SampleSet, Scenario, batch_indices
from core.errors import TrainingDiverged
from core.nn.layers import Params
from core.numbers import fmt

EVAL_CHUNK = 512
LOSS_LIMIT = 1e30  # a loss past this has blown up: no network that learns gets anywhere near it


def blown_up(loss: float, new_theta: np.ndarray) -> str | None:
    """What blew up in an iteration, in words, or None: its loss (∞, NaN or past
    LOSS_LIMIT) or a parameter after the update (∞, NaN, or so large that the sum of
    squares overflows: past about 1e154). The common case costs one dot product."""
    if abs(loss) <= LOSS_LIMIT and math.isfinite(new_theta @ new_theta):
        return None
    if math.isnan(loss):
        return "the loss became NaN (not a number)"
    if math.isinf(loss):
        return "the loss overflowed to ∞"
    if abs(loss) > LOSS_LIMIT:
        return f"the loss reached {fmt(loss, 3)}, past {fmt(LOSS_LIMIT, 0)}"
    if not np.isfinite(new_theta).all():
        return f"a parameter overflowed to ∞ or NaN in the update (the loss was {fmt(loss, 4)})"
    return f"a parameter grew past 1e154 in the update (the loss was {fmt(loss, 4)})"


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
    """Runs iterations from a starting point: parameters and the iteration number.

    All parameters live in one flat vector that the update changes in place (two NumPy
    operations per iteration, whatever the number of layers); ``params`` hands out copies,
    so nothing outside ever sees an array change.
    """

    def __init__(self, scenario: Scenario, params: dict[str, Params] | None = None,
                 iteration: int = 1) -> None:
        self.scenario = scenario
        self.iteration = iteration  # the next iteration to run, 1-based
        self._first = iteration  # where this run started (its epochs count from there)
        start = params if params is not None else scenario.params
        layers = scenario.network.param_layers()
        self._order = [(layer.name, name) for layer in layers for name in ("weight", "bias")]
        self._theta = np.concatenate([np.zeros(0)] + [np.ravel(start[lay][name]) for lay, name in self._order])
        self._grad = np.zeros_like(self._theta)  # every gradient, written in place by the layers
        self._views: dict[str, Params] = {layer.name: {} for layer in layers}
        self._grad_views: dict[str, Params] = {layer.name: {} for layer in layers}
        self._rate = np.full(self._theta.size, scenario.learning_rate)
        offset = 0
        for layer in layers:
            for name, shape in layer.param_shapes().items():
                size = int(np.prod(shape))
                self._views[layer.name][name] = self._theta[offset:offset + size].reshape(shape)
                self._grad_views[layer.name][name] = self._grad[offset:offset + size].reshape(shape)
                if name in layer.frozen:
                    self._rate[offset:offset + size] = 0.0
                offset += size
        if not np.any(self._rate == 0.0):
            self._rate = scenario.learning_rate  # a plain number is faster than a vector

    @property
    def params(self) -> dict[str, Params]:
        """A copy of the current parameters (layer → weight/bias arrays)."""
        return {layer: {name: arr.copy() for name, arr in ps.items()} for layer, ps in self._views.items()}

    @property
    def iterations_per_epoch(self) -> int:
        return math.ceil(len(self.scenario.samples) / self.scenario.batch_size)

    def batch(self, iteration: int) -> tuple[np.ndarray, np.ndarray]:
        """The samples of an iteration: (k−1)·B + j mod S, j = 0…B−1."""
        x, y = self.scenario.samples.x, self.scenario.samples.y
        b, n = self.scenario.batch_size, x.shape[0]
        start = ((iteration - 1) * b) % n
        if start + b <= n:  # one slice, no copy: the common case
            return x[start:start + b], y[start:start + b]
        idx = batch_indices(iteration, b, n)
        return x[idx], y[idx]

    def step(self) -> float:
        """One iteration; returns its loss.

        Raises TrainingDiverged (see ``blown_up``) instead of applying an update that blew
        up: the parameters and the iteration number stay those of the last good iteration.
        """
        x, y = self.batch(self.iteration)
        loss, _, _ = gradients(self.scenario.network, self._views, x, y, into=self._grad_views)
        new = self._rate * self._grad
        np.subtract(self._theta, new, out=new)  # p ← p − α·∂E/∂p (α = 0 for frozen parameters)
        what = blown_up(loss, new)
        if what is not None:
            raise self._diverged(what, loss)
        self._theta[...] = new
        self.iteration += 1
        return loss

    def _diverged(self, what: str, loss: float) -> TrainingDiverged:
        """Where it blew up (this run's epoch, the iteration), what, and what to try."""
        epoch = (self.iteration - self._first) // self.iterations_per_epoch + 1
        rate = self.scenario.learning_rate
        smaller = float(f"{rate / 10:.2g}")  # a round number to try
        message = (f"training diverged in epoch {epoch} at iteration {self.iteration}: {what}; "
                   f"try a smaller learning_rate than {fmt(rate, None)} (e.g. {fmt(smaller, None)})")
        return TrainingDiverged(message, epoch=epoch, iteration=self.iteration, what=what, value=loss)

    def run_epochs(self, epochs: int, progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] | None = None) -> list[EpochStats]:
        """Train ``epochs`` epochs; ``progress(done, total)`` is told of each iteration.

        Raises TrainingDiverged at the first iteration that blows up (see ``step``)."""
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
            stats.append(self.finish_epoch(epoch, losses))
        return stats

    def finish_epoch(self, epoch: int, losses: list[float]) -> EpochStats:
        """The stats of an epoch from its iterations' losses (their mean) and the accuracies."""
        return self.epoch_stats(epoch, float(np.mean(losses)))

    def epoch_stats(self, epoch: int, mean_loss: float) -> EpochStats:
        s = self.scenario
        accuracy = test_loss = test_accuracy = None
        if s.samples.is_classification:
            _, accuracy = evaluate(s, self.params, s.samples)
        if s.test_samples is not None:
            test_loss, test_accuracy = evaluate(s, self.params, s.test_samples)
        return EpochStats(epoch, mean_loss, accuracy, test_loss, test_accuracy)
