"""Time training iterations of the bundled ``digits`` CNN: our engine against PyTorch.

One iteration is what ``cnn-tui train`` runs: forward, loss, backward and the SGD update
(``core.engine.passes.train_step``), here on a fixed batch of the digits training set at batch
size 1 and 64. The same network is built in PyTorch (eager mode, float64) with the same
weights; before timing, both take one step from the same start and must agree on the
loss and every updated parameter to 1e-10.

Threads: both sides get the same number (``--threads``, default 1): NumPy's OpenBLAS via
OPENBLAS_NUM_THREADS (set before NumPy is imported) and ``torch.set_num_threads``. The
two are timed in alternating rounds, so a busy machine slows both alike; the figure is
the median over rounds of each round's mean time per iteration.

Goals (issue 4): batch 1 ours ≥ 2× faster than PyTorch (ours/torch ≤ 0.5); batch 64
ours/torch ≤ 1.3. Finally ``cnn-tui train digits`` is run end to end (10 epochs) and its
wall time and held-out accuracy are printed (goals: under 30 s, at least 95%).

Run:  python benchmarks/bench_digits.py [--rounds 15] [--threads 1] [--no-train]

PyTorch is optional: without it only our figures are printed. A benchmark, not a test:
nothing here asserts speed. ``bench_lenet.py`` reuses the helpers below.
"""

from __future__ import annotations

import argparse
import os
import sys


def _threads_from_argv(argv: list[str]) -> str:
    for i, arg in enumerate(argv):
        if arg == "--threads" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--threads="):
            return arg.split("=", 1)[1]
    return "1"


if __name__ == "__main__":  # before NumPy loads OpenBLAS
    for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[_var] = _threads_from_argv(sys.argv)

import platform  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from core.engine.passes import train_step  # noqa: E402
from core.scenario.catalog import load  # noqa: E402

TOLERANCE = 1e-10


# --- PyTorch twin ---------------------------------------------------------------------
def torch_module():
    try:
        import torch
    except ImportError:
        return None
    return torch


def torch_twin(scenario, x: np.ndarray, y: np.ndarray, threads: int):
    """(torch, step, parameters by layer) of the same network on the fixed batch (x, y)."""
    torch = torch_module()
    if torch is None:
        return None
    import torch.nn.functional as F  # noqa: N812

    torch.set_num_threads(threads)
    nn = torch.nn
    modules: list[Any] = []
    owners: dict[str, Any] = {}
    network = scenario.network
    for layer in network.layers:
        kind = layer.kind
        if kind in ("conv1d", "conv2d"):
            g = layer.geometry
            dims = g.dims
            pick = (lambda v: v[1]) if dims == 1 else (lambda v: tuple(v))
            cls = nn.Conv1d if dims == 1 else nn.Conv2d
            module = cls(g.channels, layer.filters, pick(g.kernel), stride=pick(g.stride),
                         padding=pick(g.padding), dtype=torch.float64)
        elif kind == "dense":
            if len(layer.in_shape) > 1:
                modules.append(nn.Flatten())
            module = nn.Linear(layer.inputs, layer.units, dtype=torch.float64)
        elif kind == "flatten":
            module = nn.Flatten()
        else:  # pools
            g = layer.geometry
            dims = g.dims
            pick = (lambda v: v[1]) if dims == 1 else (lambda v: tuple(v))
            cls = {("max", 1): nn.MaxPool1d, ("max", 2): nn.MaxPool2d, ("avg", 1): nn.AvgPool1d,
                   ("avg", 2): nn.AvgPool2d}[(layer.mode, dims)]
            module = cls(pick(g.kernel), stride=pick(g.stride))
        modules.append(module)
        if layer.has_params:
            owners[layer.name] = module
            with torch.no_grad():
                module.weight.copy_(torch.from_numpy(scenario.params[layer.name]["weight"]))
                module.bias.copy_(torch.from_numpy(scenario.params[layer.name]["bias"]))
        act = layer.activation.name if layer.activation is not None else "linear"
        if act == "softmax":
            if layer is not network.layers[-1] or network.loss.name != "cross_entropy":
                raise SystemExit("this twin supports softmax only as the cross-entropy output")
        elif act != "linear":
            modules.append({"relu": nn.ReLU(), "sigmoid": nn.Sigmoid(), "tanh": nn.Tanh()}[act])
    model = nn.Sequential(*modules)
    plist = list(model.parameters())
    lr = scenario.learning_rate
    tx = torch.from_numpy(np.ascontiguousarray(x))
    labels = y.argmax(axis=1)
    one_hot = np.array_equal(y, np.eye(y.shape[1])[labels])
    ty = torch.from_numpy(labels) if one_hot else torch.from_numpy(np.ascontiguousarray(y))

    def step() -> float:
        loss = F.cross_entropy(model(tx), ty)  # softmax + cross-entropy from the logits, batch mean
        loss.backward()
        with torch.no_grad():
            for p in plist:
                p -= lr * p.grad
                p.grad = None
        return loss.item()

    return torch, step, owners


def ours_step(scenario, x: np.ndarray, y: np.ndarray) -> Callable[[], float]:
    network, lr = scenario.network, scenario.learning_rate
    state = {"params": scenario.params}

    def step() -> float:
        state["params"], loss, _ = train_step(network, state["params"], x, y, lr)
        return loss

    return step


def agreement(scenario, x: np.ndarray, y: np.ndarray, twin) -> float:
    """One step of each from the same weights: the largest difference in loss and parameters."""
    _, torch_step, owners = twin
    new_params, loss, _ = train_step(scenario.network, scenario.params, x, y, scenario.learning_rate)
    t_loss = torch_step()
    worst = abs(loss - t_loss)
    for name, module in owners.items():
        for pname in ("weight", "bias"):
            theirs = getattr(module, pname).detach().numpy()
            worst = max(worst, float(np.max(np.abs(new_params[name][pname] - theirs))))
    print(f"  agreement after one step: loss ours {loss:.15f}, torch {t_loss:.15f}; "
          f"largest difference {worst:.1e}")
    return worst


def interleaved(steps: dict[str, Callable[[], float]], rounds: int, iterations: int) -> dict[str, list[float]]:
    """Per-round mean µs per call of each step, the steps taking turns within each round."""
    for step in steps.values():
        for _ in range(max(3, iterations // 5)):
            step()
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            start = time.perf_counter_ns()
            for _ in range(iterations):
                step()
            times[name].append((time.perf_counter_ns() - start) / iterations / 1000.0)
    return times


def compare(title: str, scenario, batch: int, goal: float, rounds: int, threads: int,
            data: tuple[np.ndarray, np.ndarray] | None = None) -> dict[str, float]:
    """Time ours (and torch when installed) at ``batch``; print medians and the ratio."""
    x, y = data if data is not None else (scenario.samples.x[:batch], scenario.samples.y[:batch])
    print(f"{title}, batch {batch}:")
    steps = {"ours": ours_step(scenario, x, y)}
    twin = torch_twin(scenario, x, y, threads)
    if twin is not None:
        if agreement(scenario, x, y, twin) > TOLERANCE:
            print(f"  DISAGREEMENT over {TOLERANCE:g}: not timing", file=sys.stderr)
            raise SystemExit(1)
        steps["torch"] = twin[1]
    iterations = max(5, min(2000, int(20000 / (batch * scenario.network.parameter_count ** 0.5))))
    times = interleaved(steps, rounds, iterations)
    ours = statistics.median(times["ours"])
    print(f"  ours  (train_step)       median {ours:9.1f} µs per iteration "
          f"({rounds} rounds × {iterations})")
    if twin is None:
        print("  torch: skipped (PyTorch is not installed)")
        return {"ours": ours}
    theirs = statistics.median(times["torch"])
    ratio = ours / theirs
    per_round = statistics.median(o / t for o, t in zip(times["ours"], times["torch"]))
    verdict = "meets" if ratio <= goal else "misses"
    speed = f"{1 / ratio:.2f}× faster" if ratio < 1 else f"{ratio:.2f}× slower"
    print(f"  torch (eager, float64)   median {theirs:9.1f} µs per iteration")
    print(f"  ours/torch {ratio:.3f} ({speed}; median of per-round ratios {per_round:.3f}): "
          f"{verdict} the goal ours/torch ≤ {goal:g}")
    return {"ours": ours, "torch": theirs, "ratio": ratio}


def header(threads: int) -> None:
    torch = torch_module()
    tv = f"PyTorch {torch.__version__} eager float64" if torch is not None else "PyTorch not installed"
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {tv}; {platform.machine()}, "
          f"{os.cpu_count()} CPUs; threads: {threads} for both (OPENBLAS_NUM_THREADS="
          f"{os.environ.get('OPENBLAS_NUM_THREADS', '(unset)')}, torch.set_num_threads({threads}))")


def time_cli_training(name: str) -> None:
    """Run ``cnn-tui train NAME`` in a fresh process; print its wall time and last line."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tui.cli", "train", name], capture_output=True,
                          text=True, check=False)
    wall = time.perf_counter() - start
    if done.returncode != 0:
        print(f"cnn-tui train {name} failed ({done.returncode}): {done.stderr.strip()}")
        return
    last = done.stdout.strip().splitlines()[-1]
    match = re.search(r"held-out accuracy ([\d.]+)%", last)
    accuracy = f"held-out accuracy {match.group(1)}%" if match else "no held-out accuracy printed"
    print(f"cnn-tui train {name}: {wall:.2f} s wall time (goal < 30 s), {accuracy} (goal ≥ 95%)")
    print(f"  last epoch: {last}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--no-train", action="store_true", help="skip the end-to-end cnn-tui train run")
    args = parser.parse_args()
    header(args.threads)
    scenario = load("digits")
    print(f"digits: {scenario.network.parameter_count} parameters, "
          f"{' → '.join(layer.describe() for layer in scenario.network.layers)}")
    compare("digits", scenario, 1, 0.5, args.rounds, args.threads)
    compare("digits", scenario, 64, 1.3, args.rounds, args.threads)
    if not args.no_train:
        time_cli_training("digits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
