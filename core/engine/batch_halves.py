"""A large training batch in two halves, and a second process that works one of them.

``cnn-tui train`` may work each batch of a plain chain of layers (``Chain``) as two halves
of equal size: the first half's gradients and the second's, each from its own forward and
backward pass, then added (first + second) and halved. Each half's loss is its own mean,
so its gradients are exactly twice the whole batch's share of them (every backward step is
linear in the loss's δ, and scaling by 2 commutes with rounding): the sum halved is the
batch mean's gradient. The same maths as one pass over the whole batch, with its sums over
the batch taken as two half sums, so the last bits can differ from one pass's (about one
part in 10¹⁶ a step). Whether a run works halves is the caller's choice (the command's
``--processes``, by default ``halves_pay``, from shapes only), never the machine's: where
no second process can run, the halves run one after the other, with the same floats. The
stepper, and training in the TUI, work the whole batch in one pass.

``HalvedChain.two_processes`` runs the second half in a forked child process while the
caller runs the first, on two CPUs at once with no lock between them (two threads would
take turns at Python's GIL between the many short NumPy calls of a pass). Both processes
run the same training loop on the same numbers: each writes its half's gradients, output
rows and loss into memory both share, publishes the step's number, waits for the other's,
and adds the two halves in the same order, so both hold the same parameters to the bit
without sending them. The shared arrays come in two sets used alternately (a process
writes a step's set only after the other has published the next step, so after it has
read this set's last contents). The child never writes to a terminal or a file, ignores
Ctrl-C (the parent's), and leaves when told to, when the parent is gone, or at its first
error; a parent that finds the child gone works the second half itself from then on: the
same operations on the same numbers, so the same floats.

Two processes run on Linux on x86-64 (whose stores reach another CPU in program order, so
a published step number follows its arrays) with two CPUs or more, from a process with no
other thread (a fork copies only the calling thread).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import platform
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from math import prod

import numpy as np

from core.engine.chain import Chain
from core.engine.network import Network
from core.nn import halves
from core.nn.layers import Params

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

# the shared words: each process's last published step, the stop request, the child's pid
_SEQ = (0, 1)
_STOP = 2
# spins of a wait between looks at whether the other process is still there
_SPINS = 2048
# how long a wait spins before it sleeps between looks (µs of a CPU, then a sleep each look)
_SPIN_FOR = 0.002
_NAP = 50e-6


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
    """Whether two halves of a batch of ``batch`` samples of ``network`` (a plain chain),
    one per process, take less time than one pass: an even batch of ``MIN_BATCH`` or more,
    a forward pass of ``MIN_WORK`` multiply-adds or more, and few parameters for that work
    (their gradients are exchanged). Shapes only, so a default that depends on it depends
    on nothing of the machine."""
    if batch < MIN_BATCH or not halves_possible(batch):
        return False
    work = step_work(network, batch)
    parameters = sum(prod(shape) for layer in network.layers for shape in layer.param_shapes().values())
    return work >= MIN_WORK and parameters <= MAX_PARAMS_PER_WORK * work


def two_processes_possible() -> bool:
    """Whether this process may fork a second one to work halves: Linux on x86-64, two CPUs
    or more for it, and no other thread running but halves' idle worker (see the module's
    docstring; called between steps)."""
    return (sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64")
            and halves.cpus() >= 2 and threading.active_count() == 1 + halves.worker_threads()
            and hasattr(os, "fork"))


class _Stopped(Exception):
    """The child was told to leave (or its parent is gone): it exits quietly."""


class HalvedChain:
    """``Chain.gradients`` of a batch in two halves (see the module's docstring), the sum
    written into ``grad`` (the trainer's flat gradient, whose views the layers' gradients
    are): the same call, the same result, for ``Trainer.step``."""

    def __init__(self, network: Network, params: dict[str, Params], grad: np.ndarray,
                 views_of: Callable[[np.ndarray], dict[str, Params]], batch: int) -> None:
        self.network = network
        self._grad = grad
        self._half = batch // 2
        out_size = prod(network.layers[-1].out_shape)
        self._out_shape = (batch, *network.layers[-1].out_shape)
        size = grad.size
        # per set (2): the first half's and the second's gradients, each half's losses, the
        # batch's output rows; then the shared words. Anonymous shared memory: a fork shares it.
        self._set_floats = 2 * size + 2 + batch * out_size
        floats = 2 * self._set_floats
        self._memory = mmap.mmap(-1, 8 * floats + 8 * 8)
        shared = np.frombuffer(self._memory, dtype=np.float64, count=floats)
        self._words = memoryview(self._memory)[8 * floats:].cast("q")
        self._sets: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Chain, Chain]] = []
        for s in range(2):
            base = s * self._set_floats
            first = shared[base:base + size]
            second = shared[base + size:base + 2 * size]
            losses = shared[base + 2 * size:base + 2 * size + 2]
            outs = shared[base + 2 * size + 2:base + self._set_floats].reshape(self._out_shape)
            self._sets.append((first, second, losses, outs, Chain(network, params, views_of(first)),
                               Chain(network, params, views_of(second))))
        self._calls = 0  # gradients worked so far: the step number both processes publish
        self._role = -1  # -1: one process works both halves; 0: the parent (first half); 1: the child
        self._child = 0  # the child's pid while there is one
        self._parent = 0  # (in the child) the parent's pid

    def gradients(self, x: np.ndarray, y: np.ndarray, unit: bool = False) -> tuple[float, np.ndarray]:
        """(loss, output) of the batch ``x``, ``y``, its gradients written into ``grad``:
        the halves' mean (``Chain.gradients``' contract)."""
        self._calls += 1
        step = self._calls
        first, second, losses, outs, first_chain, second_chain = self._sets[step % 2]
        h = self._half
        role = self._role
        if role != 1:
            losses[0], outs[:h] = first_chain.gradients(x[:h], y[:h], unit)
        if role != 0:
            losses[1], outs[h:] = second_chain.gradients(x[h:], y[h:], unit)
        if role >= 0:
            self._words[_SEQ[role]] = step
            if not self._wait_for(1 - role, step):  # the child is gone: its half is worked here
                losses[1], outs[h:] = second_chain.gradients(x[h:], y[h:], unit)
        grad = self._grad
        np.add(first, second, out=grad)
        grad *= 0.5
        return float((losses[0] + losses[1]) * 0.5), outs.copy()

    def _wait_for(self, other: int, step: int) -> bool:
        """Wait until process ``other`` has published ``step``; False if the child is gone
        (the parent then goes on alone). Spins at first, then naps between looks."""
        words = self._words
        seq = _SEQ[other]
        if words[seq] >= step:
            return True
        started = time.perf_counter()
        while True:
            for _ in range(_SPINS):
                if words[seq] >= step:
                    return True
            if self._role == 1:
                if words[_STOP] or os.getppid() != self._parent:
                    raise _Stopped
            elif self._child_gone():
                return False
            if time.perf_counter() - started > _SPIN_FOR:
                time.sleep(_NAP)
            else:
                os.sched_yield()  # (a CPU shared with the other process: let it run)

    def _child_gone(self) -> bool:
        """Whether the child has exited (reaped here, so it leaves nothing behind); from then
        on this process works both halves."""
        try:
            pid, _ = os.waitpid(self._child, os.WNOHANG)
        except ChildProcessError:
            pid = self._child
        if pid == 0:
            return False
        self._child, self._role = 0, -1
        return True

    @contextlib.contextmanager
    def two_processes(self, step: Callable[[], object]) -> Iterator[bool]:
        """While the block runs, a forked child works the second half of each batch, running
        ``step`` (the trainer's) over and over in step with this process; yields whether it
        started (False where ``two_processes_possible`` says no: the halves then run here).
        The child is told to leave, and waited for, when the block ends however it ends."""
        if self._role != -1 or not two_processes_possible():
            yield False
            return
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is copied into the child
            with contextlib.suppress(Exception):
                stream.flush()
        later = halves.later_on()
        halves.set_later_on(False)  # each process has its own CPU now: no worker threads
        words = self._words
        words[_SEQ[0]] = words[_SEQ[1]] = self._calls
        words[_STOP] = 0
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: works second halves until told to leave, then exits at once
            code = 0
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)
                self._role, self._parent = 1, parent
                while True:
                    step()
            except _Stopped:
                pass
            except BaseException:  # noqa: BLE001 (the parent works the half itself)
                code = 1
            os._exit(code)  # no atexit handlers, no buffers flushed: the parent's own
        self._role, self._child = 0, pid
        try:
            yield True
        finally:
            self._stop_child()
            halves.set_later_on(later)

    def _stop_child(self) -> None:
        """Tell the child to leave and wait for it (killed if it does not go within a second)."""
        self._words[_STOP] = 1
        self._role = -1
        pid, self._child = self._child, 0
        if not pid:
            return
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                return
            if done:
                return
            time.sleep(0.001)
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
