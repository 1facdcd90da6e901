"""Issue 15's tiny-cnn ratio: one training iteration of the bundled ``tiny-cnn`` (batch 1)
against the same network in PyTorch.

Prints ``Trainer.step`` and ``cnn-tui train tiny-cnn`` end to end per iteration (its one
sample makes every iteration an epoch: the epoch's statistics and its line are in the
figure), each against PyTorch (eager, float64; the faster of 1 thread and its default),
after both sides agree on one iteration to 1e-10. Goal (issue 15): ours/torch ≤ 0.15.
How each figure is taken: ``ratios.py``.

Run:  python benchmarks/bench_iteration.py [--rounds 20] [--runs 3] [--no-train]

PyTorch is optional: without it only our figures are printed. A benchmark, not a test.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402

from ratios import ROOT, header, report  # noqa: E402

from core.scenario.catalog import load  # noqa: E402

GOAL = 0.15


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3, help="runs of cnn-tui train per epoch count")
    parser.add_argument("--no-train", action="store_true", help="skip the end-to-end cnn-tui train figure")
    args = parser.parse_args()
    header()
    report("tiny-cnn", load("tiny-cnn"), ROOT / "scenarios" / "tiny-cnn.yaml", GOAL, args.rounds,
           0 if args.no_train else args.runs, (1000, 20000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
