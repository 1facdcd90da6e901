"""Time ``core.explain.explainer.explain`` on a network of about 100,000 parameters.

The TUI explains one number at a time, when the learner moves the cursor onto it, so an
explanation must cost the same in a big network as in a tiny one. This builds a
LeNet-like scenario from YAML text (weights left out, initialised from a seed):

    input [1, 28, 28] → conv2d 8×5×5 sigmoid → maxpool 2 → flatten
                      → dense 100 sigmoid → dense 10 softmax, cross-entropy

runs one whole iteration with ``core.engine.stepper.Stepper.run_iteration()`` and then times the
explanation of one quantity of every kind of every layer (net, out, grad_out, delta,
weight, grad_weight, grad_bias, new_weight, new_bias, the input and the loss), choosing
the first element and one in the middle of each array.

Run:  python benchmarks/bench_explain.py [--rounds 20] [--repeat 50]

Prints the median time per explanation in µs, the worst quantity, and whether every
median is under the goal of 1 ms. A benchmark, not a test: nothing here asserts speed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time

import numpy as np

from core.engine.quantities import format_index
from core.engine.stepper import Stepper
from core.explain.explainer import explain
from core.scenario.load import parse_scenario

GOAL_US = 1000.0


def scenario_text() -> str:
    rng = np.random.default_rng(1)
    image = np.round(rng.random((1, 28, 28)), 3).tolist()
    return f"""format: 1
name: bench-explain — LeNet-like, about 100k parameters
input: [1, 28, 28]
samples:
  - x: {image}
    label: 3
layers:
  - {{name: conv, type: conv2d, filters: 8, kernel: 5, activation: sigmoid}}
  - {{name: pool, type: maxpool2d, size: 2}}
  - {{name: flat, type: flatten}}
  - {{name: fc, type: dense, units: 100, activation: sigmoid}}
  - {{name: out, type: dense, units: 10, activation: softmax}}
loss: cross_entropy
learning_rate: 0.1
seed: 0
"""


def middle(shape: tuple[int, ...]) -> str:
    return format_index(tuple(s // 2 for s in shape))


def first(shape: tuple[int, ...]) -> str:
    return format_index(tuple(0 for _ in shape))


def quantities(stepper: Stepper) -> list[str]:
    """The first and the middle element of every array, and the loss."""
    names = []
    arrays = ["input"] + [f"{layer.name}.{kind}" for layer in stepper.network.layers for kind in layer.kinds]
    for array in arrays:
        shape = np.shape(stepper.array(array))
        names += [array + first(shape), array + middle(shape)]
    names.append("loss")
    return names


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=50, help="explanations per round")
    args = parser.parse_args()

    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    scenario = parse_scenario(scenario_text(), file="<bench_explain>")
    print(f"network: {' → '.join(layer.describe() for layer in scenario.network.layers)}; "
          f"{scenario.network.parameter_count:,} parameters")
    stepper = Stepper(scenario)
    start = time.perf_counter_ns()
    stepper.run_iteration()
    print(f"one whole iteration with Stepper.run_iteration(): "
          f"{(time.perf_counter_ns() - start) / 1e6:.1f} ms (single run, cold)")
    print(f"{args.rounds} rounds × {args.repeat} explanations each, median of the rounds' means\n")

    rows = []
    for name in quantities(stepper):
        for _ in range(5):  # warm-up
            explain(stepper, name, 3)
        times = []
        for _ in range(args.rounds):
            t0 = time.perf_counter_ns()
            for _ in range(args.repeat):
                explain(stepper, name, 3)
            times.append((time.perf_counter_ns() - t0) / args.repeat / 1000.0)
        rows.append((name, statistics.median(times), max(times)))

    width = max(len(name) for name, _, _ in rows)
    print(f"{'quantity':<{width}}  {'median µs':>10}  {'worst round µs':>14}")
    for name, med, worst in rows:
        flag = "" if med < GOAL_US else "   ← over 1 ms"
        print(f"{name:<{width}}  {med:10.1f}  {worst:14.1f}{flag}")
    medians = [med for _, med, _ in rows]
    slowest = max(rows, key=lambda r: r[1])
    print(f"\nmedian over all {len(rows)} quantities: {statistics.median(medians):.1f} µs; "
          f"slowest: {slowest[0]} at {slowest[1]:.1f} µs")
    over = [name for name, med, _ in rows if med >= GOAL_US]
    if over:
        print(f"goal (< 1 ms per explanation): MISSED by {len(over)}: {', '.join(over)}")
    else:
        print("goal (< 1 ms per explanation): met by every quantity")
    return 0


if __name__ == "__main__":
    sys.exit(main())
