"""OpenBLAS's own threads inside one product, LeNet's products at batch 32 (issue 15).

Each of LeNet's larger matrix products (the operands' layouts as the engine passes them:
the weight gradients' transposed columns, the dense layer's transposed weight) is timed on
one OpenBLAS thread and on two, the count set around each call through NumPy's bundled
OpenBLAS (``openblas_set_num_threads_local``, found with ctypes: the thread count a product
would get from a per-shape rule), in interleaved rounds (1, 2, 1, 2, …): the median wall
and CPU time of the process per call, and whether two threads give one thread's floats.
``--busy N`` first starts N processes that each keep a CPU busy (``while True: pass``),
as other work on a shared machine would; they are ended at the end.

Run:  python benchmarks/blas_threads.py [--busy 1] [--calls 100] [--rounds 5]

A benchmark tool, not a test. Needs NumPy's bundled OpenBLAS (a wheel from PyPI).
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the app sets it, before NumPy loads

import argparse  # noqa: E402
import ctypes  # noqa: E402
import glob  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402


def thread_setter() -> Callable[[int], int]:
    """``openblas_set_num_threads_local`` of NumPy's bundled OpenBLAS (returns the last count)."""
    found = glob.glob(os.path.join(os.path.dirname(np.__file__), os.pardir, "numpy.libs", "libscipy_openblas*.so"))
    if not found:
        sys.exit("NumPy's bundled OpenBLAS was not found (numpy.libs/libscipy_openblas*.so)")
    setter = ctypes.CDLL(found[0]).openblas_set_num_threads_local
    setter.argtypes, setter.restype = [ctypes.c_int], ctypes.c_int
    return setter  # type: ignore[no-any-return]


def products() -> dict[str, Callable[[], object]]:
    """LeNet's products at batch 32, each as the engine calls it."""
    rng = np.random.default_rng(0)
    c1_cols, c1_d, c1_w = rng.random((25, 18432)), rng.random((6, 18432)), rng.random((6, 25))
    c2_cols, c2_d, c2_w = rng.random((150, 2048)), rng.random((16, 2048)), rng.random((16, 150))
    flat, f1_w = rng.random((32, 400)), rng.random((120, 400))
    c1_chunk = np.ascontiguousarray(c1_cols[:, :2304])
    outs = {name: np.empty(shape) for name, shape in (("c1f", (6, 18432)), ("c1c", (6, 2304)), ("c1g", (6, 25)),
                                                      ("c2f", (16, 2048)), ("c2g", (16, 150)),
                                                      ("c2i", (150, 2048)), ("f1f", (32, 120)))}
    return {
        "c1 forward, whole [6,25]·[25,18432]": lambda: np.matmul(c1_w, c1_cols, out=outs["c1f"]),
        "c1 forward, one chunk [6,25]·[25,2304]": lambda: np.matmul(c1_w, c1_chunk, out=outs["c1c"]),
        "c1 weight grad [6,18432]·[18432,25]ᵀ": lambda: np.dot(c1_d, c1_cols.T, out=outs["c1g"]),
        "c2 forward [16,150]·[150,2048]": lambda: np.matmul(c2_w, c2_cols, out=outs["c2f"]),
        "c2 weight grad [16,2048]·[2048,150]ᵀ": lambda: np.dot(c2_d, c2_cols.T, out=outs["c2g"]),
        "c2 input grad, whole [150,16]·[16,2048]": lambda: np.matmul(c2_w.T, c2_d, out=outs["c2i"]),
        "f1 forward [32,400]·[400,120]ᵀ": lambda: np.matmul(flat, f1_w.T, out=outs["f1f"]),
    }


def timed(product: Callable[[], object], threads: int, setter: Callable[[int], int], calls: int) -> tuple[float, float]:
    """(wall, CPU of the process) µs per call, the count set around each call as a rule would."""
    cpu, wall = time.process_time(), time.perf_counter()
    for _ in range(calls):
        setter(threads)
        product()
        setter(1)
    return (time.perf_counter() - wall) / calls * 1e6, (time.process_time() - cpu) / calls * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=0, help="processes keeping a CPU busy meanwhile")
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    setter = thread_setter()
    spinners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(args.busy)]
    try:
        time.sleep(0.2 if spinners else 0)
        load = " ".join(f"{v:.2f}" for v in os.getloadavg())
        print(f"NumPy {np.__version__}; {os.cpu_count()} CPUs; {args.busy} busy process(es); load average {load}")
        print("µs per call, median of the rounds: one thread wall (CPU) | two threads wall (CPU) | same floats")
        for name, product in products().items():
            product()
            one_floats = np.copy(product())  # type: ignore[call-overload]
            setter(2)
            two_floats = np.copy(product())  # type: ignore[call-overload]
            setter(1)
            figures: dict[int, list[tuple[float, float]]] = {1: [], 2: []}
            for _ in range(args.rounds):
                for threads in (1, 2):
                    figures[threads].append(timed(product, threads, setter, args.calls))
            (w1, c1), (w2, c2) = ((statistics.median(f[0] for f in figures[t]),
                                   statistics.median(f[1] for f in figures[t])) for t in (1, 2))
            same = one_floats.tobytes() == two_floats.tobytes()
            print(f"  {name:42s} {w1:7,.0f} ({c1:7,.0f}) | {w2:7,.0f} ({c2:7,.0f}) | {'yes' if same else 'no'}"
                  f"  two/one wall {w2 / w1:.2f}")
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
