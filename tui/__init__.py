"""cnn-tui's front ends: the ``cnn-tui`` command (headless commands) and the Textual app.

Importing this package, or ``tui.cli``, never imports Textual: only launching the TUI does.

It does set OpenBLAS to one thread (unless the environment already says how many), before
anything loads NumPy: the engine's matrices are small (a conv layer's [16, 144]·[144, 1024]),
where BLAS threads cost more than they win, ten times more on a busy two-core machine
(benchmarks/bench_digits_modern.py); and one thread keeps every product's floats the same
from run to run and machine load to machine load: on two threads OpenBLAS splits some
products otherwise (an [800, 400]·[400, 800] product differs in its last bits), and the
stepper, the trainer and a saved run must agree to the bit.
"""

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
