"""Whether two threads pay at LeNet size: ``Trainer.step`` with the engine's halves on one
thread against two (``core.nn.halves``), in interleaved rounds, and where the two threads'
time goes.

Printed, for ``bench_lenet.py``'s LeNet (``--bn-adam``: with batch norm and Adam) at batch 32:

- each thread count's median over rounds of a round's wall time and process CPU time per
  step (CPU above wall: both threads ran at once); the two trainers take turns round by
  round (the order alternating), so a busy machine slows them alike; both must end with the
  same parameters to the bit (the halves never change a float);
- with ``--handoffs``, each split on two threads (its file and line): how often per step,
  the share of second halves the worker ran (the rest its caller took back), the caller's
  half and the worker's half (wall and that thread's CPU), and the delay from the hand-over
  to the worker's start. Two halves that each cost about half the whole's CPU would pay;
  halves that each cost nearly the whole's (threads waiting on each other for the GIL
  between NumPy calls, memory shared) do not.

Run:  python benchmarks/bench_halves.py [--bn-adam] [--rounds 15] [--steps 40] [--handoffs]

A benchmark, not a test: nothing here asserts speed. Say the load (it is printed): on a
two-CPU machine whose other CPU is busy, two threads cannot win.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it, before NumPy loads

import argparse  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402
from collections import defaultdict  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from bench_lenet import SAMPLES, scenario_text  # noqa: E402
from ratios import scenario_file  # noqa: E402

from core.engine.training import Trainer  # noqa: E402
from core.nn import halves  # noqa: E402
from core.scenario.catalog import load  # noqa: E402


def load_text() -> str:
    return " ".join(f"{v:.2f}" for v in os.getloadavg())


def flat_params(trainer: Trainer) -> list[np.ndarray]:
    return [arr for kinds in trainer.params.values() for arr in kinds.values()]


def threads_ab(scenario: Any, rounds: int, steps: int) -> None:
    """Interleaved rounds of one trainer per thread count; medians of wall and CPU per step."""
    trainers: dict[int, Trainer] = {}
    for count in (1, 2):
        halves.set_threads(count)
        trainers[count] = Trainer(scenario)  # (a Chain plan reads the split rule per batch size)
        for _ in range(10):
            trainers[count].step()
    wall: dict[int, list[float]] = {1: [], 2: []}
    cpu: dict[int, list[float]] = {1: [], 2: []}
    for r in range(rounds):
        for count in (1, 2) if r % 2 == 0 else (2, 1):
            halves.set_threads(count)
            trainer = trainers[count]
            w0, c0 = time.perf_counter(), time.process_time()
            for _ in range(steps):
                trainer.step()
            wall[count].append((time.perf_counter() - w0) / steps * 1e6)
            cpu[count].append((time.process_time() - c0) / steps * 1e6)
    one, two = statistics.median(wall[1]), statistics.median(wall[2])
    for count in (1, 2):
        print(
            f"  halves on {count} thread{'s' if count > 1 else ' '}: {statistics.median(wall[count]):7,.0f} µs wall, "
            f"{statistics.median(cpu[count]):7,.0f} µs CPU per step"
        )
    same = all(np.array_equal(a, b) for a, b in zip(flat_params(trainers[1]), flat_params(trainers[2])))
    print(f"  two threads / one: {two / one:.2f} (wall); the same parameters to the bit: {same}")


def handoffs(scenario: Any, steps: int) -> None:
    """Each split's halves on two threads, timed in the threads that ran them."""
    halves.set_threads(2)
    trainer = Trainer(scenario)
    for _ in range(10):
        trainer.step()
    records: defaultdict[str, list[dict[str, float]]] = defaultdict(list)
    offered = halves._Worker.both

    def both(worker: Any, first: Callable[[], object], second: Callable[[], object]) -> bool:
        where = traceback.extract_stack(limit=3)[0]
        record: dict[str, float] = {}
        caller = threading.get_ident()

        def timed_first() -> None:
            c, w = time.thread_time(), time.perf_counter()
            first()
            record["first"], record["first_cpu"] = time.perf_counter() - w, time.thread_time() - c

        def timed_second() -> None:
            c, w = time.thread_time(), time.perf_counter()
            record["start"] = w
            second()
            record["second"], record["second_cpu"] = time.perf_counter() - w, time.thread_time() - c
            record["worker"] = float(threading.get_ident() != caller)

        handed = time.perf_counter()
        ran = offered(worker, timed_first, timed_second)
        if ran:
            record["delay"] = record["start"] - handed
            records[f"{os.path.basename(where.filename)}:{where.lineno}"].append(record)
        return ran

    halves._Worker.both = both  # type: ignore[method-assign]
    try:
        for _ in range(steps):
            trainer.step()
    finally:
        halves._Worker.both = offered  # type: ignore[method-assign]
    print(
        f"  {'split':22s} {'/step':>5s} {'worker':>6s}  {'caller µs (CPU)':>15s}  "
        f"{'worker µs (CPU)':>15s}  {'start delay':>11s}"
    )
    for site, runs in records.items():

        def median(key: str, runs: list[dict[str, float]] = runs) -> float:
            return statistics.median(r[key] for r in runs) * 1e6

        taken = sum(r["worker"] for r in runs) / len(runs)
        print(
            f"  {site:22s} {len(runs) / steps:5.1f} {taken:6.0%}  {median('first'):6.0f} ({median('first_cpu'):5.0f})  "
            f"{median('second'):6.0f} ({median('second_cpu'):5.0f})  {median('delay'):8.0f} µs"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bn-adam", action="store_true", help="batch norm after each conv, and Adam")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--steps", type=int, default=40, help="steps per round")
    parser.add_argument("--handoffs", action="store_true", help="time each split's halves on two threads")
    args = parser.parse_args()
    rng = np.random.default_rng(2)
    x = np.round(rng.random((SAMPLES, 1, 28, 28)), 3)
    labels = rng.integers(0, 10, SAMPLES).astype(np.uint8)
    scenario = load(str(scenario_file(scenario_text("relu", 32, args.bn_adam), x, labels)))
    title = "LeNet + batch norm + Adam" if args.bn_adam else "LeNet"
    print(f"{title}, batch 32; {os.cpu_count()} CPUs, load average {load_text()} before")
    threads_ab(scenario, args.rounds, args.steps)
    if args.handoffs:
        handoffs(scenario, 5 * args.steps)
    print(f"  load average {load_text()} after")
    return 0


if __name__ == "__main__":
    sys.exit(main())
