"""The crash-recovery journal's cost: per recorded command, per training result, and replay.

Prints, for ``tiny-cnn`` and ``digits``: the median time a step takes with and without the
journal recording it (one flushed line each), the bytes per line, the bytes one training
result (``adopt``: every parameter, bit-exact) adds, and how long replaying 1,000 commands
takes at launch. Run from the repository root: ``python benchmarks/bench_journal.py``.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from core.engine import journal
from core.engine.stepper import Stepper
from core.scenario.catalog import load


def median_step(stepper: Stepper, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        stepper.step_next()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(name: str, rounds: int, folder: Path) -> None:
    plain = median_step(Stepper(load(name)), rounds)
    recorded = Stepper(load(name))
    writer = journal.JournalWriter(f"bench:{name}", "digest", folder)
    journal.record_commands(recorded, writer.append)
    with_journal = median_step(recorded, rounds)
    size_before = writer.path.stat().st_size
    recorded.adopt({k: dict(v) for k, v in recorded.params.items()}, recorded.iteration + 1, "training")
    adopt_bytes = writer.path.stat().st_size - size_before
    header_bytes = len(writer.path.read_bytes().split(b"\n", 1)[0]) + 1
    step_bytes = (size_before - header_bytes) / max(1, rounds)
    writer.close(delete=True)

    commands = [{"op": "step_next", "args": {}}] * 1000
    start = time.perf_counter()
    journal.replay(Stepper(load(name)), commands)
    replay_secs = time.perf_counter() - start
    params = sum(a.size for ps in recorded.params.values() for a in ps.values())
    print(f"{name:10} step {plain * 1e6:7.1f} µs, journaled {with_journal * 1e6:7.1f} µs "
          f"(+{(with_journal - plain) * 1e6:5.1f} µs) · ~{step_bytes:4.0f} B a step · "
          f"training result {adopt_bytes / 1024:6.1f} KiB for {params:,} parameters · "
          f"replay of 1,000 steps {replay_secs:5.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for name in ("tiny-cnn", "digits"):
            measure(name, args.rounds, Path(folder))


if __name__ == "__main__":
    main()
