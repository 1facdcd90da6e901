"""Two halves of one piece of work, or one long call handed on, on two CPUs where there are
two: the engine's one home for threads that work side by side (a training batch's two
halves, which take turns on two threads where no second process runs them, are
core/engine/batch_halves.py's).

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

``later(work)`` is the other trade, asynchronous: one long call that lets go of the GIL (a
conv layer's weight gradient, one ``np.dot``) begun on the same worker while the caller goes
on with other work, and joined by ``Pending.wait`` when its result is wanted (the backward
pass joins before it returns, so the update sees every gradient). If the worker has not
started the job by the wait, the caller takes it back and runs it then, so a worker that
gets no CPU costs only the hand-over; an error the job raised on the worker is raised at the wait.
Elsewhere (the hand-over off, or the worker busy with halves or another job) the caller runs
it at once. Halves asked for while the worker runs a job are run by their caller, one after
the other, and so is a job asked for inside halves or a job: nothing waits for a thread that
waits for it. The job runs the same operations on the same operands, which nothing writes
before the wait, so it makes the same floats whichever thread runs it.

The two have different defaults (``threads``, ``later_on``), measured on this project's
two-CPU machines: halves stay on one thread unless asked for, since two threads taking turns
at the GIL between many short NumPy calls cost more than they save; ``later`` hands on by
default where the process may run on two CPUs (``CNN_TUI_LATER=0`` turns it off): one
hand-over and one join per step, the job's one call free of the GIL, took 2–5 % off
LeNet's ``Trainer.step`` at batch 32 on a quiet machine (5–6 % with batch norm and Adam), and
cost 0–4 % where other processes kept the second CPU busy (benchmarks/README.md, "Issue 15,
session 11: a weight gradient beside the backward pass").

Nothing here starts at import: the worker thread is made on the first split or job that runs
threaded (the TUI's start-up pays nothing); a forked child makes its own. ``split_work`` and
``hand_on`` are the rules for when splitting or handing on pays: a hand-over costs tens of
microseconds, so only work well past that is split or handed on.
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


def cpus() -> int:
    """The CPUs this process may run on: those of its affinity, at most its CPU quota
    (a container's ``--cpus``, Linux's cgroup ``cpu.max`` or ``cpu.cfs_quota_us``)."""
    try:
        count = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # (no affinity call on this platform)
        count = os.cpu_count() or 1
    quota = _cpu_quota()
    return max(1, min(count, int(quota))) if quota is not None else count


def _cpu_quota(cgroup: str = "/sys/fs/cgroup", own: str = "/proc/self/cgroup") -> float | None:
    """CPUs' worth of time the cgroups allow this process, the least along its cgroup's
    path (``own`` names it: cgroup v2's ``cpu.max``, v1's ``cpu.cfs_quota_us`` and period);
    None: no limit found (or not Linux)."""
    paths = {"v2": "/", "v1": "/"}
    try:
        with open(own, encoding="ascii", errors="replace") as file:
            for line in file:
                _, controllers, path = line.rstrip("\n").split(":", 2)
                if controllers == "":
                    paths["v2"] = path or "/"
                elif "cpu" in controllers.split(","):
                    paths["v1"] = path or "/"
    except (OSError, ValueError):
        pass
    least: float | None = None
    for kind, path in paths.items():
        parts = [p for p in path.split("/") if p and p != ".."]
        for depth in range(len(parts), -1, -1):  # the cgroup itself, then each parent to the root
            folder = "/".join([cgroup] + (["cpu"] if kind == "v1" else []) + parts[:depth])
            quota = _quota_in(folder, kind)
            if quota is not None and (least is None or quota < least):
                least = quota
    return least


def _quota_in(folder: str, kind: str) -> float | None:
    """The CPU quota one cgroup folder sets (None: none, or unreadable)."""
    try:
        if kind == "v2":
            with open(f"{folder}/cpu.max", encoding="ascii") as file:
                words = file.read().split()
        else:
            with open(f"{folder}/cpu.cfs_quota_us", encoding="ascii") as file:
                words = file.read().split()
            with open(f"{folder}/cpu.cfs_period_us", encoding="ascii") as file:
                words += file.read().split()
        if words[0] in ("max", "-1"):
            return None
        return int(words[0]) / int(words[1])
    except (OSError, ValueError, IndexError, ZeroDivisionError):
        return None


class _Half:
    """A second half (or a ``later`` job) handed to the worker: whoever claims it first runs
    it (the worker, or the caller once its own half is done, or at ``Pending.wait``, when the
    worker has not started this one)."""

    __slots__ = ("work", "claim", "done", "error", "frees")

    def __init__(self, work: Work, frees: threading.Lock | None = None) -> None:
        self.work = work
        self.claim = threading.Lock()  # taken by whichever thread runs it
        self.done = threading.Lock()  # released by the worker when it has run it
        self.done.acquire()
        self.error: BaseException | None = None
        # a ``later`` job's: the worker's busy lock, released by whoever ends the job (the
        # worker is free for other work as soon as the job is done, before its wait)
        self.frees = frees


class _Worker:
    """One daemon thread that runs second halves, woken with a raw lock (the cheapest
    wake-up CPython has). A caller whose own half ends before the worker has taken the
    second runs that too: where the other CPU is busy, no half waits for it."""

    def __init__(self, start: bool = True) -> None:
        # held by the caller whose second half is offered, or from a ``later`` job's
        # hand-over to its end
        self._busy = threading.Lock()
        self._go = threading.Lock()  # released by a caller: a half may be waiting
        self._go.acquire()
        self._half: _Half | None = None
        if start:  # (not: a worker whose thread never takes anything, for tests of the take-back)
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
            if half.frees is not None:
                half.frees.release()
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

    def later(self, work: Work) -> Pending | None:
        """``work`` handed to this thread, to be claimed at ``Pending.wait``; None (nothing
        run) when busy (halves or another job): the caller runs it."""
        busy = self._busy
        if not busy.acquire(blocking=False):
            return None
        half = self._half = _Half(work, busy)  # ``busy`` stays held until the job ends
        try:
            self._go.release()
        except RuntimeError:  # a wake-up is pending already: the worker reads the newest half
            pass
        return Pending(self, half)

    def claim_back(self, half: _Half) -> bool:
        """Whether the caller took ``half`` back (the worker had not started it): then this
        thread is free again, and the caller runs it."""
        if not half.claim.acquire(blocking=False):
            return False
        if self._half is half:
            self._half = None
        self._busy.release()
        return True


class Pending:
    """Work handed on by ``later``: ``wait`` returns once it has run (in the worker, or in
    the caller there and then if the worker had not started it) and raises what it raised."""

    __slots__ = ("_worker", "_half")

    def __init__(self, worker: _Worker | None, half: _Half | None) -> None:
        self._worker = worker
        self._half = half  # None: run already, in the caller

    def wait(self) -> None:
        """Until the work has run; its error, if it raised one, is raised here."""
        half, self._half = self._half, None
        if half is None:
            return
        assert self._worker is not None
        if self._worker.claim_back(half):
            half.work()  # (in the context it was handed on in, as the worker would have run it)
            return
        half.done.acquire()
        if half.error is not None:
            raise half.error


_DONE = Pending(None, None)


_worker: _Worker | None = None
_start = threading.Lock()
_threads: int | None = None  # how many threads may run halves (1 or 2); None: not decided yet
_later: bool | None = None  # whether ``later`` hands work to the worker; None: not decided yet


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
        _threads = 2 if os.environ.get("CNN_TUI_HALVES") == "2" and cpus() >= 2 else 1
    return _threads


def set_threads(count: int) -> None:
    """Run halves on ``count`` threads from now on (1: always serially; 2: threaded where
    the worker is free). For tests, which compare the two, and benchmarks."""
    global _threads
    if count not in (1, 2):
        raise ValueError("halves run on 1 or 2 threads")
    _threads = count


def later_on() -> bool:
    """Whether ``later`` hands work to the worker thread: where this process may run on two
    or more CPUs, unless the environment says no (``CNN_TUI_LATER=0``). On by default,
    unlike the halves: one long call that lets go of the GIL, handed over once and joined
    once, overlaps the caller's own work without the two threads taking turns at the GIL
    call after call (benchmarks/README.md, "Issue 15, session 11")."""
    global _later
    if _later is None:
        _later = os.environ.get("CNN_TUI_LATER") != "0" and cpus() >= 2
    return _later


def set_later_on(on: bool) -> None:
    """Whether ``later`` hands work to the worker from now on (False: it runs the work at
    once in the caller). For tests, which compare the two, and benchmarks."""
    global _later
    _later = bool(on)


def worker_threads() -> int:
    """The threads of this module running now (0 or 1: the worker, once made). Between two
    steps it waits for work and holds no lock, so a fork then may leave it behind (the
    child makes its own: ``_forget_worker``)."""
    return 0 if _worker is None else 1


def _the_worker() -> _Worker:
    global _worker
    worker = _worker
    if worker is None:
        with _start:
            if _worker is None:
                _worker = _Worker()
            worker = _worker
    return worker


def both(first: Work, second: Work) -> None:
    """Run ``first`` and ``second``, two halves that write disjoint parts of a result:
    together on two threads where there are two CPUs and the worker is free, else one
    after the other in this thread (``first``, then ``second``)."""
    if threads() > 1 and _the_worker().both(first, second):
        return
    first()
    second()


def later(work: Work) -> Pending:
    """``work`` begun on the worker thread while the caller goes on, where ``later_on`` and
    the worker is free; its ``Pending.wait`` returns once it has run. The worker runs it in
    the caller's context (NumPy's error state is the caller's); if it has not started by
    the wait, the caller takes it back and runs it then; an error it raised on the worker
    is raised at the wait. Elsewhere (hands off, or the worker busy with halves or another
    job) the caller runs it at once, here, and the wait returns at once. Only for work that
    lets go of the GIL for most of its time (one long NumPy call), whose operands nothing
    writes before the wait, and that writes nothing the caller reads before it: then it
    makes the same floats whichever thread runs it, and whenever."""
    if later_on():
        pending = _the_worker().later(partial(contextvars.copy_context().run, work))
        if pending is not None:
            return pending
    work()
    return _DONE


def hand_on(work: int) -> bool:
    """Whether work of ``work`` multiply-adds (a product's) is handed on with ``later``:
    where ``later_on``, past two ``SPLIT_WORK`` (read at each call, as ``split_work``'s):
    long enough that a hand-over and a join (some 10–100 µs here) cost much less than the
    work overlapped."""
    return work >= 2 * SPLIT_WORK and later_on()


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
