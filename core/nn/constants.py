"""0 and 1 as read-only 0-d float64 arrays, for the operands of small arrays' ufuncs.

NumPy 2 converts a Python float operand anew on every ufunc call (its type found, a value
made), about 130 ns, which is a third of a ufunc's whole cost on a few values; an array
operand is taken as it is. The same float64 arithmetic either way, so the same floats.
"""

from __future__ import annotations

import numpy as np


def _constant(value: float) -> np.ndarray:
    array = np.array(value, dtype=np.float64)
    array.flags.writeable = False  # shared by every caller: nothing may write in it
    return array


ZERO = _constant(0.0)
ONE = _constant(1.0)
