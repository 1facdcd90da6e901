"""Time one training iteration of the bundled ``tiny-cnn``: our engine against PyTorch.

One iteration is what ``cnn-tui train`` runs: forward, loss, backward and the SGD update
(``core.engine.training.Trainer.step``). The same network is built in PyTorch (eager mode,
float64, one thread) with the same weights; before timing, both are run once from the
same starting point and must agree on the loss and every updated parameter to 1e-12.

Run:  python benchmarks/bench_iteration.py [--rounds 20] [--iterations 1000]

Prints the median time per iteration (median over rounds of each round's mean) for both,
and the ratio torch/ours. The goal is ours ≥ 4× faster. PyTorch is optional: without it
only our figure is printed. This is a benchmark, not a test: nothing here asserts speed.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from core.engine.passes import train_step
from core.engine.training import Trainer
from core.scenario.catalog import load

GOAL = 4.0
TOLERANCE = 1e-12


def time_per_iteration(step: Callable[[], object], rounds: int, iterations: int,
                       warmup: int) -> list[float]:
    """Per-round mean time of one call to ``step``, in microseconds."""
    for _ in range(warmup):
        step()
    results = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        for _ in range(iterations):
            step()
        results.append((time.perf_counter_ns() - start) / iterations / 1000.0)
    return results


def describe(times: list[float]) -> str:
    return (f"median {statistics.median(times):8.2f} µs   (min {min(times):.2f}, "
            f"max {max(times):.2f}, over {len(times)} rounds)")


# --- PyTorch twin ---------------------------------------------------------------------
def torch_twin(scenario):
    """(step function, state) of the same network in PyTorch, or None if torch is absent."""
    try:
        import torch
        import torch.nn.functional as F  # noqa: N812
    except ImportError:
        return None
    torch.set_num_threads(1)
    params = scenario.params
    conv_w = params["conv"]["weight"]
    model = torch.nn.ModuleDict({
        "conv": torch.nn.Conv1d(conv_w.shape[1], conv_w.shape[0], conv_w.shape[2], dtype=torch.float64),
        "pool": torch.nn.MaxPool1d(2),
        "fc": torch.nn.Linear(2, 2, dtype=torch.float64),
        "out": torch.nn.Linear(2, 2, dtype=torch.float64),
    })
    with torch.no_grad():
        for name in ("conv", "fc", "out"):
            model[name].weight.copy_(torch.from_numpy(params[name]["weight"]))
            model[name].bias.copy_(torch.from_numpy(params[name]["bias"]))
    x = torch.from_numpy(scenario.samples.x.copy())  # [S, 1, 4]
    y = torch.from_numpy(scenario.samples.y.copy())  # [S, 2] probabilities
    lr = scenario.learning_rate
    plist = list(model.parameters())
    conv, pool, fc, out = model["conv"], model["pool"], model["fc"], model["out"]
    n = x.shape[0]
    cursor = [0]

    def step() -> float:
        i = cursor[0] % n
        cursor[0] += 1
        xb, yb = x[i:i + 1], y[i:i + 1]
        h = torch.sigmoid(conv(xb))
        h = pool(h).flatten(1)
        h = torch.sigmoid(fc(h))
        logits = out(h)
        loss = F.cross_entropy(logits, yb)  # softmax + cross-entropy on the logits, batch mean
        loss.backward()
        with torch.no_grad():
            for p in plist:
                p -= lr * p.grad
                p.grad = None
        return loss.item()

    return torch, model, step


def check_agreement(scenario, torch, model, torch_step) -> float:
    """One step of each from the same weights; returns the largest difference."""
    params = {k: dict(v) for k, v in scenario.params.items()}
    new_params, loss, _ = train_step(scenario.network, params, scenario.samples.x[:1],
                                     scenario.samples.y[:1], scenario.learning_rate)
    t_loss = torch_step()
    worst = abs(loss - t_loss)
    for name in ("conv", "fc", "out"):
        for pname in ("weight", "bias"):
            theirs = getattr(model[name], pname).detach().numpy()
            worst = max(worst, float(np.max(np.abs(new_params[name][pname] - theirs))))
    print(f"agreement after one iteration: loss ours {loss:.15f}, torch {t_loss:.15f}; "
          f"largest difference in loss and updated parameters {worst:.2e}")
    return worst


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--iterations", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=2000)
    args = parser.parse_args()

    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    scenario = load("tiny-cnn")
    print(f"tiny-cnn: {scenario.network.parameter_count} parameters, batch {scenario.batch_size}, "
          f"{args.rounds} rounds × {args.iterations} iterations after {args.warmup} warm-up iterations")

    twin = torch_twin(scenario)
    if twin is not None:
        torch, model, torch_step = twin
        print(f"PyTorch {torch.__version__}, eager mode, float64, torch.set_num_threads(1) "
              f"(threads: {torch.get_num_threads()})")
        worst = check_agreement(scenario, torch, model, torch_step)
        if worst > TOLERANCE:
            print(f"DISAGREEMENT: {worst:.2e} > {TOLERANCE:g}; not timing", file=sys.stderr)
            return 1

    trainer = Trainer(scenario)
    ours = time_per_iteration(trainer.step, args.rounds, args.iterations, args.warmup)
    print(f"ours  (Trainer.step)     {describe(ours)}")
    if twin is None:
        print("torch: skipped (PyTorch is not installed; pip install torch to compare)")
        return 0
    theirs = time_per_iteration(torch_step, args.rounds, args.iterations, args.warmup)
    print(f"torch (eager, float64)   {describe(theirs)}")
    ratio = statistics.median(theirs) / statistics.median(ours)
    verdict = "meets" if ratio >= GOAL else "misses"
    print(f"ratio torch/ours: {ratio:.2f}× ({verdict} the goal of ≥ {GOAL:g}×)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
