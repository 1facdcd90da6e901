"""A large training batch in two halves, which two processes can work side by side.

``cnn-tui train`` may work each batch as two halves of equal size: the first half's
gradients and the second's, each from a forward and backward pass of its own, then added
(first + second) and halved. Each half's loss is its own mean, so its gradients are exactly
twice the whole batch's share of them (every backward step is linear in the loss's δ, and
scaling by 2 commutes with rounding, barring underflow to subnormal numbers): the sum
halved is the batch mean's gradient. A layer
that couples the samples meets the other half for each sum over the batch (batch norm's
statistics and its backward pass's two sums: ``BatchHalves``), so each half normalises by
the whole batch's statistics. The same maths as one pass over the whole batch, with its sums
over the batch taken as two half sums: the last bits can differ from one pass's (about one
part in 10¹⁶ a step; training can grow that). The stepper, ``solve`` and training in the
TUI work the whole batch in one pass.

Two processes (core/engine/process_pair.py) each work a half and meet over shared memory:
about 1.5–1.7 times as fast as one pass at LeNet's size. At each step's first meeting each
shows the parameters it worked with (θ·θ); a parent whose child is gone, or no longer in
step with it (a step that raised in the parent, a setting changed in the parent alone),
parts from it and works the child's half itself. Without a second process the
halves give the same floats worked in one: a plain chain's (``HalvedChain``) one after the
other, any other network's (``HalvedPasses``) on two threads taking turns between the
meetings, slower than one pass (each half's arrays leave the cache at every turn).
"""

from __future__ import annotations

import contextlib
import contextvars
import threading
from collections.abc import Callable
from math import prod

import numpy as np

from core.engine.chain import Chain
from core.engine.network import Network
from core.engine.passes import Run, gradients
from core.engine.process_pair import PartnerGone, ProcessPair, Stopped
from core.nn.layers import Params
from core.nn.layers.base import BatchHalves

# the smallest batch worked in halves by default (each half then has at least 8 samples)
MIN_BATCH = 16
# multiply-adds a step's forward pass must take (``step_work``) before two halves, one per
# process, pay: each half repeats the network's per-layer calls (a few µs a layer), and the
# exchange adds a pass over every gradient and a wait of a few µs (the bundled digits CNN at
# batch 16, 107k: 145 → 107 µs a step, though its parameters then rule it out; at batch 8,
# 53k: 90 → 84)
MIN_WORK = 1 << 16
# parameters per multiply-add of the forward pass beyond which exchanging the gradients
# costs more than the halves save: a dense layer uses each weight once per sample, so a
# 784-256-10 network has 1/B; at batch 64 it ran 1.6 ms a step either way, and 784-1024-10
# 6.1 ms in one pass, 7.1 ms in halves (its 6.5 MB of gradients out of every cache), while
# LeNet's 1/250 at batch 32 and the digits CNN's 1/312 at batch 64 pay (3.7 → 2.2 ms, 0.41
# → 0.26 ms a step)
MAX_PARAMS_PER_WORK = 1 / 100


def step_work(network: Network, batch: int) -> int:
    """A rough count of a training step's forward multiply-adds: per layer, its weights
    times its output positions (a conv's filter taps at each position, a dense layer's
    weights once), plus its outputs (the passes over them), times the batch."""
    per_sample = 0
    for layer in network.layers:
        positions = prod(layer.out_shape[1:]) if len(layer.out_shape) > 1 else 1
        weights = sum(prod(shape) for name, shape in layer.param_shapes().items() if name != "bias")
        per_sample += weights * positions + prod(layer.out_shape)
    return per_sample * batch


def halves_possible(batch: int) -> bool:
    """Whether a batch of ``batch`` samples can be worked in two halves of equal size."""
    return batch >= 2 and batch % 2 == 0


def halves_pay(network: Network, batch: int) -> bool:
    """Whether two halves of a batch of ``batch`` samples of ``network``, one per process,
    take less time than one pass: an even batch of ``MIN_BATCH`` or more, a forward pass of
    ``MIN_WORK`` multiply-adds or more, and few parameters for that work (their gradients
    are exchanged)."""
    if batch < MIN_BATCH or not halves_possible(batch):
        return False
    work = step_work(network, batch)
    parameters = sum(prod(shape) for layer in network.layers for shape in layer.param_shapes().values())
    return work >= MIN_WORK and parameters <= MAX_PARAMS_PER_WORK * work


class _Halves:
    """What both ways of working halves share: the trainer's parameters (``theta``, whose
    θ·θ the partners compare) and flat gradient (``grad``), the iteration's number, each
    half's size and output shape, the pair of processes, and the halves' mean."""

    def __init__(self, network: Network, theta: np.ndarray, grad: np.ndarray, batch: int,
                 iteration: Callable[[], int]) -> None:
        self.network = network
        self._theta = theta
        self._iteration = iteration
        self._grad = grad
        self._batch = batch
        self._half = batch // 2
        self._size = grad.size
        self._out_shape = (self._half, *network.layers[-1].out_shape)
        self._rows = prod(self._out_shape)  # a half's output values

    def _mean(self, first: np.ndarray, second: np.ndarray, loss0: float, loss1: float, out0: np.ndarray,
              out1: np.ndarray) -> tuple[float, np.ndarray]:
        """The halves met: gradients (first + second) / 2 into ``grad``, the loss likewise,
        and the batch's output rows, the first half's first."""
        grad = self._grad
        np.add(first, second, out=grad)
        grad *= 0.5
        out = np.concatenate((out0.reshape(self._out_shape), out1.reshape(self._out_shape)))
        return float((loss0 + loss1) * 0.5), out

    def two_processes(self, step: Callable[[], object]) -> contextlib.AbstractContextManager[bool]:
        """``ProcessPair.two_processes``: a child works the second halves while the block runs."""
        return self.pair.two_processes(step)

    pair: ProcessPair


class HalvedChain(_Halves):
    """``Chain.gradients`` of a batch in two halves (see the module's docstring), the sum
    written into ``grad`` (the trainer's flat gradient, whose views the layers' gradients
    are): the same call, the same result, for ``Trainer.step``. Each half's chain writes
    its gradients straight into its part of the pair's shared set; one meeting a step,
    where each process also shows the iteration and the parameters it worked with (θ·θ of
    ``theta``): two that differ are no longer in step, and the parent goes on alone."""

    def __init__(self, network: Network, params: dict[str, Params], theta: np.ndarray, grad: np.ndarray,
                 views_of: Callable[[np.ndarray], dict[str, Params]], batch: int,
                 iteration: Callable[[], int]) -> None:
        super().__init__(network, theta, grad, batch, iteration)
        size = self._size
        # each role's part of a set: its half's gradients, its loss, its θ·θ and iteration, its output rows
        self.pair = ProcessPair(size + 3 + self._rows)
        self._chains = [[Chain(network, params, views_of(part[:size])) for part in self.pair.sets[s]]
                        for s in range(2)]

    def gradients(self, x: np.ndarray, y: np.ndarray, unit: bool = False) -> tuple[float, np.ndarray]:
        """(loss, output) of the batch ``x``, ``y``, its gradients written into ``grad``:
        the halves' mean (``Chain.gradients``' contract)."""
        pair = self.pair
        count, parts = pair.next_set()
        chains = self._chains[count % 2]
        h, size = self._half, self._size
        role = pair.role
        try:
            if role != 1:
                self._half_into(parts[0], chains[0], x[:h], y[:h], unit)
            if role != 0:
                self._half_into(parts[1], chains[1], x[h:], y[h:], unit)
            if role >= 0 and not self._met(count, parts):  # the child is gone: its half is worked here
                self._half_into(parts[1], chains[1], x[h:], y[h:], unit)
        except BaseException:
            pair.part()  # (the parent) an error in the middle of a step: the two are out of step
            raise
        first, second = parts
        return self._mean(first[:size], second[:size], float(first[size]), float(second[size]),
                          first[size + 3:], second[size + 3:])

    def _half_into(self, part: np.ndarray, chain: Chain, x: np.ndarray, y: np.ndarray, unit: bool) -> None:
        """One half's pass: its gradients (into ``part``, through ``chain``), loss and output rows."""
        loss, out = chain.gradients(x, y, unit)
        size = self._size
        part[size] = loss
        part[size + 3:] = out.reshape(-1)

    def _met(self, count: int, parts: list[np.ndarray]) -> bool:
        """Meet the other process, each showing its θ·θ; False where the parent goes on
        alone from here (the child gone, or no longer in step: then told to leave)."""
        pair = self.pair
        marks = slice(self._size + 1, self._size + 3)
        parts[pair.role][marks] = (self._theta.dot(self._theta), self._iteration())
        if not pair.meet(count):
            return False
        return _in_step(pair, parts[0][marks], parts[1][marks])


def _in_step(pair: ProcessPair, first: np.ndarray, second: np.ndarray) -> bool:
    """Whether the two processes worked the same iteration with the same parameters (their
    θ·θ and iteration numbers): the child leaves (``Stopped``) where not, and the parent
    parts from it and goes on alone (False)."""
    if first.tobytes() == second.tobytes():
        return True
    if pair.role == 1:
        raise Stopped
    pair.part()
    return False


class _ProcessMeetings:
    """``BatchHalves`` between two processes: each ``add`` is a meeting over the pair's
    shared sets (this role writes its part, both read both)."""

    def __init__(self, pair: ProcessPair, batch: int) -> None:
        self.pair = pair
        self.batch = batch

    def add(self, partial: np.ndarray) -> np.ndarray:
        pair = self.pair
        count, parts = pair.next_set()
        k = partial.size
        parts[pair.role][:k] = partial.reshape(-1)
        pair.meet_or_raise(count)
        total: np.ndarray = (parts[0][:k] + parts[1][:k]).reshape(partial.shape)
        return total


class _Turns:
    """Two threads of one process, each working a half, taking turns (where no second
    process runs): one runs while the other waits for its turn, so they never compete for
    the GIL. The first half runs to a meeting and hands over; the second runs to the same
    meeting, adds the two sums and hands back; and so on to the end."""

    def __init__(self) -> None:
        self.box: list[np.ndarray] = [np.zeros(0), np.zeros(0)]
        self.turn = (threading.Semaphore(0), threading.Semaphore(0))
        self.failed = False

    def hand_over(self, to: int) -> None:
        """Let half ``to`` run, and wait for this half's next turn."""
        self.turn[to].release()
        self.wait(1 - to)

    def wait(self, role: int) -> None:
        """Wait for half ``role``'s turn (raises if the other half failed meanwhile)."""
        self.turn[role].acquire()
        if self.failed:
            raise _OtherHalfFailed

    def fail(self) -> None:
        """This half raised: the other runs no further."""
        self.failed = True
        for turn in self.turn:
            turn.release()


def _join(helper: threading.Thread, turns: _Turns) -> None:
    """Wait for the second half's thread to end; a Ctrl-C meanwhile stops it (at its next
    turn) and is raised once it has ended, so no half runs on behind the caller."""
    interrupted: BaseException | None = None
    while helper.is_alive():
        try:
            helper.join()
        except BaseException as error:  # noqa: BLE001 (raised below, once the thread is gone)
            interrupted = interrupted or error
            turns.fail()
    if interrupted is not None:
        raise interrupted


class _OtherHalfFailed(Exception):
    """The other thread's half raised (its error is the one reported)."""


class _ThreadMeetings:
    """``BatchHalves`` for one of two halves taking turns in one process (``_Turns``)."""

    def __init__(self, turns: _Turns, role: int, batch: int) -> None:
        self.turns, self.role, self.batch = turns, role, batch

    def add(self, partial: np.ndarray) -> np.ndarray:
        """(Both halves get the same array: a layer reads it, never writes it.)"""
        turns = self.turns
        if self.role == 0:
            turns.box[0] = partial
            turns.hand_over(1)  # the second half adds the two
            return turns.box[0]
        total: np.ndarray = turns.box[0] + partial
        turns.box[0] = total
        turns.hand_over(0)
        return total


_HalfResult = tuple[float, np.ndarray, dict[str, Params]]


class HalvedPasses(_Halves):
    """``passes.gradients`` of a batch in two halves, for the networks the chain plan does
    not fit (graphs, batch norm, dropout): each half a pass of its own (its rows of the
    given arrays, dropout's masks), whose batch norm layers meet the other half for every
    sum over the batch (``BatchHalves``: the statistics and the backward pass's two sums of
    the whole batch); then the halves' gradients meet, added and halved as ``HalvedChain``
    does. Two processes meet over shared memory; in one process the halves run on two
    threads taking turns from meeting to meeting (a half's pass cannot finish before the
    other's sums), the same operations on the same numbers either way. The layers' state after the
    forward (running statistics, from the whole batch's) is the same in both halves."""

    def __init__(self, network: Network, params: dict[str, Params], theta: np.ndarray, grad: np.ndarray,
                 views_of: Callable[[np.ndarray], dict[str, Params]], batch: int,
                 iteration: Callable[[], int]) -> None:
        super().__init__(network, theta, grad, batch, iteration)
        self._params = params
        size = self._size
        self._flats = [np.zeros(size), np.zeros(size)]  # each half's gradients
        self._views = [views_of(flat) for flat in self._flats]
        # a set holds a half's gradients, loss and output rows, or the largest sums a layer adds
        # (batch norm's two per channel)
        sums = max((2 * layer.out_shape[0] for layer in network.layers if layer.out_shape), default=0)
        self.pair = ProcessPair(max(size + 1 + self._rows, sums, 2))

    def gradients(self, x: np.ndarray, y: np.ndarray, run: Run, state_out: dict[str, Params]
                  ) -> tuple[float, np.ndarray]:
        """(loss, output) of the batch ``x``, ``y`` in ``run`` (its state and given arrays),
        its gradients written into ``grad`` and the layers' state after it into ``state_out``.
        With a partner, the step begins with a meeting where each shows its θ·θ (the same
        parameters, or the parent goes on alone)."""
        pair = self.pair
        if pair.role >= 0:
            try:
                if self._in_step_with_partner():
                    return self._with_partner(x, y, run, state_out)
            except PartnerGone:  # the child left in the middle of the step: the step again, here
                pass
            except BaseException:
                pair.part()  # (the parent) an error in the middle of a step: the two are out of step
                raise
        return self._in_threads(x, y, run, state_out)

    def _in_step_with_partner(self) -> bool:
        pair = self.pair
        count, parts = pair.next_set()
        parts[pair.role][:2] = (self._theta.dot(self._theta), self._iteration())
        pair.meet_or_raise(count)
        return _in_step(pair, parts[0][:2], parts[1][:2])

    def _half_pass(self, role: int, x: np.ndarray, y: np.ndarray, run: Run, meetings: BatchHalves) -> _HalfResult:
        """Half ``role``'s pass: (its loss, its output rows, the layers' state after it)."""
        rows = slice(0, self._half) if role == 0 else slice(self._half, None)
        given = {key: value[rows] for key, value in run.given.items()}
        after: dict[str, Params] = {}
        loss, _, out = gradients(self.network, self._params, x[rows], y[rows], into=self._views[role],
                                 run=Run(run.training, run.state, given, meetings), state_out=after)
        return loss, out, after

    def _with_partner(self, x: np.ndarray, y: np.ndarray, run: Run, state_out: dict[str, Params]
                      ) -> tuple[float, np.ndarray]:
        pair = self.pair
        role = pair.role
        loss, out, after = self._half_pass(role, x, y, run, _ProcessMeetings(pair, self._batch))
        count, parts = pair.next_set()
        size = self._size
        mine = parts[role]
        mine[:size] = self._flats[role]
        mine[size] = loss
        mine[size + 1:size + 1 + self._rows] = out.reshape(-1)
        pair.meet_or_raise(count)
        first, second = parts
        return self._combined(first[:size], second[:size], float(first[size]), float(second[size]),
                              first[size + 1:size + 1 + self._rows], second[size + 1:size + 1 + self._rows],
                              after, state_out)

    def _in_threads(self, x: np.ndarray, y: np.ndarray, run: Run, state_out: dict[str, Params]
                    ) -> tuple[float, np.ndarray]:
        turns = _Turns()
        results: list[_HalfResult | BaseException | None] = [None, None]

        def run_half(role: int) -> None:
            try:
                if role == 1:
                    turns.wait(1)
                results[role] = self._half_pass(role, x, y, run, _ThreadMeetings(turns, role, self._batch))
                if role == 0:
                    turns.turn[1].release()  # the second half's rest, to its end
            except BaseException as error:  # noqa: BLE001 (raised in the caller's thread below)
                results[role] = error
                turns.fail()

        # the helper runs in this thread's context: NumPy's error state is the caller's
        helper = threading.Thread(target=contextvars.copy_context().run, args=(run_half, 1),
                                  name="cnn-tui second half", daemon=True)
        helper.start()
        try:
            run_half(0)
        finally:
            _join(helper, turns)
        errors = [r for r in results if isinstance(r, BaseException)]
        if errors:  # the cause first: the other half's stop follows from it
            raise next((e for e in errors if not isinstance(e, _OtherHalfFailed)), errors[0])
        (loss0, out0, after), (loss1, out1, _) = results  # type: ignore[misc]
        return self._combined(self._flats[0], self._flats[1], loss0, loss1, out0.reshape(-1), out1.reshape(-1),
                              after, state_out)

    def _combined(self, first: np.ndarray, second: np.ndarray, loss0: float, loss1: float, out0: np.ndarray,
                  out1: np.ndarray, after: dict[str, Params], state_out: dict[str, Params]
                  ) -> tuple[float, np.ndarray]:
        """The halves met: gradients (first + second) / 2 into ``grad``, the loss likewise,
        the output rows in order, the layers' state after the forward."""
        state_out.update(after)
        return self._mean(first, second, loss0, loss1, out0, out1)
