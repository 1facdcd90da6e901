"""Loss functions on a batch ``[B, n]``: the batch-mean value and ∂E/∂out.

With batch size B the loss is the mean of the per-sample losses, so every gradient
carries the factor 1/B (contract §2).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

_TINY = np.finfo(np.float64).tiny


def _safe_log(a: np.ndarray) -> np.ndarray:
    result: np.ndarray = np.log(np.maximum(a, _TINY))
    return result


def cross_entropy(out: np.ndarray, y: np.ndarray) -> float:
    """C = −Σ_i y_i ln a_i, averaged over the batch (a floored at the tiniest float)."""
    # y_i = 0 contributes nothing even where ln a_i is huge
    result: float = float(-np.where(y != 0, y * _safe_log(out), 0.0).sum()) / out.shape[0]
    return result


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
    result: float = float(-(y * log_a).sum()) / z.shape[0]  # the batch mean
    return result


def cross_entropy_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂C/∂a_i = −y_i / a_i (divided by B); a is floored at the tiniest float to stay finite."""
    result: np.ndarray = -y / np.maximum(out, _TINY) / out.shape[0]
    return result


def sigmoid_cross_entropy(z: np.ndarray, y: np.ndarray) -> float:
    """Cross-entropy of sigmoid(z) from the logits: −y·ln σ(z) = y·ln(1 + e^(−z)), finite for any z."""
    result: float = float((y * np.logaddexp(0.0, -z)).sum()) / z.shape[0]
    return result


def squared_error(out: np.ndarray, y: np.ndarray) -> float:
    """E = ½ Σ_i (y_i − out_i)², averaged over the batch."""
    result: float = 0.5 * float(((y - out) ** 2).sum()) / out.shape[0]
    return result


def squared_error_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂E/∂out_i = out_i − y_i (divided by B)."""
    result: np.ndarray = (out - y) / out.shape[0]
    return result


def mse(out: np.ndarray, y: np.ndarray) -> float:
    """E = mean_i (y_i − out_i)², averaged over the batch."""
    return float(((y - out) ** 2).sum()) / out.size


def mse_grad(out: np.ndarray, y: np.ndarray) -> np.ndarray:
    """∂E/∂out_i = 2·(out_i − y_i)/n (divided by B)."""
    result: np.ndarray = 2.0 * (out - y) / out.shape[-1] / out.shape[0]
    return result


Pair = tuple[str, str]  # (symbolic, with numbers)
Num = Callable[[float], str]  # how explain writes a number


@dataclass(frozen=True)
class LossText:
    """What a loss's formula builders get for one output i of one sample: the symbols
    of y_i and a_i, their values, n (the outputs per sample) and explain's writers."""

    y: str
    a: str
    y_value: float
    a_value: float
    count: int
    n: Num  # a number
    p: Num  # a number as a factor (negatives in parentheses)


@dataclass(frozen=True)
class Loss:
    """A loss, one entry: value, gradient, the texts a derivation shows and its torch form.

    ``term`` writes one output's term of the per-sample sum, ``sample`` wraps the joined
    terms ``(symbolic, numbers)`` into the per-sample loss, ``grad_text`` writes ∂E/∂a_i
    (core/explain adds the batch factor); ``torch`` is the PyTorch expression of the
    batch-mean loss of ``out`` [B, n] against ``y``.
    """

    name: str
    value: Callable[..., float]
    grad: Callable[[np.ndarray, np.ndarray], np.ndarray]
    symbol: str  # C or E
    formula: str  # the per-sample loss, symbolic
    grad_formula: str  # ∂E/∂a_i, symbolic (per sample)
    term: Callable[[LossText], Pair]
    sample: Callable[[Pair, int], Pair]
    grad_text: Callable[[LossText], Pair]
    torch: str
    short: str  # a panel's title: CE, SE, MSE
    distribution: bool = False  # its targets must be ≥ 0 and sum to 1 (checked at load and on edits)


_TABLE = {entry.name: entry for entry in (
    Loss("cross_entropy", cross_entropy, cross_entropy_grad, "C", "−Σ_i y_i·ln a_i", "−y_i / a_i",
         lambda t: (f"{t.y}·ln {t.a}", f"{t.p(t.y_value)}·ln {t.n(t.a_value)}"),
         lambda s, n: (f"−({s[0]})", f"−({s[1]})"),
         lambda t: (f"−{t.y} / {t.a}", f"−{t.p(t.y_value)} / {t.p(t.a_value)}"),
         "-(y * torch.log(out)).sum(dim=1).mean()", "CE", distribution=True),
    Loss("squared_error", squared_error, squared_error_grad, "E", "½·Σ_i (y_i − a_i)²", "a_i − y_i",
         lambda t: (f"({t.y} − {t.a})²", f"({t.n(t.y_value)} − {t.n(t.a_value)})²"),
         lambda s, n: (f"½·({s[0]})", f"½·({s[1]})"),
         lambda t: (f"({t.a} − {t.y})", f"({t.n(t.a_value)} − {t.n(t.y_value)})"),
         "(0.5 * ((y - out) ** 2).sum(dim=1)).mean()", "SE"),
    Loss("mse", mse, mse_grad, "E", "(1/n)·Σ_i (y_i − a_i)²", "2·(a_i − y_i)/n",
         lambda t: (f"({t.y} − {t.a})²", f"({t.n(t.y_value)} − {t.n(t.a_value)})²"),
         lambda s, n: (f"({s[0]}) / {n}", f"({s[1]}) / {n}"),
         lambda t: (f"2·({t.a} − {t.y}) / {t.count}", f"2·({t.n(t.a_value)} − {t.n(t.y_value)}) / {t.count}"),
         "((y - out) ** 2).mean(dim=1).mean()", "MSE"),
)}

LOSSES = tuple(_TABLE)


def get_loss(name: str) -> Loss:
    """Look up a loss by name (one of LOSSES)."""
    return _TABLE[name]
