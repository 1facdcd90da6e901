"""NumPy's own float sums (and a test) of a few values, in Python: a NumPy reduction costs more than half
a microsecond even for two values, several times the few additions themselves.

Below ``SEQUENTIAL`` values NumPy's sum (its pairwise summation's base case) adds them one
after another to 0.0, in order; from there on it keeps eight partial sums, so only short
runs take this route. The same float additions in the same order give the same float, to
the bit (signed zeros, ∞ and NaN included); tests/core/test_tiny_step_routes.py checks it
against ``np.add.reduce``.
"""

from __future__ import annotations

SEQUENTIAL = 8  # fewer values than this: NumPy adds them in order, from 0.0


def sequential_sum(values: list[float]) -> float:
    """0.0 + v₀ + v₁ + …, in this order: ``np.add.reduce`` of fewer than SEQUENTIAL values."""
    total = 0.0
    for v in values:
        total += v
    return total


def all_positive(values: list[float]) -> bool:
    """Whether every value is > 0: ``np.minimum.reduce(values) > 0`` (a NaN fails both)."""
    for v in values:
        if not v > 0.0:
            return False
    return True
