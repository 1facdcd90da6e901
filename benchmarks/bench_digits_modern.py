"""Train the bundled ``digits-modern`` end to end and time it; show what BLAS threads cost.

1. ``Trainer.step`` of digits-modern (batch 32: forward, loss, backward, Adam) with
   OpenBLAS on 1 thread and on 2, each in a fresh process (the thread count is fixed when
   NumPy loads). The cnn-tui command sets 1 (tui/__init__.py) unless OPENBLAS_NUM_THREADS
   says otherwise: the engine's products are small, and on a busy machine BLAS threads
   wait for each other far longer than they compute. Both runs must end on the same
   parameters, byte for byte.
2. ``cnn-tui train digits-modern`` (10 epochs, held-out accuracy each epoch) in a fresh
   process, ``--runs`` times: wall time, the CPU time it used (user + system), and the
   last epoch's held-out accuracy. Goals (issue 10): under 10 s, at least 98.5%.

Wall time on a shared machine counts the time other processes hold the cores; the CPU
time is the process's own. The load average is printed beside them.

Run:  python benchmarks/bench_digits_modern.py [--runs 3] [--steps 90] [--no-threads]

A benchmark, not a test: nothing here asserts speed.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

STEP_SNIPPET = """
import hashlib, sys, time
import numpy as np
from core.engine.training import Trainer
from core.scenario.catalog import load
trainer = Trainer(load("digits-modern"))
steps = int(sys.argv[1])
trainer.step()  # warm: window tables, caches
times = []
for _ in range(steps):
    start = time.perf_counter()
    trainer.step()
    times.append(time.perf_counter() - start)
digest = hashlib.sha256(b"".join(np.ascontiguousarray(a).tobytes() for p in trainer.params.values()
                                 for a in p.values())).hexdigest()
print(sorted(times)[len(times) // 2] * 1e3, time.process_time(), digest)
"""


def _env(threads: str | None) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        env.pop(var, None)
        if threads is not None:
            env[var] = threads
    return env


def time_steps(steps: int) -> None:
    """Median ``Trainer.step`` with OpenBLAS on 1 and on 2 threads."""
    print(f"Trainer.step of digits-modern (batch 32, Adam), median of {steps} steps:")
    digests = {}
    for threads in ("1", "2"):
        done = subprocess.run([sys.executable, "-c", STEP_SNIPPET, str(steps)], capture_output=True, text=True,
                              env=_env(threads), cwd=ROOT, check=False)
        if done.returncode != 0:
            print(f"  {threads} thread(s): failed: {done.stderr.strip()[-300:]}")
            return
        median, cpu, digest = done.stdout.split()
        digests[threads] = digest
        print(f"  OPENBLAS_NUM_THREADS={threads}: {float(median):7.2f} ms per step (process CPU {float(cpu):.2f} s)")
    same = len(set(digests.values())) == 1
    print(f"  parameters after {steps + 1} steps: {'identical' if same else 'DIFFERENT'} for 1 and 2 threads")


def train_once() -> tuple[float, float, str]:
    """(wall s, CPU s of the child, the last epoch's line) of one ``cnn-tui train digits-modern``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tui.cli", "train", "digits-modern"], capture_output=True,
                          text=True, env=_env(None), cwd=ROOT, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"cnn-tui train digits-modern failed ({done.returncode}): {done.stderr.strip()}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stdout.strip().splitlines()[-1]


def time_training(runs: int) -> None:
    print(f"cnn-tui train digits-modern (10 epochs), {runs} run(s):")
    walls, cpus, accuracy = [], [], None
    for run in range(runs):
        load_before = os.getloadavg()[0]
        wall, cpu, last = train_once()
        match = re.search(r"held-out accuracy ([\d.]+)%", last)
        accuracy = float(match.group(1)) if match else None
        walls.append(wall)
        cpus.append(cpu)
        print(f"  run {run + 1}: {wall:5.2f} s wall, {cpu:5.2f} s CPU, load average {load_before:.1f}; {last}")
    acc = f"{accuracy}%" if accuracy is not None else "not printed"
    verdict = "meets" if statistics.median(walls) < 10 and accuracy is not None and accuracy >= 98.5 else "misses"
    print(f"  median {statistics.median(walls):.2f} s wall, {statistics.median(cpus):.2f} s CPU; held-out accuracy "
          f"{acc}: {verdict} the goal (< 10 s, ≥ 98.5%)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=90)
    parser.add_argument("--no-threads", action="store_true", help="skip the 1-vs-2-threads comparison")
    args = parser.parse_args()
    print(f"Python {platform.python_version()}; {platform.machine()}, {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}")
    if not args.no_threads:
        time_steps(args.steps)
    time_training(args.runs)


if __name__ == "__main__":
    main()
