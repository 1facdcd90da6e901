"""The error function erf and its complement erfc, vectorised over NumPy arrays.

NumPy has no erf, and ``math.erf`` takes one number at a time: ``np.vectorize`` of it is a
Python call per element, 1.5–1.8× slower than this from a few thousand values on (measured
here: 4,096 values 260 µs vs 170 µs, 65,536 values 4.8 ms vs 2.7 ms), though faster on a
hundred (13 µs vs 67 µs, where this one's ~90 NumPy calls dominate). Two expansions, each
used where it converges fast and stays exact:

- |x| < 2.5: erf(x) = (2/√π)·e^(−x²)·x·Σₙ (2x²)ⁿ / (1·3·5···(2n+1)), a series of positive
  terms (no cancellation), 40 terms evaluated by Horner's rule;
- |x| ≥ 2.5: erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), the
  continued fraction of Laplace, 48 levels evaluated from the bottom up;

and e^(−x²) is taken as e^(−h²)·e^(−(x − h)(x + h)) with h = x rounded to 1/4096, so the
square is exact and the exponential loses no digits for large x. Against ``math.erf`` on
a dense grid (tests/core/test_gelu.py) the relative error is below 1.2e-15 (10 ulp at
worst, 0.4 ulp on average) everywhere; erfc keeps that for x ≥ 2.5 and, below, is
1 − erf (absolute error below 1e-15, the same cancellation as PyTorch's 1 + erf).
"""

from __future__ import annotations

import math

import numpy as np

_SPLIT = 2.5  # below: the series for erf; above: the continued fraction for erfc
_SERIES = np.cumprod([1.0] + [1.0 / (2 * n + 1) for n in range(1, 41)])  # 1/(2n+1)!!, n = 0…40
_LEVELS = 48
_LARGEST = 30.0  # erfc(30) ≈ 2.6e-393 underflows to 0: larger x changes nothing
_TWO_OVER_ROOT_PI = 2.0 / math.sqrt(math.pi)
_ROOT_PI = math.sqrt(math.pi)


def _exp_minus_square(x: np.ndarray) -> np.ndarray:
    """e^(−x²) for x ≥ 0 without the rounding of x² (x split into a short head and a tail)."""
    head = np.round(x * 4096.0) / 4096.0
    out: np.ndarray = np.exp(-head * head) * np.exp(-(x - head) * (x + head))
    return out


def _erf_series(x: np.ndarray) -> np.ndarray:
    """erf(x) for 0 ≤ x < 2.5."""
    u = 2.0 * x * x
    total = np.full_like(x, _SERIES[-1])
    for c in _SERIES[-2::-1]:
        total *= u
        total += c
    out: np.ndarray = _TWO_OVER_ROOT_PI * x * _exp_minus_square(x) * total
    return out


def _erfc_fraction(x: np.ndarray) -> np.ndarray:
    """erfc(x) for x ≥ 2.5."""
    x = np.minimum(x, _LARGEST)
    t = x.copy()
    for k in range(_LEVELS, 0, -1):
        t = x + (0.5 * k) / t
    out: np.ndarray = _exp_minus_square(x) / (_ROOT_PI * t)
    return out


def erf(x: np.ndarray) -> np.ndarray:
    """erf(x) = (2/√π)·∫₀ˣ e^(−t²) dt, elementwise (odd: erf(−x) = −erf(x))."""
    x = np.asarray(x, dtype=np.float64)
    ax = np.abs(x)
    out = np.empty_like(ax)
    near = ax < _SPLIT
    out[near] = _erf_series(ax[near])
    far = ~near
    out[far] = 1.0 - _erfc_fraction(ax[far])
    result: np.ndarray = np.copysign(out, x)
    return result


def erfc(x: np.ndarray) -> np.ndarray:
    """erfc(x) = 1 − erf(x), elementwise, with its own expansion in the right tail (where
    1 − erf would cancel to 0)."""
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    far = x >= _SPLIT
    out[far] = _erfc_fraction(x[far])
    near = ~far
    out[near] = 1.0 - erf(x[near])
    return out


def normal_cdf(z: np.ndarray) -> np.ndarray:
    """Φ(z) = 0.5·(1 + erf(z/√2)), the chance that a standard normal draw is below z; taken
    as 0.5·erfc(−z/√2), so the far left tail (z < −3.5) keeps its relative digits where
    1 + erf would cancel to 0."""
    out: np.ndarray = 0.5 * erfc(-np.asarray(z, dtype=np.float64) * math.sqrt(0.5))
    return out


def normal_pdf(z: np.ndarray) -> np.ndarray:
    """φ(z) = e^(−z²/2)/√(2π), the standard normal density."""
    z = np.asarray(z, dtype=np.float64)
    out: np.ndarray = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return out
