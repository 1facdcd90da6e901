"""Time a network of 5,000 layers: opening it in the TUI, a step, and the headless commands.

Generated in a temp folder (issue 15 asks for a 5,000-layer scenario):

    input [4] → 4,999 × dense 4 tanh → dense 2 softmax, cross-entropy     (99,990 parameters)

one sample, weights from a seed (``init: xavier``). The same network with ``--small``
layers (1,000 by default) is timed too: with costs linear in the number of layers, the
ratio of the two figures is about the ratio of the sizes (5×).

Timed:
- ``core.scenario.load.load_scenario`` in this process, and one forward step and one whole
  iteration of the stepper (``Stepper.step_forward``, ``run_iteration``);
- ``cnn-tui check FILE`` and ``cnn-tui solve FILE --format json`` end to end (a new process
  each time; median of ``--repeat``);
- the TUI in tmux 120×36 (as ``bench_tui_startup.py``): launch to first frame, and the
  ``space`` keypress to repaint (as ``bench_tui_keys.py``), ``--presses`` times: the
  forward steps of the first layers, past the panels mounted at first (the window of
  panels moves on the way).

Goals (issue 15): open in the TUI ≤ 3 s, one forward step ≤ 0.5 s; check and solve linear.

Run:  python benchmarks/bench_deep.py [--layers 5000] [--small 1000] [--repeat 3]
      [--presses 30] [--no-tui] [--keep DIR]

A benchmark, not a test: nothing here asserts speed.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from bench_tui_keys import tmux_presses  # noqa: E402
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

OPEN_GOAL = 3.0
STEP_GOAL = 0.5


def deep_yaml(layers: int) -> str:
    lines = ["format: 1", f"name: bench-deep — {layers:,} small dense layers", "input: [4]", "samples:",
             "  - x: [0.1, 0.2, 0.3, 0.4]", "    y: [1, 0]", "layers:"]
    lines += [f"  - {{name: d{i}, type: dense, units: 4, activation: tanh}}" for i in range(layers - 1)]
    lines += ["  - {name: out, type: dense, units: 2, activation: softmax}", "loss: cross_entropy",
              "learning_rate: 0.1", "seed: 0", "init: xavier"]
    return "\n".join(lines) + "\n"


def command(*args: str) -> None:
    done = subprocess.run([cnn_tui_command("")[0], *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"cnn-tui {' '.join(args)}: {done.stderr.strip()[-300:]}")


def headless(path: Path, repeat: int) -> dict[str, float]:
    figures = {"load_scenario": timed(lambda: load_scenario(path), repeat)}
    scenario = load_scenario(path)
    figures["forward step"] = timed(lambda: Stepper(scenario).step_forward(), repeat)
    figures["whole iteration"] = timed(lambda: Stepper(scenario).run_iteration(), repeat)
    figures["cnn-tui check"] = timed(lambda: command("check", str(path)), repeat)
    figures["cnn-tui solve --format json"] = timed(lambda: command("solve", str(path), "--format", "json"), repeat)
    return figures


def verdict(seconds: float, goal: float) -> str:
    return f"(goal ≤ {ms(goal)}: {'met' if seconds <= goal else 'MISSED'})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--layers", type=int, default=5000)
    parser.add_argument("--small", type=int, default=1000, help="the smaller network, for the ratio")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--presses", type=int, default=30)
    parser.add_argument("--no-tui", action="store_true")
    parser.add_argument("--keep", metavar="DIR", help="write the files here and keep them")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE as the environment sets it (TUI runs)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        os.environ["XDG_STATE_HOME"] = os.path.join(tmp, "state")  # no recovery journal of ours is left behind
        paths = {}
        for n in (args.small, args.layers):
            paths[n] = folder / f"deep-{n}.yaml"
            paths[n].write_text(deep_yaml(n), encoding="utf-8")
        figures = {n: headless(p, args.repeat) for n, p in paths.items()}
        print(f"headless, medians of {args.repeat}:", flush=True)
        for what in figures[args.layers]:
            small, big = figures[args.small][what], figures[args.layers][what]
            print(f"  {what:<28} {args.small:>5,} layers {ms(small):>8}   {args.layers:,} layers {ms(big):>8}   "
                  f"ratio {big / small:.1f}", flush=True)

        if not args.no_tui:
            with TmuxServer():
                use_bytecode_cache(None if args.no_bytecode_cache else os.path.join(tmp, "pycache"))
                target = str(paths[args.layers])
                time_cnn_tui(target, "warm-deep", timeout=300)  # untimed: fills the caches
                opens = [time_cnn_tui(target, f"open-deep{i}", timeout=300)[0] for i in range(args.repeat)]
                presses = tmux_presses(target, args.presses, "space", "keys-deep", launch_timeout=300)
            every = [t for ts in presses.values() for t in ts]
            print(f"TUI in tmux 120×36, {args.layers:,} layers:")
            print(f"  launch to first frame: median {ms(statistics.median(opens))} of {args.repeat} "
                  f"{verdict(statistics.median(opens), OPEN_GOAL)}")
            if every:
                print(f"  'space' (a forward step) to repaint: median {ms(statistics.median(every))}, "
                      f"max {ms(max(every))} over {len(every)} presses {verdict(statistics.median(every), STEP_GOAL)}")


if __name__ == "__main__":
    main()
