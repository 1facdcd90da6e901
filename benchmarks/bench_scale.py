"""Time a scenario at the size issue 4 asks for: ~100,000 parameters and 10,000 samples.

Generated in a temp folder:

    input [1, 28, 28] → conv2d 8×5×5 relu → maxpool 2 → flatten → dense 86 relu
                      → dense 10 softmax, cross-entropy        (100,236 parameters)

with ``data.npz``: x [10000, 1, 28, 28] (random float32 in 0…1) and y [10000] labels. Two
versions of the YAML: ``seeded.yaml`` leaves the weights out (``seed`` + ``init: he``);
``full.yaml`` gives every weight and bias (written by ``core.scenario.save``, as the app
saves a scenario: ~2 MB of YAML holding 100k numbers; the limit is 10 MB), the hard case.

Timed, for each version:
- ``core.scenario.load.load_scenario`` in this process (median of ``--repeat``);
- ``cnn-tui check FILE`` end to end (a new process each time; median of ``--repeat``);
- the stepper's first full iteration (``Stepper(scenario).run_iteration()``, batch 1);
- the TUI in tmux 120×36 (as ``bench_tui_startup.py``): launch to first frame, and
  ``space`` keypress to repaint (as ``bench_tui_keys.py``; by kind of step).

Goals (issue 4): loads in under 2 s (load_scenario and cnn-tui check) and stays
responsive (a keypress under 150 ms, the goal for the biggest scenario).

Run:  python benchmarks/bench_scale.py [--repeat 3] [--presses 14] [--no-tui]
      [--keep DIR]  (write the files to DIR and keep them)

A benchmark, not a test: nothing here asserts speed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
from bench_tui_keys import report, tmux_presses  # noqa: E402
from bench_tui_startup import (  # noqa: E402
    TmuxServer,
    cnn_tui_command,
    ms,
    time_cnn_tui,
    timed,
    use_bytecode_cache,
)

from core.engine.stepper import Stepper  # noqa: E402
from core.scenario.load import load_scenario  # noqa: E402
from core.scenario.save import save_scenario  # noqa: E402

SAMPLES = 10_000
LOAD_GOAL = 2.0
KEY_GOAL = 0.150

SEEDED = """format: 1
name: bench-scale — 100k parameters, 10k samples
input: [1, 28, 28]
samples: {file: data.npz}
layers:
  - {name: conv, type: conv2d, filters: 8, kernel: 5, activation: relu}
  - {name: pool, type: maxpool2d, size: 2}
  - {name: flat, type: flatten}
  - {name: hidden, type: dense, units: 86, activation: relu}
  - {name: out, type: dense, units: 10, activation: softmax}
loss: cross_entropy
learning_rate: 0.01
seed: 0
init: he
"""


def write_files(folder: Path) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    x = rng.random((SAMPLES, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, SAMPLES)
    np.savez(folder / "data.npz", x=x, y=y)
    seeded = folder / "seeded.yaml"
    seeded.write_text(SEEDED, encoding="utf-8")
    full = folder / "full.yaml"
    save_scenario(load_scenario(seeded), full)
    return {"seeded": seeded, "full": full}


def check_cli(path: Path) -> None:
    done = subprocess.run([*cnn_tui_command(str(path))[:1], "check", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cnn-tui check {path}: {done.stderr.strip()}")


def verdict(seconds: float, goal: float) -> str:
    return f"(goal < {ms(goal)}: {'met' if seconds < goal else 'MISSED'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--presses", type=int, default=14)
    parser.add_argument("--no-tui", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as the environment sets it (TUI runs)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        files = write_files(folder)
        scenario = load_scenario(files["seeded"])
        print(f"network: {scenario.network.parameter_count:,} parameters; {len(scenario.samples):,} samples "
              f"(data.npz {os.path.getsize(folder / 'data.npz') / 1e6:.1f} MB); "
              + ", ".join(f"{k}.yaml {os.path.getsize(p) / 1e6:.2f} MB" for k, p in files.items()), flush=True)

        rows: list[str] = []
        for kind, path in files.items():
            load = timed(lambda p=path: load_scenario(p), args.repeat)
            check = timed(lambda p=path: check_cli(p), args.repeat)
            loaded = load_scenario(path)
            first = timed(lambda s=loaded: Stepper(s).run_iteration(), 1)
            rows.append(f"  {kind:<6} load_scenario {ms(load):>7} {verdict(load, LOAD_GOAL)}; "
                        f"cnn-tui check {ms(check):>7} {verdict(check, LOAD_GOAL)}; "
                        f"first iteration {ms(first)}")
            print(rows[-1], flush=True)

        tui: list[tuple[str, float, float, dict[str, list[float]]]] = []
        if not args.no_tui:
            with TmuxServer():
                use_bytecode_cache(None if args.no_bytecode_cache else os.path.join(tmp, "pycache"))
                for kind, path in files.items():
                    time_cnn_tui(str(path), f"warm-{kind}", timeout=120)  # untimed: fills the caches
                    first, status = time_cnn_tui(str(path), f"launch-{kind}", timeout=120)
                    print(f"  {kind:<6} TUI launch to first frame {ms(first)}", flush=True)
                    presses = tmux_presses(str(path), args.presses, "space", f"keys-{kind}",
                                           launch_timeout=120)
                    tui.append((kind, first, status, presses))

    print()
    print(f"scale (issue 4): {scenario.network.parameter_count:,} parameters, {SAMPLES:,} samples; "
          f"medians of {args.repeat}")
    for row in rows:
        print(row)
    for kind, first, status, presses in tui:
        print(f"  {kind:<6} TUI in tmux 120×36: launch to first frame {ms(first)} (status line {ms(status)})")
        report(f"{kind:<6} TUI 'space' keypress to repaint", presses, KEY_GOAL)


if __name__ == "__main__":
    main()
