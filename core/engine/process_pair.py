"""Two processes training in step: the parent and a forked child, over shared memory.

Training that works each batch in two halves (core/engine/batch_halves.py) may run the
second half in a child forked for the run. Both run the same training loop on the same
numbers; wherever the halves must meet (a step's gradients, batch norm's sums), each
writes its part into memory both share and publishes a count of such meetings, then waits
for the other's count (``meet``): no lock and no system call between two CPUs, only a
word each reads. The shared arrays come in two sets used alternately by the count's
parity: a process writes a set only after the other has published the meeting after the
last one that used it, so after it has read that set.

The child never writes to a terminal or a file, ignores Ctrl-C (the parent's), and leaves
when told to, when its parent is gone, or at its first error. A parent that finds the child
gone is told so by ``meet`` (False, or ``PartnerGone`` for ``meet_or_raise``) and goes on
alone, working the child's half itself: the same operations on the same numbers.

Two processes run on Linux on x86-64 (whose stores reach another CPU in program order, so
a published count follows the arrays written before it) with two CPUs or more, from a
process with no other thread but halves' idle worker (a fork copies only the calling
thread).
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
from typing import NoReturn

import numpy as np

from core.nn import halves

# the shared words: each process's last published meeting, the stop request
_SEQ = (0, 1)
_STOP = 2
_WORDS = 4
# spins of a wait between looks at whether the other process is still there
_SPINS = 2048
# how long a wait spins before it sleeps between looks (s), and each sleep: short at first,
# longer when the other process is long at work of its own (the parent's evaluation of the
# held-out samples, its epoch lines)
_SPIN_FOR = 0.002
_NAP = 50e-6
_LONG_WAIT, _LONG_NAP = 0.02, 1e-3


def two_processes_possible() -> bool:
    """Whether this process may fork a second one to work halves: Linux on x86-64, two CPUs
    or more for it (``halves.cpus``: its affinity and its CPU quota), OpenBLAS on one thread
    (the app's setting: more would crowd the two CPUs), and no other thread running but
    halves' idle worker (called between steps)."""
    return (sys.platform.startswith("linux") and platform.machine() in ("x86_64", "AMD64")
            and halves.cpus() >= 2 and os.environ.get("OPENBLAS_NUM_THREADS") == "1"
            and threading.active_count() == 1 + halves.worker_threads() and hasattr(os, "fork"))


class Stopped(Exception):
    """The child was told to leave (or its parent is gone): it exits quietly."""


class PartnerGone(Exception):
    """The child left in the middle of a step: the parent works the step alone again."""


class ProcessPair:
    """Shared memory for two processes (or one, working both halves), and the child.

    ``sets[parity][role]`` is each role's float array of ``floats`` values per set
    (role 0: the first half, the parent's; 1: the second, the child's); ``role`` is −1 while
    one process works both halves."""

    def __init__(self, floats: int) -> None:
        self.floats = floats
        count = 4 * floats
        self._memory = mmap.mmap(-1, 8 * count + 8 * _WORDS)  # anonymous and shared: a fork shares it
        shared = np.frombuffer(self._memory, dtype=np.float64, count=count)
        self.sets = [[shared[(2 * s + r) * floats:(2 * s + r + 1) * floats] for r in range(2)] for s in range(2)]
        self._words = memoryview(self._memory)[8 * count:].cast("q")
        self.meetings = 0  # meetings so far: the count both processes publish
        self.met = 0  # meetings the other process joined (what its half brought: for tests)
        self.role = -1  # -1: one process works both halves; 0: the parent; 1: the child
        self._child = 0  # the child's pid while there is one
        self._parent = 0  # (in the child) the parent's pid

    @property
    def child(self) -> int:
        """The child's pid, 0 when there is none."""
        return self._child

    def next_set(self) -> tuple[int, list[np.ndarray]]:
        """(the next meeting's count, its set of arrays by role): write yours, then ``meet``."""
        self.meetings += 1
        return self.meetings, self.sets[self.meetings % 2]

    def meet(self, count: int) -> bool:
        """Publish meeting ``count`` (this role's part of its set is written) and wait for
        the other's; False if the child is gone (the parent then goes on alone: role −1).
        Spins at first, then naps between looks."""
        role = self.role
        words = self._words
        words[_SEQ[role]] = count
        seq = _SEQ[1 - role]
        if words[seq] >= count:
            self.met += 1
            return True
        started = time.perf_counter()
        while True:
            for _ in range(_SPINS):
                if words[seq] >= count:
                    self.met += 1
                    return True
            if role == 1:
                if words[_STOP] or os.getppid() != self._parent:
                    raise Stopped
            elif self._child_gone():
                return False
            waited = time.perf_counter() - started
            if waited > _LONG_WAIT:
                time.sleep(_LONG_NAP)
            elif waited > _SPIN_FOR:
                time.sleep(_NAP)
            else:
                os.sched_yield()  # (a CPU shared with the other process: let it run)

    def part(self) -> None:
        """Go on alone from here (the parent): the child is told to leave, and killed. For a
        step that ended in an error, after which the two would no longer be in step."""
        if self.role == 0:
            self._stop_child()

    def meet_or_raise(self, count: int) -> None:
        """``meet``, raising PartnerGone where it returns False."""
        if not self.meet(count):
            raise PartnerGone

    def _child_gone(self) -> bool:
        """Whether the child has exited (reaped here, so it leaves nothing behind); from then
        on this process works both halves."""
        try:
            pid, _ = os.waitpid(self._child, os.WNOHANG)
        except ChildProcessError:
            pid = self._child
        if pid == 0:
            return False
        self._child, self.role = 0, -1
        return True

    @contextlib.contextmanager
    def two_processes(self, step: Callable[[], object]) -> Iterator[bool]:
        """While the block runs, a forked child runs ``step`` (the trainer's) over and over
        in step with this process, as role 1; yields whether it started (False where
        ``two_processes_possible`` says no, or the fork failed). The child is told to leave,
        killed and reaped when the block ends however it ends. Ctrl-C is held back from the
        fork until the parent has noted its child (a Ctrl-C then ends the block as any other)."""
        if self.role != -1 or not two_processes_possible():
            yield False
            return
        for stream in (sys.stdout, sys.stderr):  # nothing buffered is copied into the child
            with contextlib.suppress(Exception):
                stream.flush()
        later = halves.later_on()
        held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            halves.set_later_on(False)  # each process has its own CPU now: no worker threads
            words = self._words
            words[_SEQ[0]] = words[_SEQ[1]] = self.meetings
            words[_STOP] = 0
            parent = os.getpid()
            pid = -1
            with contextlib.suppress(OSError):  # (no memory or no process left: one process, as elsewhere)
                pid = os.fork()
            if pid == 0:
                self._child_loop(step, parent, held)
            if pid > 0:
                self.role, self._child = 0, pid
            signal.pthread_sigmask(signal.SIG_SETMASK, held)  # (a Ctrl-C held back arrives here)
            yield pid > 0
        finally:
            try:
                self._stop_child()
            finally:
                halves.set_later_on(later)
                signal.pthread_sigmask(signal.SIG_SETMASK, held)

    def _child_loop(self, step: Callable[[], object], parent: int, held: set[int | signal.Signals]) -> NoReturn:
        """The child: ignores Ctrl-C (its parent's), works second halves until told to leave
        or its parent is gone, then exits at once (no atexit handlers, no buffers flushed:
        they are the parent's)."""
        code = 1
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_SETMASK, held)
            self.role, self._parent = 1, parent
            while True:
                step()
        except Stopped:
            code = 0
        except BaseException:  # noqa: BLE001 (the parent works the half itself)
            code = 1
        finally:
            os._exit(code)

    def _stop_child(self) -> None:
        """Tell the child to leave and reap it: killed at once, since between meetings it
        holds nothing anyone reads (it is at most working a half that no one will use)."""
        self._words[_STOP] = 1
        self.role = -1
        pid, self._child = self._child, 0
        if not pid:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)
