"""Issue 15's digits ratios: training iterations of the bundled ``digits`` CNN at batch 1
and 64 against the same network in PyTorch.

For each batch size: ``Trainer.step`` and ``cnn-tui train`` end to end per iteration (a
copy of digits with that batch size; the epochs' statistics and held-out evaluation are
in the figure), each against PyTorch (eager, float64; the faster of 1 thread and its
default), after both sides agree on one iteration to 1e-10. How each figure is taken:
``ratios.py``. Goals (issue 15): batch 1 ours/torch ≤ 0.3, batch 64 ≤ 0.7. Finally
``cnn-tui train digits`` as bundled (batch 8, 10 epochs): wall time and held-out
accuracy (goals of issue 4: under 30 s, at least 95%).

Run:  python benchmarks/bench_digits.py [--rounds 15] [--runs 3] [--no-train]

PyTorch is optional: without it only our figures are printed. A benchmark, not a test.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

from ratios import ROOT, header, report, scenario_file  # noqa: E402

from core.scenario.catalog import load  # noqa: E402

GOALS = {1: 0.3, 64: 0.7}
EPOCHS = {1: (1, 3), 64: (2, 22)}  # the two epoch counts of the end-to-end figure


def digits_at(batch: int) -> tuple[object, object]:
    """(scenario, its file): the bundled digits with ``batch_size`` changed, samples read
    from the bundled npz files."""
    text = (ROOT / "scenarios" / "digits.yaml").read_text(encoding="utf-8")
    data = ROOT / "scenarios" / "data"
    text = text.replace("batch_size: 8", f"batch_size: {batch}").replace("file: data/", f"file: {data}/")
    path = scenario_file(text)
    return load(str(path)), path


def time_cli_training(name: str) -> None:
    """Run ``cnn-tui train NAME`` in a fresh process; print its wall time and last line."""
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "tui.cli", "train", name], capture_output=True,
                          text=True, check=False, cwd=ROOT)
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
    parser.add_argument("--runs", type=int, default=3, help="runs of cnn-tui train per epoch count")
    parser.add_argument("--batch", type=int, nargs="+", default=[1, 64], choices=sorted(GOALS))
    parser.add_argument("--no-train", action="store_true", help="skip the end-to-end cnn-tui train figures")
    args = parser.parse_args()
    header()
    for batch in args.batch:
        scenario, path = digits_at(batch)
        report(f"digits, batch {batch}", scenario, path, GOALS[batch], args.rounds,
               0 if args.no_train else args.runs, EPOCHS[batch])
    if not args.no_train:
        time_cli_training("digits")
    return 0


if __name__ == "__main__":
    sys.exit(main())
