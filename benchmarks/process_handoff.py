"""What a hand-over costs between two processes, the way a second worker process could
take half of a training step (issue 15: LeNet against PyTorch's two threads).

Threads of one process share the GIL, and on this project's virtual machines every wake-up
of a sleeping thread is a futex round trip of tens of microseconds, paid again whenever the
GIL changes hands (benchmarks/README.md, "Issue 15, session 7" and "session 10"). Two
processes share no GIL. This script forks one child and times, ``--messages`` times each,
one round trip (parent → child → parent) through:

- ``os.pipe``: a byte each way, both sides blocked in ``read``;
- ``multiprocessing.Pipe``;
- a flag in shared memory (an anonymous ``mmap`` inherited by the fork), both sides
  spinning on it: no system call, no sleep, a CPU kept busy by the waiting side.

Medians and 90th percentiles are printed, with the load: a spinning waiter only pays where
each process has a CPU of its own.

Run:  python benchmarks/process_handoff.py [--messages 2000]

A benchmark, not a test: nothing here asserts speed. Linux (``os.fork``) only.
"""

from __future__ import annotations

import argparse
import mmap
import multiprocessing
import os
import statistics
import time
from collections.abc import Callable

import numpy as np

QUIT = -1


def through_shared_flag(messages: int) -> list[float]:
    """Round trips through two int64 flags in shared memory, both sides spinning."""
    memory = mmap.mmap(-1, 64)  # MAP_SHARED | MAP_ANONYMOUS: the child sees the same page
    flags = np.frombuffer(memory, dtype=np.int64, count=2)  # [0]: parent's, [1]: child's answer
    child = os.fork()
    if child == 0:
        seen = 0
        while True:
            while flags[0] == seen:
                pass
            seen = int(flags[0])
            if seen == QUIT:
                os._exit(0)
            flags[1] = seen
    times = []
    for k in range(1, messages + 1):
        start = time.perf_counter()
        flags[0] = k
        while flags[1] != k:
            pass
        times.append(time.perf_counter() - start)
    flags[0] = QUIT
    os.waitpid(child, 0)
    return times


def through_os_pipe(messages: int) -> list[float]:
    """Round trips of one byte through two pipes."""
    down_r, down_w = os.pipe()
    up_r, up_w = os.pipe()
    child = os.fork()
    if child == 0:
        while True:
            byte = os.read(down_r, 1)
            if byte == b"q":
                os._exit(0)
            os.write(up_w, byte)
    times = []
    for _ in range(messages):
        start = time.perf_counter()
        os.write(down_w, b"x")
        os.read(up_r, 1)
        times.append(time.perf_counter() - start)
    os.write(down_w, b"q")
    os.waitpid(child, 0)
    return times


def through_multiprocessing_pipe(messages: int) -> list[float]:
    """Round trips of one byte through a ``multiprocessing.Pipe``."""
    parent_end, child_end = multiprocessing.Pipe()
    child = os.fork()
    if child == 0:
        while True:
            message = child_end.recv_bytes()
            if message == b"q":
                os._exit(0)
            child_end.send_bytes(message)
    times = []
    for _ in range(messages):
        start = time.perf_counter()
        parent_end.send_bytes(b"x")
        parent_end.recv_bytes()
        times.append(time.perf_counter() - start)
    parent_end.send_bytes(b"q")
    os.waitpid(child, 0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=2000)
    args = parser.parse_args()
    ways: list[tuple[str, Callable[[int], list[float]]]] = [
        ("os.pipe, both sides blocked", through_os_pipe),
        ("multiprocessing.Pipe", through_multiprocessing_pipe),
        ("shared-memory flag, both spinning", through_shared_flag),
    ]
    print(f"one round trip between two processes, {args.messages} each; load average "
          + " ".join(f"{v:.2f}" for v in os.getloadavg()))
    for name, way in ways:
        times = sorted(way(args.messages))
        print(f"  {name:36s} median {statistics.median(times) * 1e6:7.1f} µs, "
              f"90th percentile {times[int(0.9 * len(times))] * 1e6:7.1f} µs")


if __name__ == "__main__":
    main()
