"""Headless training: many iterations through the same maths as the stepper, kept lean.

An epoch is ⌈S/B⌉ iterations of the one wrapping sample cursor (contract §2), so
training continues exactly where stepping would.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from typing import NamedTuple

import numpy as np

from core.engine.batch_halves import HalvedChain, HalvedPasses, halves_possible
from core.engine.chain import Chain
from core.engine.heap import keep_freed_memory
from core.engine.network import Network
from core.engine.passes import Run, gradients, iteration_given, loss_value, predict, update_params
from core.engine.scenario import SampleSet, Scenario, batch_indices, epoch_length
from core.errors import TrainingDiverged
from core.i18n import tr
from core.nn.layers import Params
from core.nn.losses import targets_sum_to_one
from core.nn.optim import Hyper, OptimizerState, get_optimizer, state_name
from core.numbers import fmt

EVAL_CHUNK = 512  # samples an evaluation runs at once, at most
# values of one layer's forward an evaluation chunk may hold (32 MiB of float64): a LeNet-sized
# conv layer's columns for 512 samples took 59 MB, out of every cache, and halving the chunk
# until they fit halved the evaluation's time; smaller networks keep chunks of EVAL_CHUNK
EVAL_VALUES = 1 << 22


def evaluation_chunk(network: Network) -> int:
    """Samples per evaluation chunk: EVAL_CHUNK, halved while the busiest layer's forward
    would hold more than EVAL_VALUES values (never below 16)."""
    work = max(layer.work_per_sample() for layer in network.layers)
    chunk = EVAL_CHUNK
    while chunk > 16 and chunk * work > EVAL_VALUES:
        chunk //= 2
    return chunk
_ITERATION = Run(training=True)  # an iteration of a network without layer state or given arrays
CYCLE_BATCHES = 4096  # batches a trainer keeps views of, at most (see Trainer._slices)
LOSS_LIMIT = 1e30  # a loss past this has blown up: no network that learns gets anywhere near it


def blown_up(loss: float, new_theta: np.ndarray) -> str | None:
    """What blew up in an iteration, in words, or None: its loss (∞, NaN or past
    LOSS_LIMIT) or a parameter after the update (∞, NaN, or so large that the sum of
    squares overflows: past about 1e154). The common case costs one dot product."""
    if abs(loss) <= LOSS_LIMIT and math.isfinite(new_theta.dot(new_theta)):
        return None
    if math.isnan(loss):
        return tr("the loss became NaN (not a number)")
    if math.isinf(loss):
        return tr("the loss overflowed to ∞")
    if abs(loss) > LOSS_LIMIT:
        return tr("the loss reached {loss}, past {limit}", loss=fmt(loss, 3), limit=fmt(LOSS_LIMIT, 0))
    if not np.isfinite(new_theta).all():
        return tr("a parameter overflowed to ∞ or NaN in the update (the loss was {loss})", loss=fmt(loss, 4))
    return tr("a parameter grew past 1e154 in the update (the loss was {loss})", loss=fmt(loss, 4))


class EpochStats(NamedTuple):
    """One epoch's figures: the training ones as its own iterations found them, the held-out
    ones from an evaluation after it.

    ``loss`` is the mean of the epoch's iterations' losses and ``accuracy`` (classification
    only) the share of the samples its iterations classified right, each in the iteration's
    own forward pass, before that iteration's update: a running figure, as in most training
    loops, with no second pass over the training set. A sample the last batch wraps round
    to counts each time an iteration uses it (⌈S/B⌉·B samples in all). ``test_loss`` and
    ``test_accuracy`` evaluate the parameters at the epoch's end on the held-out samples
    (evaluation mode: running statistics, no dropout), when the scenario has them.
    (A named tuple, read only: a tiny network makes one every iteration, and it costs half
    of a frozen dataclass.)
    """

    epoch: int
    loss: float
    accuracy: float | None = None  # during the epoch, on the training samples its iterations used
    test_loss: float | None = None
    test_accuracy: float | None = None  # after the epoch, on held-out samples


def classified_right(out: np.ndarray, labels: np.ndarray) -> int:
    """How many of a batch's outputs ``out`` (batch axis first) pick their sample's class
    ``labels`` (the one-hot target's index) as their largest value (the first, on a tie)."""
    b = out.shape[0]
    if b == 1:  # an iteration of one sample: one comparison, no temporaries
        return int(out.argmax() == labels[0])
    return int(np.count_nonzero(out.reshape(b, -1).argmax(axis=1) == labels))


def evaluate(scenario: Scenario, params: dict[str, Params], samples: SampleSet,
             layer_state: dict[str, Params] | None = None,
             classification: bool | None = None) -> tuple[float, float | None]:
    """(mean loss, accuracy or None) of ``params`` on ``samples``, in chunks, in evaluation
    mode: batch norm normalises with ``layer_state``'s running statistics (default: the
    scenario's), dropout drops nothing. ``classification``: whether ``samples`` are
    classified (``samples.is_classification``, which the trainer works out once)."""
    network = scenario.network
    run = Run(training=False, state=scenario.layer_state if layer_state is None else layer_state)
    total_loss = 0.0
    correct = 0
    if classification is None:
        classification = samples.is_classification
    chunk = evaluation_chunk(network)
    for start in range(0, len(samples), chunk):
        x = samples.x[start:start + chunk]
        y = samples.y[start:start + chunk]
        out = predict(network, params, x, run)
        total_loss += loss_value(network, None, out, y) * len(x)
        if classification:
            correct += classified_right(out, y.argmax(axis=1))
    accuracy = correct / len(samples) if classification else None
    return total_loss / len(samples), accuracy


class Trainer:
    """Runs iterations from a starting point: parameters, the iteration number and the
    optimizer's state (default: the scenario's).

    All parameters live in one flat vector whose views the layers read; the gradients
    likewise, written in place by the layers. Every update rule is elementwise, so the
    optimizer's own ``update`` runs once on the whole vector (its state kept as flat
    buffers too) and its result is copied in, frozen entries excepted: a few NumPy
    operations per iteration, whatever the number of layers. Only while some parameter's
    state has not started (a file that gives the buffer of one layer only) does the update
    go parameter by parameter, through the same rule. ``params`` and ``optimizer_state``
    hand out copies, so nothing outside ever sees an array change.
    """

    def __init__(self, scenario: Scenario, params: dict[str, Params] | None = None,
                 iteration: int = 1, optimizer_state: OptimizerState | None = None,
                 layer_state: dict[str, Params] | None = None, halves: bool = False) -> None:
        """``halves``: work each batch in two halves where the batch is even
        (core/engine/batch_halves.py: the same maths, the batch's sums taken as two half
        sums), as ``cnn-tui train`` does to run them in two processes; by default one pass
        over the batch, as the stepper."""
        keep_freed_memory()  # iterations reuse the pages the last one freed (see core/engine/heap)
        self.scenario = scenario
        self.iteration = iteration  # the next iteration to run, 1-based
        self._first = iteration  # where this run started (its epochs count from there)
        start = params if params is not None else scenario.params
        layers = scenario.network.param_layers()
        self._entries: list[tuple[str, str, slice, bool]] = []  # layer, parameter, its slice, frozen?
        shapes = []
        offset = 0
        for layer in layers:
            for name, shape in layer.param_shapes().items():
                size = int(np.prod(shape))
                self._entries.append((layer.name, name, slice(offset, offset + size), name in layer.frozen))
                shapes.append(shape)
                offset += size
        self._theta = np.concatenate([np.zeros(0)] + [np.ravel(start[lay][name]) for lay, name, _, _ in self._entries])
        self._grad = np.zeros_like(self._theta)  # every gradient, written in place by the layers
        self._shapes = shapes
        self._views = self._views_over(self._theta)
        self._grad_views = self._views_over(self._grad)
        frozen = [part for _, _, part, is_frozen in self._entries if is_frozen]
        self._frozen: np.ndarray | None = None  # where the update does not apply; None: nowhere
        if frozen:
            self._frozen = np.zeros(self._theta.size, dtype=bool)
            for part in frozen:
                self._frozen[part] = True
        self._rule = get_optimizer(scenario.optimizer.type)
        self._update = self._rule.bound_update(scenario.optimizer.options)  # its settings read once
        self._kinds = self._rule.kept_kinds(scenario.optimizer.options)
        self._state = scenario.optimizer_state if optimizer_state is None else optimizer_state
        self._flat = self._flat_buffers(self._state)  # the state while ``_flat`` is None
        self._step = self._state.step  # updates taken, while ``_flat`` holds the buffers
        # the layers' state across iterations (running statistics), replaced after each forward
        self._layer_state = dict(scenario.layer_state if layer_state is None else layer_state)
        self._given_layers = any(layer.given_kinds for layer in scenario.network.layers)
        # a network whose layers keep no state and take no given arrays runs every iteration
        # in the same Run (nothing in it changes)
        self._plain = not self._given_layers and not any(layer.state_defaults for layer in scenario.network.layers)
        # a plain network that is a chain of layers runs its passes from a plan made once
        # (with ``halves``, two halves of each batch, each through that plan, or through the
        # passes for any other network: core/engine/batch_halves.py)
        halved = halves and halves_possible(scenario.batch_size)
        fits = self._plain and Chain.fits(scenario.network)
        self._chain: Chain | HalvedChain | None = None
        if fits:
            self._chain = HalvedChain(scenario.network, self._views, self._theta, self._grad, self._views_over,
                                      scenario.batch_size, self._iteration) \
                if halved else Chain(scenario.network, self._views, self._grad_views)
        self._halved = HalvedPasses(scenario.network, self._views, self._theta, self._grad, self._views_over,
                                    scenario.batch_size, self._iteration) if halved and not fits else None
        # the one that works halves, if either does
        self._halves = self._chain if isinstance(self._chain, HalvedChain) else self._halved
        self._pair = pair = None if self._halves is None else self._halves.pair
        if pair is not None:  # (this trainer's steps only: every other trainer's step stays the bare method)
            self.step = self._paired_step  # type: ignore[method-assign]
        # whether accuracies are reported, worked out once (it reads every target)
        self._classified = scenario.samples.is_classification
        test = scenario.test_samples
        self._test_classified = test is not None and test.is_classification
        # each sample's class, for the epoch's running accuracy (None: not classification)
        self._labels = scenario.samples.y.argmax(axis=1) if self._classified else None
        self._per_epoch = epoch_length(len(scenario.samples), scenario.batch_size)
        # when the batches come round again within CYCLE_BATCHES iterations and each is one slice:
        # every batch's (inputs, targets, classes or None) views and whether its targets each
        # sum to exactly 1 (a fused loss's δ then skips adding them), by (iteration − 1) mod their number
        self._batches = self._slices()
        # the current epoch so far (epochs count from ``_first``): its iterations' losses and
        # the samples they classified right in their own forward pass
        self._epoch_losses: list[float] = []
        self._epoch_right = 0

    def _views_over(self, flat: np.ndarray) -> dict[str, Params]:
        """Every parameter's array as a view of ``flat`` (laid out as ``_theta``), by layer."""
        views: dict[str, Params] = {layer.name: {} for layer in self.scenario.network.param_layers()}
        for (lay, name, part, _), shape in zip(self._entries, self._shapes):
            views[lay][name] = flat[part].reshape(shape)
        return views

    def two_processes(self) -> AbstractContextManager[bool]:
        """While the block runs, a second process works the second half of each large batch
        (``HalvedChain.two_processes``: the same floats as one process); yields whether one
        started (never for a network trained in one pass, or where a fork is not possible)."""
        if self._halves is not None:
            return self._halves.two_processes(self.step)
        return nullcontext(False)

    @property
    def layer_state(self) -> dict[str, Params]:
        """The layers' state after the iterations run so far (running statistics)."""
        return {layer: dict(kinds) for layer, kinds in self._layer_state.items()}

    @property
    def params(self) -> dict[str, Params]:
        """A copy of the current parameters (layer → weight/bias arrays)."""
        return {layer: {name: arr.copy() for name, arr in ps.items()} for layer, ps in self._views.items()}

    @property
    def optimizer_state(self) -> OptimizerState:
        """The optimizer's state after the iterations run so far (copies of the buffers)."""
        if self._flat is None:
            return self._state
        buffers = {state_name(lay, kind, name): self._flat[kind][part].reshape(self._views[lay][name].shape).copy()
                   for kind in self._flat for lay, name, part, frozen in self._entries if not frozen}
        return OptimizerState(self._step, buffers)

    def _flat_buffers(self, state: OptimizerState) -> dict[str, np.ndarray] | None:
        """The state as one flat buffer per kind, or None while some parameter's has not started."""
        wanted = [(kind, state_name(lay, kind, name), part) for kind in self._kinds
                  for lay, name, part, frozen in self._entries if not frozen]
        present = [key in state.buffers for _, key, _ in wanted]
        if not any(present):
            return {}  # nothing started: the rule starts every buffer at once
        if not all(present):
            return None
        flat = {kind: np.zeros_like(self._theta) for kind in self._kinds}  # frozen entries: unused, never reported
        for kind, key, part in wanted:
            flat[kind][part] = np.ravel(state.buffers[key])
        return flat

    @property
    def iterations_per_epoch(self) -> int:
        return self._per_epoch

    def _rows(self, iteration: int) -> slice | list[int]:
        """Which samples an iteration uses: (k−1)·B + j mod S, j = 0…B−1."""
        b, n = self.scenario.batch_size, len(self.scenario.samples)
        start = ((iteration - 1) * b) % n
        if start + b <= n:  # one slice, no copy: the common case
            return slice(start, start + b)
        return batch_indices(iteration, b, n)

    def _slices(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray | None, bool]] | None:
        """The views of every batch of the cycle (see ``__init__``), or None: a cycle longer
        than CYCLE_BATCHES, or a batch that wraps round the samples' end (not one slice)."""
        b, n = self.scenario.batch_size, len(self.scenario.samples)
        cycle = n // math.gcd(n, b)  # iterations until the cursor is back at sample 0
        if cycle > CYCLE_BATCHES or any(not isinstance(self._rows(k), slice) for k in range(1, cycle + 1)):
            return None
        samples, labels = self.scenario.samples, self._labels
        return [(samples.x[rows], samples.y[rows], None if labels is None else labels[rows],
                 targets_sum_to_one(samples.y[rows]))
                for rows in (self._rows(k) for k in range(1, cycle + 1))]

    def batch(self, iteration: int) -> tuple[np.ndarray, np.ndarray]:
        """The samples of an iteration (inputs, targets)."""
        rows = self._rows(iteration)
        return self.scenario.samples.x[rows], self.scenario.samples.y[rows]

    def step(self) -> float:
        """One iteration; returns its loss. The current epoch's tally (``finish_epoch``)
        takes the loss and, for classification, how many of the batch's samples this
        forward pass classified right.

        Raises TrainingDiverged (see ``blown_up``) instead of applying an update that blew
        up: the parameters and the iteration number stay those of the last good iteration.
        """
        batches = self._batches
        if batches is not None:
            x, y, labels, unit = batches[(self.iteration - 1) % len(batches)]
        else:
            rows = self._rows(self.iteration)
            samples = self.scenario.samples
            x, y = samples.x[rows], samples.y[rows]
            labels = None if self._labels is None else self._labels[rows]
            unit = False
        s = self.scenario
        after: dict[str, Params] | None = None  # the layers' state after this forward, if they keep any
        chain = self._chain
        if chain is not None:
            loss, out = chain.gradients(x, y, unit)
            grads = self._grad_views
        elif self._halved is not None:
            given = iteration_given(s.network, s.seed, self.iteration, s.batch_size, s.given) \
                if self._given_layers else {}
            after = {}
            loss, out = self._halved.gradients(x, y, Run(True, self._layer_state, given), after)
            grads = self._grad_views
        elif self._plain:
            loss, grads, out = gradients(s.network, self._views, x, y, into=self._grad_views, run=_ITERATION)
        else:
            given = iteration_given(s.network, s.seed, self.iteration, s.batch_size, s.given) \
                if self._given_layers else {}
            after = {}
            loss, grads, out = gradients(s.network, self._views, x, y, into=self._grad_views,
                                         run=Run(True, self._layer_state, given), state_out=after)
        right = 0 if labels is None else classified_right(out, labels)
        if self._flat is None:  # some state not started yet: parameter by parameter, once
            new, state = update_params(s.network, s.optimizer, s.learning_rate, self._views, grads, self._state)
            theta = self._theta.copy()
            for lay, name, part, _ in self._entries:
                theta[part] = np.ravel(new[lay][name])
            flat = None
        else:
            hyper = Hyper(s.learning_rate, self._step + 1, s.optimizer.options)
            theta, flat = self._update(self._theta, self._grad, self._flat, hyper)
            if self._frozen is not None:
                np.copyto(theta, self._theta, where=self._frozen)  # frozen entries keep their value
        # blown_up's common case, inline (``.dot``: the same product as ``@``, half its dispatch)
        if not (abs(loss) <= LOSS_LIMIT and math.isfinite(theta.dot(theta))):
            what = blown_up(loss, theta)
            if what is not None:
                raise self._diverged(what, loss)
        self._theta[...] = theta
        if after:  # (None or {}: nothing kept)
            self._layer_state.update(after)
        if flat is None:
            self._state = state
            self._flat = self._flat_buffers(state)
            self._step = state.step
        else:
            self._flat = flat
            self._step += 1
        losses = self._epoch_losses
        if len(losses) == self._per_epoch:  # the last epoch is over: this one starts
            losses = self._epoch_losses = []
            self._epoch_right = 0
        losses.append(loss)
        self._epoch_right += right
        self.iteration += 1
        return loss

    def _iteration(self) -> int:
        """The next iteration's number (what the halves' partners compare at each step)."""
        return self.iteration

    def _paired_step(self) -> float:
        """``step`` where a second process may work the halves: a step that raises in the
        parent (Ctrl-C, divergence, any error) leaves the two out of step, so the parent
        parts from its child and goes on alone (the same floats)."""
        try:
            return Trainer.step(self)
        except BaseException:
            assert self._pair is not None
            self._pair.part()
            raise

    def _diverged(self, what: str, loss: float) -> TrainingDiverged:
        """Where it blew up (this run's epoch, the iteration), what, and what to try."""
        epoch = (self.iteration - self._first) // self.iterations_per_epoch + 1
        rate = self.scenario.learning_rate
        smaller = float(f"{rate / 10:.2g}")  # a round number to try
        message = tr("training diverged in epoch {epoch} at iteration {iteration}: {what}; try a smaller "
                     "learning_rate than {rate} (e.g. {smaller})", epoch=epoch, iteration=self.iteration, what=what,
                     rate=fmt(rate, None), smaller=fmt(smaller, None))
        return TrainingDiverged(message, epoch=epoch, iteration=self.iteration, what=what, value=loss)

    def run_epochs(self, epochs: int, progress: Callable[[int, int], None] | None = None,
                   should_stop: Callable[[], bool] | None = None,
                   each_epoch: Callable[[EpochStats], None] | None = None) -> list[EpochStats]:
        """Train ``epochs`` epochs; ``progress(done, total)`` is told of each iteration and
        ``each_epoch`` of each epoch's stats as it ends.

        Raises TrainingDiverged at the first iteration that blows up (see ``step``)."""
        stats: list[EpochStats] = []
        total = epochs * self._per_epoch
        done = 0
        step = self.step
        per_epoch = self._per_epoch
        bare = should_stop is None and progress is None  # nothing to ask or tell between iterations
        finish = self.finish_epoch
        keep = stats.append
        # the first epoch starts here, wherever the iterations before it left off; each later one
        # at its first iteration (``step`` starts a new tally once the last holds a whole epoch)
        self._epoch_losses = []
        self._epoch_right = 0
        for epoch in range(1, epochs + 1):
            if bare:
                if per_epoch == 1:  # (an epoch of one iteration: no loop to set up)
                    step()
                else:
                    for _ in range(per_epoch):
                        step()
            else:
                if epoch > 1:  # (a stop before its first iteration leaves this epoch's empty tally)
                    self._epoch_losses = []
                    self._epoch_right = 0
                for _ in range(per_epoch):
                    if should_stop is not None and should_stop():
                        return stats
                    step()
                    done += 1
                    if progress is not None:
                        progress(done, total)
            epoch_stats = finish(epoch)
            keep(epoch_stats)
            if each_epoch is not None:
                each_epoch(epoch_stats)
        return stats

    @property
    def epoch_done(self) -> int:
        """Iterations of the current epoch run so far (``iterations_per_epoch`` once it is over)."""
        return len(self._epoch_losses)

    def finish_epoch(self, epoch: int) -> EpochStats:
        """The stats of the epoch just run (numbered ``epoch``): the mean of its iterations'
        losses and the share of its samples they classified right, from the tally ``step``
        kept (see EpochStats), and the held-out loss and accuracy, evaluated now."""
        losses = self._epoch_losses
        count = len(losses)
        if not count:
            raise ValueError("finish_epoch needs an iteration of the epoch")
        mean = float(losses[0]) if count == 1 else float(np.mean(losses))  # the mean of one is itself
        accuracy = None if self._labels is None else self._epoch_right / (count * self.scenario.batch_size)
        if self.scenario.test_samples is None:
            return EpochStats(epoch, mean, accuracy)
        test_loss, test_accuracy = self.held_out()
        return EpochStats(epoch, mean, accuracy, test_loss, test_accuracy)

    def held_out(self) -> tuple[float | None, float | None]:
        """(loss, accuracy) of the current parameters on the held-out samples, evaluated
        (running statistics, no dropout); (None, None) when the scenario has none, and the
        accuracy None unless they are classified."""
        s = self.scenario
        if s.test_samples is None:
            return None, None
        # the live parameters, read only, while no iteration runs
        return evaluate(s, self._views, s.test_samples, self._layer_state, self._test_classified)
