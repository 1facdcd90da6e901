"""``Trainer.step`` of two source trees in alternating processes (an A/B of two commits).

Each tree (a directory holding ``core/``: a worktree, or ``git archive`` of a commit) runs
in fresh processes, the trees taking turns, ``--procs`` processes each; a process trains a
few warm-up steps, then ``--rounds`` rounds of ``--steps`` steps, and reports the median over
rounds of the wall time and the process's CPU time (every thread's) per step, and a digest
of the parameters after them (the trees must agree to the bit where they claim the same
floats). Printed per tree: each process's figures, then the median over processes.

Networks: ``lenet`` and ``bn-adam`` (``bench_lenet.py``'s, batch 32), ``digits1`` and
``digits64`` (the bundled digits at batch 1 and 64).

Run:  python benchmarks/ab_trees.py TREE_A TREE_B [--net lenet] [--procs 5] [--rounds 9] [--steps 40]
      [--env NAME=VALUE ...] (set in the children of both trees)

A benchmark, not a test.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def child(net: str, rounds: int, steps: int) -> None:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    sys.path.insert(0, str(HERE))
    import numpy as np

    from core.engine.training import Trainer
    from core.scenario.catalog import load

    if net in ("lenet", "bn-adam"):
        from bench_lenet import SAMPLES, scenario_text
        from ratios import scenario_file

        rng = np.random.default_rng(2)
        x = np.round(rng.random((SAMPLES, 1, 28, 28)), 3)
        labels = rng.integers(0, 10, SAMPLES).astype(np.uint8)
        scenario = load(str(scenario_file(scenario_text("relu", 32, net == "bn-adam"), x, labels)))
    else:
        from bench_digits import digits_at

        scenario = digits_at(int(net.removeprefix("digits")))[0]
    trainer = Trainer(scenario)
    for _ in range(10):
        trainer.step()
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        w0, c0 = time.perf_counter_ns(), time.process_time_ns()
        for _ in range(steps):
            trainer.step()
        wall.append((time.perf_counter_ns() - w0) / steps / 1000)
        cpu.append((time.process_time_ns() - c0) / steps / 1000)
    digest = hashlib.sha256(b"".join(a.tobytes() for ps in trainer.params.values() for a in ps.values()))
    print(json.dumps({"wall": statistics.median(wall), "cpu": statistics.median(cpu),
                      "digest": digest.hexdigest()[:12]}))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="*")
    parser.add_argument("--net", default="lenet", choices=("lenet", "bn-adam", "digits1", "digits64"))
    parser.add_argument("--procs", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE set in every child")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.net, args.rounds, args.steps)
        return 0
    extra = dict(item.split("=", 1) for item in args.env)
    results: dict[str, list[dict[str, float | str]]] = {tree: [] for tree in args.trees}
    print(f"{args.net}: {args.procs} processes a tree, alternating; {args.rounds} rounds of {args.steps} steps; "
          f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the start")
    for p in range(args.procs):
        for tree in args.trees if p % 2 == 0 else args.trees[::-1]:
            env = {**os.environ, **extra, "PYTHONPATH": tree, "OPENBLAS_NUM_THREADS": "1"}
            out = subprocess.run([sys.executable, str(HERE / "ab_trees.py"), "--child", "--net", args.net,
                                  "--rounds", str(args.rounds), "--steps", str(args.steps)],
                                 env=env, cwd=tree, capture_output=True, text=True, check=True)
            results[tree].append(json.loads(out.stdout.strip().splitlines()[-1]))
    for tree, runs in results.items():
        walls = [float(r["wall"]) for r in runs]
        cpus = [float(r["cpu"]) for r in runs]
        digests = sorted({str(r["digest"]) for r in runs})
        print(f"{tree}: wall µs/step median {statistics.median(walls):,.1f} "
              f"({', '.join(f'{w:,.1f}' for w in walls)}); CPU median {statistics.median(cpus):,.1f} "
              f"({', '.join(f'{c:,.1f}' for c in cpus)}); parameters {' '.join(digests)}")
    print(f"load average {' '.join(f'{v:.2f}' for v in os.getloadavg())} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
