"""Issue 15's LeNet ratios: training iterations of a LeNet-5-sized CNN at batch 32 against
the same network in PyTorch, plain (SGD) or with batch norm and Adam (``--bn-adam``).

The network (weights from a seed; 1,024 random 28×28 images with random labels):

    input [1, 28, 28] → conv2d 6×5×5 relu → maxpool 2 → conv2d 16×5×5 relu → maxpool 2
                      → flatten → dense 120 relu → dense 10 softmax, cross-entropy, SGD

``--bn-adam``: each conv is followed by a batchnorm2d that carries the relu (conv →
batchnorm2d → relu → pool), and the optimizer is Adam. ``--activation sigmoid`` or
``tanh`` replaces relu. Printed: ``Trainer.step`` and ``cnn-tui train`` end to end per
iteration, each against PyTorch (eager, float64; the faster of 1 thread and its default),
after both sides agree on one iteration to 1e-10 (``ratios.py``). Goals (issue 15):
ours/torch ≤ 1.0 for both.

Run:  python benchmarks/bench_lenet.py [--bn-adam] [--batch 32] [--rounds 15] [--runs 3] [--no-train]

PyTorch is optional: without it only our figures are printed. A benchmark, not a test.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it, before NumPy loads

import argparse  # noqa: E402

import numpy as np  # noqa: E402
from ratios import header, report, scenario_file  # noqa: E402

from core.scenario.catalog import load  # noqa: E402

GOAL = 1.0
SAMPLES = 1024


def scenario_text(activation: str, batch: int, bn_adam: bool) -> str:
    if bn_adam:
        layers = """  - {name: c1, type: conv2d, filters: 6, kernel: 5}
  - {name: b1, type: batchnorm2d, activation: relu}
  - {name: p1, type: maxpool2d, size: 2}
  - {name: c2, type: conv2d, filters: 16, kernel: 5}
  - {name: b2, type: batchnorm2d, activation: relu}
  - {name: p2, type: maxpool2d, size: 2}"""
        optimizer = "optimizer: {type: adam}\nlearning_rate: 0.001"
    else:
        layers = f"""  - {{name: c1, type: conv2d, filters: 6, kernel: 5, activation: {activation}}}
  - {{name: p1, type: maxpool2d, size: 2}}
  - {{name: c2, type: conv2d, filters: 16, kernel: 5, activation: {activation}}}
  - {{name: p2, type: maxpool2d, size: 2}}"""
        optimizer = "learning_rate: 0.01"
    return f"""format: 1
name: bench-lenet — LeNet-5-sized CNN{' with batch norm and Adam' if bn_adam else ''}
input: [1, 28, 28]
samples: {{file: samples.npz}}
layers:
{layers}
  - {{name: flat, type: flatten}}
  - {{name: f1, type: dense, units: 120, activation: {activation}}}
  - {{name: out, type: dense, units: 10, activation: softmax}}
loss: cross_entropy
{optimizer}
batch_size: {batch}
seed: 0
init: he
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bn-adam", action="store_true", help="batch norm after each conv, and Adam")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--runs", type=int, default=3, help="runs of cnn-tui train per epoch count")
    parser.add_argument("--activation", choices=("relu", "sigmoid", "tanh"), default="relu")
    parser.add_argument("--no-train", action="store_true", help="skip the end-to-end cnn-tui train figure")
    args = parser.parse_args()
    header()
    rng = np.random.default_rng(2)
    x = np.round(rng.random((SAMPLES, 1, 28, 28)), 3)
    labels = rng.integers(0, 10, SAMPLES).astype(np.uint8)
    path = scenario_file(scenario_text(args.activation, args.batch, args.bn_adam), x, labels)
    title = "LeNet + batch norm + Adam" if args.bn_adam else "LeNet"
    report(f"{title}, batch {args.batch}", load(str(path)), path, GOAL, args.rounds,
           0 if args.no_train else args.runs, (1, 4))
    return 0


if __name__ == "__main__":
    sys.exit(main())
