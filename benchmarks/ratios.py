"""Issue 15's training ratios, cnn-tui / PyTorch per iteration, shared by the engine benchmarks.

For one scenario at one batch size this measures, side by side in one run:

- ``Trainer.step`` (forward, loss, backward, update: what ``cnn-tui train`` runs per
  iteration), in this process, with OpenBLAS on one thread as the app sets it, one pass
  over each batch (as the TUI trains), and, where the command works a large batch in two
  halves on two processes (core/engine/batch_halves.py), so too;
- the same network in PyTorch (eager, float64, same weights, same optimizer), at one
  thread and at torch's default thread count; the PyTorch figure is the faster of the
  two. Ours and torch on one thread take turns round by round, so a busy machine slows
  them alike; torch on its default threads runs after them (its idle threads spin). Each
  figure is the median over rounds of a round's mean time per iteration;
- ``cnn-tui train`` end to end per iteration: the command run in fresh processes for a
  few epochs and for more epochs, the difference in wall time divided by the difference
  in iterations (start-up cancels out; the epochs' statistics, held-out evaluation and
  progress bar stay in). Each is the median of ``--runs`` runs.

Before timing, one iteration of each side from the same start must agree on the loss and
every updated parameter (to 1e-10; 1e-8 with Adam, see ADAM_TOLERANCE). The ratios
printed are ours/torch: below 1 is faster. A benchmark, not a test: nothing here asserts
speed.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it (tui/__init__.py), before NumPy

import platform  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from core.engine.batch_halves import halves_pay  # noqa: E402
from core.engine.training import Trainer  # noqa: E402
from core.nn import halves  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TOLERANCE = 1e-10
# Adam's first update is about α·g/|g|: where a gradient is ~1e-17 (rounding noise in both
# engines) the step's size is decided by that noise, so its parameters agree less closely
ADAM_TOLERANCE = 1e-8


def torch_module() -> Any:
    try:
        import torch
    except ImportError:
        return None
    return torch


_TORCH_DEFAULT_THREADS: int | None = None


def torch_default_threads() -> int:
    """torch's own thread count, read before anything here changes it."""
    global _TORCH_DEFAULT_THREADS
    torch = torch_module()
    if _TORCH_DEFAULT_THREADS is None and torch is not None:
        _TORCH_DEFAULT_THREADS = torch.get_num_threads()
    return _TORCH_DEFAULT_THREADS or 1


def header() -> None:
    torch = torch_module()
    tv = f"PyTorch {torch.__version__} eager float64" if torch is not None else "PyTorch not installed"
    threads = torch_default_threads()
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    print(f"Python {platform.python_version()}, NumPy {np.__version__}, {tv}; {platform.machine()}, "
          f"{os.cpu_count()} CPUs; load average {load}")
    print(f"ours: OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}, large layers in two halves on "
          f"{halves.threads()} thread(s), large weight gradients beside the backward pass "
          f"{'on' if halves.later_on() else 'off'} "
          f"(core.nn.halves); torch: the faster of 1 thread and its default ({threads})")


# --- the PyTorch twin -------------------------------------------------------------------
def torch_twin(scenario: Any) -> tuple[Callable[[np.ndarray, np.ndarray], float], dict[str, Any]] | None:
    """(step on a batch, parameter owners by layer name) of the scenario's network in PyTorch,
    with its weights, running statistics and optimizer (sgd without momentum, or adam)."""
    torch = torch_module()
    if torch is None:
        return None
    import torch.nn.functional as F  # noqa: N812

    torch_default_threads()
    nn = torch.nn
    modules: list[Any] = []
    owners: dict[str, Any] = {}
    network = scenario.network
    for layer in network.layers:
        if network.sources.get(layer.name):
            raise SystemExit("this twin supports a chain of layers only")
        kind = layer.kind
        dims = getattr(getattr(layer, "geometry", None), "dims", 2)
        pick = (lambda v: v[1]) if dims == 1 else (lambda v: tuple(v))
        if kind in ("conv1d", "conv2d"):
            g = layer.geometry
            cls = nn.Conv1d if dims == 1 else nn.Conv2d
            module = cls(g.channels, layer.filters, pick(g.kernel), stride=pick(g.stride),
                         padding=pick(g.padding), dtype=torch.float64)
        elif kind == "dense":
            if len(layer.in_shape) > 1:
                modules.append(nn.Flatten())
            module = nn.Linear(layer.inputs, layer.units, dtype=torch.float64)
        elif kind == "flatten":
            module = nn.Flatten()
        elif kind in ("batchnorm1d", "batchnorm2d"):
            cls = nn.BatchNorm1d if kind == "batchnorm1d" else nn.BatchNorm2d
            module = cls(layer.channels, eps=layer.eps, momentum=layer.momentum, dtype=torch.float64)
            with torch.no_grad():
                state = scenario.layer_state.get(layer.name) or layer.initial_state()
                module.running_mean.copy_(torch.from_numpy(np.array(state["running_mean"])))
                module.running_var.copy_(torch.from_numpy(np.array(state["running_var"])))
        else:  # pools
            g = layer.geometry
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
    model = nn.Sequential(*modules).train()
    plist = list(model.parameters())
    options = scenario.optimizer.options
    lr = scenario.learning_rate
    if scenario.optimizer.type == "adam":
        optimizer = torch.optim.Adam(plist, lr=lr, betas=tuple(options["betas"]), eps=options["eps"],
                                     weight_decay=options["weight_decay"], foreach=False)
    elif scenario.optimizer.type == "sgd" and options.get("momentum", 0) == 0:
        optimizer = None
    else:
        raise SystemExit("this twin supports plain sgd and adam")
    tensors: dict[int, tuple[Any, Any]] = {}

    def tensor_batch(x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
        key = id(x)
        if key not in tensors:
            labels = y.argmax(axis=1)
            one_hot = np.array_equal(y, np.eye(y.shape[1])[labels])
            ty = torch.from_numpy(labels) if one_hot else torch.from_numpy(np.ascontiguousarray(y))
            tensors[key] = (x, (torch.from_numpy(np.ascontiguousarray(x)), ty))
        return tensors[key][1]

    def step(x: np.ndarray, y: np.ndarray) -> float:
        tx, ty = tensor_batch(x, y)
        loss = F.cross_entropy(model(tx), ty)  # softmax + cross-entropy from the logits, batch mean
        if optimizer is not None:
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            return float(loss.item())
        loss.backward()
        with torch.no_grad():
            for p in plist:
                p -= lr * p.grad
                p.grad = None
        return float(loss.item())

    return step, owners


def agreement(scenario: Any, step: Callable[[np.ndarray, np.ndarray], float], owners: dict[str, Any]) -> float:
    """One ``Trainer.step`` and one torch step from the same start on the first batch: the
    largest difference in loss and updated parameters."""
    trainer = Trainer(scenario)
    x, y = trainer.batch(1)
    loss = trainer.step()
    t_loss = step(x, y)
    worst = abs(loss - t_loss)
    params = trainer.params
    for name, module in owners.items():
        for pname in ("weight", "bias"):
            theirs = getattr(module, pname).detach().numpy()
            worst = max(worst, float(np.max(np.abs(params[name][pname] - theirs))))
    print(f"  agreement after one iteration: loss ours {loss:.15f}, torch {t_loss:.15f}; "
          f"largest difference {worst:.1e}")
    return worst


# --- timing -----------------------------------------------------------------------------
ROUND_SECONDS = 0.05  # the length of one round of one step, about


def calibrated(step: Callable[[], object]) -> int:
    """Iterations in a round of ``step``: about ROUND_SECONDS of it (warm-up included), so
    a slow variant (torch's threads on a busy machine) does not stretch the run."""
    count, spent = 0, 0.0
    while spent < ROUND_SECONDS / 2 and count < 5000:
        start = time.perf_counter()
        step()
        spent += time.perf_counter() - start
        count += 1
    return max(3, min(2000, int(count * ROUND_SECONDS / max(spent, 1e-9))))


def interleaved(steps: dict[str, Callable[[], object]], rounds: int,
                cpu: dict[str, list[float]] | None = None) -> dict[str, list[float]]:
    """Per-round mean µs per call of each step (wall clock), the steps taking turns within
    each round; ``cpu`` receives the same in the process's CPU time, every thread's (what the
    work costs whatever else the machine runs; where ours runs two halves side by side, the
    worker's time is in it, so it exceeds the wall clock)."""
    counts = {name: calibrated(step) for name, step in steps.items()}
    times: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(rounds):
        for name, step in steps.items():
            iterations = counts[name]
            start, start_cpu = time.perf_counter_ns(), time.process_time_ns()
            for _ in range(iterations):
                step()
            times[name].append((time.perf_counter_ns() - start) / iterations / 1000.0)
            if cpu is not None:
                cpu.setdefault(name, []).append((time.process_time_ns() - start_cpu) / iterations / 1000.0)
    return times


def step_figures(scenario: Any, rounds: int) -> dict[str, float]:
    """Median µs per iteration: ours (``Trainer.step``, one pass over each batch, as the TUI
    trains) and torch at 1 thread in turns, then torch at its default thread count on its
    own (its idle threads spin for a while after each step, which would slow whatever ran
    beside them), then, where ``cnn-tui train`` works the batch in two halves on two
    processes, ours so (wall clock only: the second process's CPU is not this one's)."""
    steps: dict[str, Callable[[], object]] = {"ours": Trainer(scenario).step}
    twin = torch_twin(scenario)
    default = torch_default_threads()
    if twin is not None:
        torch = torch_module()
        tolerance = ADAM_TOLERANCE if scenario.optimizer.type == "adam" else TOLERANCE
        torch.set_num_threads(1)
        if agreement(scenario, *twin) > tolerance:
            print(f"  DISAGREEMENT over {tolerance:g}: not timing", file=sys.stderr)
            raise SystemExit(1)
        torch_step, _ = torch_twin(scenario) or twin  # a fresh twin: the agreement step moved the first
        cursor = Trainer(scenario)  # the same batches as ours, in the same order

        def step_torch() -> float:
            x, y = cursor.batch(cursor.iteration)
            cursor.iteration += 1
            return torch_step(x, y)

        steps["torch 1 thread"] = step_torch
    cpu: dict[str, list[float]] = {}
    times = interleaved(steps, rounds, cpu)
    if twin is not None and default != 1:
        torch.set_num_threads(default)
        times[f"torch {default} threads"] = interleaved({"torch": step_torch}, rounds)["torch"]
        torch.set_num_threads(1)
        time.sleep(0.5)  # let its worker threads go idle before anything else is timed
    # as ``cnn-tui train`` runs it by default: a large batch in two halves, on two processes
    paired = Trainer(scenario, halves=halves_pay(scenario.network, scenario.batch_size))
    with paired.two_processes() as started:
        if started:
            times["ours in two processes"] = interleaved({"ours": paired.step}, rounds)["ours"]
    medians = {name: statistics.median(values) for name, values in times.items()}
    print(f"  per iteration, median of {rounds} rounds (about {ROUND_SECONDS * 1000:.0f} ms each): "
          + ", ".join(f"{name} {value:,.1f} µs" for name, value in medians.items()))
    if twin is not None:
        medians["torch"] = min(value for name, value in medians.items() if name.startswith("torch "))
        ours_cpu, torch_cpu = statistics.median(cpu["ours"]), statistics.median(cpu["torch 1 thread"])
        medians["cpu_ratio"], medians["ours_cpu"] = ours_cpu / torch_cpu, ours_cpu
        print(f"  CPU time of the process (all its threads), median: ours {ours_cpu:,.1f} µs, torch 1 thread "
              f"{torch_cpu:,.1f} µs: ours/torch {ours_cpu / torch_cpu:.2f} (the steady figure when the machine is "
              f"busy; ours on two threads spends more CPU than wall time)")
    return medians


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cli_per_iteration(path: Path, epochs: tuple[int, int], iterations_per_epoch: int,
                      runs: int) -> tuple[float, float] | None:
    """µs per iteration of ``cnn-tui train PATH`` end to end, (wall, CPU): (the median at the
    larger epoch count − at the smaller) / the iterations between them."""
    env = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    env.pop("OPENBLAS_NUM_THREADS", None)  # the command sets its own
    walls: dict[int, list[float]] = {e: [] for e in epochs}
    cpus: dict[int, list[float]] = {e: [] for e in epochs}
    for _ in range(runs):
        for e in epochs:  # alternating, so load drifts hit both alike
            start, start_cpu = time.perf_counter(), _children_cpu()
            done = subprocess.run([sys.executable, "-m", "tui.cli", "train", str(path), "--epochs", str(e)],
                                  capture_output=True, text=True, env=env, cwd=ROOT, check=False)
            walls[e].append(time.perf_counter() - start)
            cpus[e].append(_children_cpu() - start_cpu)
            if done.returncode != 0:
                print(f"  cnn-tui train failed: {done.stderr.strip()[-300:]}")
                return None
    low, high = epochs
    between = (high - low) * iterations_per_epoch / 1e6
    return ((statistics.median(walls[high]) - statistics.median(walls[low])) / between,
            (statistics.median(cpus[high]) - statistics.median(cpus[low])) / between)


def report(title: str, scenario: Any, path: Path | None, goal: float, rounds: int, runs: int,
           epochs: tuple[int, int]) -> dict[str, float]:
    """Print the step figures, the end-to-end figure and both ratios against the goal."""
    trainer = Trainer(scenario)
    per_epoch = trainer.iterations_per_epoch
    print(f"{title}: {scenario.network.parameter_count:,} parameters, batch {scenario.batch_size}, "
          f"{scenario.optimizer.type}, {len(scenario.samples)} samples ({per_epoch} iterations an epoch)")
    figures = step_figures(scenario, rounds)
    cli = None
    if path is not None and runs > 0:
        measured = cli_per_iteration(path, epochs, per_epoch, runs)
        if measured is not None:
            cli, cli_cpu = measured
            figures["cli"], figures["cli_cpu"] = cli, cli_cpu
            print(f"  cnn-tui train end to end: {cli:,.1f} µs per iteration, CPU {cli_cpu:,.1f} µs "
                  f"(epochs {epochs[0]} and {epochs[1]}, median of {runs} runs each)")
    if "torch" in figures:
        torch_figure = figures["torch"]
        step_ratio = figures["ours"] / torch_figure
        line = f"  ours/torch: Trainer.step {step_ratio:.2f}"
        if "ours in two processes" in figures:  # the step as the command runs it, which the goal is about
            figures["one_pass_ratio"] = step_ratio
            step_ratio = figures["ours in two processes"] / torch_figure
            line += f" (one pass; in two processes {step_ratio:.2f})"
        if cli is not None:
            figures["cli_ratio"] = cli / torch_figure
            line += f", cnn-tui train {cli / torch_figure:.2f}"
        verdict = "meets" if max(step_ratio, figures.get("cli_ratio", 0.0)) <= goal else "misses"
        print(f"{line} ({verdict} the goal ≤ {goal:g})")
        if cli is not None and "cpu_ratio" in figures:
            torch_cpu = figures["ours_cpu"] / figures["cpu_ratio"]
            figures["cli_cpu_ratio"] = figures["cli_cpu"] / torch_cpu
            print(f"  in CPU time against torch on 1 thread: Trainer.step {figures['cpu_ratio']:.2f}, "
                  f"cnn-tui train {figures['cli_cpu_ratio']:.2f}")
        figures["step_ratio"] = step_ratio
    return figures


def scenario_file(text: str, x: np.ndarray | None = None, labels: np.ndarray | None = None) -> Path:
    """Write scenario YAML (and its samples as ``samples.npz`` beside it) to a temp folder."""
    folder = Path(tempfile.mkdtemp(prefix="cnn-tui-bench-"))
    if x is not None and labels is not None:
        np.savez(folder / "samples.npz", x=x, y=labels)
    path = folder / "scenario.yaml"
    path.write_text(text, encoding="utf-8")
    return path
