"""Which of the engine's NumPy call forms let go of the GIL while they run (issue 15).

Two halves on two threads overlap only while neither holds the GIL, so a call that keeps it
serialises them however long it runs. The probe: with a switch interval of one second a
spinning Python thread can run only when the measuring thread lets go of the GIL of its
own accord; each form is called 20 times while the spinner waits, and the spinner's loop
count during those calls is printed (0: the form held the GIL throughout; a form that lets
go of it shows millions, and takes about a second per call, the spinner keeping the GIL
until the interval forces it back). Robust on a busy machine: it counts, it does not time.

Run:  python benchmarks/gil_calls.py

A benchmark tool, not a test.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it, before NumPy loads

import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
from numpy.lib.stride_tricks import as_strided  # noqa: E402

CALLS = 20


def forms() -> dict[str, Callable[[], object]]:
    """LeNet's call forms at batch 32, some enlarged so that each call lasts long enough."""
    rng = np.random.default_rng(0)
    grid = rng.random((64, 6, 12, 12))
    sb, sc, sy, sx = grid.strides
    windows = as_strided(grid, (6, 5, 5, 64, 8, 8), (sc, sy, sx, sb, sy, sx), writeable=False)
    cols = np.empty((150, 64 * 64))
    d, columns, wrows = rng.random((6, 18432)), rng.random((25, 18432)), np.empty((6, 25))
    weights, net = rng.random((16, 150)), np.empty((16, 64 * 64))
    x, w, out = rng.random((4096, 256)), rng.random((120, 256)), np.empty((4096, 120))
    delta, grad = rng.random((4096, 120)), np.empty((120, 256))
    a, b = rng.random(2_000_000), np.empty(2_000_000)
    return {
        "copyto(cols, windows): im2col": lambda: np.copyto(cols.reshape(windows.shape), windows),
        "np.add(a, a, out=b): a ufunc": lambda: np.add(a, a, out=b),
        "matmul(weights, cols, out=net): conv forward": lambda: np.matmul(weights, cols, out=net),
        "matmul(d, cols.T, out=): conv weight gradient before": lambda: np.matmul(d, columns.T, out=wrows),
        "np.dot(d, cols.T, out=): conv weight gradient now": lambda: np.dot(d, columns.T, out=wrows),
        "matmul(x, w.T): dense forward": lambda: np.matmul(x, w.T, out=out),
        "matmul(delta.T, x, out=): dense weight gradient": lambda: np.matmul(delta.T, x, out=grad),
        "np.dot(delta.T, x, out=)": lambda: np.dot(delta.T, x, out=grad),
    }


def spinner_loops(call: Callable[[], object]) -> int:
    """The spinner's loops while ``call`` runs CALLS times."""
    count = [0]
    stop = [False]

    def spin() -> None:
        while not stop[0]:
            count[0] += 1

    thread = threading.Thread(target=spin)
    thread.start()
    time.sleep(0.002)  # the spinner holds the GIL now; the interval hands it back
    before = count[0]
    for _ in range(CALLS):
        call()
    loops = count[0] - before
    stop[0] = True
    thread.join()
    return loops


def main() -> int:
    print(f"NumPy {np.__version__}, Python {sys.version.split()[0]}; load average {os.getloadavg()[0]:.2f}")
    sys.setswitchinterval(1.0)
    for name, call in forms().items():
        call()
        loops = spinner_loops(call)
        verdict = "holds the GIL" if loops == 0 else "lets go of it"
        print(f"  {name:56s} {loops:>12,d} spinner loops: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
