"""Where a training iteration's time goes: CPU time per layer method inside ``Trainer.step``.

Wraps every layer's ``forward``, ``forward_in``, ``delta``, ``param_grads``, ``input_grad``
(and ``activate``, which runs inside a forward) and the optimizer's ``update`` with
``time.thread_time_ns``, runs warm-up iterations, then prints each one's CPU time per
iteration, largest first, beside the whole step's. The timers add about a microsecond a
call, so small layers read a little high. The network is ``bench_lenet.py``'s (``--bn-adam``:
batch norm after each conv, and Adam), or any scenario file given.

Run:  python benchmarks/profile_step.py [--bn-adam] [--batch 32] [--steps 300] [scenario.yaml]

Used to find what to speed up (issue 15); a benchmark tool, not a test.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it, before NumPy loads

import argparse  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
from bench_lenet import SAMPLES, scenario_text  # noqa: E402
from ratios import scenario_file  # noqa: E402

from core.engine.training import Trainer  # noqa: E402
from core.scenario.catalog import load  # noqa: E402

METHODS = ("forward", "forward_in", "activate", "delta", "param_grads", "input_grad")


def timed(spent: Counter[str], key: str, method: Callable[..., Any]) -> Callable[..., Any]:
    """``method``, adding the CPU time of each call to ``spent[key]``."""
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.thread_time_ns()
        try:
            return method(*args, **kwargs)
        finally:
            spent[key] += time.thread_time_ns() - start
    return wrapper


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", help="a scenario file (default: bench_lenet.py's LeNet)")
    parser.add_argument("--bn-adam", action="store_true", help="LeNet with batch norm after each conv, and Adam")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--steps", type=int, default=300)
    args = parser.parse_args()
    if args.scenario:
        scenario = load(args.scenario)
    else:
        rng = np.random.default_rng(2)
        x = np.round(rng.random((SAMPLES, 1, 28, 28)), 3)
        labels = rng.integers(0, 10, SAMPLES).astype(np.uint8)
        scenario = load(str(scenario_file(scenario_text("relu", args.batch, args.bn_adam), x, labels)))
    spent: Counter[str] = Counter()
    for layer in scenario.network.layers:
        for name in METHODS:
            if hasattr(layer, name):  # an instance attribute shadows the class's method
                setattr(layer, name, timed(spent, f"{layer.name}.{name}", getattr(layer, name)))
    trainer = Trainer(scenario)  # after the wrapping: a Chain plan binds the layers' methods once
    rule = trainer._rule  # the optimizer the trainer updates with
    rule.update = timed(spent, "optimizer.update", rule.update)  # type: ignore[method-assign]
    for _ in range(20):
        trainer.step()
    spent.clear()
    start = time.thread_time_ns()
    for _ in range(args.steps):
        trainer.step()
    per_step = (time.thread_time_ns() - start) / args.steps / 1e3
    print(f"Trainer.step: {per_step:,.0f} µs of CPU per iteration ({args.steps} iterations)")
    for key, ns in spent.most_common():
        inside = "  (inside a forward)" if key.endswith(".activate") else ""
        print(f"  {key:28s} {ns / args.steps / 1e3:9.1f} µs{inside}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
