"""Time training iterations of a LeNet-5-sized CNN: our engine against PyTorch.

The network (weights left out, initialised from a seed; built from YAML text):

    input [1, 28, 28] → conv2d 6×5×5 relu → maxpool 2 → conv2d 16×5×5 relu → maxpool 2
                      → flatten → dense 120 relu → dense 10 softmax, cross-entropy

``--activation sigmoid`` uses sigmoid instead of relu. One iteration (forward, loss,
backward, SGD update; ``core.engine.passes.train_step``) on a fixed batch of 32 random images
is timed against the same network in PyTorch (eager mode, float64, same weights; both
take one step first and must agree to 1e-10). Threads and timing as in
``bench_digits.py`` (same number of threads for both, default 1; alternating rounds;
median of per-round means). Goal (issue 4): ours/torch ≤ 1.5 at batch 32.

Run:  python benchmarks/bench_lenet.py [--batch 32] [--rounds 15] [--threads 1]

PyTorch is optional: without it only our figure is printed. A benchmark, not a test.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_digits import _threads_from_argv  # noqa: E402

if __name__ == "__main__":  # before NumPy loads OpenBLAS
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = _threads_from_argv(sys.argv)

import argparse  # noqa: E402

import numpy as np  # noqa: E402
from bench_digits import compare, header  # noqa: E402

from core.scenario.load import parse_scenario  # noqa: E402

GOAL = 1.5


def scenario_text(activation: str) -> str:
    image = np.round(np.random.default_rng(1).random((1, 28, 28)), 3).tolist()
    return f"""format: 1
name: bench-lenet — LeNet-5-sized CNN
input: [1, 28, 28]
samples:
  - x: {image}
    label: 3
layers:
  - {{name: c1, type: conv2d, filters: 6, kernel: 5, activation: {activation}}}
  - {{name: p1, type: maxpool2d, size: 2}}
  - {{name: c2, type: conv2d, filters: 16, kernel: 5, activation: {activation}}}
  - {{name: p2, type: maxpool2d, size: 2}}
  - {{name: flat, type: flatten}}
  - {{name: f1, type: dense, units: 120, activation: {activation}}}
  - {{name: out, type: dense, units: 10, activation: softmax}}
loss: cross_entropy
learning_rate: 0.01
seed: 0
init: he
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--activation", choices=("relu", "sigmoid", "tanh"), default="relu")
    args = parser.parse_args()
    header(args.threads)
    scenario = parse_scenario(scenario_text(args.activation))
    network = scenario.network
    print(f"LeNet: {network.parameter_count} parameters, "
          f"{' → '.join(layer.describe() for layer in network.layers)}")
    rng = np.random.default_rng(2)
    x = rng.random((args.batch, 1, 28, 28))
    y = np.eye(10)[rng.integers(0, 10, args.batch)]
    compare("LeNet", scenario, args.batch, GOAL, args.rounds, args.threads, data=(x, y))
    return 0


if __name__ == "__main__":
    sys.exit(main())
