"""Loss functions on a batch ``[B, n]``: the batch-mean value and ∂E/∂out.

With batch size B the loss is the mean of the per-sample losses, so every gradient
carries the factor 1/B (contract §2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

LOSSES = ("cross_entropy", "squared_error", "mse")
_TINY = np.finfo(np.float64).tiny


def _safe_log(a: np.ndarray) -> np.ndarray:
    return np.log(np.maximum(a, _TINY))


def cross_entropy(out: np.ndarray, y: np.ndarray) -> float:
    """C = −Σ_i y_i ln a_i, averaged over the batch (a floored at the tiniest float)."""
    # y_i = 0 contributes nothing even where ln a_i is huge
    return float(-np.where(y != 0, y * _safe_log(out), 0.0).sum()) / out.shape[0]


def softmax_cross_entropy(z: np.ndarray, y: np.ndarray, a: np.ndarray | None = None) -> float:
    """Cross-entropy of a = softmax(z): C = −Σ_i y_i·ln a_i, the batch mean.

    With the softmax output ``a`` at hand and no a_i underflowed to 0, ln a is taken
    directly; otherwise from the logits, ln a_i = z_i − ln Σ_k e^(z_k) (shifted by the
    maximum), which stays finite for any finite logits. Both agree to a few ulp.
    """
    if a is not None and a.min() > 0.0:
        log_a = np.log(a)
    else:
        shifted = z - z.max(axis=-1, keepdims=True)
        log_a = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    return float(-(y * log_a).sum()) / z.shape[0]  # the batch mean


def cross_entropy_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂C/∂a_i = −y_i / a_i (divided by B); a is floored at the tiniest float to stay finite."""
    return -y / np.maximum(out, _TINY) / out.shape[0]


def sigmoid_cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    """Cross-entropy of sigmoid(z) from the logits: −y·ln σ(z) = y·ln(1 + e^(−z)), finite for any z."""
    return float((y * np.logaddexp(0.0, -z)).sum()) / z.shape[0]


def squared_error(out: np.ndarray, y: np.ndarray) -> float:
    """E = ½ Σ_i (y_i − out_i)², averaged over the batch."""
    return 0.5 * float(((y - out) ** 2).sum()) / out.shape[0]


def squared_error_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂E/∂out_i = out_i − y_i (divided by B)."""
    return (out - y) / out.shape[0]


def mse(out: np.ndarray, y: np.ndarray) -> float:
    """E = mean_i (y_i − out_i)², averaged over the batch."""
    return float(((y - out) ** 2).sum()) / out.size


def mse_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂E/∂out_i = 2·(out_i − y_i)/n (divided by B)."""
    return 2.0 * (out - y) / out.shape[-1] / out.shape[0]


@dataclass(frozen=True)
class Loss:
    """A loss: value, gradient and the symbolic texts a derivation shows."""

    name: str
    value: Callable[..., float]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    symbol: str  # C or E
    formula: str  # the per-sample loss, symbolic
    grad_formula: str  # ∂E/∂a_i, symbolic (per sample)


_TABLE = {
    "cross_entropy": Loss("cross_entropy", cross_entropy, cross_entropy_grad, "C",
                          "−Σ_i y_i·ln a_i", "−y_i / a_i"),
    "squared_error": Loss("squared_error", squared_error, squared_error_grad, "E",
                          "½·Σ_i (y_i − a_i)²", "a_i − y_i"),
    "mse": Loss("mse", mse, mse_grad, "E", "(1/n)·Σ_i (y_i − a_i)²", "2·(a_i − y_i)/n"),
}


def get_loss(name: str) -> Loss:
    """Look up a loss by name (one of LOSSES)."""
    return _TABLE[name]
