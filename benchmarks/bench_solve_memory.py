"""Peak memory of ``cnn-tui solve NAME --format text`` while it streams (issue 15: a
streamed text solve in ≤ 300 MB), and where it was.

Runs the command in a new process, its output counted and thrown away, and samples its
resident set (``VmRSS`` of /proc/PID/status) every ``--every`` seconds beside how much
text it had written by then; prints the samples where the resident set grew, then the
peak (``getrusage``'s ``ru_maxrss`` of the child), the CPU time, the wall time and the output's size.

Run:  python benchmarks/bench_solve_memory.py [NAME] [--iterations 1] [--every 0.5]
      (default: digits-modern, one iteration: ~930 MB of text, ~4 min of CPU)

A benchmark, not a test: nothing here asserts speed or memory. Linux only (/proc).
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _rss_kb(pid: int) -> int | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("name", nargs="?", default="digits-modern")
    parser.add_argument("--iterations", type=int, default=1)
    parser.add_argument("--every", type=float, default=0.5)
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    command = [sys.executable, "-m", "tui.cli", "solve", args.name, "--format", "text",
               "--iterations", str(args.iterations)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, env=env, cwd=ROOT)
    written = [0]

    def drain() -> None:
        assert process.stdout is not None
        while chunk := process.stdout.read(1 << 20):
            written[0] += len(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    highest = 0
    while process.poll() is None:
        rss = _rss_kb(process.pid)
        if rss is not None and rss > highest + 10_240:  # grown by 10 MB: say where
            highest = rss
            print(f"{time.perf_counter() - start:7.1f} s  RSS {rss / 1024:7.0f} MB  at {written[0] / 1e6:7.0f} MB "
                  "of text")
        time.sleep(args.every)
    status = process.returncode
    reader.join()
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"{args.name}, {args.iterations} iteration(s): exit {status}, {written[0] / 1e6:.1f} MB of text, "
          f"wall {wall:.1f} s, CPU {usage.ru_utime + usage.ru_stime:.1f} s, peak RSS {usage.ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
