"""Time ``cnn-tui solve`` as text against JSON, the Markdown export of ``digits`` and trace.

The figures of issue 15 (text and exports: streamed, linear in the number of values):

- ``cnn-tui solve FILE --iterations 20`` with ``--format json`` and ``--format text``, end
  to end (a new process each run, output to /dev/null), on a generated network of 19,990
  parameters::

      input [100] → dense 180 sigmoid → dense 10 softmax, cross-entropy, batch 1

  (100 random samples in ``data.npz``; 60,841 values an iteration). Wall time, the
  ratio text/JSON, each one's peak RSS (``os.wait4``), and when text's first line came;
- ``export digits --to markdown`` (``core.exports.formats.export_text`` after one
  iteration, in this process) and its size;
- trace: what reads ``conv.weight[0,0,0,0]`` of ``digits`` (``dependents``, on a fresh
  stepper each run, so the index of what reads what is built each time, as after a step).

Goals (issue 15): text ≤ 3× the JSON time and ≤ 300 MB, streamed; the Markdown export as
fast as before the reproduce loop (1.7 s); trace well under a second.

Run:  python benchmarks/bench_solve.py [--rounds 3] [--iterations 20] [--no-cli]
      [--keep DIR]  (write the generated scenario to DIR and keep it)
      [--against DIR]  (also run the solves of another checkout, e.g. ``git archive`` of an
      older commit unpacked in DIR, alternating with this one's: an A/B on a busy machine)

A benchmark, not a test: nothing here asserts speed. Other processes share the machine:
run it on a quiet one, or read the figures as upper bounds.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.engine.stepper import Stepper  # noqa: E402
from core.explain.trace import dependents  # noqa: E402
from core.exports.formats import export_text  # noqa: E402
from core.scenario.catalog import load  # noqa: E402
from core.scenario.load import load_scenario  # noqa: E402

SCENARIO = """format: 1
name: bench-solve — 19,990 parameters
input: [100]
samples: {file: data.npz}
layers:
  - {name: hidden, type: dense, units: 180, activation: sigmoid}
  - {name: out, type: dense, units: 10, activation: softmax}
loss: cross_entropy
learning_rate: 0.1
seed: 0
init: xavier
"""
TRACED = "conv.weight[0,0,0,0]"


def write_scenario(folder: Path) -> Path:
    rng = np.random.default_rng(0)
    np.savez(folder / "data.npz", x=rng.random((100, 100)), y=rng.integers(0, 10, 100))
    path = folder / "bench-solve.yaml"
    path.write_text(SCENARIO, encoding="utf-8")
    return path


def run_solve(path: Path, fmt: str, iterations: int, root: Path = ROOT) -> tuple[float, float, int, float, float]:
    """(seconds, seconds to the first byte, output bytes, peak RSS in MB, CPU seconds) of one
    solve, by the checkout in ``root``."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    command = [sys.executable, "-m", "tui.cli", "solve", str(path), "--iterations", str(iterations),
               "--format", fmt]
    t0 = time.perf_counter()
    # run in ROOT: `python -m` puts the working folder first on the path, before PYTHONPATH
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=root)
    assert proc.stdout is not None
    first = proc.stdout.read(1)
    first_at = time.perf_counter() - t0
    size = len(first)
    while chunk := proc.stdout.read(1 << 20):
        size += len(chunk)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"cnn-tui solve --format {fmt} failed ({proc.returncode})")
    return seconds, first_at, size, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime  # maxrss: KiB


def median_of(rounds: int, fn) -> tuple[float, object]:
    times, last = [], None
    for _ in range(rounds):
        t0 = time.perf_counter()
        last = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--no-cli", action="store_true", help="skip the solve runs (the slow part)")
    parser.add_argument("--keep", metavar="DIR", help="write the scenario here and keep it")
    parser.add_argument("--against", metavar="DIR", help="also run the solves of the checkout in DIR, alternating")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (other processes slow every figure)")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        path = write_scenario(folder)
        scenario = load_scenario(path)
        print(f"network: {scenario.network.parameter_count:,} parameters", flush=True)
        solves: dict[str, list[tuple[float, float, int, float, float]]] = {"json": [], "text": []}
        other: dict[str, list[float]] = {"json": [], "text": []}  # --against: CPU seconds
        if not args.no_cli:
            for _ in range(args.rounds):
                for fmt in solves:  # alternate, so a change of load falls on both
                    solves[fmt].append(run_solve(path, fmt, args.iterations))
                    seconds, first_at, size, rss, cpu = solves[fmt][-1]
                    print(f"  solve --format {fmt:<4} {seconds:7.2f} s, CPU {cpu:7.2f} s (first byte "
                          f"{first_at:.2f} s), {size / 1e6:6.1f} MB out, peak RSS {rss:6.0f} MB", flush=True)
                    if args.against:
                        other[fmt].append(run_solve(path, fmt, args.iterations, Path(args.against))[4])
                        print(f"    against {args.against}: CPU {other[fmt][-1]:7.2f} s", flush=True)

    digits = load("digits")
    md_wall, md_cpu, size = [], [], 0
    for _ in range(args.rounds):
        stepper = Stepper(digits)
        stepper.run_iteration()
        t0, c0 = time.perf_counter(), time.process_time()
        size = len(export_text(stepper, "markdown"))
        md_wall.append(time.perf_counter() - t0)
        md_cpu.append(time.process_time() - c0)

    tr_wall, tr_cpu, found = [], [], 0
    for _ in range(args.rounds):
        stepper = Stepper(digits)
        stepper.run_iteration()
        t0, c0 = time.perf_counter(), time.process_time()
        found = len(dependents(stepper, TRACED).links)
        tr_wall.append(time.perf_counter() - t0)
        tr_cpu.append(time.process_time() - c0)

    med = statistics.median
    print()
    print(f"solve, text and exports (issue 15): medians of {args.rounds}; wall time, and CPU time (the wall "
          "time of a quiet machine: the verdicts use it)")
    if solves["json"]:
        js, tx = med(r[0] for r in solves["json"]), med(r[0] for r in solves["text"])
        js_cpu, tx_cpu = med(r[4] for r in solves["json"]), med(r[4] for r in solves["text"])
        js_rss, tx_rss = med(r[3] for r in solves["json"]), med(r[3] for r in solves["text"])
        first = med(r[1] for r in solves["text"])
        ratio = tx_cpu / js_cpu
        print(f"  solve {args.iterations} iterations, {scenario.network.parameter_count:,} parameters: "
              f"JSON {js:.2f} s (CPU {js_cpu:.2f} s, {js_rss:.0f} MB), text {tx:.2f} s (CPU {tx_cpu:.2f} s, "
              f"{tx_rss:.0f} MB; first line after {first:.2f} s, {solves['text'][-1][2] / 1e6:.0f} MB of text)")
        print(f"  text / JSON {ratio:.1f}× in CPU time, {tx / js:.1f}× in wall time "
              f"(goal ≤ 3×: {'met' if ratio <= 3 else 'MISSED'}); text peak RSS {tx_rss:.0f} MB "
              f"(goal ≤ 300 MB: {'met' if tx_rss <= 300 else 'MISSED'})")
        if args.against:
            oj, ot = med(other["json"]), med(other["text"])
            print(f"  against {args.against}: JSON CPU {oj:.2f} s, text CPU {ot:.2f} s, text / JSON {ot / oj:.1f}× "
                  f"(this checkout's text takes {tx_cpu / ot:.2f} of its CPU time)")
    md = med(md_cpu)
    print(f"  export digits --to markdown: {med(md_wall):.2f} s (CPU {md:.2f} s), {size / 1e6:.1f} MB "
          f"(goal: as before the reproduce loop, 1.7 s: {'met' if md <= 1.7 else 'MISSED'})")
    tr = med(tr_cpu)
    print(f"  trace, what reads {TRACED} of digits: {med(tr_wall):.2f} s (CPU {tr:.2f} s), {found} values "
          f"(goal well under 1 s: {'met' if tr < 0.5 else 'MISSED'})")


if __name__ == "__main__":
    main()
