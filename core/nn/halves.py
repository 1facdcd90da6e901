"""Two halves of one piece of work, on two CPUs where there are two: the engine's one split.

A layer whose work is large splits it in two FIXED parts (chosen from shapes only: a sample
range, a channel range, the rows of an output) and calls ``both(first, second)``, where
halves run on two threads (``threads``: asked for with ``CNN_TUI_HALVES=2``, and the
process may run on two or more CPUs, ``os.sched_getaffinity``): ``second`` runs on one
daemon worker thread while the caller runs ``first``; NumPy releases the GIL in its BLAS
calls, copies and ufunc loops, so the halves overlap; if the worker has not started the
second half when the caller's ends (its CPU busy with other work), the caller runs it
too. Elsewhere, or while the worker is busy (another caller's halves, or halves asked for
inside a half), the caller runs both itself, one after the other. (The worker's half runs
in the caller's context, so NumPy's error state is the caller's.) Either way the same
operations run on the same operands, each half writing its own part of the result: the
floats never depend on how many threads ran them, nor on which thread ran what.

Nothing here starts at import: the worker thread is made on the first split that runs
threaded (the TUI's start-up pays nothing). ``split_work`` is the rule for when splitting
pays: a hand-over costs a few tens of microseconds, so only work well past that is split.
"""

from __future__ import annotations

import contextvars
import os
import threading
from collections.abc import Callable
from functools import partial
from typing import TypeVar

# work per half past which a split pays, in multiply-adds of a matrix product: a hand-over
# to the worker and back costs some 10–30 µs, a million multiply-adds about 100 µs on one core
SPLIT_WORK = 1 << 20
# multiply-adds up to which a product stays clear below OpenBLAS's small-matrix line (10⁶)
SMALL_KERNEL = 900_000
# what a few NumPy passes over an array (max-pool's comparisons and copies) cost per element,
# in multiply-adds of a product: a pass over memory is some ten times slower per element
PASSES = 40

Work = Callable[[], object]
A = TypeVar("A")
B = TypeVar("B")


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # (no affinity call on this platform)
        return os.cpu_count() or 1


class _Half:
    """A second half handed to the worker: whoever claims it first runs it (the worker, or
    the caller once its own half is done and the worker has not started this one)."""

    __slots__ = ("work", "claim", "done", "error")

    def __init__(self, work: Work) -> None:
        self.work = work
        self.claim = threading.Lock()  # taken by whichever thread runs it
        self.done = threading.Lock()  # released by the worker when it has run it
        self.done.acquire()
        self.error: BaseException | None = None


class _Worker:
    """One daemon thread that runs second halves, woken with a raw lock (the cheapest
    wake-up CPython has). A caller whose own half ends before the worker has taken the
    second runs that too: where the other CPU is busy, no half waits for it."""

    def __init__(self) -> None:
        self._busy = threading.Lock()  # held by the caller whose second half is offered
        self._go = threading.Lock()  # released by a caller: a half may be waiting
        self._go.acquire()
        self._half: _Half | None = None
        threading.Thread(target=self._loop, name="cnn-tui-halves", daemon=True).start()

    def _loop(self) -> None:
        while True:
            self._go.acquire()
            half = self._half
            if half is None or not half.claim.acquire(blocking=False):
                continue  # taken back by its caller already
            try:
                half.work()
            except BaseException as error:  # handed back to the caller, raised there
                half.error = error
            half.done.release()

    def both(self, first: Work, second: Work) -> bool:
        """Run ``first`` in the caller and ``second`` here, or in the caller too when this
        thread has not started it by then; False (nothing run) when busy."""
        if not self._busy.acquire(blocking=False):
            return False
        try:
            # in the caller's context: NumPy's error state (np.errstate, np.seterr) lives in
            # a context variable, and a half must warn, ignore or raise as the caller would
            half = self._half = _Half(partial(contextvars.copy_context().run, second))
            try:
                self._go.release()
            except RuntimeError:  # a wake-up is pending already: the worker reads the newest half
                pass
            try:
                first()
            finally:
                if half.claim.acquire(blocking=False):
                    self._half = None
                    ran_here = True
                else:
                    half.done.acquire()  # the worker's run of it has ended
                    ran_here = False
            if ran_here:
                second()
            elif half.error is not None:
                raise half.error
        finally:
            self._busy.release()
        return True


_worker: _Worker | None = None
_start = threading.Lock()
_threads: int | None = None  # how many threads may run halves (1 or 2); None: not decided yet


def _forget_worker() -> None:
    """In a forked child: the worker thread was not copied, so the next split starts one."""
    global _worker, _start
    _worker, _start = None, threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_worker)


def threads() -> int:
    """How many threads run the two halves: 1 unless the environment asks for two
    (``CNN_TUI_HALVES=2``) and this process may use two CPUs. One by default: on this
    project's two-CPU machines two halves at once each cost most of the whole's CPU (the
    threads take turns at the GIL between their many short NumPy calls), and a hand-over
    to a sleeping thread costs tens of microseconds more (benchmarks/README.md, "Two
    halves on two threads" and "Issue 15, session 7")."""
    global _threads
    if _threads is None:
        _threads = 2 if os.environ.get("CNN_TUI_HALVES") == "2" and _cpus() >= 2 else 1
    return _threads


def set_threads(count: int) -> None:
    """Run halves on ``count`` threads from now on (1: always serially; 2: threaded where
    the worker is free). For tests, which compare the two, and benchmarks."""
    global _threads
    if count not in (1, 2):
        raise ValueError("halves run on 1 or 2 threads")
    _threads = count


def both(first: Work, second: Work) -> None:
    """Run ``first`` and ``second``, two halves that write disjoint parts of a result:
    together on two threads where there are two CPUs and the worker is free, else one
    after the other in this thread (``first``, then ``second``)."""
    global _worker
    if threads() > 1:
        worker = _worker
        if worker is None:
            with _start:
                if _worker is None:
                    _worker = _Worker()
                worker = _worker
        if worker.both(first, second):
            return
    first()
    second()


def pair(first: Callable[[], A], second: Callable[[], B]) -> tuple[A, B]:
    """(``first()``, ``second()``), run as ``both`` runs them: two independent results."""
    made_first: list[A] = []
    made_second: list[B] = []
    both(lambda: made_first.append(first()), lambda: made_second.append(second()))
    return made_first[0], made_second[0]


def split_work(work: int) -> bool:
    """Whether work of ``work`` operations is split in two: on two threads, where each half
    is at least ``SPLIT_WORK`` (read at each call, so a test can lower it to force splits
    on small inputs). On one thread nothing is split (a split run serially only costs):
    the whole routes, whose floats every split route gives to the bit (the splits are
    chosen so, and tests/core/test_halves.py checks it)."""
    return work >= 2 * SPLIT_WORK and threads() > 1


def same_kernel(whole: int, half: int) -> bool:
    """Whether a matrix product of ``whole`` multiply-adds and one of its column halves of
    ``half`` take the same OpenBLAS kernel, both below its small-matrix line (about 10⁶
    multiply-adds; that kernel sums a column otherwise than the regular one) or both well
    past it. Only then is each column of the halves the whole product's float (measured
    over thousands of random shapes: every difference was a split across that line)."""
    return whole <= SMALL_KERNEL or half >= SPLIT_WORK


def split_point(count: int, multiple: int = 1) -> int:
    """Where ``count`` items (samples, rows) are cut in two: the middle, rounded down to a
    multiple of ``multiple`` (0 when there is no such cut inside)."""
    cut = count // 2 // multiple * multiple
    return cut if 0 < cut < count else 0
